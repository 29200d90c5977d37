"""A python-arango-async ``HTTPClient`` on httpx (``pip install 'pytest-arangomock[httpx]'``).

The constructor follows the httpx client python-arango-async's documentation sketches
(``limits``, ``timeout``, ``ssl_context``), so code written against that sketch runs
unchanged against ``arangomock serve`` or a real server. On top of it:

* ``client=``: a caller-owned ``httpx.AsyncClient`` (its transport, event hooks, proxies,
  certificates are used as they are; it is never closed here);
* ``transport=``: e.g. ``httpx.AsyncHTTPTransport(uds="/tmp/arango.sock")`` for a UNIX
  socket, or ``httpx.MockTransport`` in unit tests;
* ``event_hooks=``: httpx's request/response hooks (see
  :func:`pytest_arangomock.transports.request_log.RequestLog.httpx_hooks`);
* ``compress_threshold=``: gzip request bodies of at least that many bytes.

Connection failures (refused, reset, TLS verification, timeouts) raise
``arangoasync.exceptions.ClientConnectionError``, which the driver's host failover
relies on.

    client = ArangoClient(hosts=url, http_client=HttpxHTTPClient(ssl_context=my_ctx))
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import httpx
from arangoasync.exceptions import ClientConnectionError
from arangoasync.http import HTTPClient
from arangoasync.request import Request
from arangoasync.response import Response

from ._http import Session, build_response, prepare, request_url

__all__ = ["HttpxHTTPClient"]

EventHook = Callable[..., Awaitable[Any] | Any]


class HttpxHTTPClient(HTTPClient):
    """Sends python-arango-async requests with ``httpx.AsyncClient``.

    Args:
        limits: connection pool limits (default: 100 connections, 20 kept alive).
        timeout: ``httpx.Timeout`` or seconds (default: 300 s total, 60 s to connect).
        ssl_context: ``True`` verifies against the system CAs, ``False`` disables
            verification, or a custom ``ssl.SSLContext``.
        client: a caller-owned ``httpx.AsyncClient`` used for every host instead of
            building one per host; the options above are then ignored and it is never
            closed by this class.
        transport: an httpx transport for the clients built here (UNIX socket, mocks).
            httpx then takes ``limits`` and ``ssl_context`` from the transport.
        event_hooks: httpx event hooks (``{"request": [...], "response": [...]}``).
        compress_threshold: gzip request bodies of at least this many bytes (``None``:
            never; the driver's own ``compression=`` manager works too).
    """

    def __init__(
        self,
        limits: httpx.Limits | None = None,
        timeout: httpx.Timeout | float | None = None,
        ssl_context: bool | ssl.SSLContext = True,
        *,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        event_hooks: Mapping[str, Sequence[EventHook]] | None = None,
        compress_threshold: int | None = None,
    ) -> None:
        self._limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._timeout = timeout if timeout is not None else httpx.Timeout(300.0, connect=60.0)
        self._verify: bool | ssl.SSLContext = ssl_context
        self._client = client
        self._transport = transport
        self._event_hooks = {k: list(v) for k, v in (event_hooks or {}).items()}
        self._compress_threshold = compress_threshold

    def create_session(self, host: str) -> Session[httpx.AsyncClient]:
        """One ``httpx.AsyncClient`` per host, or the injected one shared by all hosts."""
        if self._client is not None:
            return Session(host, self._client, owned=False)
        client = httpx.AsyncClient(
            limits=self._limits,
            timeout=self._timeout,
            verify=self._verify,
            transport=self._transport,
            event_hooks=self._event_hooks,
        )
        return Session(host, client, owned=True)

    async def close_session(self, session: Session[httpx.AsyncClient]) -> None:
        """Close clients built here; an injected client stays open (its owner closes it)."""
        if session.owned:
            await session.client.aclose()
        session.closed = True

    async def send_request(self, session: Session[httpx.AsyncClient], request: Request) -> Response:
        """Send ``request``; transport failures become ``ClientConnectionError``."""
        headers, body = prepare(request, self._compress_threshold)
        try:
            resp = await session.client.request(
                request.method.name,
                request_url(session.host, request, with_query=False),
                params=request.normalized_params(),
                headers=headers,
                content=body or None,
            )
        except httpx.TransportError as exc:
            raise ClientConnectionError(f"{type(exc).__name__}: {exc}") from exc
        return build_response(
            request,
            str(resp.url),
            resp.status_code,
            resp.reason_phrase,
            resp.headers.multi_items(),
            resp.content,
        )
