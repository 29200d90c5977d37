"""Route an application's requests for an ArangoDB URL to a backend, with no injection.

Code under test often builds its own client (``ArangoClient(hosts="http://db.internal:8529")``
deep inside a module). :func:`intercept` answers every request for that URL from a backend
(usually an :class:`~pytest_arangomock.Emulator`), whichever HTTP library carries it:

* aiohttp (python-arango-async's default ``AioHTTPClient``): ``ClientSession._request``
  sends the request to a loopback server for the backend, with the original ``Host``;
* httpx (aioarango's default client, or any ``httpx.Client``/``AsyncClient`` on the default
  transports): the transports' ``handle_request``/``handle_async_request``;
* requests (python-arango's default client): an adapter that sessions pick for that URL.

Requests for any other URL pass through untouched. Coordinator faults apply per host when
the backend is a :class:`~pytest_arangomock.backends.faults.FaultsBackend`: a host switched
off raises each library's connection error, the one its driver fails over on.

    with intercept("http://db.internal:8529", Emulator()) as routes:
        run_the_application()
"""

from __future__ import annotations

import contextlib
import io
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

from .backend import Backend, BackendRequest, BackendResponse, HostDownError, answer, answer_sync
from .backends.faults import host_key
from .serve import ServerThread, serve_in_thread
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
class _Registry:
    """The routes of every active block; the library patches live while there is one."""

    def __init__(self) -> None:
        self._routes: list[Route] = []
        self._lock = threading.RLock()
        self._patches: list[Any] = []
        self._servers: dict[int, ServerThread] = {}  # id(route) -> its loopback server

    def match(self, url: str) -> Route | None:
        for route in reversed(self._routes):
            if route.matches(url):
                return route
        return None

    def add(self, route: Route) -> None:
        with self._lock:
            if not self._routes:
                self._install()
            self._routes.append(route)

    def remove(self, route: Route) -> None:
        with self._lock:
            if route in self._routes:
                self._routes.remove(route)
            server = self._servers.pop(id(route), None)
            if not self._routes:
                self._uninstall()
        if server is not None:
            server.close()

    def server_url(self, route: Route) -> str:
        """The loopback server answering ``route`` for aiohttp (started on first use)."""
        with self._lock:
            server = self._servers.get(id(route))
            if server is None:
                server = self._servers[id(route)] = serve_in_thread(route.backend)
            return server.url

    def _install(self) -> None:
        for target, name, replacement in _library_patches(self):
            patcher = mock.patch.object(target, name, replacement)
            patcher.start()
            self._patches.append(patcher)

    def _uninstall(self) -> None:
        while self._patches:
            self._patches.pop().stop()


_REGISTRY = _Registry()


def _library_patches(registry: _Registry) -> list[tuple[Any, str, Any]]:
    """``(owner, attribute, replacement)`` for each HTTP library that is installed."""
    patches: list[tuple[Any, str, Any]] = []
    for make in (_requests_patches, _httpx_patches, _aiohttp_patches):
        with contextlib.suppress(ImportError):
            patches.extend(make(registry))
    return patches


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
def _requests_patches(registry: _Registry) -> list[tuple[Any, str, Any]]:
    import requests
    from requests.adapters import BaseAdapter, HTTPAdapter
    from urllib3 import HTTPResponse

    class BackendAdapter(BaseAdapter):
        """A transport adapter answering from the route's backend (python-arango's path)."""

        def __init__(self, route: Route) -> None:
            super().__init__()
            self.route = route
            self._builder = HTTPAdapter()

        def send(
            self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
        ) -> requests.Response:
            body: Any = request.body
            if hasattr(body, "read"):  # a streamed body (MultipartEncoder)
                body = body.read()
            url = request.url or ""
            bresp = _answer_sync(
                self.route,
                request.method or "GET",
                url,
                _text_headers(request.headers),
                _as_bytes(body),
                requests.ConnectionError,
            )
            raw = HTTPResponse(
                body=io.BytesIO(bresp.body),
                headers=bresp.headers,
                status=bresp.status,
                reason=bresp.reason,
                preload_content=False,
                decode_content=False,
            )
            return self._builder.build_response(request, raw)

        def close(self) -> None:
            self._builder.close()

    original = requests.Session.get_adapter

    def get_adapter(self: requests.Session, url: str) -> BaseAdapter:
        route = registry.match(url)
        if route is None:
            return original(self, url)
        return BackendAdapter(route)

    return [(requests.Session, "get_adapter", get_adapter)]


# --------------------------------------------------------------------------- httpx
def _httpx_patches(registry: _Registry) -> list[tuple[Any, str, Any]]:
    import httpx

    original_sync = httpx.HTTPTransport.handle_request
    original_async = httpx.AsyncHTTPTransport.handle_async_request

    def connect_error(request: httpx.Request) -> Callable[[str], BaseException]:
        return lambda message: httpx.ConnectError(message, request=request)

    def response(request: httpx.Request, bresp: BackendResponse) -> httpx.Response:
        return httpx.Response(
            bresp.status,
            headers=list(bresp.headers.items()),
            content=bresp.body,
            request=request,
        )

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        route = registry.match(str(request.url))
        if route is None:
            return original_sync(self, request)
        bresp = _answer_sync(
            route,
            request.method,
            str(request.url),
            dict(request.headers),
            request.read(),
            connect_error(request),
        )
        return response(request, bresp)

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        route = registry.match(str(request.url))
        if route is None:
            return await original_async(self, request)
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

    return [
        (httpx.HTTPTransport, "handle_request", handle_request),
        (httpx.AsyncHTTPTransport, "handle_async_request", handle_async_request),
    ]


# --------------------------------------------------------------------------- aiohttp
def _aiohttp_patches(registry: _Registry) -> list[tuple[Any, str, Any]]:
    """``ClientSession._request`` sends intercepted requests to the route's loopback server.

    aiohttp's ``ClientResponse`` cannot be built outside a connection in a way that lasts
    across aiohttp versions, so the request really goes over HTTP, to a server started on
    loopback for the route, carrying the original ``Host`` header: the response is a
    genuine one and nothing about the application's session changes. A host that is down
    drops the connection there, which aiohttp reports as a ``ClientConnectionError``.
    """
    import aiohttp
    from multidict import CIMultiDict
    from yarl import URL

    original = aiohttp.ClientSession._request

    async def _request(
        self: aiohttp.ClientSession, method: str, str_or_url: Any, **kwargs: Any
    ) -> aiohttp.ClientResponse:
        url = self._build_url(str_or_url)
        route = registry.match(str(url))
        if route is None:
            return await original(self, method, str_or_url, **kwargs)
        path = url.raw_path[len(route.prefix) :] or "/"
        target = URL(registry.server_url(route) + path, encoded=True)
        if url.raw_query_string:
            target = target.with_query(url.raw_query_string)
        headers: CIMultiDict[str] = CIMultiDict(kwargs.get("headers") or {})
        headers.setdefault("Host", url.raw_authority)
        kwargs["headers"] = headers
        return await original(self, method, target, **kwargs)

    return [(aiohttp.ClientSession, "_request", _request)]


def _text_headers(headers: Mapping[str, str | bytes]) -> dict[str, str]:
    return {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in headers.items()}


def _as_bytes(data: Any) -> bytes:
    if data is None:
        return b""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"cannot intercept a request body of type {type(data).__name__}")
