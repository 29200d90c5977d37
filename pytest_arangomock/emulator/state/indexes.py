"""Index data structures. Each keeps a real lookup structure so cost stays flat as data grows.

The collection calls, for every write, ``check`` on all indexes (unique constraints) before it
changes anything, then ``remove`` for the old version and ``insert`` for the new one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Collection

Doc = dict[str, Any]


class Index:
    """Base class: a named index over ``fields`` of one collection."""

    type = "base"

    def __init__(
        self,
        collection: Collection,
        iid: str,
        name: str,
        fields: list[str],
        unique: bool = False,
        sparse: bool = False,
    ) -> None:
        self.collection = collection
        self.id = iid
        self.name = name
        self.fields = fields
        self.unique = unique
        self.sparse = sparse

    @property
    def handle(self) -> str:
        return f"{self.collection.name}/{self.id}"

    def describe(self) -> dict[str, Any]:
        """The index as ``GET /_api/index`` lists it."""
        return {
            "fields": list(self.fields),
            "id": self.handle,
            "name": self.name,
            "selectivityEstimate": 1,
            "sparse": self.sparse,
            "type": self.type,
            "unique": self.unique,
        }

    def check(self, doc: Doc, old: Doc | None) -> None:
        """Raise ArangoError 1210 if inserting ``doc`` (replacing ``old``) violates this index."""

    def insert(self, doc: Doc) -> None:
        """Add ``doc`` to the structure."""

    def remove(self, doc: Doc) -> None:
        """Remove ``doc`` from the structure."""

    def clear(self) -> None:
        """Drop every entry (truncate)."""


class PrimaryIndex(Index):
    """The ``_key`` index; the collection's document dict is the structure itself."""

    type = "primary"

    def describe(self) -> dict[str, Any]:
        return {
            "fields": ["_key"],
            "id": self.handle,
            "name": "primary",
            "selectivityEstimate": 1,
            "sparse": False,
            "type": "primary",
            "unique": True,
        }


class EdgeIndex(Index):
    """``_from``/``_to`` lookups for edge collections: vertex id -> set of edge keys."""

    type = "edge"

    def __init__(self, collection: Collection, iid: str) -> None:
        super().__init__(collection, iid, "edge", ["_from", "_to"])
        # vertex id -> edge keys in insertion order (a dict used as an ordered set)
        self.by_from: dict[str, dict[str, None]] = {}
        self.by_to: dict[str, dict[str, None]] = {}

    def describe(self) -> dict[str, Any]:
        return {
            "fields": ["_from", "_to"],
            "id": self.handle,
            "name": "edge",
            "selectivityEstimate": 1,
            "sparse": False,
            "type": "edge",
            "unique": False,
        }

    def insert(self, doc: Doc) -> None:
        key = doc["_key"]
        self.by_from.setdefault(doc.get("_from", ""), {})[key] = None
        self.by_to.setdefault(doc.get("_to", ""), {})[key] = None

    def remove(self, doc: Doc) -> None:
        key = doc["_key"]
        for table, vertex in ((self.by_from, doc.get("_from", "")), (self.by_to, doc.get("_to", ""))):
            keys = table.get(vertex)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del table[vertex]

    def clear(self) -> None:
        self.by_from.clear()
        self.by_to.clear()

    def outbound(self, vertex_id: str) -> list[Doc]:
        docs = self.collection.docs
        return [docs[k] for k in self.by_from.get(vertex_id, ())]

    def inbound(self, vertex_id: str) -> list[Doc]:
        docs = self.collection.docs
        return [docs[k] for k in self.by_to.get(vertex_id, ())]
