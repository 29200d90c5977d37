"""AQL over HTTP: cursors (``/_api/cursor``), parse (``/_api/query``), explain, query tracking,
and the query results cache API (kept as state: results are never served from it)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ...backend import BackendResponse
from ..context import Context
from ..errors import ArangoError
from ..router import AUTH, DB_RO, route

# The stats object in ArangoDB's key order; the engine fills what it measures.
_STATS_KEYS = (
    "writesExecuted",
    "writesIgnored",
    "documentLookups",
    "seeks",
    "scannedFull",
    "scannedIndex",
    "searchParallelism",
    "cursorsCreated",
    "cursorsRearmed",
    "cacheHits",
    "cacheMisses",
    "filtered",
    "httpRequests",
    "executionTime",
    "peakMemoryUsage",
    "intermediateCommits",
)
DEFAULT_BATCH_SIZE = 1000
DEFAULT_TTL = 30.0


@dataclass
class Cursor:
    """A server-side cursor: the remaining rows plus what the next batch needs."""

    id: str
    db_name: str
    user: str | None
    rows: list[Any]
    batch_size: int
    ttl: float
    count: int | None
    extra: dict[str, Any]
    allow_retry: bool
    position: int = 0
    batch_id: int = 1
    last_batch: dict[str, Any] | None = None
    last_batch_id: int = 0
    expires: float = field(default=0.0)

    def touch(self) -> None:
        self.expires = time.monotonic() + self.ttl


def _cursors(ctx: Context) -> dict[str, Cursor]:
    store: dict[str, Cursor] = ctx.server.extensions.setdefault("cursors", {})
    now = time.monotonic()
    for cid in [cid for cid, c in store.items() if c.expires < now]:
        del store[cid]
    return store


def _stats(raw: dict[str, Any], full_count: int | None) -> dict[str, Any]:
    stats: dict[str, Any] = {key: 0 for key in _STATS_KEYS}
    stats["searchParallelism"] = 1
    stats["executionTime"] = 0.0
    stats.update(raw)
    if full_count is not None:
        stats["fullCount"] = full_count
    return stats


def _positive_number(value: Any, name: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArangoError(10, f"expecting non-negative number for <{name}>", 400)
    return float(value)


@route("POST", "/_api/cursor", area="cursor", access=DB_RO)
def create_cursor(ctx: Context) -> BackendResponse:
    """Run an AQL query and return its first batch (and a cursor id if more remain)."""
    from ...aql import api as aql

    body = ctx.body(allow_empty=True)
    if body is None or (isinstance(body, dict) and not body.get("query")):
        raise ArangoError(1502, "query is empty", 400)
    if not isinstance(body, dict):
        raise ArangoError(10, "expecting JSON object body", 400)
    query = body["query"]
    if not isinstance(query, str):
        raise ArangoError(10, "expecting string for <query>", 400)
    bind_vars = body.get("bindVars")
    if bind_vars is not None and not isinstance(bind_vars, dict):
        raise ArangoError(1550, "invalid bind parameter value", 400)
    options = body.get("options") or {}
    if not isinstance(options, dict):
        raise ArangoError(10, "expecting object for <options>", 400)
    batch_size = body.get("batchSize", DEFAULT_BATCH_SIZE)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
        raise ArangoError(10, "expecting non-zero value for <batchSize>", 400)
    ttl = _positive_number(body.get("ttl"), "ttl", DEFAULT_TTL) or DEFAULT_TTL
    merged = dict(options)
    for key in ("memoryLimit", "count", "cache"):
        if key in body:
            merged.setdefault(key, body[key])
    started = time.perf_counter()
    result = aql.execute(ctx.db, query, bind_vars, merged, user=ctx.user)
    elapsed = time.perf_counter() - started
    stats = _stats(result.stats, result.full_count if options.get("fullCount") else None)
    stats["executionTime"] = elapsed
    extra: dict[str, Any] = {"warnings": result.warnings, "stats": stats}
    if options.get("profile"):
        extra["profile"] = {
            "initializing": 0.0,
            "parsing": 0.0,
            "optimizing ast": 0.0,
            "loading collections": 0.0,
            "instantiating plan": 0.0,
            "optimizing plan": 0.0,
            "instantiating executors": 0.0,
            "executing": elapsed,
            "finalizing": 0.0,
        }
    want_count = bool(body.get("count")) and not options.get("stream")
    rows = result.rows
    cursor = Cursor(
        id=ctx.server.clock.next_id(),
        db_name=ctx.db.name,
        user=ctx.user,
        rows=rows,
        batch_size=batch_size,
        ttl=ttl,
        count=len(rows) if want_count else None,
        extra=extra,
        allow_retry=bool(options.get("allowRetry")),
    )
    payload = _next_batch(cursor, first=True)
    if payload.get("hasMore") or cursor.allow_retry:
        cursor.touch()
        _cursors(ctx)[cursor.id] = cursor
    return ctx.json(201, {**payload, "error": False, "code": 201})


def _next_batch(cursor: Cursor, *, first: bool) -> dict[str, Any]:
    """Cut the next batch; the key order follows ArangoDB's (it differs with ``hasMore``)."""
    chunk = cursor.rows[cursor.position : cursor.position + cursor.batch_size]
    cursor.position += len(chunk)
    has_more = cursor.position < len(cursor.rows)
    payload: dict[str, Any] = {"result": chunk, "hasMore": has_more}
    if has_more or not first:
        payload["id"] = cursor.id
    if cursor.count is not None:
        payload["count"] = cursor.count
    if has_more:
        payload["extra"] = cursor.extra
        payload["cached"] = False
        cursor.batch_id += 1
        payload["nextBatchId"] = cursor.batch_id
    else:
        payload["cached"] = False
        payload["extra"] = cursor.extra
    cursor.last_batch = payload
    cursor.last_batch_id = cursor.batch_id - 1 if has_more else cursor.batch_id
    return payload


def _find_cursor(ctx: Context) -> Cursor:
    cursor = _cursors(ctx).get(ctx.params["id"])
    if cursor is None or cursor.db_name != ctx.db.name:
        raise ArangoError(1600, "cursor not found", 404)
    if cursor.user is not None and ctx.user is not None and cursor.user != ctx.user:
        raise ArangoError(1600, "cursor not found", 404)
    return cursor


@route("POST|PUT", "/_api/cursor/{id}", area="cursor", access=DB_RO)
def next_batch(ctx: Context) -> BackendResponse:
    """Fetch the next batch of a cursor (PUT is the deprecated spelling)."""
    cursor = _find_cursor(ctx)
    payload = _next_batch(cursor, first=False)
    store = _cursors(ctx)
    if payload["hasMore"] or cursor.allow_retry:
        cursor.touch()
    else:
        store.pop(cursor.id, None)
    return ctx.json(200, {**payload, "error": False, "code": 200})


@route("POST", "/_api/cursor/{id}/{batchId}", area="cursor", access=DB_RO)
def retry_batch(ctx: Context) -> BackendResponse:
    """Fetch a batch again by its id (``allowRetry``), or the next one."""
    cursor = _find_cursor(ctx)
    try:
        wanted = int(ctx.params["batchId"])
    except ValueError:
        raise ArangoError(1600, "cursor not found", 404) from None
    if not cursor.allow_retry:
        raise ArangoError(1600, "cursor not found", 404)
    if wanted == cursor.batch_id and cursor.position < len(cursor.rows):
        payload = _next_batch(cursor, first=False)
    elif cursor.last_batch is not None and wanted == cursor.last_batch_id:
        payload = cursor.last_batch
    else:
        raise ArangoError(1600, "cursor not found", 404)
    cursor.touch()
    return ctx.json(200, {**payload, "error": False, "code": 200})


@route("DELETE", "/_api/cursor/{id}", area="cursor", access=DB_RO)
def delete_cursor(ctx: Context) -> BackendResponse:
    """Drop a cursor before it is exhausted."""
    cursor = _find_cursor(ctx)
    _cursors(ctx).pop(cursor.id, None)
    return ctx.json(202, {"id": cursor.id, "error": False, "code": 202})


# ----------------------------------------------------------------- parse / explain
def _query_of(ctx: Context) -> tuple[str, dict[str, Any]]:
    body = ctx.body(allow_empty=True)
    if not isinstance(body, dict) or not body.get("query"):
        raise ArangoError(1502, "query is empty", 400)
    if not isinstance(body["query"], str):
        raise ArangoError(10, "expecting string for <query>", 400)
    return body["query"], body


@route("POST", "/_api/query", area="query", access=DB_RO)
def parse_query(ctx: Context) -> BackendResponse:
    """Parse a query without running it."""
    from ...aql import api as aql

    query, _ = _query_of(ctx)
    info = aql.parse(query)
    return ctx.json(200, {"error": False, "code": 200, **info})


@route("POST", "/_api/explain", area="query", access=DB_RO)
def explain_query(ctx: Context) -> BackendResponse:
    """Explain a query: the plan with its nodes, collections and variables."""
    from ...aql import api as aql

    query, body = _query_of(ctx)
    bind_vars = body.get("bindVars")
    if bind_vars is not None and not isinstance(bind_vars, dict):
        raise ArangoError(1550, "invalid bind parameter value", 400)
    info = aql.explain(ctx.db, query, bind_vars, body.get("options") or {})
    return ctx.json(200, {**info, "error": False, "code": 200})


# ----------------------------------------------------------------- tracking
_DEFAULT_TRACKING = {
    "enabled": True,
    "trackSlowQueries": True,
    "trackBindVars": True,
    "maxSlowQueries": 64,
    "slowQueryThreshold": 10,
    "slowStreamingQueryThreshold": 10,
    "maxQueryStringLength": 4096,
}


def _tracking(ctx: Context) -> dict[str, Any]:
    props: dict[str, Any] = ctx.db.extensions.setdefault("query_tracking", dict(_DEFAULT_TRACKING))
    return props


@route("GET", "/_api/query/properties", area="query", access=DB_RO)
def get_tracking(ctx: Context) -> BackendResponse:
    """Query tracking settings."""
    return ctx.json(200, {"error": False, "code": 200, **_tracking(ctx)})


@route("PUT", "/_api/query/properties", area="query", access=DB_RO)
def set_tracking(ctx: Context) -> BackendResponse:
    """Change query tracking settings (only known keys, with their types)."""
    body = ctx.object_body()
    props = _tracking(ctx)
    for key, value in body.items():
        if key in _DEFAULT_TRACKING and isinstance(value, type(_DEFAULT_TRACKING[key])):
            props[key] = value
    return ctx.json(200, {"error": False, "code": 200, **props})


@route("GET", "/_api/query/current", area="query", access=DB_RO)
def current_queries(ctx: Context) -> BackendResponse:
    """Running queries: none outlive their request in the emulator."""
    return ctx.json(200, [])


@route("GET", "/_api/query/slow", area="query", access=DB_RO)
def slow_queries(ctx: Context) -> BackendResponse:
    """Slow queries: none exceed the threshold in the emulator."""
    return ctx.json(200, ctx.db.extensions.get("slow_queries", []))


@route("DELETE", "/_api/query/slow", area="query", access=DB_RO)
def clear_slow_queries(ctx: Context) -> BackendResponse:
    """Forget the slow query list."""
    ctx.db.extensions["slow_queries"] = []
    return ctx.json(200, {"error": False, "code": 200})


@route("DELETE", "/_api/query/{id}", area="query", access=DB_RO)
def kill_query(ctx: Context) -> BackendResponse:
    """Kill a running query; none run between requests, so every id is unknown."""
    raise ArangoError(1591, "query ID not found", 404)


# ----------------------------------------------------------------- results cache
_DEFAULT_CACHE = {
    "mode": "off",
    "maxResults": 128,
    "maxResultsSize": 268435456,
    "maxEntrySize": 16777216,
    "includeSystem": False,
}


def _cache_props(ctx: Context) -> dict[str, Any]:
    props: dict[str, Any] = ctx.server.extensions.setdefault("query_cache", dict(_DEFAULT_CACHE))
    return props


@route("GET", "/_api/query-cache/properties", area="query", access=AUTH)
def get_cache_properties(ctx: Context) -> BackendResponse:
    """Query results cache settings (kept as state; results are never cached)."""
    return ctx.json(200, _cache_props(ctx))


@route("PUT", "/_api/query-cache/properties", area="query", access=AUTH)
def set_cache_properties(ctx: Context) -> BackendResponse:
    """Change the query results cache settings."""
    body = ctx.object_body()
    props = _cache_props(ctx)
    mode = body.get("mode", props["mode"])
    if mode not in ("off", "on", "demand"):
        raise ArangoError(10, "invalid value for <mode>", 400)
    for key, value in body.items():
        if key in _DEFAULT_CACHE and isinstance(value, type(_DEFAULT_CACHE[key])):
            props[key] = value
    return ctx.json(200, props)


@route("GET", "/_api/query-cache/entries", area="query", access=DB_RO)
def cache_entries(ctx: Context) -> BackendResponse:
    """Cached results: always empty."""
    return ctx.json(200, [])


@route("DELETE", "/_api/query-cache", area="query", access=DB_RO)
def clear_cache(ctx: Context) -> BackendResponse:
    """Clear the results cache."""
    return ctx.json(200, {"error": False, "code": 200})


@route("GET", "/_api/query-plan-cache", area="query", access=DB_RO)
def plan_cache_entries(ctx: Context) -> BackendResponse:
    """Plan cache entries: the emulator's parse cache is internal, none are listed."""
    return ctx.json(200, [])


@route("DELETE", "/_api/query-plan-cache", area="query", access=DB_RO)
def clear_plan_cache(ctx: Context) -> BackendResponse:
    """Clear the plan cache."""
    return ctx.json(200, {"error": False, "code": 200})
