"""Serve any backend over real HTTP with aiohttp.web (``arangomock serve``).

Keep-alive comes with aiohttp; request bodies sent with ``content-encoding: gzip`` or
``deflate`` are inflated, and responses are compressed when the client accepts it.
Besides plain TCP the server listens over TLS (``ssl_context=``, see
:mod:`pytest_arangomock.tls` for a throw-away CA) or on a UNIX socket (``unix_path=``),
the two other ways ArangoDB is reached in deployments.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import socket
import ssl
import stat
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import web

from .backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    HostDownError,
    SyncBackend,
    answer,
    answer_sync,
)
from .base.errors import error_body

__all__ = [
    "ServerThread",
    "make_app",
    "run_server",
    "serve_in_thread",
    "server_ssl_context",
    "serving",
]

_BACKEND_KEY = web.AppKey[Backend]("backend")
_MIN_COMPRESS = 512


def _compress(resp: BackendResponse, accept: str) -> tuple[bytes, str | None]:
    if len(resp.body) < _MIN_COMPRESS or "content-encoding" in resp.headers:
        return resp.body, None
    accepted = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    if "gzip" in accepted:
        return gzip.compress(resp.body, 1), "gzip"
    if "deflate" in accepted:
        return zlib.compress(resp.body, 1), "deflate"
    return resp.body, None


def _origin_path(target: str) -> str:
    """The path of a request target, also in absolute form (``GET http://host/path``).

    HTTP/1.1 servers must accept absolute-form targets, which clients send through
    forward proxies and some proxies pass on unchanged.
    """
    path = target.split("?", 1)[0]
    if not path.startswith("/") and "://" in path:
        rest = path.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path


async def _handle(request: web.Request) -> web.StreamResponse:
    backend = request.app[_BACKEND_KEY]
    # aiohttp inflates gzip/deflate request bodies itself (auto_decompress)
    try:
        body = await request.read()
    except Exception:  # a corrupt compressed body surfaces here
        error = error_body(400, 400, "invalid compressed request body")
        return web.Response(
            status=400,
            content_type="application/json",
            text=json.dumps(error, separators=(",", ":")),
        )
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers.pop("content-encoding", None)
    breq = BackendRequest(
        request.method,
        _origin_path(request.raw_path),
        dict(request.query),
        headers,
        body,
        headers.get("host", ""),
    )
    try:
        bresp = await answer(backend, breq)
    except HostDownError:
        return _drop_connection(request)
    payload, applied = _compress(bresp, request.headers.get("accept-encoding", ""))
    out = web.Response(status=bresp.status, body=payload)
    for name, value in bresp.headers.items():
        if name in ("content-length", "transfer-encoding", "connection"):
            continue
        out.headers[name] = value
    out.headers.setdefault("server", "ArangoDB")
    if applied:
        out.headers["content-encoding"] = applied
    return out


def _drop_connection(request: web.Request) -> web.StreamResponse:
    """What a client of a host that is down meets: the connection closes, no answer."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=503)  # never written: the connection is gone


class SwitchBackend(SyncBackend, AsyncBackend):
    """A backend that forwards to ``target``, which can be swapped while a server runs.

    One loopback server per session can then serve each test's own backend.
    """

    def __init__(self, target: Backend | None = None) -> None:
        self.target = target

    def _current(self) -> Backend:
        if self.target is None:
            raise RuntimeError("no arangomock backend is active")
        return self.target

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        return answer_sync(self._current(), request)

    async def handle(self, request: BackendRequest) -> BackendResponse:
        return await answer(self._current(), request)


def make_app(backend: Backend) -> web.Application:
    """An aiohttp application answering every path from ``backend``."""
    app = web.Application(client_max_size=512 * 1024 * 1024)
    app[_BACKEND_KEY] = backend
    app.router.add_route("*", "/{tail:.*}", _handle)
    return app


def server_ssl_context(certfile: str, keyfile: str | None = None) -> ssl.SSLContext:
    """A server-side TLS context from PEM files (for ``arangomock serve`` over HTTPS)."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(certfile, keyfile)
    return ctx


def _remove_stale_socket(path: str) -> None:
    """Unlink ``path`` if it is a UNIX socket (left by a previous run); never other files."""
    try:
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    except FileNotFoundError:
        pass


def port_in_use_message(host: str, port: int) -> str:
    return (
        f"arangomock: cannot listen on {host}:{port}: the port is already in use "
        f"(another ArangoDB or arangomock?). Choose another with --port."
    )


async def run_server(
    backend: Backend,
    host: str = "127.0.0.1",
    port: int = 8529,
    *,
    ssl_context: ssl.SSLContext | None = None,
    unix_path: str | None = None,
    stop: asyncio.Event | None = None,
    started: threading.Event | None = None,
    bound: list[int] | None = None,
) -> None:
    """Serve until ``stop`` is set (or forever).

    With ``unix_path`` the server listens on that UNIX socket instead of ``host:port``
    (a stale socket file there is replaced, and removed again on exit); ``ssl_context``
    applies to either.
    """
    runner = web.AppRunner(make_app(backend), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site: web.BaseSite
        if unix_path:
            _remove_stale_socket(unix_path)
            site = web.UnixSite(runner, unix_path, ssl_context=ssl_context)
        else:
            site = web.TCPSite(runner, host, port, ssl_context=ssl_context, reuse_address=True)
        await site.start()
        if bound is not None and not unix_path:
            server = site._server  # aiohttp exposes no public accessor
            sockets = getattr(server, "sockets", None) or []
            bound.extend(s.getsockname()[1] for s in sockets[:1])
        if started is not None:
            started.set()
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
        if unix_path:
            _remove_stale_socket(unix_path)


@dataclass
class ServerThread:
    """A backend served on loopback from a background thread (for fixtures and tests).

    ``url`` is what a driver's ``hosts=`` takes; for a UNIX socket it is
    ``http://localhost`` (the connector decides where bytes go) and ``unix_path`` is set.
    """

    url: str
    port: int
    _loop: asyncio.AbstractEventLoop
    _stop: asyncio.Event
    _thread: threading.Thread
    unix_path: str | None = None

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve_in_thread(
    backend: Backend,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_context: ssl.SSLContext | None = None,
    unix_path: str | None = None,
) -> ServerThread:
    """Start serving ``backend`` in a daemon thread; returns once the socket listens.

    ``ssl_context`` makes it HTTPS; ``unix_path`` listens on a UNIX socket instead of TCP.
    """
    loop = asyncio.new_event_loop()
    started = threading.Event()
    bound: list[int] = []
    holder: dict[str, asyncio.Event] = {}
    failure: list[BaseException] = []

    def runner() -> None:
        asyncio.set_event_loop(loop)
        stop = asyncio.Event()
        holder["stop"] = stop
        try:
            loop.run_until_complete(
                run_server(
                    backend,
                    host,
                    port,
                    ssl_context=ssl_context,
                    unix_path=unix_path,
                    stop=stop,
                    started=started,
                    bound=bound,
                )
            )
        except BaseException as exc:  # reported to the caller below
            failure.append(exc)
            started.set()
        finally:
            loop.close()

    thread = threading.Thread(target=runner, name="arangomock-serve", daemon=True)
    thread.start()
    started.wait(timeout=30)
    if failure:
        raise failure[0]
    scheme = "https" if ssl_context else "http"
    if unix_path:
        url = f"{scheme}://localhost"
        return ServerThread(url, 0, loop, holder["stop"], thread, unix_path)
    actual = bound[0] if bound else port
    netloc = f"[{host}]" if ":" in host else host
    return ServerThread(f"{scheme}://{netloc}:{actual}", actual, loop, holder["stop"], thread)


@contextlib.contextmanager
def serving(
    backend: Backend,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    ssl_context: ssl.SSLContext | None = None,
    unix_path: str | None = None,
) -> Iterator[ServerThread]:
    """``with serving(Emulator()) as srv: ... srv.url`` (same options as serve_in_thread)."""
    srv = serve_in_thread(backend, host, port, ssl_context=ssl_context, unix_path=unix_path)
    try:
        yield srv
    finally:
        srv.close()
