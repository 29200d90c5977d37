"""In-process ``HTTPClient`` for python-arango-async: requests go to a backend, no socket.

from arangoasync import ArangoClient
from pytest_arangomock import Emulator, InProcessHTTPClient

client = ArangoClient(hosts="http://arangomock", http_client=InProcessHTTPClient(Emulator()))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from arangoasync.auth import Auth
from arangoasync.exceptions import ClientConnectionError
from arangoasync.http import HTTPClient
from arangoasync.request import Method, Request
from arangoasync.response import Response
from arangoasync.typings import ResponseHeaders
from multidict import CIMultiDict, CIMultiDictProxy

from ..backend import Backend, BackendRequest, HostDownError, answer
from ._http import basic_auth
from ._lazy import filled

__all__ = ["InProcessHTTPClient"]


class _Session:
    """What ``create_session`` returns: the host it stands for, an open flag, and the last
    credentials sent through it with their header value (a connection sends the same
    ones on every request)."""

    __slots__ = ("_authorization", "_sent_auth", "closed", "host")

    def __init__(self, host: str) -> None:
        self.host = host.rstrip("/")
        self.closed = False
        self._sent_auth: tuple[str, str, str] | None = None
        self._authorization = ""

    def authorization(self, auth: Auth) -> str:
        """The ``Authorization`` value for ``auth``, encoded again when it changes."""
        sent = (auth.username, auth.password, auth.encoding)
        if sent != self._sent_auth:
            self._authorization = basic_auth(auth)
            self._sent_auth = sent
        return self._authorization


def _body(data: Any) -> bytes:
    """The bytes the driver's default ``AioHTTPClient`` would put on the wire for ``data``.

    Most calls serialise their payload first; a few (``db.echo()``) hand over a dict, which
    aiohttp form-encodes (``ping=1``) while keeping the driver's JSON content type.
    """
    if data is None:
        return b""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, Mapping):
        return urlencode(list(data.items()), doseq=True).encode("utf-8")
    return bytes(data or b"")


class InProcessHTTPClient(HTTPClient):
    """Hands each request of python-arango-async to ``backend`` in the same process.

    Each session stands for one host of ``hosts=[...]``; a host a test switched off
    (``arango_faults.host_down(host)``) raises ``ClientConnectionError``, on which the
    driver fails over to the next host.
    """

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def create_session(self, host: str) -> _Session:
        return _Session(host)

    async def close_session(self, session: Any) -> None:
        session.closed = True

    async def send_request(self, session: Any, request: Request) -> Response:
        headers = request.normalized_headers()
        if request.auth is not None:
            headers["authorization"] = session.authorization(request.auth)
        params = request.normalized_params()
        breq = BackendRequest(
            request.method._name_,  # Enum's documented sunder name: .name is a Python property
            request.endpoint,
            params,
            headers,
            _body(request.data),
            session.host,
        )
        try:
            bresp = await answer(self.backend, breq)
        except HostDownError as exc:
            raise ClientConnectionError(str(exc)) from exc
        return _Response(
            request.method,
            session.host + request.endpoint,
            params,
            bresp.headers,
            bresp.status,
            bresp.reason,
            bresp.body,
        )


def _with_query(url: str, params: dict[str, str]) -> str:
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else url


_URL: Any = Response.url  # the slots of Response, filled on first read below
_HEADERS: Any = Response.headers


class _Response(Response):
    """The driver's :class:`Response` with ``url`` and ``headers`` built when first read
    (on success the driver reads neither): the same values, as a ``CIMultiDictProxy``.

    Building both eagerly measured 10-13% of an insert or get through the emulator
    (``benchmarks/bench_inprocess.py``), above the 5% a shortcut must be worth to stay.
    """

    __slots__ = ("_base_url", "_params", "_raw_headers")

    def __init__(
        self,
        method: Method,
        base_url: str,
        params: dict[str, str],
        headers: dict[str, str],
        status_code: int,
        status_text: str,
        raw_body: bytes,
    ) -> None:
        self.method = method  # type: ignore[misc]  # Response's own slot
        self._base_url = base_url
        self._params = params
        self._raw_headers = headers
        self.status_code = status_code  # type: ignore[misc]  # Response's own slot
        self.status_text = status_text  # type: ignore[misc]  # Response's own slot
        self.raw_body = raw_body  # type: ignore[misc]  # Response's own slot
        self.error_code = None  # type: ignore[misc]  # Response's own slot
        self.error_message = None  # type: ignore[misc]  # Response's own slot
        self.is_success = None  # type: ignore[misc]  # Response's own slot

    @property
    def url(self) -> str:
        return filled(_URL, self, lambda: _with_query(self._base_url, self._params))

    @url.setter
    def url(self, value: str) -> None:
        _URL.__set__(self, value)

    @property
    def headers(self) -> ResponseHeaders:
        return filled(_HEADERS, self, lambda: CIMultiDictProxy(CIMultiDict(self._raw_headers)))

    @headers.setter
    def headers(self, value: ResponseHeaders) -> None:
        _HEADERS.__set__(self, value)
