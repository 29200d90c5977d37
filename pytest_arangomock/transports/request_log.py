"""See which HTTP requests a driver really sent, whatever HTTP library carries them.

python-arango-async hides the HTTP exchange; tests sometimes need it (did the batch go out
as one request? which endpoint did failover hit?). A :class:`RequestLog` is fed by the
hooks each HTTP library offers:

* aiohttp (the driver's default ``AioHTTPClient``): a ``TraceConfig``, wired in by
  :class:`TracingAioHTTPClient` (the driver's client, only ``create_session`` differs);
* httpx: event hooks for :class:`~pytest_arangomock.transports.httpx_client.HttpxHTTPClient`
  or your own ``httpx.AsyncClient``;
* aiosonic: event hooks for
  :class:`~pytest_arangomock.transports.aiosonic_client.AiosonicHTTPClient`.

    log = RequestLog()
    client = ArangoClient(hosts=url, http_client=TracingAioHTTPClient(log))
    ...
    assert log.calls() == [("POST", "/_db/shop/_api/cursor", 201)]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import ClientSession
from arangoasync.http import AioHTTPClient

__all__ = ["LoggedRequest", "RequestLog", "TracingAioHTTPClient"]


@dataclass(frozen=True)
class LoggedRequest:
    """One request: method, absolute URL, status (``None`` when it failed) and the error."""

    method: str
    url: str
    status: int | None
    error: str | None = None

    @property
    def path(self) -> str:
        """The URL path (percent-encoded, as sent), without host and query."""
        return urlsplit(self.url).path


@dataclass
class RequestLog:
    """Collects :class:`LoggedRequest` entries in the order responses (or failures) came."""

    entries: list[LoggedRequest] = field(default_factory=list)

    def record(self, method: str, url: str, status: int | None, error: str | None = None) -> None:
        self.entries.append(LoggedRequest(method.upper(), url, status, error))

    def calls(self) -> list[tuple[str, str, int | None]]:
        """``(method, path, status)`` per request: compact for assertions."""
        return [(e.method, e.path, e.status) for e in self.entries]

    def clear(self) -> None:
        self.entries.clear()

    def aiohttp_trace_config(self) -> aiohttp.TraceConfig:
        """A ``TraceConfig`` recording each finished or failed request of a session."""
        trace = aiohttp.TraceConfig()

        async def on_end(
            _session: ClientSession, _ctx: SimpleNamespace, params: aiohttp.TraceRequestEndParams
        ) -> None:
            self.record(params.method, str(params.url), params.response.status)

        async def on_error(
            _session: ClientSession,
            _ctx: SimpleNamespace,
            params: aiohttp.TraceRequestExceptionParams,
        ) -> None:
            self.record(params.method, str(params.url), None, type(params.exception).__name__)

        trace.on_request_end.append(on_end)
        trace.on_request_exception.append(on_error)
        return trace

    def httpx_hooks(self) -> dict[str, list[Callable[[Any], Awaitable[None]]]]:
        """``event_hooks`` for httpx: records every response (httpx has no failure hook)."""

        async def on_response(response: Any) -> None:
            self.record(response.request.method, str(response.request.url), response.status_code)

        return {"response": [on_response]}

    def aiosonic_hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        """``event_hooks`` for aiosonic: records every response."""

        def on_response(response: Any) -> None:
            self.record(response.method, response.url, response.status_code)

        return {"response": [on_response]}


class TracingAioHTTPClient(AioHTTPClient):
    """The driver's ``AioHTTPClient`` with ``TraceConfig`` s on every session it opens.

    Pass a :class:`RequestLog` to record requests, and/or your own ``trace_configs``;
    every other argument (``connector`` such as ``aiohttp.UnixConnector``, ``timeout``,
    ``ssl_context`` including an ``aiohttp.Fingerprint``) goes to ``AioHTTPClient``.
    """

    def __init__(
        self,
        log: RequestLog | None = None,
        *,
        trace_configs: list[aiohttp.TraceConfig] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._trace_configs = list(trace_configs or [])
        if log is not None:
            self._trace_configs.append(log.aiohttp_trace_config())

    def create_session(self, host: str) -> ClientSession:
        return ClientSession(
            base_url=host,
            connector=self._connector,
            timeout=self._timeout,
            read_bufsize=self._read_bufsize,
            trace_configs=self._trace_configs,
        )
