"""Query phase timings as ArangoDB's query profile reports them (``extra.profile``).

Each phase lasts from the end of the one before it to its own end, so the phases cover
the query's run from its start without gaps: a phase the engine has little work for gets
the short span measured between its neighbours.
"""

from __future__ import annotations

import time

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


class QueryProfile:
    """Timers per phase, in seconds; ``done(phase)`` closes a phase at the current time."""

    __slots__ = ("_last", "started", "timers")

    def __init__(self) -> None:
        self.started = self._last = time.perf_counter()
        self.timers = dict.fromkeys(PHASES, 0.0)

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.timers[name] = now - self._last
        self._last = now

    def elapsed(self) -> float:
        """Seconds since the query started."""
        return time.perf_counter() - self.started
