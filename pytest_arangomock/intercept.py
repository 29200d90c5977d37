"""Route an application's requests for an ArangoDB URL to a backend, with no injection.

Code under test often builds its own client (``ArangoClient(hosts="http://db.internal:8529")``
deep inside a module). :func:`intercept` answers every request for that URL from a backend
(usually an :class:`~pytest_arangomock.Emulator`), whichever HTTP library carries it:

* aiohttp (python-arango-async's default ``AioHTTPClient``): through aioresponses, with
  unmatched URLs passed through;
* httpx (aioarango's default client, or any ``httpx.Client``/``AsyncClient`` on the default
  transports): through respx, a catch-all pass-through route after ours;
* requests (python-arango's default client): through ``responses``, with every other URL
  passed through.

Each library's mocking tool is started while a block is active, and its routes are
rebuilt whenever a block adds or removes a URL (the innermost block's route first).
Requests for any other URL pass through untouched. Coordinator faults apply per host when
the backend is a :class:`~pytest_arangomock.backends.faults.FaultsBackend`: a host switched
off raises each library's connection error, the one its driver fails over on.

    with intercept("http://db.internal:8529", Emulator()) as routes:
        run_the_application()
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import threading
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

from .backend import (
    Backend,
    BackendRequest,
    BackendResponse,
    HostDownError,
    SyncBackend,
    answer,
    answer_sync,
)
from .backends.faults import host_key
from .transports._classic import inflate

__all__ = ["Interception", "Route", "intercept"]

_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Route:
    """One intercepted URL: scheme, host, explicit port, path prefix and the backend."""

    url: str
    scheme: str
    hostname: str
    port: int | None
    prefix: str
    backend: Backend

    @classmethod
    def parse(cls, url: str, backend: Backend) -> Route:
        parts = urlsplit(url if "://" in url else "http://" + url)
        if not parts.hostname or parts.scheme.lower() not in _SCHEMES:
            raise ValueError(f"not an http(s) URL: {url!r}")
        prefix = parts.path.rstrip("/")
        return cls(url, parts.scheme.lower(), parts.hostname, parts.port, prefix, backend)

    @property
    def host(self) -> str:
        """``host[:port]`` as :func:`~pytest_arangomock.backends.faults.host_key` spells it."""
        netloc = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return host_key(f"{self.scheme}://{netloc}" + (f":{self.port}" if self.port else ""))

    def pattern(self) -> re.Pattern[str]:
        """The URLs of this route, as a regular expression (what the mocking tools take)."""
        default = {"http": 80, "https": 443}[self.scheme]
        host = (
            f"\\[{re.escape(self.hostname)}\\]"
            if ":" in self.hostname
            else re.escape(self.hostname)
        )
        if self.port is not None and self.port != default:
            port = f":{self.port}"
        else:
            port = f"(?::{default})?"
        return re.compile(
            f"^{self.scheme}://{host}{port}{re.escape(self.prefix)}(?:[/?#]|$)", re.IGNORECASE
        )

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme.lower() != self.scheme or host_key(url) != self.host:
            return False
        path = parts.path
        return not self.prefix or path == self.prefix or path.startswith(self.prefix + "/")

    def request(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes
    ) -> BackendRequest:
        """The backend's request: path without the route's prefix, body inflated."""
        req = BackendRequest.from_url(method, url, headers, body)
        if self.prefix:
            req.path = req.path[len(self.prefix) :] or "/"
        req.body = inflate(req.headers, req.body)
        return req


class Interception:
    """The routes of one :func:`intercept` block (``add`` more while it is active)."""

    def __init__(self, registry: _Registry) -> None:
        self._registry = registry
        self.routes: list[Route] = []

    @property
    def urls(self) -> list[str]:
        return [r.url for r in self.routes]

    def add(self, url: str, backend: Backend) -> Route:
        """Also route ``url`` to ``backend`` until the block ends."""
        route = Route.parse(url, backend)
        self._registry.add(route)
        self.routes.append(route)
        return route

    def close(self) -> None:
        for route in self.routes:
            self._registry.remove(route)
        self.routes.clear()


@contextlib.contextmanager
def intercept(url: str | Sequence[str], backend: Backend) -> Iterator[Interception]:
    """Route every request for ``url`` (or each of several URLs) to ``backend`` in this block.

    A URL may carry a path (a reverse proxy's prefix): it is stripped before the backend
    sees the request. Blocks nest; the innermost route for a URL wins.
    """
    handle = Interception(_REGISTRY)
    try:
        for one in [url] if isinstance(url, str) else url:
            handle.add(one, backend)
        yield handle
    finally:
        handle.close()


# --------------------------------------------------------------------------- the registry
_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


class _Library(Protocol):
    """One HTTP library's mocking tool, holding a route per intercepted URL."""

    def start(self) -> None: ...

    def routes(self, routes: Sequence[Route]) -> None: ...

    def stop(self) -> None: ...


class _Registry:
    """The routes of every active block; the mocking tools run while there is one."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._lock = threading.RLock()
        self._libraries: list[_Library] = []

    def match(self, url: str) -> Route | None:
        for route in reversed(self._routes):
            if route.matches(url):
                return route
        return None

    def add(self, route: Route) -> None:
        with self._lock:
            if not self._routes:
                self._libraries = _libraries()
                for library in self._libraries:
                    library.start()
            self._routes.append(route)
            self._sync()

    def remove(self, route: Route) -> None:
        with self._lock:
            if route in self._routes:
                self._routes.remove(route)
            if self._routes:
                self._sync()
                return
            while self._libraries:
                self._libraries.pop().stop()

    def _sync(self) -> None:
        innermost_first = list(reversed(self._routes))
        for library in self._libraries:
            library.routes(innermost_first)


_REGISTRY = _Registry()


def _libraries() -> list[_Library]:
    """The mocking tool of each HTTP library that is installed."""
    found: list[_Library] = []
    for make in (_Requests, _Httpx, _Aiohttp):
        with contextlib.suppress(ImportError):
            found.append(make())
    return found


def _answer_sync(
    route: Route,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    error: Callable[[str], BaseException],
) -> BackendResponse:
    try:
        return answer_sync(route.backend, route.request(method, url, headers, body))
    except HostDownError as exc:
        raise error(str(exc)) from exc


async def _answer(
    route: Route,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    error: Callable[[str], BaseException],
) -> BackendResponse:
    try:
        return await answer(route.backend, route.request(method, url, headers, body))
    except HostDownError as exc:
        raise error(str(exc)) from exc


# --------------------------------------------------------------------------- requests
class _Requests:
    """``responses``: a callback per route and method; every other URL passes through."""

    def __init__(self) -> None:
        import requests
        import responses

        self._requests = requests
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop(allow_assert=False)
        self._mock.reset()

    def routes(self, routes: Sequence[Route]) -> None:
        self._mock.reset()
        for route in routes:
            for method in _METHODS:
                self._mock.add_callback(method, route.pattern(), callback=self._callback(route))
        self._mock.add_passthru(re.compile(".*"))

    def _callback(self, route: Route) -> Callable[[Any], tuple[int, dict[str, str], bytes]]:
        def callback(request: Any) -> tuple[int, dict[str, str], bytes]:
            bresp = _answer_sync(
                route,
                request.method or "GET",
                request.url or "",
                _text_headers(request.headers),
                _as_bytes(request.body),
                self._requests.ConnectionError,
            )
            return bresp.status, dict(bresp.headers), bresp.body

        return callback


# --------------------------------------------------------------------------- httpx
class _Httpx:
    """respx: a side effect per route, then a catch-all route passing everything through."""

    def __init__(self) -> None:
        import httpx
        import respx

        self._httpx = httpx
        self._router = respx.MockRouter(
            assert_all_called=False, assert_all_mocked=False, using="httpx"
        )

    def start(self) -> None:
        self._router.start()

    def stop(self) -> None:
        self._router.stop(quiet=True)
        self._router.reset()

    def routes(self, routes: Sequence[Route]) -> None:
        self._router.clear()
        for route in routes:
            self._router.route(url__regex=route.pattern().pattern).mock(
                side_effect=self._side_effect(route)
            )
        self._router.route().pass_through()

    def _side_effect(self, route: Route) -> Callable[[Any], Any]:
        httpx = self._httpx

        def connect_error(request: Any) -> Callable[[str], BaseException]:
            return lambda message: httpx.ConnectError(message, request=request)

        def response(request: Any, bresp: BackendResponse) -> Any:
            return httpx.Response(
                bresp.status,
                headers=list(bresp.headers.items()),
                content=bresp.body,
                request=request,
            )

        async def answer_async(request: Any) -> Any:
            body = await request.aread()
            bresp = await _answer(
                route,
                request.method,
                str(request.url),
                dict(request.headers),
                body,
                connect_error(request),
            )
            return response(request, bresp)

        def side_effect(request: Any) -> Any:
            # a synchronous backend answers inline for both kinds of client (respx cannot
            # tell a side effect which one is calling); an asynchronous-only one can only
            # serve asynchronous clients, which await what it returns
            if not isinstance(route.backend, SyncBackend):
                return answer_async(request)
            bresp = _answer_sync(
                route,
                request.method,
                str(request.url),
                dict(request.headers),
                request.read(),
                connect_error(request),
            )
            return response(request, bresp)

        return side_effect


# --------------------------------------------------------------------------- aiohttp
class _Aiohttp:
    """aioresponses: an awaited callback per route and method, unmatched URLs pass through.

    aioresponses hands the callback what the application passed to the session's
    request (headers, ``data``/``json``, per-request ``auth``); a session-wide ``auth``
    is not among them.
    """

    def __init__(self) -> None:
        import aiohttp
        from aioresponses import CallbackResult, aioresponses

        self._aiohttp = aiohttp
        self._result = CallbackResult
        self._mock = aioresponses(passthrough_unmatched=True)
        self._response_class = _response_class(aiohttp.ClientResponse)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop()

    def routes(self, routes: Sequence[Route]) -> None:
        self._mock.clear()
        for route in routes:
            for method in _METHODS:
                self._mock.add(
                    route.pattern(), method, callback=self._callback(route, method), repeat=True
                )

    def _callback(self, route: Route, method: str) -> Callable[..., Any]:
        aiohttp = self._aiohttp

        async def callback(url: Any, **kwargs: Any) -> Any:
            self._mock.requests.clear()  # aioresponses keeps every call; nobody reads them
            headers = _text_headers(dict(kwargs.get("headers") or {}))
            auth = kwargs.get("auth")
            if isinstance(auth, aiohttp.BasicAuth):
                headers["Authorization"] = auth.encode()
            body = _aiohttp_body(kwargs, headers)
            bresp = await _answer(
                route, method, str(url), headers, body, aiohttp.ClientConnectionError
            )
            return self._result(
                status=bresp.status,
                body=bresp.body,
                headers=bresp.headers,
                reason=bresp.reason,
                content_type=bresp.headers.get("content-type", "application/octet-stream"),
                response_class=self._response_class,
            )

        return callback


def _response_class(base: type[Any]) -> type[Any]:
    """aiohttp's ``ClientResponse`` as aioresponses builds it, on any aiohttp 3.x: newer
    versions also want the finished request's ``stream_writer`` (only its ``output_size``
    is read), which aioresponses does not pass."""
    wants_writer = "stream_writer" in inspect.signature(base.__init__).parameters

    class InterceptedResponse(base):
        def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
            if wants_writer:
                kwargs.setdefault("stream_writer", types.SimpleNamespace(output_size=0))
            super().__init__(method, url, **kwargs)

    return InterceptedResponse


def _aiohttp_body(kwargs: Mapping[str, Any], headers: dict[str, str]) -> bytes:
    """The bytes aiohttp would send for a request's ``json=`` or ``data=``."""
    if kwargs.get("json") is not None:
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(kwargs["json"]).encode("utf-8")
    data = kwargs.get("data")
    if isinstance(data, Mapping):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urlencode(data).encode("ascii")
    return _as_bytes(data)


def _text_headers(headers: Mapping[str, str | bytes]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in headers.items()}


def _as_bytes(data: Any) -> bytes:
    if data is None:
        return b""
    if hasattr(data, "read"):  # a streamed body (MultipartEncoder, a file)
        data = data.read()
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"cannot intercept a request body of type {type(data).__name__}")
