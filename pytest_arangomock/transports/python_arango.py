"""In-process ``HTTPClient`` for python-arango (synchronous): requests go to a backend, no socket.

    from arango import ArangoClient
    from pytest_arangomock import Emulator
    from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

    client = ArangoClient(hosts="http://arangomock:8529",
                          http_client=InProcessSyncHTTPClient(Emulator()))
"""

from __future__ import annotations

import base64
from collections.abc import MutableMapping
from typing import Any

from arango.http import HTTPClient
from arango.response import Response
from requests.structures import CaseInsensitiveDict

from ..backend import Backend, BackendRequest

__all__ = ["InProcessSyncHTTPClient"]


class _Session:
    """Stands in for ``requests.Session``: python-arango sets ``verify`` and calls ``close()``."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.verify: Any = True
        self.closed = False
        self.headers: dict[str, str] = {}

    def close(self) -> None:
        self.closed = True


class InProcessSyncHTTPClient(HTTPClient):
    """Hands each request of python-arango to ``backend`` synchronously, in the same process."""

    def __init__(self, backend: Backend, request_timeout: float | None = 60) -> None:
        self.backend = backend
        self.request_timeout = request_timeout

    def create_session(self, host: str) -> Any:
        return _Session(host)

    def send_request(
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
            # requests_toolbelt's MultipartEncoder (batch API)
            hdrs["Content-Type"] = getattr(data, "content_type", hdrs.get("Content-Type", ""))
            data = data.to_string()
        breq = BackendRequest.from_url(method, url, hdrs, data, params)
        bresp = self.backend.handle_sync(breq)
        return Response(
            method=method,
            url=url,
            headers=CaseInsensitiveDict(bresp.headers),
            status_code=bresp.status,
            status_text=bresp.reason,
            raw_body=bresp.body.decode("utf-8", errors="replace"),
        )
