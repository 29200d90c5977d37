"""What compiled closures and AQL functions see of the running query: options, warnings,
statistics, limits (runtime, memory), permission checks and the undo log."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ..base.errors import ArangoError, message_for
from ..state.jobs import current_job
from ..state.running import RunningQuery
from ..state.snapshots import QuerySnapshot
from . import ast as A
from .functions import arity_error
from .functions.library import REGISTRY
from .profile import NodeStats

SLEEP_SLICE = 0.02  # how often a sleeping query looks at its kill flag

# what one value in one row costs in ArangoDB's accounting (an AqlValue slot), for memoryLimit
ROW_SLOT_BYTES = 16

STAT_FIELDS = (
    "writesExecuted",
    "writesIgnored",
    "documentLookups",
    "scannedFull",
    "scannedIndex",
    "cursorsCreated",
    "cursorsRearmed",
    "cacheHits",
    "cacheMisses",
    "filtered",
    "httpRequests",
    "executionTime",
    "peakMemoryUsage",
    "intermediateCommits",
)


_ZERO_STATS = dict.fromkeys(STAT_FIELDS, 0)


def _positive(value: Any) -> float | None:
    """A positive number option (``maxRuntime``, ``memoryLimit``), None when unset or 0."""
    if type(value) in (int, float) and value > 0:
        return float(value)
    return None


# a permission check: (collection name, whether the query writes it) -> raises or not
Access = Callable[[str, bool], None]


class QueryContext:
    """What compiled closures and AQL functions see of the running query."""

    def __init__(
        self,
        db: Any,
        options: dict[str, Any],
        user: str | None,
        access: Access | None = None,
    ) -> None:
        self.db = db
        self.stats: dict[str, Any] = dict(_ZERO_STATS)
        self.full_count: list[int] | None = [0] if options.get("fullCount") else None
        #: per-node rows and runtimes, measured for a level-2 profile
        self.node_stats: NodeStats | None = None
        level: Any = options.get("profile")
        if type(level) in (int, float) and level >= 2:
            stats = self.stats
            self.node_stats = NodeStats(lambda: int(stats["filtered"]))
        self._begin(options, user, access)

    def restart(self, options: dict[str, Any], user: str | None, access: Access | None) -> None:
        """Make the context fresh for another execution of the same compiled query: the
        containers its closures hold (statistics, the fullCount counter) are reset in
        place, everything else is replaced."""
        self.stats.update(_ZERO_STATS)
        if self.full_count is not None:
            self.full_count[0] = 0
        self._begin(options, user, access)

    def _begin(self, options: dict[str, Any], user: str | None, access: Access | None) -> None:
        db = self.db
        self._user = user
        # the caller's permission check, called with (collection, writes) for every
        # collection the query reads or writes
        self.access = access
        self.options = options
        get = options.get
        self.warnings: list[dict[str, Any]] = []
        max_warnings = get("maxWarningCount", 10)
        self.max_warnings = max_warnings if isinstance(max_warnings, int) else 10
        self.fail_on_warning = bool(get("failOnWarning", False))
        self.undo: list[tuple[Any, str, Any]] = []
        self.writes_collections: set[str] = set()
        self.query_text = ""
        self.started = time.monotonic()
        # the limits are rarely set: their checks only run for a value
        max_runtime = get("maxRuntime")
        max_runtime = None if max_runtime is None else _positive(max_runtime)
        self.deadline = None if max_runtime is None else self.started + max_runtime
        memory_limit = get("memoryLimit")
        self.memory_limit = 0 if memory_limit is None else int(_positive(memory_limit) or 0)
        self.memory = 0
        self.peak_memory = 0
        # id(document) -> what SEARCH matched in it, for BM25()/TFIDF()
        self.search_scores: dict[int, Any] = {}
        #: the query in the server's list of running queries (its kill flag), if tracked
        self.running: RunningQuery | None = None
        #: the server lock the query runs under (None: state without a server)
        self.lock: Any = getattr(getattr(db, "server", None), "lock", None)
        self.job = current_job()  # an async job's cancel kills the query too
        self.ticks = 0  # loops started, for the interruption points of FOR
        #: the snapshot the query reads (``state/snapshots.py``), once it runs
        self.snapshot: QuerySnapshot | None = None

    # FunctionContext -------------------------------------------------------
    @property
    def user(self) -> str | None:
        return self._user

    def warn(self, code: int, message: str | None = None) -> None:
        if message is None:
            message = message_for(code)
        if self.fail_on_warning:
            raise ArangoError(code, message, 400)
        if len(self.warnings) < self.max_warnings:
            self.warnings.append({"code": code, "message": message})

    def collection(self, name: str, write: bool = False) -> Any:
        """The collection ``name`` (1203 if missing), once the caller may read (or write) it."""
        col = self.db.get_collection(name) if isinstance(name, str) else None
        if col is None:
            raise ArangoError(1203, f"collection or view not found: {name}", 404)
        if self.access is not None:
            self.access(col.name, write)
        snapshot = self.snapshot
        return col if snapshot is None else snapshot.view(col)

    def call(self, name: str, args: list[Any]) -> Any:
        spec = REGISTRY.get(name.upper())
        if spec is None:
            raise ArangoError(1540, f"usage of unknown function '{name.upper()}()'", 400)
        if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
            raise arity_error(spec.name, spec.min_args, spec.max_args)
        return spec.fn(self, *args)

    # engine ----------------------------------------------------------------
    def check_deadline(self) -> None:
        """``maxRuntime``: a query that outlives it is killed (1500, as ArangoDB answers)."""
        self.check_interrupt()

    def interrupted(self) -> bool:
        """Killed (``DELETE /_api/query/{id}``, an async job's cancel) or past ``maxRuntime``."""
        running = self.running
        if running is not None and running.killed:
            return True
        if self.deadline is not None and time.monotonic() > self.deadline:
            return True
        job = self.job
        return job is not None and job.killed()

    def check_interrupt(self) -> None:
        """ArangoDB's kill check: 1500 "query killed" once :meth:`interrupted`."""
        if self.interrupted():
            raise ArangoError(1500, "query killed", 410)

    def remaining(self) -> float | None:
        """Seconds left before ``maxRuntime`` (None: no limit)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def checkpoint(self) -> None:
        """An interruption point: the kill check, then the requests waiting for the server
        lock get their turn before the query goes on (a request still on its way to a
        worker thread gets the interpreter, which would let it run only every 5 ms)."""
        self.check_interrupt()
        running = self.running
        if running is not None and running.pending is not None:
            running.publish()  # from here on another request may list or kill it
        lock = self.lock
        if lock is not None:
            if lock.contended:
                lock.yield_turn()
            elif lock.expected:
                time.sleep(0)  # a request on its way to a worker thread gets to the lock

    @contextmanager
    def unlocked(self) -> Iterator[None]:
        """Run the block without the server lock (every level of it), then take it back."""
        lock = self.lock
        if lock is None or not lock.owned():
            yield
            return
        running = self.running
        if running is not None:
            running.publish()  # another request may list or kill it meanwhile
        saved = lock._release_save()
        try:
            yield
        finally:
            lock._acquire_restore(saved)

    def sleep(self, seconds: float) -> None:
        """SLEEP(): waits without the server lock, noticing a kill and ``maxRuntime``."""
        job = self.job
        if job is not None:
            job.settled.set()  # the client gets its 202 while the job sleeps
        until = time.monotonic() + seconds
        with self.unlocked():
            while True:
                self.check_interrupt()
                left = until - time.monotonic()
                if left <= 0:
                    break
                time.sleep(min(left, SLEEP_SLICE))

    def charge(self, rows: int, width: int) -> None:
        """Account for ``rows`` materialised rows; over ``memoryLimit`` the query fails."""
        self.memory += rows * max(width, 1) * ROW_SLOT_BYTES
        if self.memory > self.peak_memory:
            self.peak_memory = self.memory
            if self.running is not None:
                self.running.peak_memory = self.memory
        if self.memory_limit and self.memory > self.memory_limit:
            raise ArangoError(32, "query would use more memory than allowed", 500)

    def buffer(self, rows: Iterable[list[Any]], upstream: tuple[int, str]) -> list[list[Any]]:
        """Materialise rows for a blocking operation (SORT), charging their memory; the
        error names the node whose output no longer fit, as ArangoDB's does."""
        buf = list(rows)
        if buf:
            try:
                self.charge(len(buf), len(buf[0]))
            except ArangoError as exc:
                exc.__dict__.setdefault("aql_nodes", []).append(upstream)
                raise
        return buf

    def full_count_counter(self, depth: int, stmts: list[A.Node], i: int) -> list[int] | None:
        """The counter for fullCount: the last LIMIT of the main query (``depth`` 0)
        counts every row."""
        if self.full_count is None or depth != 0:
            return None
        if any(isinstance(s, A.Limit) for s in stmts[i + 1 :]):
            return None
        return self.full_count
