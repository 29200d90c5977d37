"""Running AQL queries (ArangoDB's QueryList): what ``/_api/query/current`` lists, what
``DELETE /_api/query/{id}`` kills, and the slow-query log a finished query may join."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from ..base.jsontext import compact
from .queries import QueryTracking

__all__ = [
    "EXECUTION_STATES",
    "MEMORY_CHUNK",
    "RecentQueries",
    "RunningQueries",
    "RunningQuery",
    "iso_time",
]

MEMORY_CHUNK = 32768  # ArangoDB reports peak memory in increments of 32 KB

#: ArangoDB's query execution states (QueryExecutionState), in the order a query goes
#: through them
EXECUTION_STATES = (
    "initializing",
    "parsing",
    "optimizing ast",
    "loading collections",
    "instantiating plan",
    "optimizing plan",
    "instantiating executors",
    "executing",
    "finalizing",
)
# the state after each finished phase ("": none finished yet)
_AFTER = dict(zip(("", *EXECUTION_STATES), (*EXECUTION_STATES, "finished"), strict=True))


def iso_time(stamp: float) -> str:
    """ArangoDB's time stamps: UTC, seconds, ``Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp))


def truncated(text: str, limit: int) -> str:
    """A query string cut at ``maxQueryStringLength`` characters, marked with ``...``."""
    return text if len(text) <= limit else text[: max(limit, 0)] + "..."


class RunningQuery:
    """One query from its registration to its end: identity, state, kill flag."""

    __slots__ = (
        "bind_vars",
        "database",
        "ended",
        "id",
        "killed",
        "modifies",
        "peak_memory",
        "pending",
        "phase_done",
        "query",
        "started",
        "started_wall",
        "stream",
        "user",
        "warnings",
    )

    def __init__(
        self,
        qid: str,
        database: str,
        user: str | None,
        query: str,
        bind_vars: dict[str, Any],
        stream: bool,
    ) -> None:
        self.id = qid
        self.database = database
        self.user = user
        self.query = query
        self.bind_vars = bind_vars
        self.stream = stream
        self.started = time.monotonic()
        self.started_wall = 0.0  # the wall clock at the start, read when first shown
        #: the last phase the query finished ("": none yet); its state is the next one
        self.phase_done = ""
        #: its final state once it ended ("finished", "killed"), for the slow-query log
        self.ended = ""
        self.killed = False
        self.modifies = False
        self.peak_memory = 0
        self.warnings = 0
        #: the list the query joins at its first interruption point (see ``register``)
        self.pending: RunningQueries | None = None

    @property
    def state(self) -> str:
        """ArangoDB's execution state: the phase after the last one the query finished."""
        return self.ended or _AFTER[self.phase_done]

    def publish(self) -> None:
        """Join the list of running queries now, if registered to join it later."""
        queries = self.pending
        if queries is not None:
            self.pending = None
            queries.add(self)

    def run_time(self) -> float:
        return time.monotonic() - self.started

    def wall_start(self) -> float:
        """The wall clock at the query's start: derived from its monotonic start when first
        asked (most queries are never shown: one clock read less each), the same after."""
        if not self.started_wall:
            self.started_wall = time.time() - (time.monotonic() - self.started)
        return self.started_wall

    def entry(
        self, tracking: QueryTracking, run_time: float, exit_code: int | None
    ) -> dict[str, Any]:
        """The query as QueryList lists it (``exit_code`` only for the slow-query log)."""
        values = tracking.values
        out: dict[str, Any] = {
            "id": self.id,
            "database": self.database,
            "user": self.user or "",
            "query": truncated(self.query, int(values["maxQueryStringLength"])),
            "bindVars": self.bind_vars if values["trackBindVars"] else {},
            "started": iso_time(self.wall_start()),
            "runTime": run_time,
            "peakMemoryUsage": -(-self.peak_memory // MEMORY_CHUNK) * MEMORY_CHUNK,
            "state": self.state,
            "stream": self.stream,
            "modificationQuery": self.modifies,
            "warnings": self.warnings,
        }
        if exit_code is not None:
            out["exitCode"] = exit_code
        return out


class RunningQueries:
    """Every running query of the server by id (each database lists its own). Its own
    small lock: a kill or a listing never waits for the server lock a query may hold."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current: dict[str, RunningQuery] = {}

    def register(self, query: RunningQuery, tracking: QueryTracking, now: bool = True) -> bool:
        """Track ``query`` while tracking is enabled for its database. ``now=False``: it
        joins the list at its first interruption point (:meth:`RunningQuery.publish`), for a
        query that cannot wait for anything before: until it lets another request in, no
        request can list or kill it, so one that ends first is never listed, as before."""
        if not tracking.values["enabled"]:
            return False
        if now:
            self.add(query)
        else:
            query.pending = self
        return True

    def add(self, query: RunningQuery) -> None:
        with self._lock:
            self.current[query.id] = query

    def finish(self, query: RunningQuery, tracking: QueryTracking, exit_code: int) -> None:
        """The query ended: it leaves the list and joins the slow-query log if it took at
        least the threshold (``slowStreamingQueryThreshold`` for a streaming one)."""
        run_time = query.run_time()
        if query.pending is None:
            with self._lock:
                self.current.pop(query.id, None)
        else:
            query.pending = None  # never listed
        values = tracking.values
        if not values["trackSlowQueries"]:
            return
        threshold = values["slowStreamingQueryThreshold" if query.stream else "slowQueryThreshold"]
        if run_time < threshold:
            return
        query.ended = "killed" if exit_code == 1500 else "finished"
        with self._lock:
            slow = tracking.slow
            slow.append(query.entry(tracking, run_time, exit_code))
            del slow[: max(len(slow) - int(values["maxSlowQueries"]), 0)]

    def listed(self, database: str | None) -> list[RunningQuery]:
        """The running queries of one database (None: of all), oldest first."""
        with self._lock:
            found = list(self.current.values())
        return [q for q in found if database is None or q.database == database]

    def kill(self, qid: str, database: str | None) -> bool:
        """Set the kill flag of a running query; False when there is no such query."""
        with self._lock:
            query = self.current.get(qid)
            if query is None or (database is not None and query.database != database):
                return False
            query.killed = True
        return True


#: ``--server.aql-recording-memory-limit``'s default (25 MiB for all records)
RECORDING_MEMORY_LIMIT = 25 << 20
#: bind parameters this large or larger are recorded as ``{}``
RECORDED_BIND_VARS_LIMIT = 1024
_RECORD_OVERHEAD = 96  # the record's own fields, as ArangoDB counts ``sizeof``


class RecentQueries:
    """ArangoDB's AQL query recording (``--server.aql-query-recording``, on by default):
    every query of every database as it is created, newest first, for
    ``/_admin/server/aql-queries``; the oldest go once the records pass the memory limit."""

    def __init__(self, limit: int = RECORDING_MEMORY_LIMIT) -> None:
        self._lock = threading.Lock()
        self.limit = limit
        self.enabled = True
        self._records: deque[tuple[tuple[float, str, str, dict[str, Any]], int]] = deque()
        self._size = 0

    def record(self, query: str, database: str, bind_vars: dict[str, Any] | None) -> None:
        if not self.enabled:
            return
        encoded = compact(bind_vars) if bind_vars else b""  # its UTF-8 bytes, as stored
        kept = bind_vars if bind_vars and len(encoded) < RECORDED_BIND_VARS_LIMIT else {}
        size = _RECORD_OVERHEAD + len(query) + len(database) + (len(encoded) if kept else 0)
        # the time stamp is formatted when the records are listed, not for every query
        record = (time.time(), query, database, kept)
        with self._lock:
            self._records.append((record, size))
            self._size += size
            while self._size > self.limit and len(self._records) > 1:
                self._size -= self._records.popleft()[1]

    def listed(self) -> list[dict[str, Any]]:
        """The records, newest first."""
        with self._lock:
            records = [record for record, _ in reversed(self._records)]
        return [
            {"timeStamp": iso_time(stamp), "query": query, "database": database, "bindVars": kept}
            for stamp, query, database, kept in records
        ]
