"""AQL over HTTP: cursors (``/_api/cursor``), parse (``/_api/query``), explain, query tracking,
and the query results cache (``/_api/query-cache``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from ...aql import api as aql
from ...aql import ast as A
from ...aql.executor import decorated_message
from ...aql.parser import parse_query as parse_aql
from ...aql.plan import deterministic
from ...aql.plan import optimizer_rules as rules
from ...aql.profile import PHASES
from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.cursors import Cursor
from ...state.queries import CachedResult, QueryCacheProperties
from ...state.users import RO, RW
from .. import auth, quick
from ..context import Context, json_response
from ..router import AUTH, DB_RO, route
from . import plan_cache

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
_STATS_ZERO = dict.fromkeys(_STATS_KEYS, 0)
_TIME_AT = _STATS_KEYS.index("executionTime")
_STATS_ZERO_FULL = dict.fromkeys((*_STATS_KEYS[:_TIME_AT], "fullCount", *_STATS_KEYS[_TIME_AT:]), 0)
DEFAULT_BATCH_SIZE = 1000
DEFAULT_TTL = 30.0


def _dump(cursor: Cursor) -> dict[str, Any]:
    """Cut the cursor's next batch, keys in ArangoDB's order for a cursor's batches."""
    chunk, has_more = cursor.cut()
    payload: dict[str, Any] = {"result": chunk, "hasMore": has_more}
    if has_more:  # the last batch names no cursor, even one kept for a retry
        payload["id"] = cursor.id
    if cursor.count is not None:
        payload["count"] = cursor.count
    if cursor.stream:
        payload["cached"] = False
        if not has_more:
            payload["extra"] = cursor.extra
    else:
        payload["extra"] = cursor.extra
        payload["cached"] = False
    if has_more:
        payload["nextBatchId"] = str(cursor.batch_id + 1)
    cursor.last_batch = payload
    return payload


def _stats(raw: dict[str, Any], full_count: int | None) -> dict[str, Any]:
    """The stats object in ArangoDB's key order (``fullCount`` after ``httpRequests``):
    a copy of the zeroed template updated with what the engine measured."""
    template = _STATS_ZERO if full_count is None else _STATS_ZERO_FULL
    stats = template.copy()
    stats.update(raw)
    if len(stats) != len(template):  # something outside the template: keep the template's
        stats = {key: stats[key] for key in template}
    stats["searchParallelism"] = 1
    if full_count is not None:
        stats["fullCount"] = full_count
    return stats


def _batch_size(body: dict[str, Any]) -> int:
    """``batchSize``: a positive number (17 otherwise); anything but a number: 1000."""
    value = body.get("batchSize")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return DEFAULT_BATCH_SIZE
    if value <= 0:
        raise ArangoError(17, "expecting positive value for <batchSize>", 400)
    return max(1, int(value))


def _ttl(body: dict[str, Any]) -> float:
    value = body.get("ttl")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return DEFAULT_TTL
    return float(value)


def _options(body: dict[str, Any]) -> dict[str, Any]:
    """The query options as ArangoDB builds them: ``options`` without the keys that only
    count at the top level, then ``stream``, ``count``, ``cache`` and ``memoryLimit``."""
    given = body.get("options")
    opts = given if isinstance(given, dict) else {}
    stream = body.get("stream") is True or opts.get("stream") is True
    merged = (
        {
            k: v
            for k, v in opts.items()
            if k not in ("count", "batchSize", "ttl", "stream")
            and not (stream and k == "fullCount")
        }
        if opts
        else {}
    )
    merged["stream"] = stream
    if not stream:
        merged["count"] = body.get("count") is True
        if "cache" not in opts and "cache" in body:
            merged["cache"] = body.get("cache") is True
    if "memoryLimit" not in merged and isinstance(body.get("memoryLimit"), (int, float)):
        merged["memoryLimit"] = body["memoryLimit"]
    return merged


def run_query(
    ctx: Context,
    query: str,
    bind_vars: Any,
    options: dict[str, Any],
    granted: set[tuple[str, bool]] | None = None,
) -> Any:
    """Run a query for the cursor API: errors carry ``AQL: ... (while <phase>)`` as
    ArangoDB's query execution reports them. ``granted`` collects the (collection, writes)
    pairs the query touched."""
    if granted is None:
        granted = set()  # DOCUMENT() asks on every call: check once
    user, db_name = ctx.user, ctx.db.name
    users = ctx.server.users
    reads = _read_grants(ctx.server)

    def access(collection: str, writes: bool) -> None:
        if (collection, writes) in granted:
            return
        if not writes:
            record = reads.get((user, db_name, collection), _MISSING)
            if record is not _MISSING and (user is None or users.get(user) is record):
                granted.add((collection, writes))
                return
        ctx.require_collection(collection, RW if writes else RO)
        granted.add((collection, writes))
        if not writes:
            reads[user, db_name, collection] = None if user is None else users.get(user)

    try:
        return aql.execute(ctx.db, query, bind_vars, options, user=ctx.user, access=access)
    except ArangoError as exc:
        exc.message = decorated_message(exc)
        raise


_MISSING = object()


def _read_grants(server: Any) -> dict[tuple[str | None, str, str], Any]:
    """The (user, database, collection) triples whose read permission a query was found
    to have in the current security epoch, with the user's record then: every change of
    a user, a grant or the server mode advances the epoch (``state/users.py``), as for the
    admission's own decisions."""
    grants: dict[tuple[str | None, str, str], Any] = server.security.remembered("aql reads")
    return grants


def _profile(result: Any) -> dict[str, float]:
    """``extra.profile``: the seconds each phase of the run took, in ArangoDB's order."""
    return {name: result.profile.get(name, 0.0) for name in PHASES}


@route("POST", "/_api/cursor", area="cursor", access=DB_RO)
def create_cursor(ctx: Context) -> BackendResponse:
    """Run an AQL query and return its first batch (and a cursor id if more remain)."""
    body = ctx.body(allow_empty=True)
    if isinstance(body, dict) and not body:
        raise ArangoError(600, status=400)
    if not isinstance(body, dict):
        raise ArangoError(1502, "query is empty", 400)
    query = body.get("query")
    if not isinstance(query, str) or not query:
        raise ArangoError(1502, "query is empty", 400)
    bind_vars = body.get("bindVars")
    if bind_vars is not None and not isinstance(bind_vars, dict):
        raise ArangoError(17, "expecting object for <bindVars>", 400)
    options = _options(body)
    batch_size = DEFAULT_BATCH_SIZE if body.get("batchSize") is None else _batch_size(body)
    server = ctx.server
    server.recent_queries.record(query, ctx.db.name, bind_vars)
    # a streaming query ignores ``count`` (the handler's option parsing drops it, so its
    # "cannot use 'count' option" check never fires) and ``fullCount``
    stream = options["stream"]
    cache_key = (
        None
        if server.query_cache.values["mode"] == "off"
        else _cache_key(ctx, query, bind_vars, options)
    )
    hit = _cache_lookup(ctx, cache_key) if cache_key is not None else None
    plan_key = None
    if hit is not None:
        rows, extra = hit.rows, {**hit.extra, "stats": dict(hit.extra["stats"])}
    else:
        plan = (
            plan_cache.prepare(ctx, query, bind_vars, options)
            if options.get("usePlanCache") is True
            else None
        )
        touched: set[tuple[str, bool]] = set()
        result = run_query(ctx, query, bind_vars, options, touched)
        # the query's run from its start to its finalization, as the engine measured it
        elapsed = result.execution_time
        quick.note(server, query, stream, elapsed)
        extra = _extra(ctx, query, bind_vars, options, result)
        rows = result.rows
        if cache_key is not None:
            _cache_store(ctx, cache_key, query, bind_vars, touched, rows, extra, elapsed)
        if plan is not None:
            plan_key = plan_cache.settle(ctx, plan, touched, result.warnings)
    count = len(rows) if options.get("count") else None
    if not stream and len(rows) <= batch_size:
        # all in one batch: no cursor is kept and none is named, as in ArangoDB
        payload: dict[str, Any] = {"result": rows, "hasMore": False}
        if count is not None:
            payload["count"] = count
        payload["cached"] = hit is not None
        if plan_key is not None:
            payload["planCacheKey"] = plan_key
        payload["extra"] = extra
        payload["error"] = False
        payload["code"] = 201
        return json_response(201, payload)
    cursor = Cursor(
        id=ctx.server.clock.next_id(),
        db_name=ctx.db.name,
        user=ctx.user,
        rows=rows,
        batch_size=batch_size,
        ttl=_ttl(body),
        count=count,
        extra=extra,
        allow_retry=options.get("allowRetry") is True,
        stream=stream,
    )
    payload = _dump(cursor)
    if hit is not None:
        payload["cached"] = True
    if plan_key is not None:
        payload["planCacheKey"] = plan_key
    ctx.server.cursors.keep(cursor, payload["hasMore"])
    return ctx.json(201, {**payload, "error": False, "code": 201})


def _extra(
    ctx: Context,
    query: str,
    bind_vars: Any,
    options: dict[str, Any],
    result: Any,
) -> dict[str, Any]:
    """``extra``: warnings, stats (``fullCount`` when asked), and with ``profile`` the
    phase timings (level 2 adds the plan and per-node stats)."""
    full_count = result.full_count if options.get("fullCount") else None
    stats = _stats(result.stats, full_count)
    stats["executionTime"] = result.execution_time
    extra: dict[str, Any] = {"warnings": result.warnings, "stats": stats}
    level = options.get("profile")
    if not level:
        return extra
    level = (
        2 if isinstance(level, (int, float)) and not isinstance(level, bool) and level >= 2 else 1
    )
    if level >= 2:
        info = aql.explain(ctx.db, query, bind_vars, options)
        measured = result.node_stats
        stats["nodes"] = (
            measured.nodes(info["plan"]["nodes"])
            if measured is not None
            else [
                {"id": node["id"], "calls": 1, "items": 0, "filtered": 0, "runtime": 0.0}
                for node in info["plan"]["nodes"]
            ]
        )
        extra["profile"] = _profile(result)
        extra["plan"] = info["plan"]
    elif level:
        extra["profile"] = _profile(result)
    return extra


def _find_cursor(ctx: Context) -> Cursor:
    cursor = ctx.server.cursors.get(_leading_number(ctx.params["id"]))
    if cursor is None or cursor.db_name != ctx.db.name:
        raise ArangoError(1600, "cursor not found", 404)
    if cursor.user is not None and ctx.user is not None and cursor.user != ctx.user:
        raise ArangoError(1600, "cursor not found", 404)
    return cursor


def _leading_number(text: str) -> str:
    """Ids are read as unsigned numbers from their leading digits, as ArangoDB does."""
    digits = ""
    for ch in text.strip():
        if not (ch.isascii() and ch.isdigit()):
            break
        digits += ch
    return str(int(digits)) if digits else "0"


@route("POST|PUT", "/_api/cursor/{id}", area="cursor", access=DB_RO)
def next_batch(ctx: Context) -> BackendResponse:
    """Fetch the next batch of a cursor (PUT is the deprecated spelling)."""
    cursor = _find_cursor(ctx)
    # only a retriable cursor outlives its last batch; asked again, it answers an
    # empty last batch (and that becomes the batch a retry repeats)
    cursor.batch_id += 1
    payload = _dump(cursor)
    ctx.server.cursors.keep(cursor, payload["hasMore"])
    return ctx.json(200, {**payload, "error": False, "code": 200})


@route("POST", "/_api/cursor/{id}/{batchId}", area="cursor", access=DB_RO)
def retry_batch(ctx: Context) -> BackendResponse:
    """The next batch by its id, or (``allowRetry``) the latest batch again."""
    cursor = _find_cursor(ctx)
    wanted = int(_leading_number(ctx.params["batchId"]))
    if wanted == cursor.batch_id and not cursor.allow_retry:
        raise ArangoError(400, "expecting allowRetry option to be true", 400)
    if wanted == cursor.batch_id + 1 and not cursor.exhausted:
        cursor.batch_id += 1
        payload = _dump(cursor)
        ctx.server.cursors.keep(cursor, payload["hasMore"])
        return ctx.json(200, {**payload, "error": False, "code": 200})
    if wanted != cursor.batch_id or cursor.last_batch is None:
        raise ArangoError(1600, "batch id not found", 404)
    cursor.touch()
    return ctx.json(200, {**cursor.last_batch, "error": False, "code": 200})


@route("DELETE", "/_api/cursor/{id}", area="cursor", access=DB_RO)
def delete_cursor(ctx: Context) -> BackendResponse:
    """Drop a cursor before it is exhausted (or a retriable one after)."""
    cursor = _find_cursor(ctx)
    ctx.server.cursors.drop(cursor.id)
    return ctx.json(202, {"id": ctx.params["id"], "error": False, "code": 202})


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
    query, _ = _query_of(ctx)
    info = aql.parse(query)
    return ctx.json(200, {"error": False, "code": 200, **info})


@route("POST", "/_api/explain", area="query", access=DB_RO)
def explain_query(ctx: Context) -> BackendResponse:
    """Explain a query: the plan with its nodes, collections and variables."""
    query, body = _query_of(ctx)
    bind_vars = body.get("bindVars")
    if bind_vars is not None and not isinstance(bind_vars, dict):
        raise ArangoError(17, "expecting object for <bindVars>", 400)
    options = body.get("options")
    try:
        info = aql.explain(ctx.db, query, bind_vars, options if isinstance(options, dict) else {})
    except ArangoError as exc:
        exc.message = decorated_message(exc, prefix="")
        raise
    return ctx.json(200, {**info, "error": False, "code": 200})


@route("GET", "/_api/query/rules", area="query", access=DB_RO)
def optimizer_rules(ctx: Context) -> BackendResponse:
    """The optimizer rules with their flags."""
    return ctx.json(200, rules())


# ----------------------------------------------------------------- tracking
@route("GET", "/_api/query/properties", area="query", access=DB_RO)
def get_tracking(ctx: Context) -> BackendResponse:
    """Query tracking settings."""
    return ctx.json(200, {"error": False, "code": 200, **ctx.db.query_tracking.values})


@route("PUT", "/_api/query/properties", area="query", access=DB_RO)
def set_tracking(ctx: Context) -> BackendResponse:
    """Change query tracking settings (only known keys, with their types)."""
    tracking = ctx.db.query_tracking
    tracking.update(ctx.object_body())
    return ctx.json(200, {"error": False, "code": 200, **tracking.values})


@route("GET", "/_api/query/current", area="query", access=DB_RO)
def current_queries(ctx: Context) -> BackendResponse:
    """The queries running now in this database (``all=true``: in every database), with
    their run time so far and execution state; empty while tracking is disabled."""
    every = _all_databases(ctx)
    databases = ctx.server.databases
    out = []
    for query in ctx.server.running_queries.listed(None if every else ctx.db.name):
        db = databases.get(query.database)
        if db is not None:
            out.append(query.entry(db.query_tracking, query.run_time(), None))
    return ctx.json(200, out)


def _all_databases(ctx: Context) -> bool:
    """``all=true``: only in ``_system`` (403, 1230) and only for a superuser (403, 11)."""
    if not ctx.flag("all"):
        return False
    if not ctx.db.is_system:
        raise ArangoError(1230, "operation only allowed in system database", 403)
    if ctx.user is not None and auth.identify(ctx.server, ctx.request.headers) != "":
        raise ArangoError(11, "forbidden", 403)
    return True


@route("GET", "/_api/query/slow", area="query", access=DB_RO)
def slow_queries(ctx: Context) -> BackendResponse:
    """The slow-query log: finished queries that took at least the threshold."""
    if _all_databases(ctx):
        dbs = ctx.server.databases.values()
        return ctx.json(200, [entry for db in dbs for entry in db.query_tracking.slow])
    return ctx.json(200, ctx.db.query_tracking.slow)


@route("DELETE", "/_api/query/slow", area="query", access=DB_RO)
def clear_slow_queries(ctx: Context) -> BackendResponse:
    """Forget the slow query list (of every database with ``all=true``)."""
    dbs = list(ctx.server.databases.values()) if _all_databases(ctx) else [ctx.db]
    for db in dbs:
        db.query_tracking.slow = []
    return ctx.json(200, {"error": False, "code": 200})


@route("DELETE", "/_api/query/{id}", area="query", access=DB_RO)
def kill_query(ctx: Context) -> BackendResponse:
    """Set a running query's kill flag; it ends with 1500 at its next interruption point
    (``all=true``: a query of any database)."""
    every = _all_databases(ctx)
    qid = _leading_number(ctx.params["id"])
    if not ctx.server.running_queries.kill(qid, None if every else ctx.db.name):
        raise ArangoError(1591, "query ID not found", 404)
    return ctx.json(200, {"error": False, "code": 200})


# ----------------------------------------------------------------- results cache
def _cache_key(
    ctx: Context, query: str, bind_vars: dict[str, Any] | None, options: dict[str, Any]
) -> str | None:
    """The results cache key of a query that may use the cache (None otherwise): mode ``on``
    unless ``cache`` is false, mode ``demand`` only with ``cache: true``; never a streaming
    query, one inside a stream transaction, or a query string shorter than 8 characters."""
    mode = ctx.server.query_cache.values["mode"]
    wanted = options.get("cache")
    if not (mode == "on" and wanted is not False) and not (mode == "demand" and wanted is True):
        return None
    if options.get("stream") or len(query) < 8 or options.get("profile"):
        return None
    if ctx.request.headers.get("x-arango-trx-id"):
        return None
    return json.dumps(
        [query, bind_vars or {}, options.get("fullCount") is True, options.get("count") is True],
        sort_keys=True,
        default=str,
    )


def _cache_lookup(ctx: Context, key: str) -> CachedResult | None:
    """A stored result still valid for this database, once the caller may read every
    collection it came from."""
    cache = ctx.server.query_cache.results
    found = cache.lookup(ctx.db, key)
    if found is not None:
        for name in found.sources:
            ctx.require_collection(name, RO)
    return found


def _cacheable(ctx: Context, query: str, bind_vars: dict[str, Any] | None) -> bool:
    """Deterministic, writes nothing and reads no View (whose links the cache cannot
    follow here)."""
    ast = parse_aql(query)
    if not deterministic(ast):
        return False
    binds = bind_vars or {}
    for node in A.walk(ast):
        if isinstance(node, (A.Modify, A.Upsert)):
            return False
        if isinstance(node, A.For):
            source = node.expr
            if isinstance(source, A.Name) and source.name in ctx.db.views:
                return False
            bound = binds.get("@" + source.name) if isinstance(source, A.Param) else None
            if isinstance(bound, str) and bound in ctx.db.views:
                return False
    return True


def _cache_store(
    ctx: Context,
    key: str,
    query: str,
    bind_vars: dict[str, Any] | None,
    touched: set[tuple[str, bool]],
    rows: list[Any],
    extra: dict[str, Any],
    elapsed: float,
) -> None:
    """Keep the result of a cacheable query with the revisions of the collections it read
    (system collections only with ``includeSystem``)."""
    props = ctx.server.query_cache.values
    if any(writes for _, writes in touched) or not _cacheable(ctx, query, bind_vars):
        return
    names = {name for name, _ in touched}
    if not props["includeSystem"] and any(name.startswith("_") for name in names):
        return
    sources: dict[str, tuple[Any, str]] = {}
    for name in names:
        col = ctx.db.get_collection(name)
        if col is None:
            return
        sources[name] = (col, col.revision)
    binds = dict(bind_vars or {})
    size = len(json.dumps(rows, default=str)) + len(json.dumps(binds, default=str))
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    entry = CachedResult(
        hash=str(int.from_bytes(digest, "big")),
        query=query,
        bind_vars=binds,
        rows=rows,
        extra={**extra, "stats": dict(extra["stats"])},
        size=size,
        run_time=elapsed,
        started=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        sources=sources,
    )
    ctx.server.query_cache.results.store(ctx.db.name, key, entry, props)


@route("GET", "/_api/query-cache/properties", area="query", access=AUTH)
def get_cache_properties(ctx: Context) -> BackendResponse:
    """Query results cache settings."""
    return ctx.json(200, ctx.server.query_cache.values)


@route("PUT", "/_api/query-cache/properties", area="query", access=AUTH)
def set_cache_properties(ctx: Context) -> BackendResponse:
    """Change the query results cache settings."""
    body = ctx.object_body()
    props = ctx.server.query_cache
    if body.get("mode", props.values["mode"]) not in QueryCacheProperties.MODES:
        raise ArangoError(10, "invalid value for <mode>", 400)
    mode = props.values["mode"]
    props.update(body)
    if props.values["mode"] != mode:  # a mode change invalidates every stored result
        props.results.clear()
    props.results.enforce(props.values)
    return ctx.json(200, props.values)


@route("GET", "/_api/query-cache/entries", area="query", access=DB_RO)
def cache_entries(ctx: Context) -> BackendResponse:
    """The results stored for this database, least recently used first."""
    entries = ctx.server.query_cache.results.entries(ctx.db)
    return ctx.json(200, [found.entry() for found in entries])


@route("DELETE", "/_api/query-cache", area="query", access=DB_RO)
def clear_cache(ctx: Context) -> BackendResponse:
    """Forget the results stored for this database."""
    ctx.server.query_cache.results.clear(ctx.db.name)
    return ctx.json(200, {"error": False, "code": 200})
