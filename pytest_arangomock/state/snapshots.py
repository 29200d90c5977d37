"""Snapshots: what a query or a stream transaction reads while others write.

RocksDB gives a query and a stream transaction repeatable reads: they see the data as it
was when they began, plus their own writes. Here a reader sees every collection through a
:class:`SnapshotView` that at first shares the collection's document dict and index
structures (nothing is copied). Documents are never changed in place, so sharing is free
until somebody else is about to write a collection that a live view still shares: then the
*writer* moves on to a fresh copy of the dict and the indexes (:func:`freeze`), and every
view that shared the old structures keeps them, untouched from then on. Index lookups a
query built before the write (they hold the structures, not the collection) therefore
agree with the documents it reads.

A collection is copied at most once per write that follows the start of a reader still
alive; a query that never lets other requests in (it does not reach an interruption
point) is never alive during somebody else's write, so the common case copies nothing.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from .conflicts import write_conflict
from .indexes import TtlIndex
from .model import Collection, Database, Doc

__all__ = ["QuerySnapshot", "QueryView", "SnapshotView", "freeze"]


class SnapshotView(Collection):
    """A collection as one reader sees it: shares its structures until they diverge.

    Built by :meth:`over` (no ``Collection.__init__``); every attribute but ``docs`` and
    ``indexes`` stays shared with the real collection, and the key generator state
    (``last_value``) is read and written through (key generators are not transactional).
    ``holder`` is the object the shared index structures belong to (their ``collection``):
    the real collection, or the frozen state :func:`freeze` left behind.
    """

    base: Collection
    holder: Collection
    own: bool

    @classmethod
    def over(cls, base: Collection) -> Any:
        view = cls.__new__(cls)
        view.__dict__.update(base.__dict__)
        view.__dict__.pop("last_value", None)
        view.base = base
        view.holder = base
        view.own = False
        return view

    @property
    def last_value(self) -> int:
        return self.base.last_value

    @last_value.setter
    def last_value(self, value: int) -> None:
        self.base.last_value = value

    def shares(self, col: Collection) -> bool:
        """Whether this view still reads ``col``'s live structures."""
        return not self.own and self.docs is col.docs

    def materialize(self) -> None:
        """Take a private copy of what the view reads (once), before writing to it."""
        if self.own:
            return
        # index structures hold keys, never documents: a deep copy that maps the holder
        # onto this view rebuilds every kind of index without knowing it
        memo: dict[int, Any] = {id(self.holder): self}
        self.indexes = [copy.deepcopy(index, memo) for index in self.indexes]
        self.docs = dict(self.docs)
        self.holder = self
        self.own = True


def freeze(col: Collection, views: list[SnapshotView]) -> None:
    """``col`` is about to be written while ``views`` still share its structures: the
    collection continues on a copy; the views keep the structures as they are now."""
    frozen = Collection.__new__(Collection)
    frozen.__dict__.update(col.__dict__)
    old_indexes = col.indexes
    memo: dict[int, Any] = {id(col): col}
    col.indexes = [copy.deepcopy(index, memo) for index in old_indexes]
    col.docs = dict(col.docs)
    for index in old_indexes:
        index.collection = frozen
    ttl = col.db.server.ttl
    for index in col.indexes:
        if isinstance(index, TtlIndex):
            ttl.register(index)  # the copy is the live one now
    for view in views:
        view.holder = frozen


class QueryView(SnapshotView):
    """What one query reads of a collection; its writes go to the real collection (which
    checks them for conflicts) and, once the view no longer shares it, to the view too, so
    the query reads its own writes."""

    def _mirror(self, key: str, new: Doc | None) -> None:
        if self.docs is self.base.docs:
            return  # still shared: the write is already here
        self.materialize()
        old = self.docs.get(key)
        indexes = self.indexes
        if old is not None:
            for index in indexes:
                index.remove(old)
            del self.docs[key]
        if new is not None:
            self.docs[key] = new
            for index in indexes:
                index.insert(new)

    def store(self, new: Doc, old: Doc | None) -> None:
        key = new["_key"]
        base = self.base
        base.store(new, base.docs.get(key))
        self._mirror(key, new)

    def delete(self, old: Doc) -> None:
        key = old["_key"]
        base = self.base
        current = base.docs.get(key)
        if current is None:
            raise write_conflict()  # removed by somebody else since the snapshot
        base.delete(current)
        self._mirror(key, None)

    def truncate(self) -> None:
        self.base.truncate()
        if self.docs is not self.base.docs:
            self.materialize()
            self.docs.clear()
            for index in self.indexes:
                index.clear()


class QuerySnapshot:
    """One query's snapshot: its views of the collections of its database."""

    __slots__ = ("db", "thread", "views")

    def __init__(self, db: Database) -> None:
        self.db = db
        self.thread = threading.get_ident()
        self.views: dict[str, QueryView] = {}

    def view(self, col: Collection) -> Collection:
        """The query's view of ``col`` (made on first use); collections of other databases
        and views of stream transactions are read as they are."""
        if col.db is not self.db or isinstance(col, SnapshotView):
            return col
        view = self.views.get(col.name)
        if view is None or view.base is not col:
            view = QueryView.over(col)
            self.views[col.name] = view
        return view
