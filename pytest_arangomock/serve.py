"""Serve any backend over real HTTP with aiohttp.web (``arangomock serve``).

Keep-alive comes with aiohttp; request bodies sent with ``content-encoding: gzip`` or
``deflate`` are inflated (only once the credentials are good, and never past a cap), and
responses are compressed when the client accepts it. Large bodies are read only after the
backend accepted the request's credentials, so unauthenticated clients cost no memory.
Whatever the HTTP layer itself refuses (an unknown method, an oversized request line or
header, a malformed body) is answered as ArangoDB answers it: JSON in its error shape.
Besides plain TCP the server listens over TLS (``ssl_context=``, see
:mod:`pytest_arangomock.tls` for a throw-away CA) or on a UNIX socket (``unix_path=``),
the two other ways ArangoDB is reached in deployments.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import os
import socket
import ssl
import stat
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import HttpVersion10, HttpVersion11, web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http_exceptions import BadHttpMessage, BadHttpMethod, HttpProcessingError, LineTooLong
from aiohttp.http_parser import RawRequestMessage
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import ERROR, RequestHandler

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
from .base.errors import error_body, message_for

__all__ = [
    "Limits",
    "ServerThread",
    "make_server",
    "run_server",
    "serve_in_thread",
    "server_ssl_context",
    "serving",
]

_MIN_COMPRESS = 512
_INFLATE = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
#: bodies larger than this are only read once the credentials are known to be good
_GATE_ABOVE = 64 * 1024

_VERSIONS = (HttpVersion10, HttpVersion11)

log = logging.getLogger("pytest_arangomock.serve")


@dataclass(frozen=True)
class Limits:
    """How much of a request the server takes in.

    ``max_body`` is ArangoDB's maximal request body size (1 GiB, checked against
    ``content-length`` before anything is read: 413); ``max_inflated`` caps a
    ``gzip``/``deflate`` body once inflated (413 beyond it); ``max_line`` bounds the
    request line (414 beyond it) and ``max_field`` each header line (431), ``max_headers``
    their number (431).
    """

    max_body: int = 1024 * 1024 * 1024
    max_inflated: int = 1024 * 1024 * 1024
    max_line: int = 1024 * 1024
    max_field: int = 256 * 1024
    max_headers: int = 256


_REASON = {
    413: "request entity too large",
    414: "request-uri too long",
    431: "request header fields too large",
    505: "http version not supported",
}


def _error(status: int, num: int | None = None, message: str | None = None) -> web.Response:
    """ArangoDB's error shape for an answer of the HTTP layer itself.

    Like ArangoDB's own answers of its communication layer (405 for an unknown method is
    ``errorNum`` 405, "method not supported"), the error number is the status unless one
    is given; the text is the catalogue's for it, else the status's reason.
    """
    num = status if num is None else num
    if message is None:
        message = _REASON.get(num) or message_for(num)
    body = json.dumps(error_body(status, num, message), separators=(",", ":"))
    resp = web.Response(status=status, text=body, content_type="application/json")
    resp.headers["server"] = "ArangoDB"
    return resp


def _parse_error(status: int, exc: BaseException | None, max_line: int) -> web.Response:
    """The answer for what aiohttp's parser or a handler failure refused."""
    if isinstance(exc, BadHttpMethod):
        return _error(405)
    if isinstance(exc, LineTooLong):
        return _error(414 if exc.args[1:2] == (max_line,) else 431)
    if isinstance(exc, BadHttpMessage) and "headers" in str(exc).lower() and "many" in str(exc):
        return _error(431)
    if status == 504:
        return _error(504)
    if status >= 500:
        return _error(500)
    return _error(400)


class _Protocol(RequestHandler):
    """aiohttp's connection handler, answering what it refuses in ArangoDB's shape.

    Failures are logged at debug level only: a client's malformed request is no server
    failure, and the server's stderr stays free of tracebacks.
    """

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        log.debug("HTTP layer refused a request (%s): %r", status, exc, exc_info=exc)
        if request.writer.output_size > 0:
            raise ConnectionError("response already started; the connection is dropped")
        resp = _parse_error(status, exc, self.max_line_size)
        resp.force_close()
        return resp

    def log_exception(self, *args: Any, **kw: Any) -> None:
        log.debug(*args, **kw)  # with its traceback, at debug level only


class _Server(web.Server):
    def __call__(self) -> RequestHandler:
        return _Protocol(self, loop=self._loop, **self._kwargs)

    def _make_request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> web.BaseRequest:
        if message is ERROR:  # a refused request: answer in HTTP/1.1, as ArangoDB always does
            message = message._replace(version=HttpVersion11)
        return web.BaseRequest(message, payload, protocol, writer, task, self._loop)


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


class _TooLarge(Exception):
    pass


async def _read_body(request: web.BaseRequest, limit: int) -> bytes:
    """The body as sent, refused (``_TooLarge``) once it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await request.content.readany()
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    """A gzip/deflate body inflated, never past ``limit`` bytes (``_TooLarge``)."""
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(body, limit + 1)
    if len(out) > limit:
        raise _TooLarge
    if inflater.unconsumed_tail:  # pragma: no cover - only past the limit
        raise _TooLarge
    if not inflater.eof:
        raise zlib.error("truncated compressed body")
    return out


def _refuse_early(backend: Backend, request: BackendRequest) -> BackendResponse | None:
    """A backend's answer from the headers alone (401 before a body is read), if it has one."""
    check = getattr(backend, "refuse_early", None)
    if check is None:
        return None
    result: BackendResponse | None = check(request)
    return result


def _web_response(bresp: BackendResponse, accept: str) -> web.Response:
    payload, applied = _compress(bresp, accept)
    out = web.Response(status=bresp.status, body=payload)
    for name, value in bresp.headers.items():
        if name in ("content-length", "transfer-encoding", "connection"):
            continue
        out.headers[name] = value
    out.headers.setdefault("server", "ArangoDB")
    if applied:
        out.headers["content-encoding"] = applied
    return out


def _handler(
    backend: Backend, limits: Limits
) -> Callable[[web.BaseRequest], Awaitable[web.StreamResponse]]:
    async def handle(request: web.BaseRequest) -> web.StreamResponse:
        if request.version not in _VERSIONS:  # ArangoDB speaks HTTP/1.0 and 1.1 only
            resp = _error(505)
            resp.force_close()
            return resp
        length = request.content_length
        if length is not None and length > limits.max_body:
            resp = _error(413)  # ArangoDB refuses it from the headers, before reading
            resp.force_close()
            return resp
        headers = {k.lower(): v for k, v in request.headers.items()}
        encoding = headers.get("content-encoding", "").strip().lower()
        wbits = _INFLATE.get(encoding)
        if wbits is not None or encoding == "identity":
            headers.pop("content-encoding")
        try:
            query = dict(request.query)
        except ValueError:
            return _error(400)
        breq = BackendRequest(
            request.method,
            _origin_path(request.raw_path),
            query,
            headers,
            b"",
            headers.get("host", ""),
        )
        accept = headers.get("accept-encoding", "")
        chunked = length is None and request.body_exists
        if wbits is not None or chunked or (length or 0) > _GATE_ABOVE:
            # credentials first: an unauthenticated body is neither read nor inflated
            refusal = _refuse_early(backend, breq)
            if refusal is not None:
                return _web_response(refusal, accept)
        if (
            request.version == HttpVersion11
            and headers.get("expect", "").strip().lower() == "100-continue"
        ):
            # the client waits for this before it sends the body (curl does for large ones)
            await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            request.writer.output_size = 0
        try:
            body = await _read_body(request, limits.max_body)
        except _TooLarge:
            resp = _error(413)
            resp.force_close()
            return resp
        except (HttpProcessingError, ValueError, EOFError) as exc:
            log.debug("unreadable request body: %r", exc)
            return _error(400)
        if wbits is not None and body:
            try:
                body = _inflate(body, wbits, limits.max_inflated)
            except _TooLarge:
                return _error(413)
            except zlib.error:
                return _error(400, 10, "decoding error")  # ArangoDB's answer for it
        breq.body = body
        try:
            bresp = await answer(backend, breq)
        except HostDownError:
            return _drop_connection(request)
        return _web_response(bresp, accept)

    return handle


def _drop_connection(request: web.BaseRequest) -> web.StreamResponse:
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

    def refuse_early(self, request: BackendRequest) -> BackendResponse | None:
        return _refuse_early(self._current(), request)


def make_server(backend: Backend, limits: Limits | None = None) -> web.Server:
    """An aiohttp low-level server answering every request from ``backend``.

    There is no router in front of the backend: every method and path (percent-encoded
    control characters included) reaches it, and whatever the HTTP layer refuses is
    answered in ArangoDB's JSON error shape. Needs a running event loop.
    """
    limits = limits or Limits()
    return _Server(
        _handler(backend, limits),
        auto_decompress=False,  # inflated here, after the credentials, with a cap
        max_line_size=limits.max_line,
        max_field_size=limits.max_field,
        max_headers=limits.max_headers,
        lingering_time=2.0,
    )


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


def _quiet_loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    log.debug("event loop: %s", context.get("message"), exc_info=context.get("exception"))


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
    limits: Limits | None = None,
) -> None:
    """Serve until ``stop`` is set (or forever).

    With ``unix_path`` the server listens on that UNIX socket instead of ``host:port``
    (a stale socket file there is replaced, and removed again on exit); ``ssl_context``
    applies to either. ``limits`` bounds what a request may send (:class:`Limits`).
    What the event loop reports of connections (a client gone mid-request, a TLS
    handshake that failed) is logged at debug level, never printed as a traceback.
    """
    loop = asyncio.get_running_loop()
    previous = loop.get_exception_handler()
    loop.set_exception_handler(_quiet_loop_errors)
    runner = web.ServerRunner(make_server(backend, limits), access_log=None, handle_signals=False)
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
        loop.set_exception_handler(previous)


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
    limits: Limits | None = None,
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
                    limits=limits,
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
    limits: Limits | None = None,
) -> Iterator[ServerThread]:
    """``with serving(Emulator()) as srv: ... srv.url`` (same options as serve_in_thread)."""
    srv = serve_in_thread(
        backend, host, port, ssl_context=ssl_context, unix_path=unix_path, limits=limits
    )
    try:
        yield srv
    finally:
        srv.close()
