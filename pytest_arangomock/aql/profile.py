"""Query phase timings as ArangoDB's query profile reports them (``extra.profile``).

Each phase lasts from the end of the one before it to its own end, so the phases cover
the query's run from its start without gaps: a phase the engine has little work for gets
the short span measured between its neighbours.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from ..state.running import EXECUTION_STATES

__all__ = ["PHASES", "NodeStats", "PhaseStates", "Phases", "QueryProfile", "elapsed"]

# ArangoDB's query execution states, in the order its profile lists them.
PHASES = EXECUTION_STATES


class StateHolder(Protocol):
    """Something showing a query's execution state (a running query's entry): the last
    phase the query finished."""

    phase_done: str


class Phases(Protocol):
    """What the executor marks a query's phases with (timed or not)."""

    timers: dict[str, float]
    started: float

    def done(self, name: str) -> Any:
        """Phase ``name`` ended now."""


class QueryProfile:
    """Timers per phase, in seconds; ``done(phase)`` closes a phase at the current time."""

    __slots__ = ("_last", "started", "state", "timers")

    def __init__(self, state: StateHolder | None = None) -> None:
        self.started = self._last = time.perf_counter()
        self.timers = dict.fromkeys(PHASES, 0.0)
        #: where the query's current phase is shown (the list of running queries)
        self.state = state

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.timers[name] = now - self._last
        self._last = now
        if self.state is not None:
            self.state.phase_done = name


# a call that changes nothing (a C function: no Python frame per phase)
_IGNORE: Callable[[str], Any] = frozenset().__contains__


class PhaseStates:
    """The phases of a query whose answer carries no profile: the running query's entry
    still shows each phase as it begins, but no phase is timed (nine clock reads and
    nine Python calls less: ``done`` sets the entry's attribute directly)."""

    __slots__ = ("done", "started", "timers")

    def __init__(self, state: StateHolder | None = None) -> None:
        self.started = time.perf_counter()
        self.timers: dict[str, float] = {}
        self.done: Callable[[str], Any] = (
            _IGNORE if state is None else functools.partial(setattr, state, "phase_done")
        )


def elapsed(phases: Phases) -> float:
    """Seconds since the query started."""
    return time.perf_counter() - phases.started


BATCH = 1000  # rows one execute call of an ArangoDB block hands on (the default batch)

_Rows = Iterable[Any]
_Stage = Callable[[_Rows], Iterable[Any]]


class NodeStats:
    """Per execution node of a level-2 profile (``extra.stats.nodes``), measured.

    A compiled stage runs one or more plan nodes fused (a FOR with the calculations and
    FILTERs it evaluates per document). Each stage is timed around its rows: what its
    iterator took, less what the stage it pulls from took, is its own runtime; the same
    holds for the rows the query's filters rejected. The first node of a stage (the one
    whose loop runs the others) gets the runtime; nodes before its first FILTER count the
    rows before filtering, the FILTERs count the rejected ones as ``filtered``.
    """

    __slots__ = ("_stages", "filtered")

    def __init__(self, filtered: Callable[[], int]) -> None:
        #: the query's count of rows rejected by filters so far
        self.filtered = filtered
        # id(stage) -> [tags, upstream stage id, calls, items, seconds, filtered] (inclusive)
        self._stages: dict[int, list[Any]] = {}

    def measure(self, stage: _Stage, tags: list[tuple[int, str]], upstream: int | None) -> Any:
        """``stage`` counting its rows and time; returns (the measured stage, its key)."""
        record: list[Any] = [tags, upstream, 0, 0, 0.0, 0]
        clock = time.perf_counter
        rejected = self.filtered

        def measured(rows: _Rows) -> Iterator[Any]:
            record[2] += 1
            it = iter(stage(rows))
            items = 0
            try:
                while True:
                    t0, f0 = clock(), rejected()
                    try:
                        row = next(it)
                    except StopIteration:
                        return
                    finally:
                        record[4] += clock() - t0
                        record[5] += rejected() - f0
                    items += 1
                    yield row
            finally:
                record[3] += items

        self._stages[id(measured)] = record
        return measured, id(measured)

    def nodes(self, plan_nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``extra.stats.nodes`` for the plan's nodes (one the run did not measure, such
        as the singleton, shows one call)."""
        found: dict[int, dict[str, Any]] = {}
        stages = self._stages
        for tags, upstream, calls, items, seconds, filtered in stages.values():
            before = stages.get(upstream) if upstream is not None else None
            if before is not None:
                seconds = max(seconds - before[4], 0.0)
                filtered = max(filtered - before[5], 0)
            first_filter = next(
                (n for n, (_, kind) in enumerate(tags) if kind == "FilterNode"), len(tags)
            )
            for n, (node_id, kind) in enumerate(tags):
                entry = found.setdefault(
                    node_id, {"calls": 0, "items": 0, "filtered": 0, "runtime": 0.0}
                )
                node_items = items + (filtered if n < first_filter else 0)
                entry["calls"] += calls + node_items // BATCH
                entry["items"] += node_items
                if kind == "FilterNode" and n == first_filter:
                    entry["filtered"] += filtered
                if n == 0:
                    entry["runtime"] += seconds
        out = []
        for node in plan_nodes:
            nid = node["id"]
            entry = found.get(nid) or {
                "calls": 1,
                "items": 1 if node.get("type") == "SingletonNode" else 0,
                "filtered": 0,
                "runtime": 0.0,
            }
            out.append({"id": nid, **entry})
        return out
