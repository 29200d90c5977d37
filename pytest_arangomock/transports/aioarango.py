"""In-process ``HTTPClient`` for aioarango: requests go to a backend, no socket.

aioarango's own default client needs an old httpx; this one needs none, so aioarango can be
installed without its dependencies (``pip install --no-deps aioarango``) beside a current httpx.

    from aioarango import ArangoClient
    from pytest_arangomock import Emulator
    from pytest_arangomock.transports.aioarango import InProcessAioArangoHTTPClient

    client = ArangoClient(hosts="http://arangomock:8529",
                          http_client=InProcessAioArangoHTTPClient(Emulator()))

A host switched off with ``arango_faults.host_down(host)`` raises ``httpx.ConnectError``,
what aioarango's default httpx client raises; aioarango itself does not fail over.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import httpx
from aioarango.http import HTTPClient
from aioarango.response import Response

from ..backend import Backend, HostDownError, answer
from ._classic import SessionStub, backend_request, response_text, response_url

__all__ = ["InProcessAioArangoHTTPClient"]


class InProcessAioArangoHTTPClient(HTTPClient):
    """Hands each request of aioarango to ``backend`` in the same process."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def create_session(self, host: str) -> Any:
        return SessionStub(host)

    async def send_request(
        self,
        session: Any,
        method: str,
        url: str,
        headers: MutableMapping[str, str] | None = None,
        params: MutableMapping[str, str] | None = None,
        data: Any = None,
        auth: tuple[str, str] | None = None,
    ) -> Response:
        breq = backend_request(session, method, url, headers, params, data, auth)
        try:
            bresp = await answer(self.backend, breq)
        except HostDownError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        return Response(
            method=method,
            url=response_url(url, params),
            headers=httpx.Headers(bresp.headers),
            status_code=bresp.status,
            status_text=bresp.reason,
            raw_body=response_text(bresp),
        )
