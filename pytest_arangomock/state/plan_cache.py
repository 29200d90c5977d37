"""ArangoDB 3.12's query plan cache as users see it: per database, entries keyed by the query
string, its collection bind parameters and ``fullCount``, each remembering the data sources it
read and how often it served a query.

The engine compiles every query from its parsed form anyway (parse results are cached by query
text); this store is what ``usePlanCache``, ``planCacheKey`` and ``/_api/query-plan-cache``
show. An entry is invalid once a data source it used was dropped, renamed or replaced, had an
index added or dropped, or had its properties changed; such entries are dropped whenever the
cache is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CachedPlan", "PlanCache", "PlanKey", "plan_key", "source_shape"]

#: (query string, collection bind parameters as canonical JSON, fullCount)
PlanKey = tuple[str, str, bool]


def plan_key(query: str, bind_vars: dict[str, Any] | None, full_count: bool) -> PlanKey:
    """The cache key: value bind parameters are left out, a cached plan serves any value."""
    sources = {k: v for k, v in (bind_vars or {}).items() if k.startswith("@")}
    return (query, json.dumps(sources, sort_keys=True, default=str), full_count)


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def source_shape(db: Any, name: str) -> tuple[Any, str] | None:
    """What a cached plan depends on in data source ``name``: the object itself and a
    signature of its indexes and properties (None when there is no such source)."""
    col = db.get_collection(name)
    if col is not None:
        indexes = [ix.id for ix in col.indexes]
        return col, json.dumps([name, indexes, col.properties], sort_keys=True, default=str)
    view = db.views.get(name)
    if view is not None:
        props = getattr(view, "properties", None)
        return view, json.dumps([name, props], sort_keys=True, default=str)
    return None


@dataclass(slots=True)
class CachedPlan:
    """One entry, with what ``GET /_api/query-plan-cache`` lists of it."""

    key: PlanKey
    sources: dict[str, tuple[Any, str, bool]]  # name -> (object, signature, writes)
    created: str
    hits: int = 0
    hash: str = field(init=False)

    def __post_init__(self) -> None:
        query, binds, full_count = self.key
        self.hash = str(_digest(f"{query}\0{binds}\0{full_count}"))

    def fresh(self, db: Any) -> bool:
        for name, (obj, signature, _) in self.sources.items():
            shape = source_shape(db, name)
            if shape is None or shape[0] is not obj or shape[1] != signature:
                return False
        return True

    def entry(self) -> dict[str, Any]:
        """The listing's fields in ArangoDB's order; ``memoryUsage`` is an estimate made
        the way ArangoDB makes it (fixed overheads plus the sizes of the strings held)."""
        query, binds, full_count = self.key
        names = sorted(self.sources)
        memory = 256 + len(query.encode()) + len(binds) + 32
        memory += sum(32 + 2 * len(name) for name in names) + 64 * (len(names) + 1)
        return {
            "hash": self.hash,
            "query": query,
            "queryHash": _digest(query),
            "bindVars": json.loads(binds),
            "fullCount": full_count,
            "dataSources": names,
            "created": self.created,
            "hits": self.hits,
            "memoryUsage": memory,
        }


class PlanCache:
    """The plan caches of every database, by database name."""

    __slots__ = ("databases",)

    def __init__(self) -> None:
        self.databases: dict[str, dict[PlanKey, CachedPlan]] = {}

    def lookup(self, db: Any, key: PlanKey) -> CachedPlan | None:
        """The valid entry for ``key`` (an invalid one is dropped on the way)."""
        entries = self.databases.get(db.name)
        found = entries.get(key) if entries else None
        if found is None or entries is None:
            return None
        if not found.fresh(db):
            del entries[key]
            return None
        return found

    def store(self, db_name: str, plan: CachedPlan) -> None:
        self.databases.setdefault(db_name, {})[plan.key] = plan

    def entries(self, db: Any) -> list[CachedPlan]:
        """The database's valid entries, oldest first."""
        entries = self.databases.get(db.name)
        if not entries:
            return []
        for key, found in list(entries.items()):
            if not found.fresh(db):
                del entries[key]
        return list(entries.values())

    def clear(self, db_name: str) -> None:
        self.databases.pop(db_name, None)
