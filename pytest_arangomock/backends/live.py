"""Live mode: forward requests to a real ArangoDB server with aiohttp.

One background event-loop thread per backend owns the aiohttp session, so the same backend
serves asynchronous drivers (from whatever loop the test runs in) and synchronous ones
(python-arango) alike, and connections are pooled across tests.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from ..backend import (
    AsyncBackend,
    Backend,
    BackendRequest,
    BackendResponse,
    SyncBackend,
    answer_sync,
)

__all__ = ["LiveBackend", "LiveConnectionError", "create_database", "drop_database"]

T = TypeVar("T")

# hop-by-hop or recomputed by aiohttp (bodies arrive decompressed)
_DROP_REQUEST = frozenset(
    {"host", "content-length", "connection", "keep-alive", "transfer-encoding", "accept-encoding"}
)
_DROP_RESPONSE = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)


class LiveConnectionError(ConnectionError):
    """The live server could not be reached (or did not answer in time)."""


class LiveBackend(SyncBackend, AsyncBackend):
    """Answers each request by sending it to the ArangoDB server at ``url``.

    Both entry points are native: the aiohttp session lives on the backend's own loop
    thread, which asynchronous callers await and synchronous ones block on.
    """

    def __init__(self, url: str, *, timeout: float = 60.0, verify_ssl: bool = True) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.verify_ssl = verify_ssl
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: aiohttp.ClientSession | None = None
        self._start_lock = threading.Lock()

    # ------------------------------------------------------------- loop thread
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="arangomock-live", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _submit(self, coro: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self._ensure_loop()))

    # ----------------------------------------------------------------- backend
    def _url(self, request: BackendRequest) -> URL:
        query = urlencode(request.query, quote_via=quote) if request.query else ""
        return URL(self.url + request.path + ("?" + query if query else ""), encoded=True)

    async def _forward(self, request: BackendRequest) -> BackendResponse:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(ssl=bool(self.verify_ssl)),
            )
        headers = {k: v for k, v in request.headers.items() if k not in _DROP_REQUEST}
        try:
            async with self._session.request(
                request.method,
                self._url(request),
                headers=headers,
                data=request.body or None,
                allow_redirects=False,
            ) as resp:
                body = await resp.read()
                out: dict[str, str] = {}
                for name, value in resp.headers.items():
                    low = name.lower()
                    if low not in _DROP_RESPONSE:
                        out[low] = f"{out[low]}, {value}" if low in out else value
                return BackendResponse(resp.status, out, body)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            raise LiveConnectionError(
                f"arangomock: cannot reach ArangoDB at {self.url} "
                f"({request.method} {request.path}): {exc or type(exc).__name__}"
            ) from exc

    async def handle(self, request: BackendRequest) -> BackendResponse:
        return await self._submit(self._forward(request))

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(self._forward(request), loop).result()

    # ------------------------------------------------------------------ closing
    async def _close_session(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def close(self) -> None:
        """Close the connections and stop the loop thread (the backend can start again)."""
        with self._start_lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close_session(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)


# --------------------------------------------------------- database lifecycle


def _root_request(
    backend: Backend, method: str, path: str, password: str, body: Any = None
) -> BackendResponse:
    token = base64.b64encode(f"root:{password}".encode()).decode("ascii")
    headers = {"authorization": f"Basic {token}"}
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    return answer_sync(backend, BackendRequest(method, path, {}, headers, data))


def create_database(backend: Backend, name: str, password: str) -> None:
    """Create database ``name`` through the HTTP API as root (replacing a leftover one)."""
    resp = _root_request(backend, "POST", "/_api/database", password, {"name": name})
    if resp.status == 409:  # left behind by an interrupted run: start clean
        drop_database(backend, name, password)
        resp = _root_request(backend, "POST", "/_api/database", password, {"name": name})
    if resp.status not in (200, 201):
        raise RuntimeError(
            f"arangomock: could not create database {name!r} as root: HTTP {resp.status} "
            f"{resp.body[:300].decode('utf-8', errors='replace')}"
        )


def drop_database(backend: Backend, name: str, password: str) -> None:
    """Drop database ``name`` as root; a missing one is fine."""
    resp = _root_request(backend, "DELETE", f"/_api/database/{quote(name, safe='')}", password)
    if resp.status not in (200, 202, 404):
        raise RuntimeError(
            f"arangomock: could not drop database {name!r}: HTTP {resp.status} "
            f"{resp.body[:300].decode('utf-8', errors='replace')}"
        )
