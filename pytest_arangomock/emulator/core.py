"""The emulator backend: parse the database prefix, authenticate, route, answer."""

from __future__ import annotations

import asyncio
import logging
import operator
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, SupportsIndex

from ..aql import api as aql_api
from ..backend import AsyncBackend, BackendRequest, BackendResponse, SyncBackend
from ..base.errors import ArangoError, error_body
from ..state import Server
from ..state.faults import FAULT_HEADER, FaultRules
from . import api, dumpdir, quick  # api: registers every route
from . import js as javascript
from .admission import Admission, Gate, identify
from .auth import TransportError
from .context import Context, json_response
from .js.foxx import serve as serve_foxx
from .router import ROUTES, Route, Router, complete_table

log = logging.getLogger("pytest_arangomock")

Hook = Callable[["Emulator", BackendRequest], "BackendResponse | None"]
Prepare = Callable[[Context, Route], None]


QUEUE_TIME_HEADER = "x-arango-queue-time-seconds"
FAULTS_ROUTE = "/_arangomock/"
SERVER_THREADS = 32  # worker threads answering asynchronous callers (all emulators share them)


class Emulator(SyncBackend, AsyncBackend):
    """An in-memory ArangoDB 3.12 single server, answering HTTP-level requests.

    Synchronous callers are answered on their own thread; asynchronous ones on one of
    ``SERVER_THREADS`` worker threads, so a long request (a sleeping query) never stops
    the caller's event loop and requests run side by side. What they share is guarded by
    the server lock, which long queries hand over at their interruption points (see the
    concurrency section of ``docs/ARCHITECTURE.md``). Every response carries
    ``x-arango-queue-time-seconds``: how long the last request waited for a worker.

    ``root_password`` is root's password (empty, like a fresh server); ``jwt_secret`` makes
    HS256 superuser tokens signed with it valid; ``seed`` makes ids and revisions
    reproducible; ``authentication=False`` accepts unauthenticated requests as root (like
    ``--server.authentication false``).

    ``requests`` keeps the last ``keep_requests`` admitted requests (0: none): a request
    refused before its handler (bad credentials, a missing database, no access) is not
    kept, each kept body is cut to ``keep_body_bytes`` and all kept requests together
    stay under ``keep_total_bytes`` (the oldest go first).
    """

    def __init__(
        self,
        *,
        root_password: str = "",
        jwt_secret: str | None = None,
        seed: int | None = None,
        authentication: bool = True,
        keep_requests: int = 1_000,
        keep_body_bytes: int = 64 * 1024,
        keep_total_bytes: int = 64 * 1024 * 1024,
        vector_index: bool = True,
    ) -> None:
        self._settings: dict[str, Any] = {
            "root_password": root_password,
            "seed": seed,
            "jwt_secret": jwt_secret,
            "vector_index": vector_index,
            "aql": aql_api,  # state evaluates AQL (computed values) through it
        }
        # one JavaScript engine per emulator, kept across resets (None without the js extra)
        self.javascript = javascript.ServerJavaScript() if javascript.AVAILABLE else None
        self.server = self._new_server()
        self.authentication = authentication
        self.router = _router()
        # the most recent admitted requests, oldest first, bounded in number and bytes
        self.requests = RequestLog(keep_requests, keep_body_bytes, keep_total_bytes)
        self.keep_requests = keep_requests
        # only requests entered through handle_sync are logged, when admitted (not the
        # parts of a batch or the requests a job re-dispatches): see BackendRequest.entering
        self.internal_errors: list[str] = []
        # what every request passes before its handler, with its cache of decisions
        self.gate = Gate()

        # Hooks. Built-in ones only run when they have work: TTL purges while some
        # collection has a TTL index, and the header hooks when the request carries their
        # header (one lookup per header).
        # before: under the server lock, before routing (after the built-in ones)
        self.before: list[Hook] = []
        if self.javascript is not None:  # Foxx services answer under their mount points
            self.before.append(serve_foxx)
        # outer: before the server lock is taken (async jobs wait for their job there)
        self.outer: list[Hook] = []
        self.outer_by_header: dict[str, Hook] = {api.jobs.ASYNC_HEADER: api.jobs.async_hook}
        # prepare: with each request's context just before its handler (stream transactions)
        self.prepare: list[Prepare] = []
        self.prepare_by_header: dict[str, Prepare] = {
            api.transactions.HEADER: api.transactions.bind_transaction
        }

    # ------------------------------------------------------------------ backend
    @property
    def faults(self) -> FaultRules:
        """Faults for the next matching requests (see ``state/faults.py``)."""
        return self.server.faults

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        server = self.server
        if "faults" in server.__dict__ and server.faults.rules:
            early = self._fault(request)
            if early is not None:
                return early
        keep = self.keep_requests
        if keep:
            request.entering = True  # kept when admitted (by the gate or an outer hook)
        try:
            if self.outer or not self.outer_by_header.keys().isdisjoint(request.headers):
                early = self._outer_hooks(request)
                if early is not None:
                    return early
            lock = server.lock
            lock.acquire()  # not ``with``: its two extra Python frames cost on every request
            try:
                response = self.dispatch(request)
            finally:
                lock.release()
        finally:
            if keep:
                request.entering = False
        return _finished(request, response, server)

    async def handle(self, request: BackendRequest) -> BackendResponse:
        """Answer on a worker thread (the caller's event loop goes on meanwhile); a request
        whose work is bounded and small is answered at once when the server lock is free,
        which spares it the hop to a worker (most document and collection operations, and
        AQL queries whose last run was quick: see ``quick.py``)."""
        server = self.server
        if (
            (_SHORT.match(request.path) or quick.is_quick(server, request))
            and _LONG_HEADERS.isdisjoint(request.headers)
            and not ("faults" in server.__dict__ and server.faults.rules)
            and not server.transactions.may_block  # a lock wait needs a thread
        ):
            lock = server.lock
            if lock.acquire(blocking=False):
                try:
                    server.queue_times.add(0.0)
                    if self.outer or not self.outer_by_header.keys().isdisjoint(request.headers):
                        return self.handle_sync(request)
                    # handle_sync's steps for a request no fault or outer hook can take,
                    # with the lock this thread holds already
                    request.entering = self.keep_requests != 0
                    try:
                        response = self.dispatch(request)
                    finally:
                        request.entering = False
                finally:
                    lock.release()
                return _finished(request, response, server)
        loop = asyncio.get_running_loop()
        server.lock.expect()
        return await loop.run_in_executor(_workers(), self._queued, request, time.monotonic())

    def _queued(self, request: BackendRequest, queued: float) -> BackendResponse:
        server = self.server
        server.queue_times.add(time.monotonic() - queued)
        server.lock.arrived()
        return self.handle_sync(request)

    def _fault(self, request: BackendRequest) -> BackendResponse | None:
        """A fault rule's answer for ``request`` (None: answer it normally)."""
        if request.path.startswith(FAULTS_ROUTE):
            return None
        fault = self.server.faults.take(request)
        if fault is None:
            return None
        if self.keep_requests:
            headers = {**request.headers, FAULT_HEADER: fault.kind}
            hit = BackendRequest(
                request.method, request.path, request.query, headers, request.body, request.host
            )
            with self.server.lock:
                self.requests.keep(hit)
        return FaultRules.apply(fault)

    def _outer_hooks(self, request: BackendRequest) -> BackendResponse | None:
        """Header hooks whose header the request carries, then the other outer hooks."""
        headers = request.headers
        for name, hook in self.outer_by_header.items():
            if name in headers:
                early = hook(self, request)
                if early is not None:
                    return early
        for hook in self.outer:
            early = hook(self, request)
            if early is not None:
                return early
        return None

    def dispatch(self, request: BackendRequest) -> BackendResponse:
        """Answer one request; never raises (a bug answers 500 and is remembered)."""
        try:
            server = self.server
            if server.ttl.indexes:
                server.ttl.purge()  # TTL indexes: expired documents disappear
            for hook in self.before:
                early = hook(self, request)
                if early is not None:
                    return early
            located = self.router.locate(request.method, request.path)
            ctx = self.gate.admit(server, request, located, self.authentication, self.dispatch)
            server.api_calls.record(request.method, located[1], located[0])
            if request.entering:
                request.entering = False
                self.requests.keep(request)
            r = located[2]
            headers = request.headers
            if not self.prepare_by_header.keys().isdisjoint(headers.keys()):
                for name, prepare in self.prepare_by_header.items():
                    if name in headers:
                        prepare(ctx, r)  # type: ignore[arg-type]
            if self.prepare:
                for prepare in self.prepare:
                    prepare(ctx, r)  # type: ignore[arg-type]
            return r.handler(ctx)  # type: ignore[union-attr,misc]
        except ArangoError as exc:
            return json_response(exc.status, exc.body(), exc.headers)
        except Exception as exc:  # pragma: no cover - a bug in the emulator
            # the client gets ArangoDB's bare 500/4; the details stay on this side (a
            # one-line warning, the traceback at debug level, the list of failures)
            log.warning("emulator failure on %s %s: %r", request.method, request.path, exc)
            log.debug("emulator failure on %s %s", request.method, request.path, exc_info=True)
            self.internal_errors.append(f"{request.method} {request.path}: {exc!r}")
            return json_response(500, error_body(500, 4, "internal error"))

    def admit(self, request: BackendRequest) -> Admission:
        """What the communication layer checks before any handler: credentials, path
        access and the database (401, 404/1228 are raised); also the matched route."""
        located = self.router.locate(request.method, request.path)
        user = identify(self.server, request, located, self.authentication)[0]
        db = self.server.databases.get(located[0])
        if db is None:
            raise TransportError(1228, "database not found", 404)
        if request.entering:  # an async job's request, admitted before it is queued
            request.entering = False
            self.requests.keep(request)
        _, path, r, params, known = located
        return Admission(db, path, r, params, known, user)

    def refuse_early(self, request: BackendRequest) -> BackendResponse | None:
        """The communication layer's answer from a request's headers alone: 401 for
        missing or wrong credentials (404 for a database that does not exist), or None
        when its body is worth reading. Serve mode asks before it reads a large or
        compressed body, so an unauthenticated client's body is never read or inflated."""
        try:
            with self.server.lock:
                located = self.router.locate(request.method, request.path)
                identify(self.server, request, located, self.authentication)
        except ArangoError as exc:
            return json_response(exc.status, exc.body(), exc.headers)
        return None

    # -------------------------------------------------------------- conveniences
    def reset(self) -> None:
        """Forget everything: a fresh server with the same settings."""
        if self.javascript is not None:
            self.javascript.shutdown()
        self.server = self._new_server()
        self.requests.clear()

    def restore(
        self,
        path: str | Path,
        database: str | None = None,
        *,
        overwrite: bool = True,
        include_system: bool = False,
    ) -> dict[str, int]:
        """Load an arangodump directory (as arangorestore would): collections, documents,
        indexes and views; returns the documents written per collection. ``database``
        overrides the dumped database's name (it is created if missing)."""
        with self.server.lock:
            return dumpdir.load(
                self.server,
                path,
                database,
                overwrite=overwrite,
                include_system=include_system,
            )

    def close(self) -> None:
        """Stop what runs in the background (server tasks); the state stays readable."""
        if self.javascript is not None:
            self.javascript.shutdown()

    def _new_server(self) -> Server:
        server = Server(**self._settings)
        server.javascript = self.javascript
        return server

    def database(self, name: str = "_system") -> Any:
        """The state of database ``name`` (for seeding and inspecting from tests)."""
        return self.server.database(name)


class RequestLog(deque[BackendRequest]):
    """The last requests a server admitted, oldest first, bounded in number and bytes.

    Each kept body is cut to ``body_bytes``; the kept requests' bodies, paths and headers
    together stay under ``total_bytes`` (the oldest are dropped first). ``keep`` counts
    what it adds; anything else (``clear``, ``append``) is a plain deque operation.

    ``keep`` runs on every request, reading the log is rare: ``keep`` sizes the newest
    entries (and applies the byte bound) every ``SETTLE_EVERY`` entries; a reader skips
    the oldest entries the bound would drop, without changing the log (``keep`` runs
    under the server lock, a reader may be on another thread), so it always sees the
    bounds held.
    """

    SETTLE_EVERY = 64

    def __init__(self, count: int, body_bytes: int, total_bytes: int) -> None:
        super().__init__(maxlen=count or None)
        self.body_bytes = body_bytes
        self.total_bytes = total_bytes
        self._sizes: deque[int] = deque()  # the sizes of all but the ``_fresh`` newest
        self._total = 0
        self._fresh = 0

    def keep(self, request: BackendRequest) -> None:
        if len(request.body) > self.body_bytes:
            request = BackendRequest(
                request.method,
                request.path,
                request.query,
                request.headers,
                request.body[: self.body_bytes],
                request.host,
            )
        if _deque_len(self) == self.maxlen:  # appending drops the oldest
            if self._sizes:
                self._total -= self._sizes.popleft()
            else:
                self._fresh -= 1
        self.append(request)
        self._fresh += 1
        if self._fresh >= self.SETTLE_EVERY:
            self._settle()

    def _all_sizes(self) -> list[int] | None:
        """Every entry's size, oldest first; None when all are sized and within bounds."""
        fresh, sizes = self._fresh, self._sizes
        count = _deque_len(self)
        if fresh == 0 and len(sizes) == count:
            return None
        if len(sizes) + fresh != count:  # cleared, appended or popped from outside
            return [_size(r) for r in _deque_iter(self)]
        newest = [_size(r) for r in islice(_deque_reversed(self), fresh)]
        return [*sizes, *reversed(newest)]

    def _settle(self) -> None:
        """Size the newest entries and drop the oldest until the bytes fit."""
        fresh, sizes = self._fresh, self._sizes
        if len(sizes) + fresh == _deque_len(self):  # only appended by keep: size the newest
            newest = [_size(r) for r in islice(_deque_reversed(self), fresh)]
            newest.reverse()
            sizes.extend(newest)
            self._total += sum(newest)
        else:  # cleared, appended or popped from outside: size everything again
            every = [_size(r) for r in _deque_iter(self)]
            sizes = self._sizes = deque(every)
            self._total = sum(every)
        self._fresh = 0
        while sizes and self._total > self.total_bytes:
            self.popleft()
            self._total -= sizes.popleft()

    def _hidden(self) -> int:
        """How many of the oldest entries the byte bound drops at the next settling."""
        every = self._all_sizes()
        if every is None:
            return 0
        total, hidden = sum(every), 0
        while hidden < len(every) and total > self.total_bytes:
            total -= every[hidden]
            hidden += 1
        return hidden

    def __iter__(self) -> Iterator[BackendRequest]:
        hidden = self._hidden()
        return islice(_deque_iter(self), hidden, None) if hidden else _deque_iter(self)

    def __reversed__(self) -> Iterator[BackendRequest]:
        return islice(_deque_reversed(self), len(self))

    def __len__(self) -> int:
        return _deque_len(self) - self._hidden()

    def __getitem__(self, index: SupportsIndex) -> BackendRequest:  # type: ignore[override]
        hidden = self._hidden()
        i, n = operator.index(index), _deque_len(self) - hidden
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("deque index out of range")
        return _deque_item(self, i + hidden)

    def __contains__(self, item: object) -> bool:
        return any(r is item or r == item for r in self)

    def __repr__(self) -> str:
        bound = "" if self.maxlen is None else f", maxlen={self.maxlen}"
        return f"{type(self).__name__}({list(self)!r}{bound})"

    @property
    def kept_bytes(self) -> int:
        """What the kept requests hold (bodies, paths, queries and headers)."""
        return sum(_size(r) for r in self)


_deque_len = deque.__len__
_deque_iter = deque.__iter__
_deque_item = deque.__getitem__
_deque_reversed = deque.__reversed__


def _finished(
    request: BackendRequest, response: BackendResponse, server: Server
) -> BackendResponse:
    """What every answer gets on its way out: no body for HEAD, the queue-time header."""
    if request.method == "HEAD" and response.body:
        response = BackendResponse(response.status, response.headers, b"")
    response.headers[QUEUE_TIME_HEADER] = server.queue_times.header
    return response


def _size(request: BackendRequest) -> int:
    """What a kept request holds: body, path, header and query names and values."""
    headers, query = request.headers, request.query
    size = len(request.body) + len(request.path)
    try:  # one join is cheaper than summing lengths (names and values are text)
        size += len("".join([*headers, *headers.values()]))
        if query:
            size += len("".join([*query, *query.values()]))
    except TypeError:  # a request built by hand with other values
        size = len(request.body) + len(request.path)
        size += sum(map(len, headers)) + sum(map(len, headers.values()))
        size += sum(map(len, query)) + sum(map(len, query.values()))
    return size


# Requests answered at once when the server lock is free: work bounded by one request's
# size (no AQL, no JavaScript, no waiting for a job or a transaction's idle time).
_SHORT = re.compile(
    r"(?:/_db/[^/]+)?/_api/(?:document|edges|collection|index|version|database|user"
    r"|query/(?:current|slow|properties)|transaction/\d)"
)
_LONG_HEADERS = frozenset({"x-arango-async"})

_WORKERS: ThreadPoolExecutor | None = None
_WORKERS_LOCK = threading.Lock()


def _workers() -> ThreadPoolExecutor:
    """The worker threads of every emulator in the process (made on first use)."""
    global _WORKERS
    if _WORKERS is None:
        with _WORKERS_LOCK:
            if _WORKERS is None:
                _WORKERS = ThreadPoolExecutor(SERVER_THREADS, thread_name_prefix="arangomock")
    return _WORKERS


_ROUTER: Router | None = None
_ROUTER_SIZE = 0


def _router() -> Router:
    """One trie for the whole process, rebuilt only if more routes were registered."""
    global _ROUTER, _ROUTER_SIZE
    if _ROUTER is None or len(ROUTES) != _ROUTER_SIZE:
        _ROUTER = Router(complete_table(ROUTES))
        _ROUTER_SIZE = len(ROUTES)
    return _ROUTER
