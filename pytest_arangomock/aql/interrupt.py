"""Where a running query may be interrupted, for code that does not see the query.

The executor makes the query the calling thread's current one; regular expression
matching (``patterns.py``) asks it whether to stop and hands the server lock over while a
slow match runs. Outside a query (computed values, ArangoSearch filters evaluated by state)
there is no current query and matching is not interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

__all__ = ["THREAD", "Interruptible", "current", "running"]

_local = threading.local()
#: where the calling thread's current query lives (``THREAD.query``): the executor sets
#: and restores it inline on the per-query path (two calls less than enter/leave)
THREAD = _local


class Interruptible(Protocol):
    """What a long step needs of the running query."""

    def check_interrupt(self) -> None:
        """Raise 1500 "query killed" once the query is killed or past its ``maxRuntime``."""

    def remaining(self) -> float | None:
        """Seconds left before ``maxRuntime`` (None: no limit)."""

    def unlocked(self) -> AbstractContextManager[None]:
        """A block run without holding the server lock (other requests go on)."""


def current() -> Interruptible | None:
    """The query the calling thread runs, if any."""
    query: Interruptible | None = getattr(_local, "query", None)
    return query


def enter(query: Interruptible) -> Interruptible | None:
    """Make ``query`` the calling thread's current query; returns the one to restore with
    :func:`leave` (a plain call pair, cheaper than a context manager on the query path)."""
    previous: Interruptible | None = getattr(_local, "query", None)
    _local.query = query
    return previous


def leave(previous: Interruptible | None) -> None:
    """Restore the current query :func:`enter` replaced."""
    _local.query = previous


@contextmanager
def running(query: Interruptible) -> Iterator[None]:
    """Make ``query`` the calling thread's current query for the block (nesting restores)."""
    previous = enter(query)
    try:
        yield
    finally:
        leave(previous)
