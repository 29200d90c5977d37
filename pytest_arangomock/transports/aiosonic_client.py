"""A python-arango-async ``HTTPClient`` on aiosonic (``pip install 'pytest-arangomock[aiosonic]'``).

Takes aiosonic's own knobs: connection pool size, ``aiosonic.Timeouts``, ``verify_ssl`` (or
a custom ``ssl.SSLContext``), a proxy, a UNIX socket path, event hooks; or a caller-owned
``aiosonic.HTTPClient`` that is used as is and never closed here.

Connection failures (refused, reset, TLS verification, timeouts, unparseable replies)
raise ``arangoasync.exceptions.ClientConnectionError``, which the driver's host failover
relies on.

    client = ArangoClient(hosts=url, http_client=AiosonicHTTPClient(pool_size=10))
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import aiosonic
from aiosonic.connectors import TCPConnector
from aiosonic.exceptions import BaseTimeout, ConnectionDisconnected, HttpParsingError
from aiosonic.pools import PoolConfig
from aiosonic.proxy import Proxy
from aiosonic.timeout import Timeouts
from arangoasync.exceptions import ClientConnectionError
from arangoasync.http import HTTPClient
from arangoasync.request import Request
from arangoasync.response import Response

from ._http import Session, build_response, prepare, request_url

__all__ = ["AiosonicHTTPClient"]

# What aiosonic lets through when the peer cannot be reached or talked to.
_CONNECTION_ERRORS = (
    OSError,  # refused, reset, unreachable, ssl.SSLError (certificate verification)
    BaseTimeout,
    ConnectionDisconnected,
    HttpParsingError,
    asyncio.TimeoutError,
)


def _default_timeouts() -> Timeouts:
    """The driver's own defaults (60 s to connect, 300 s per request) in aiosonic's terms."""
    return Timeouts(sock_connect=60, sock_read=300, request_timeout=300)


class AiosonicHTTPClient(HTTPClient):
    """Sends python-arango-async requests with ``aiosonic.HTTPClient``.

    Args:
        pool_size: connections kept per host in the connector's pool.
        timeouts: ``aiosonic.Timeouts`` (default: 60 s connect, 300 s read and request).
        verify_ssl: ``False`` disables certificate verification.
        ssl_context: a custom ``ssl.SSLContext`` (e.g. trusting a private CA).
        proxy: an ``aiosonic.Proxy`` or a proxy URL (``http://user:pw@host:3128``).
        uds: connect through this UNIX socket instead of TCP.
        event_hooks: aiosonic's ``{"request": [...], "response": [...]}`` hooks.
        client: a caller-owned ``aiosonic.HTTPClient`` used for every host; the options
            above except ``ssl_context`` are then ignored and it is never closed here.
        compress_threshold: gzip request bodies of at least this many bytes.
    """

    def __init__(
        self,
        pool_size: int = 30,
        timeouts: Timeouts | None = None,
        verify_ssl: bool = True,
        ssl_context: ssl.SSLContext | None = None,
        proxy: Proxy | str | None = None,
        *,
        uds: str | None = None,
        event_hooks: Mapping[str, Sequence[Callable[..., Any]]] | None = None,
        client: aiosonic.HTTPClient | None = None,
        compress_threshold: int | None = None,
    ) -> None:
        self._pool_size = pool_size
        self._timeouts = timeouts or _default_timeouts()
        self._verify_ssl = verify_ssl
        self._ssl_context = ssl_context
        self._proxy = Proxy.from_url(proxy) if isinstance(proxy, str) else proxy
        self._uds = uds
        self._event_hooks = {k: list(v) for k, v in (event_hooks or {}).items()}
        self._client = client
        self._compress_threshold = compress_threshold

    def create_session(self, host: str) -> Session[aiosonic.HTTPClient]:
        """One aiosonic client (own connector and pool) per host, or the injected one."""
        if self._client is not None:
            return Session(host, self._client, owned=False)
        connector = TCPConnector(
            pool_configs={":default": PoolConfig(size=self._pool_size)},
            timeouts=self._timeouts,
            uds=self._uds,
        )
        client = aiosonic.HTTPClient(
            connector=connector,
            verify_ssl=self._verify_ssl,
            proxy=self._proxy,
            event_hooks=self._event_hooks,
        )
        return Session(host, client, owned=True)

    async def close_session(self, session: Session[aiosonic.HTTPClient]) -> None:
        """Close the connections of clients built here; an injected client stays open."""
        if session.owned:
            await session.client.aclose()
        session.closed = True

    async def send_request(
        self, session: Session[aiosonic.HTTPClient], request: Request
    ) -> Response:
        """Send ``request`` and read the whole body; connection failures are translated."""
        headers, body = prepare(request, self._compress_threshold)
        url = request_url(session.host, request)
        try:
            resp = await session.client.request(
                url,
                method=request.method.name,
                headers=headers,
                data=body or None,
                # aiosonic would wrap even a plain-HTTP connection in a given context
                ssl=self._ssl_context if url.startswith("https:") else None,
            )
            raw_body = await resp.content()
        except _CONNECTION_ERRORS as exc:
            raise ClientConnectionError(f"{type(exc).__name__}: {exc}") from exc
        return build_response(
            request,
            resp.url or url,
            resp.status_code,
            resp.reason,
            resp.raw_headers,
            raw_body,
        )
