"""Serve any backend over real HTTP with aiohttp.web (``arangomock serve``).

Keep-alive comes with aiohttp; request bodies sent with ``content-encoding: gzip`` or
``deflate`` are inflated, and responses are compressed when the client accepts it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import ssl
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from aiohttp import web

from .backend import Backend, BackendRequest, BackendResponse

__all__ = ["ServerThread", "make_app", "run_server", "serve_in_thread"]

_BACKEND_KEY = web.AppKey("backend", Backend)
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


async def _handle(request: web.Request) -> web.StreamResponse:
    backend = request.app[_BACKEND_KEY]
    # aiohttp inflates gzip/deflate request bodies itself (auto_decompress)
    try:
        body = await request.read()
    except Exception:  # a corrupt compressed body surfaces here
        return web.Response(
            status=400,
            content_type="application/json",
            text='{"code":400,"error":true,"errorMessage":"invalid compressed request body",'
            '"errorNum":400}',
        )
    headers = {k.lower(): v for k, v in request.headers.items()}
    headers.pop("content-encoding", None)
    breq = BackendRequest(
        request.method,
        request.raw_path.split("?", 1)[0],
        dict(request.query),
        headers,
        body,
    )
    bresp = await backend.handle(breq)
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


def make_app(backend: Backend) -> web.Application:
    """An aiohttp application answering every path from ``backend``."""
    app = web.Application(client_max_size=512 * 1024 * 1024)
    app[_BACKEND_KEY] = backend
    app.router.add_route("*", "/{tail:.*}", _handle)
    return app


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
    """Serve until ``stop`` is set (or forever)."""
    runner = web.AppRunner(make_app(backend), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site: web.BaseSite
        if unix_path:
            site = web.UnixSite(runner, unix_path)
        else:
            site = web.TCPSite(runner, host, port, ssl_context=ssl_context, reuse_address=True)
        await site.start()
        if bound is not None and not unix_path:
            server = site._server  # noqa: SLF001 - aiohttp exposes no public accessor
            sockets = getattr(server, "sockets", None) or []
            bound.extend(s.getsockname()[1] for s in sockets[:1])
        if started is not None:
            started.set()
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


@dataclass
class ServerThread:
    """A backend served on loopback from a background thread (for fixtures and tests)."""

    url: str
    port: int
    _loop: asyncio.AbstractEventLoop
    _stop: asyncio.Event
    _thread: threading.Thread

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
) -> ServerThread:
    """Start serving ``backend`` in a daemon thread; returns once the socket listens."""
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
    actual = bound[0] if bound else port
    scheme = "https" if ssl_context else "http"
    return ServerThread(f"{scheme}://{host}:{actual}", actual, loop, holder["stop"], thread)


@contextlib.contextmanager
def serving(backend: Backend, **kwargs: object) -> Iterator[ServerThread]:
    """``with serving(Emulator()) as srv: ... srv.url``."""
    srv = serve_in_thread(backend, **kwargs)  # type: ignore[arg-type]
    try:
        yield srv
    finally:
        srv.close()
