"""The indexes every collection has: ``primary`` (``_key``) and, for edges, ``edge``.

Both are registered so a definition naming them gets ArangoDB's "cannot create" error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .base import Doc, Index, Lookup, candidates, spread
from .registry import IndexType, register

if TYPE_CHECKING:
    from ..model import Collection


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

    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """``_key`` (or else ``_id``) equal to, or in, given values."""
        field = "_key" if "_key" in conditions else "_id" if "_id" in conditions else None
        if field is None:
            return None
        many = conditions[field]
        docs = self.collection.docs
        prefix = self.collection.name + "/"

        def scan(values: Sequence[Any]) -> Iterator[Doc]:
            seen: set[str] = set()
            for k in candidates(values[0], many):
                if field == "_id":
                    k = k[len(prefix) :] if type(k) is str and k.startswith(prefix) else None
                if type(k) is str and k not in seen:
                    d = docs.get(k)
                    if d is not None:
                        seen.add(k)
                        yield d

        def fetch(values: Sequence[Any]) -> list[Doc]:
            return list(scan(values))

        def one(value: Any) -> list[Doc]:
            if type(value) is not str:
                return []
            if field == "_id":
                if not value.startswith(prefix):
                    return []
                value = value[len(prefix) :]
            d = docs.get(value)
            return [] if d is None else [d]

        return Lookup(self, (field,), 1.0, fetch, one=None if many else one, scan=scan)

    def sorted_lookup(self) -> Lookup | None:
        """Every document by ``_key``, forwards or backwards: RocksDB's primary index is
        sorted by the key's bytes (not by AQL's string collation), so ``SORT d._key``
        over it gives byte order, as ArangoDB answers it."""

        def read(backwards: bool) -> Iterator[Doc]:
            docs = self.collection.docs
            keys = sorted(docs, reverse=backwards)  # code points: the keys' (ASCII) bytes
            return map(docs.__getitem__, keys)

        return Lookup(
            self,
            (),
            float(len(self.collection.docs)),
            lambda _vs: list(read(False)),
            scan=lambda _vs: read(False),
            order=("_key",),
            reverse=lambda _vs: read(True),
        )


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

    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """``_from`` (or else ``_to``) equal to, or in, given vertex ids."""
        field = "_from" if "_from" in conditions else "_to" if "_to" in conditions else None
        if field is None:
            return None
        many = conditions[field]
        edges = self.outbound if field == "_from" else self.inbound
        walk = self._each_outbound if field == "_from" else self._each_inbound

        def scan(values: Sequence[Any]) -> Iterator[Doc]:
            for vid in dict.fromkeys(v for v in candidates(values[0], many) if type(v) is str):
                yield from walk(vid)

        def fetch(values: Sequence[Any]) -> list[Doc]:
            return list(scan(values))

        def one(value: Any) -> list[Doc]:
            return edges(value) if type(value) is str else []

        return Lookup(
            self, (field,), spread(self.collection), fetch, one=None if many else one, scan=scan
        )

    def insert(self, doc: Doc) -> None:
        key = doc["_key"]
        self.by_from.setdefault(doc.get("_from", ""), {})[key] = None
        self.by_to.setdefault(doc.get("_to", ""), {})[key] = None

    def remove(self, doc: Doc) -> None:
        key = doc["_key"]
        for table, vertex in (
            (self.by_from, doc.get("_from", "")),
            (self.by_to, doc.get("_to", "")),
        ):
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

    def _each_outbound(self, vertex_id: str) -> Iterator[Doc]:
        """:meth:`outbound`, read as the caller asks for the edges."""
        return map(self.collection.docs.__getitem__, self.by_from.get(vertex_id, ()))

    def _each_inbound(self, vertex_id: str) -> Iterator[Doc]:
        """:meth:`inbound`, read as the caller asks for the edges."""
        return map(self.collection.docs.__getitem__, self.by_to.get(vertex_id, ()))


class _SystemType(IndexType[Index]):
    """A type users cannot create (or drop): the collection makes its own."""

    creatable = False

    def __init__(self, name: str) -> None:
        self.name = name


register(_SystemType(PrimaryIndex.type))
register(_SystemType(EdgeIndex.type))
