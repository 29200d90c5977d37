"""In-process ``HTTPClient`` for aioarango: requests go to a backend, no socket.

aioarango's own default client needs an old httpx; this one needs none, so aioarango can be
installed without its dependencies (``pip install --no-deps aioarango``) beside a current httpx.
"""

from __future__ import annotations

import base64
from collections.abc import MutableMapping
from typing import Any

from aioarango.http import HTTPClient
from aioarango.response import Response

from ..backend import Backend, BackendRequest

__all__ = ["InProcessAioArangoHTTPClient"]


class _Session:
    """Stands in for ``httpx.AsyncClient``: aioarango only calls ``aclose()`` on it."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True


class InProcessAioArangoHTTPClient(HTTPClient):
    """Hands each request of aioarango to ``backend`` in the same process."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def create_session(self, host: str) -> Any:
        return _Session(host)

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
        hdrs = dict(headers or {})
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            hdrs["Authorization"] = f"Basic {token}"
        if data is not None and not isinstance(data, (str, bytes)):
            hdrs["Content-Type"] = getattr(data, "content_type", hdrs.get("Content-Type", ""))
            data = data.to_string()
        bresp = await self.backend.handle(BackendRequest.from_url(method, url, hdrs, data, params))
        return Response(
            method=method,
            url=url,
            headers=dict(bresp.headers),
            status_code=bresp.status,
            status_text=bresp.reason,
            raw_body=bresp.body.decode("utf-8", errors="replace"),
        )
