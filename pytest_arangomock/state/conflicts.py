"""Write-write conflicts between AQL queries that run at the same time.

A query that writes registers a :class:`QueryWriter` when its execution begins: that moment
is its snapshot. Until it ends, the keys it wrote are locked (anybody else writing them
fails with 1200, RocksDB's lock time-out), and every key somebody else writes meanwhile is
remembered: when the query itself then writes such a key it fails with 1200 "write-write
conflict", as RocksDB's snapshot validation does. Stream transactions take part in the
same way (``transactions.py``), so neither side loses the other's update.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..base.errors import ArangoError

if TYPE_CHECKING:
    from .model import Collection, Database

__all__ = ["QueryWriter", "write_conflict"]


def write_conflict() -> ArangoError:
    """A key changed by somebody else after the writer's snapshot (1200)."""
    return ArangoError(1200, "write-write conflict", 409)


class QueryWriter:
    """One writing query between its snapshot and its end: locked and changed keys."""

    __slots__ = ("changed", "db", "thread", "written")

    def __init__(self, db: Database) -> None:
        self.db = db
        self.thread = threading.get_ident()
        # collection name -> keys this query wrote (locked until it ends)
        self.written: dict[str, dict[str, None]] = {}
        # collection name -> keys others wrote since this query's snapshot
        self.changed: dict[str, set[str]] = {}

    def before_write(self, col: Collection, key: str | None) -> None:
        """This query is about to write ``key`` (None: every document, a truncate)."""
        name = col.name
        changed = self.changed.get(name)
        keys = list(col.docs) if key is None else [key]
        if changed and any(k in changed for k in keys):
            raise write_conflict()
        mine = self.written.setdefault(name, {})
        for k in keys:
            mine[k] = None

    def outside_write(self, col: Collection, key: str | None) -> None:
        """Somebody else is about to write ``key`` of ``col``."""
        changed = self.changed.setdefault(col.name, set())
        if key is None:
            changed.update(col.docs)
        else:
            changed.add(key)
