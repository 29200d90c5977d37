"""TTL purging: expired documents really disappear, as ArangoDB's background thread does it.

The purge runs before every request instead of on a timer. It is cheap when nothing can
expire: the registry is empty unless some collection has a TTL index, and each TTL index
keeps its expiry instants sorted, so a purge only looks at documents that are already due.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..base.errors import ArangoError
from .indexes import TtlIndex

__all__ = ["TtlRegistry"]


def _alive(index: TtlIndex) -> bool:
    col = index.collection
    db = col.db
    return (
        db.server.databases.get(db.name) is db
        and db.collections.get(col.name) is col
        and any(ix is index for ix in col.indexes)
    )


class TtlRegistry:
    """The server's live TTL indexes and the clock they expire documents by."""

    __slots__ = ("clock", "indexes")

    def __init__(self) -> None:
        self.indexes: list[TtlIndex] = []
        #: the current time in seconds; None: wall-clock time (tests move time forward)
        self.clock: Callable[[], float] | None = None

    def now(self) -> float:
        clock = self.clock
        return clock() if clock is not None else time.time()

    def register(self, index: TtlIndex) -> None:
        """Remember a new TTL index so purges only ever visit TTL indexes."""
        self.indexes.append(index)

    def purge(self) -> int:
        """Remove every expired document from every collection with a TTL index; the count."""
        registry = self.indexes
        if not registry:
            return 0
        removed = 0
        instant = self.now()
        for index in list(registry):
            if not _alive(index):
                registry.remove(index)
                continue
            col = index.collection
            locks = col.db.server.transactions
            waits = locks.may_block  # ArangoDB's TTL thread skips what it cannot lock now
            if waits and locks.blocker(col.db, col.name, "write", None) is not None:
                continue
            for key in index.expired_keys(instant):
                doc = col.docs.get(key)
                if doc is None or (waits and locks.key_holder(col.db, col.name, key, None)):
                    continue
                try:
                    col.delete(doc)
                except ArangoError:
                    # locked by a running stream transaction: ArangoDB's TTL thread skips it
                    continue
                removed += 1
        return removed
