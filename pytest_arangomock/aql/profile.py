"""Query phase timings as ArangoDB's query profile reports them (``extra.profile``).

Each phase lasts from the end of the one before it to its own end, so the phases cover
the query's run from its start without gaps: a phase the engine has little work for gets
the short span measured between its neighbours.
"""

from __future__ import annotations

import itertools
import time
from typing import Protocol

__all__ = ["PHASES", "QueryProfile"]

# ArangoDB's query execution states, in the order its profile lists them.
PHASES = (
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


_NEXT = dict(itertools.pairwise(PHASES))


class StateHolder(Protocol):
    """Something showing a query's execution state (a running query's entry)."""

    state: str


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
            self.state.state = _NEXT.get(name, "finished")

    def elapsed(self) -> float:
        """Seconds since the query started."""
        return time.perf_counter() - self.started
