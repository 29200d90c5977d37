"""Query settings: per-database query tracking (with its slow-query log), and the server's
query results cache: its properties and the results it holds per database."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = ["CachedResult", "QueryCacheProperties", "QueryResultsCache", "QueryTracking"]


class _Properties:
    """Settings with ArangoDB's names and defaults, in ArangoDB's order."""

    __slots__ = ("values",)
    DEFAULTS: ClassVar[dict[str, Any]] = {}

    def __init__(self) -> None:
        self.values: dict[str, Any] = dict(self.DEFAULTS)

    def update(self, changes: dict[str, Any]) -> None:
        """Take the known settings whose value has the default's type; ignore the rest
        (as ArangoDB does)."""
        for key, value in changes.items():
            default = self.DEFAULTS.get(key)
            if key in self.DEFAULTS and _same_kind(value, default):
                self.values[key] = value


def _same_kind(value: Any, default: Any) -> bool:
    """The value has the default's type; any number counts for a number (thresholds are
    doubles in ArangoDB, 0.5 seconds as good as 10)."""
    if type(default) in (int, float) and type(value) in (int, float):
        return True
    return isinstance(value, type(default))


class QueryTracking(_Properties):
    """``/_api/query/properties`` of one database, plus its slow-query log."""

    __slots__ = ("slow",)
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "enabled": True,
        "trackSlowQueries": True,
        "trackBindVars": True,
        "maxSlowQueries": 64,
        "slowQueryThreshold": 10,
        "slowStreamingQueryThreshold": 10,
        "maxQueryStringLength": 4096,
    }

    def __init__(self) -> None:
        super().__init__()
        #: slow queries, oldest first (none ever exceed the threshold in memory)
        self.slow: list[dict[str, Any]] = []


class QueryCacheProperties(_Properties):
    """``/_api/query-cache/properties`` of the server, with the results it holds."""

    __slots__ = ("results",)
    MODES: ClassVar[tuple[str, ...]] = ("off", "on", "demand")
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "mode": "off",
        "maxResults": 128,
        "maxResultsSize": 268435456,
        "maxEntrySize": 16777216,
        "includeSystem": False,
    }

    def __init__(self) -> None:
        super().__init__()
        self.results = QueryResultsCache()


@dataclass(slots=True)
class CachedResult:
    """One query result held by the results cache, with what ``/_api/query-cache/entries``
    shows of it and the collections (with their revision when it was stored) it read."""

    hash: str
    query: str
    bind_vars: dict[str, Any]
    rows: list[Any]
    extra: dict[str, Any]
    size: int
    run_time: float
    started: str
    sources: dict[str, tuple[Any, str]]  # name -> (collection object, revision)
    hits: int = 0

    def entry(self) -> dict[str, Any]:
        """The entry in ArangoDB's key order."""
        return {
            "hash": self.hash,
            "query": self.query,
            "bindVars": self.bind_vars,
            "size": self.size,
            "results": len(self.rows),
            "hits": self.hits,
            "runTime": self.run_time,
            "started": self.started,
            "dataSources": sorted(self.sources),
        }


class QueryResultsCache:
    """The results cache of every database: per database, entries by key, least recently
    used first. An entry is dropped as soon as a collection it read has changed."""

    __slots__ = ("databases",)

    def __init__(self) -> None:
        self.databases: dict[str, OrderedDict[str, CachedResult]] = {}

    @staticmethod
    def _fresh(db: Any, found: CachedResult) -> bool:
        for name, (col, revision) in found.sources.items():
            if db.get_collection(name) is not col or col.revision != revision:
                return False
        return True

    def lookup(self, db: Any, key: str) -> CachedResult | None:
        """The stored result for ``key`` if every collection it read is unchanged."""
        entries = self.databases.get(db.name)
        found = entries.get(key) if entries else None
        if found is None or entries is None:
            return None
        if not self._fresh(db, found):
            del entries[key]
            return None
        entries.move_to_end(key)
        found.hits += 1
        return found

    def entries(self, db: Any) -> list[CachedResult]:
        """The database's valid entries (stale ones are dropped on the way)."""
        entries = self.databases.get(db.name)
        if not entries:
            return []
        for key, found in list(entries.items()):
            if not self._fresh(db, found):
                del entries[key]
        return list(entries.values())

    def store(self, db_name: str, key: str, result: CachedResult, limits: dict[str, Any]) -> None:
        """Keep ``result`` unless it is larger than ``maxEntrySize``; then evict the least
        recently used entries beyond ``maxResults`` and ``maxResultsSize``."""
        if result.size > limits["maxEntrySize"]:
            return
        entries = self.databases.setdefault(db_name, OrderedDict())
        entries.pop(key, None)
        entries[key] = result
        self.enforce(limits)

    def enforce(self, limits: dict[str, Any]) -> None:
        for entries in self.databases.values():
            while entries and (
                len(entries) > limits["maxResults"]
                or sum(e.size for e in entries.values()) > limits["maxResultsSize"]
            ):
                entries.popitem(last=False)

    def clear(self, db_name: str | None = None) -> None:
        """Forget the entries of one database (None: of all)."""
        if db_name is None:
            self.databases.clear()
        else:
            self.databases.pop(db_name, None)
