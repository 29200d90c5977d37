"""In-process ``HTTPClient`` for python-arango-async: requests go to a backend, no socket.

    from arangoasync import ArangoClient
    from pytest_arangomock import Emulator, InProcessHTTPClient

    client = ArangoClient(hosts="http://arangomock", http_client=InProcessHTTPClient(Emulator()))
"""

from __future__ import annotations

from typing import Any

from arangoasync.auth import Auth
from arangoasync.http import HTTPClient
from arangoasync.request import Request
from arangoasync.response import Response
from multidict import CIMultiDict, CIMultiDictProxy

from ..backend import Backend, BackendRequest

__all__ = ["InProcessHTTPClient"]


def _basic(auth: Auth) -> str:
    import base64

    raw = f"{auth.username}:{auth.password}".encode(auth.encoding or "utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


class _Session:
    """What ``create_session`` returns: the host it stands for and an open flag."""

    __slots__ = ("closed", "host")

    def __init__(self, host: str) -> None:
        self.host = host.rstrip("/")
        self.closed = False


class InProcessHTTPClient(HTTPClient):
    """Hands each request of python-arango-async to ``backend`` in the same process."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def create_session(self, host: str) -> _Session:
        return _Session(host)

    async def close_session(self, session: Any) -> None:
        session.closed = True

    async def send_request(self, session: Any, request: Request) -> Response:
        headers = request.normalized_headers()
        if request.auth is not None:
            headers["authorization"] = _basic(request.auth)
        data = request.data
        if isinstance(data, str):
            data = data.encode("utf-8")
        breq = BackendRequest(
            request.method.name,
            request.endpoint,
            request.normalized_params(),
            headers,
            data or b"",
        )
        bresp = await self.backend.handle(breq)
        query = "&".join(f"{k}={v}" for k, v in breq.query.items())
        return Response(
            method=request.method,
            url=f"{session.host}{request.endpoint}" + (f"?{query}" if query else ""),
            headers=CIMultiDictProxy(CIMultiDict(bresp.headers)),
            status_code=bresp.status,
            status_text=bresp.reason,
            raw_body=bresp.body,
        )
