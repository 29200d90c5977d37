"""In-process ``HTTPClient`` for python-arango (synchronous): requests go to a backend, no socket.

    from arango import ArangoClient
    from pytest_arangomock import Emulator
    from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

    client = ArangoClient(hosts="http://arangomock:8529",
                          http_client=InProcessSyncHTTPClient(Emulator()))

The driver sees what its default requests-based client would give it: the body as text,
case-insensitive headers, the URL with its query, and ``requests.ConnectionError`` for a
host switched off with ``arango_faults.host_down(host)`` (python-arango then tries the
next of its ``hosts``, as it does for a 503 with errorNum 503).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import requests
from arango.http import DEFAULT_REQUEST_TIMEOUT, HTTPClient
from arango.response import Response
from requests.structures import CaseInsensitiveDict

from ..backend import Backend, BackendResponse, HostDownError, answer_sync
from ._classic import SessionStub, backend_request, response_text, response_url
from ._lazy import filled

__all__ = ["InProcessSyncHTTPClient"]


class InProcessSyncHTTPClient(HTTPClient):
    """Hands each request of python-arango to ``backend`` synchronously, in the same process.

    ``request_timeout`` is kept (``ArangoClient.request_timeout`` reads and sets it) but
    nothing here waits: an in-process request never times out.
    """

    def __init__(
        self, backend: Backend, request_timeout: float | None = DEFAULT_REQUEST_TIMEOUT
    ) -> None:
        self.backend = backend
        self.request_timeout = request_timeout

    def create_session(self, host: str) -> Any:
        return SessionStub(host)

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
        breq = backend_request(session, method, url, headers, params, data, auth)
        try:
            bresp = answer_sync(self.backend, breq)
        except HostDownError as exc:
            raise requests.ConnectionError(str(exc)) from exc
        return _Response(method, url, params, bresp)


_URL: Any = Response.url  # the slots of Response, filled on first read below
_HEADERS: Any = Response.headers


class _Response(Response):
    """The driver's :class:`Response` with ``url`` and ``headers`` built when first read
    (the same values: the URL with its query, the headers as a ``CaseInsensitiveDict``)."""

    __slots__ = ("_params", "_raw_headers", "_request_url")

    def __init__(
        self,
        method: str,
        url: str,
        params: MutableMapping[str, str] | None,
        response: BackendResponse,
    ) -> None:
        self.method = method.lower()  # type: ignore[misc]  # Response's own slot
        self._request_url = url
        self._params = params
        self._raw_headers = response.headers
        self.status_code = response.status  # type: ignore[misc]  # Response's own slot
        self.status_text = response.reason  # type: ignore[misc]  # Response's own slot
        self.raw_body = response_text(response)  # type: ignore[misc]  # Response's own slot
        self.body = None  # type: ignore[misc]  # Response's own slot
        self.error_code = None  # type: ignore[misc]  # Response's own slot
        self.error_message = None  # type: ignore[misc]  # Response's own slot
        self.is_success = None  # type: ignore[misc]  # Response's own slot

    @property
    def url(self) -> str:
        return filled(_URL, self, lambda: response_url(self._request_url, self._params))

    @url.setter
    def url(self, value: str) -> None:
        _URL.__set__(self, value)

    @property
    def headers(self) -> MutableMapping[str, str]:
        return filled(_HEADERS, self, lambda: CaseInsensitiveDict(self._raw_headers))

    @headers.setter
    def headers(self, value: MutableMapping[str, str]) -> None:
        _HEADERS.__set__(self, value)
