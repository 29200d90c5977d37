"""Query settings: per-database query tracking (with its slow-query log) and the server's
query results cache properties (kept as settings: results are never served from a cache)."""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = ["QueryCacheProperties", "QueryTracking"]


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
            if key in self.DEFAULTS and isinstance(value, type(default)):
                self.values[key] = value


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
    """``/_api/query-cache/properties`` of the server."""

    __slots__ = ()
    MODES: ClassVar[tuple[str, ...]] = ("off", "on", "demand")
    DEFAULTS: ClassVar[dict[str, Any]] = {
        "mode": "off",
        "maxResults": 128,
        "maxResultsSize": 268435456,
        "maxEntrySize": 16777216,
        "includeSystem": False,
    }
