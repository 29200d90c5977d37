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
import urllib.error
import urllib.request
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import aiohttp
from yarl import URL

from ..backend import (
    AsyncBackend,
    BackendRequest,
    BackendResponse,
    SyncBackend,
)
from .runs import create_database, drop_database

__all__ = [
    "BlockedLiveBackend",
    "LiveBackend",
    "LiveConnectionError",
    "create_database",
    "drop_database",
    "probe",
]

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


# ------------------------------------------------------------------ start-up check


def probe(url: str, password: str, timeout: float = 5.0) -> dict[str, str] | str:
    """What the server at ``url`` is (``version``, ``license``), or one line saying why it
    cannot be reached. Any HTTP answer means the server is there (401: wrong password, which
    the tests will report themselves)."""
    token = base64.b64encode(f"root:{password}".encode()).decode("ascii")
    request = urllib.request.Request(
        url.rstrip("/") + "/_api/version", headers={"Authorization": f"Basic {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            body = resp.read()
    except urllib.error.HTTPError:
        return {}
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return f"arangomock: cannot reach ArangoDB at {url}: {reason}"
    try:
        data = json.loads(body)
    except ValueError:
        return f"arangomock: {url} answered /_api/version with something that is not ArangoDB"
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k]) for k in ("version", "license") if k in data}


class BlockedLiveBackend(SyncBackend, AsyncBackend):
    """Stands in for the live server when reaching it is forbidden (``--arango-block-live``)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def _refuse(self, request: BackendRequest) -> BackendResponse:
        raise LiveConnectionError(
            f"arangomock: {request.method} {request.path} would reach the live server at "
            f"{self.url}, and --arango-block-live forbids it"
        )

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        return self._refuse(request)

    async def handle(self, request: BackendRequest) -> BackendResponse:
        return self._refuse(request)

    def close(self) -> None:
        """Nothing to close."""
