"""Databases and collections: the emulator's in-memory data model.

Documents are stored as plain dicts and never mutated in place once stored: every write
builds a new dict, so readers (handlers, AQL) may hand stored documents out without copying.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from .analyzers import Analyzer
from .conflicts import write_conflict
from .indexes import EdgeIndex, Index, PrimaryIndex
from .queries import QueryTracking
from .views import View

if TYPE_CHECKING:
    from .server import Server

Doc = dict[str, Any]

DOCUMENT = 2
EDGE = 3

# System collections every database has in 3.12 (``_system`` has a few more).
SYSTEM_COLLECTIONS = (
    "_analyzers",
    "_appbundles",
    "_apps",
    "_aqlfunctions",
    "_frontend",
    "_graphs",
    "_jobs",
    "_queues",
)
SYSTEM_DB_COLLECTIONS = ("_statistics", "_statistics15", "_statisticsRaw", "_users")
# the system collections of another database and of ``_system``, in creation order and as
# a set (made once: every test makes a database, and its server a ``_system``)
_SYSTEM_NAMES = {
    system: (names, frozenset(names))
    for system, names in (
        (False, SYSTEM_COLLECTIONS),
        (True, SYSTEM_COLLECTIONS + SYSTEM_DB_COLLECTIONS),
    )
}


class Collection:
    """A document or edge collection with its documents, indexes and properties."""

    def __init__(
        self,
        db: Database,
        name: str,
        cid: str,
        ctype: int = DOCUMENT,
        *,
        is_system: bool = False,
        properties: dict[str, Any] | None = None,
        key_options: dict[str, Any] | None = None,
        object_id: str | None = None,
    ) -> None:
        self.db = db
        self.name = name
        self.id = cid
        self.object_id = object_id or db.server.clock.next_id()
        self.type = ctype
        self.is_system = is_system
        self.docs: dict[str, Doc] = {}
        # collection-level properties as ArangoDB reports them (waitForSync, schema, ...)
        self.properties: dict[str, Any] = {
            "waitForSync": False,
            "schema": None,
            "computedValues": None,
            "cacheEnabled": False,
            "writeConcern": 1,
            "replicationFactor": 1,
            "numberOfShards": 1,
            "shardKeys": ["_key"],
            "shardingStrategy": "hash",
        }
        if properties:
            self.properties.update(properties)
        self.key_options: dict[str, Any] = {"allowUserKeys": True, "type": "traditional"}
        if key_options:
            self.key_options.update(key_options)
        self.last_value = 0  # key generator state (traditional/autoincrement/padded)
        self.revision = "0"  # rev of the most recent write
        self.indexes: list[Index] = [PrimaryIndex(self, "0", "primary", ["_key"], unique=True)]
        if ctype == EDGE:
            self.indexes.append(EdgeIndex(self, "2"))
        self._next_index_id = 0
        #: compiled JSON-schema validators by rule fingerprint (see ``state/documents.py``)
        self.schema_validators: dict[str, Any] = {}

    # ------------------------------------------------------------------ helpers
    @property
    def is_edge(self) -> bool:
        return self.type == EDGE

    @property
    def edge_index(self) -> EdgeIndex | None:
        for index in self.indexes:
            if isinstance(index, EdgeIndex):
                return index
        return None

    def next_index_id(self) -> str:
        return self.db.server.clock.next_id()

    def doc_id(self, key: str) -> str:
        return f"{self.name}/{key}"

    # ------------------------------------------------------------------ writes
    def guard_write(self, key: str | None) -> bool:
        """Before a write of ``key`` (None: every document): running stream transactions
        and writing queries may object (write-write conflict), make it wait for their
        locks (True when it waited) or keep their snapshot."""
        transactions = self.db.server.transactions
        if transactions.transactions or transactions.writers or transactions.readers:
            return transactions.guard(self, key)
        return False

    def _guard_replacing(self, key: str, old: Doc | None) -> None:
        """``guard_write`` for a write that replaces ``old``: after a wait for a lock,
        somebody else may have changed the document meanwhile (1200, the client retries)."""
        if self.guard_write(key) and self.docs.get(key) is not old:
            raise write_conflict()

    def store(self, new: Doc, old: Doc | None) -> None:
        """Put ``new`` in place of ``old`` (or as a fresh document), keeping indexes in step.

        Every unique index is checked before anything changes, so a violation leaves the
        collection untouched.
        """
        key = new["_key"]
        self._guard_replacing(key, old)  # transaction views override guard_write
        indexes = self.indexes
        if len(indexes) > 1:  # the primary index alone is the document dict itself
            for index in indexes:
                index.check(new, old)
            if old is not None:
                for index in indexes:
                    index.remove(old)
            self.docs[key] = new
            for index in indexes:
                index.insert(new)
        else:
            self.docs[key] = new
        self.revision = new.get("_rev", self.revision)

    def delete(self, old: Doc) -> None:
        """Remove a stored document and its index entries."""
        self._guard_replacing(old["_key"], old)
        for index in self.indexes:
            index.remove(old)
        docs = self.docs
        del docs[old["_key"]]
        if not docs:
            docs.clear()  # a dict keeps its table when emptied one by one; this frees it
        self.revision = self.db.server.clock.next_rev()

    def truncate(self) -> None:
        self.guard_write(None)
        self.docs.clear()
        for index in self.indexes:
            index.clear()
        self.revision = self.db.server.clock.next_rev()

    def release(self) -> None:
        """Let go of every document and index entry (the collection was dropped): whatever
        still holds the collection object (a stream transaction's view shares ``docs`` and
        ``indexes`` until it copies them) no longer keeps its data alive."""
        self.docs.clear()
        for index in self.indexes:
            index.clear()
        self.schema_validators.clear()


class _Collections(dict[str, Collection]):
    """A database's collections by name, its system collections made on first use.

    Every database has its system collections, but most tests never look at them: they are
    built when something reads them (by name, or by listing, counting or iterating the
    collections), with the ids they were given when the database was made, and in front of
    the others, so every answer is the same as if they had been there all along. Looking up
    or adding any other name does not build them.
    """

    __slots__ = ("_db", "_first", "_order", "_pending")

    def __init__(
        self, db: Database, pending: tuple[tuple[str, ...], frozenset[str]], first_tick: int
    ) -> None:
        super().__init__()
        self._db = db
        # in creation order, each with two ticks from ``first_tick``; and as a set
        self._order, self._pending = pending
        self._first = first_tick

    def _build(self) -> None:
        self._pending = frozenset()
        rest = list(dict.items(self))
        dict.clear(self)
        for i, name in enumerate(self._order):
            cid, object_id = str(self._first + 2 * i), str(self._first + 2 * i + 1)
            col = Collection(self._db, name, cid, is_system=True, object_id=object_id)
            dict.__setitem__(self, name, col)
        for name, col in rest:
            dict.__setitem__(self, name, col)

    def built(self) -> list[Collection]:
        """The collections that exist as objects (without building the pending ones)."""
        return list(dict.values(self))

    def __contains__(self, name: object) -> bool:
        return dict.__contains__(self, name) or name in self._pending

    def __getitem__(self, name: str) -> Collection:
        if self._pending and name in self._pending:
            self._build()
        return dict.__getitem__(self, name)

    def get(self, name: str, default: Any = None) -> Any:
        if self._pending and name in self._pending:
            self._build()
        return dict.get(self, name, default)

    def pop(self, name: str, *default: Any) -> Any:
        if self._pending:
            self._build()
        return dict.pop(self, name, *default)

    def __delitem__(self, name: str) -> None:
        if self._pending:
            self._build()
        dict.__delitem__(self, name)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._pending)

    def __iter__(self) -> Iterator[str]:
        if self._pending:
            self._build()
        return dict.__iter__(self)

    def keys(self) -> Any:
        if self._pending:
            self._build()
        return dict.keys(self)

    def values(self) -> Any:
        if self._pending:
            self._build()
        return dict.values(self)

    def items(self) -> Any:
        if self._pending:
            self._build()
        return dict.items(self)

    def copy(self) -> dict[str, Collection]:
        return dict(self.items())

    def __reduce__(self) -> Any:  # copies and pickles are plain dicts with everything built
        return (dict, (list(self.items()),))


class Database:
    """One database: collections by name and id, plus per-area state (graphs, views...)."""

    def __init__(
        self, server: Server, name: str, did: str, *, options: dict[str, Any] | None = None
    ):
        self.server = server
        self.name = name
        self.id = did
        self.options: dict[str, Any] = {
            "sharding": "",
            "replicationFactor": 1,
            "writeConcern": 1,
        }
        if options:
            self.options.update(options)
        system = _SYSTEM_NAMES[name == "_system"]
        first = server.clock.reserve(2 * len(system[0]))  # a collection id, an object id each
        self.collections: dict[str, Collection] = _Collections(self, system, first)
        #: views by name (typed in state.views); they share the collections' namespace
        self.views: dict[str, View] = {}
        #: this database's custom analyzers by short name (typed in state.analyzers)
        self.analyzers: dict[str, Analyzer] = {}

    @functools.cached_property
    def query_tracking(self) -> QueryTracking:
        """Query tracking settings and the slow-query log of this database (made when a
        query or its settings first need them)."""
        return QueryTracking()

    @property
    def is_system(self) -> bool:
        return self.name == "_system"

    def create_collection(
        self,
        name: str,
        ctype: int = DOCUMENT,
        *,
        is_system: bool = False,
        properties: dict[str, Any] | None = None,
        key_options: dict[str, Any] | None = None,
    ) -> Collection:
        if name in self.collections or name in self.views:
            raise ArangoError(1207, f"duplicate name: {name}", 409)
        col = Collection(
            self,
            name,
            self.server.clock.next_id(),
            ctype,
            is_system=is_system,
            properties=properties,
            key_options=key_options,
        )
        self.collections[name] = col
        return col

    def find_collection(self, name_or_id: str) -> Collection | None:
        """A collection by name or numeric id, or None."""
        col = self.collections.get(name_or_id)
        if col is None and name_or_id.isdigit():
            for candidate in self.collections.values():
                if candidate.id == name_or_id:
                    return candidate
        return col

    def collection(self, name_or_id: str) -> Collection:
        """Look a collection up by name or numeric id; 404/1203 if there is none."""
        col = self.find_collection(name_or_id)
        if col is None:
            raise ArangoError(1203, f"collection or view not found: {name_or_id}", 404)
        return col

    def get_collection(self, name: str) -> Collection | None:
        return self.collections.get(name)

    def rename_collection(self, col: Collection, new_name: str) -> None:
        """Give ``col`` a new name, keeping its place in the listing order."""
        if new_name in self.collections:
            raise ArangoError(1207, "duplicate name", 409)
        old_name = col.name
        self.collections = {
            (new_name if k == old_name else k): v for k, v in self.collections.items()
        }
        col.name = new_name
        # ArangoDB derives a document's _id from its collection, so reads after a rename show
        # the new name; stored documents are updated in place (indexes hold the same objects)
        prefix = new_name + "/"
        for key, doc in col.docs.items():
            doc["_id"] = prefix + key

    def drop_collection(self, name: str) -> None:
        """Drop a collection (once: a name that is already gone is left alone)."""
        col = self.collections.pop(name, None)
        if col is not None:
            col.release()

    def release(self) -> list[Collection]:
        """Let go of every collection's data, view and analyzer (the database was dropped);
        the collections that were built are returned."""
        cols = self.collections
        built = cols.built() if isinstance(cols, _Collections) else list(cols.values())
        for col in built:
            col.release()
        self.collections = {}
        self.views = {}
        self.analyzers = {}
        return built

    def discard(self) -> None:
        """``release``, and also part each collection from its indexes (each index points
        back at its collection): only for a server nobody reads again, since a query or
        transaction still running on a merely dropped collection reads its index list."""
        for col in self.release():
            col.indexes = []
