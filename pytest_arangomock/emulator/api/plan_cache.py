"""The query plan cache (``usePlanCache``, ``planCacheKey``, ``/_api/query-plan-cache``).

As in ArangoDB 3.12.4+: a query asks for the cache with ``usePlanCache: true``; a query that
cannot be cached then fails with 1584 (HTTP 500) instead of running; the first run stores an
entry, later runs with the same query string, collection bind parameters and ``fullCount``
use it (any value bind parameters) and report its key as ``planCacheKey``. Eligibility follows
the documentation's list: no attribute-name bind parameters, no value bind parameters for
LIMIT, traversal depths, graph names or traversal edge collections, no UPSERT, and neither
``allPlans`` nor ``optimizer.rules``. A run with warnings is not stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ...aql import ast as A
from ...aql.parser import parse_query as parse_aql
from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.plan_cache import CachedPlan, PlanKey, plan_key, source_shape
from ...state.users import RO, RW, at_least
from .. import auth
from ..context import Context
from ..router import DB_RO, DB_RW, route

__all__ = ["PlanUse", "prepare", "settle"]

NOT_ELIGIBLE = "AQL: query is not eligible for plan caching (while parsing)"


@dataclass(slots=True)
class PlanUse:
    """A query that asked for the plan cache: its key and the entry it found, if any."""

    key: PlanKey
    found: CachedPlan | None


def _has_param(expr: Any) -> bool:
    return any(isinstance(n, A.Param) for n in A.walk(expr))


def _eligible(ast: A.Query, options: dict[str, Any]) -> bool:
    if options.get("allPlans") is True:
        return False
    optimizer = options.get("optimizer")
    if isinstance(optimizer, dict) and optimizer.get("rules"):
        return False
    for node in A.walk(ast):
        if isinstance(node, A.Upsert):
            return False
        if isinstance(node, A.Attr) and isinstance(node.name, A.Param):
            return False
        if isinstance(node, A.Limit) and (_has_param(node.offset) or _has_param(node.count)):
            return False
        if isinstance(node, (A.Traversal, A.PathSearch)):
            spec = node.graph
            depths = [d for d in (node.min_depth, node.max_depth) if d is not None]
            if any(_has_param(d) for d in depths) or _has_param(spec.graph):
                return False
            if any(_has_param(name) for _, name in spec.collections):
                return False
    return True


def _permitted(ctx: Context, plan: CachedPlan) -> bool:
    """Whether the caller may use every data source of ``plan`` as the plan uses it."""
    for name, (_, _, writes) in plan.sources.items():
        if not at_least(auth.collection_level(ctx, name), RW if writes else RO):
            return False
    return True


def prepare(
    ctx: Context, query: str, bind_vars: dict[str, Any] | None, options: dict[str, Any]
) -> PlanUse | None:
    """The plan cache's part before a query runs (None when the query did not ask for it).

    Raises 1584 for a query that cannot be cached; a query that does not parse is left to
    the engine, which reports the syntax error as usual.
    """
    if options.get("usePlanCache") is not True:
        return None
    try:
        ast = parse_aql(query)
    except ArangoError:
        return None
    if not _eligible(ast, options):
        raise ArangoError(1584, NOT_ELIGIBLE, 500)
    key = plan_key(query, bind_vars, options.get("fullCount") is True)
    found = ctx.server.plan_cache.lookup(ctx.db, key)
    if found is not None and not _permitted(ctx, found):
        found = None
    if found is not None:
        found.hits += 1
    return PlanUse(key, found)


def settle(
    ctx: Context,
    use: PlanUse | None,
    touched: set[tuple[str, bool]],
    warnings: list[Any],
) -> str | None:
    """The plan cache's part after a successful run: the ``planCacheKey`` to report (only
    when a cached plan served the query), storing a new entry otherwise."""
    if use is None:
        return None
    if use.found is not None:
        return use.found.hash
    if warnings:
        return None
    sources: dict[str, tuple[Any, str, bool]] = {}
    for name, writes in sorted(touched):
        shape = source_shape(ctx.db, name)
        if shape is None:
            return None
        old = sources.get(name)
        sources[name] = (shape[0], shape[1], writes or (old is not None and old[2]))
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ctx.server.plan_cache.store(ctx.db.name, CachedPlan(use.key, sources, created))
    return None


@route("GET", "/_api/query-plan-cache", area="query", access=DB_RO)
def plan_cache_entries(ctx: Context) -> BackendResponse:
    """The database's cached plans whose data sources the caller may all read."""
    entries = ctx.server.plan_cache.entries(ctx.db)
    return ctx.json(200, [plan.entry() for plan in entries if _readable(ctx, plan)])


def _readable(ctx: Context, plan: CachedPlan) -> bool:
    return all(at_least(auth.collection_level(ctx, name), RO) for name in plan.sources)


@route("DELETE", "/_api/query-plan-cache", area="query", access=DB_RW)
def clear_plan_cache(ctx: Context) -> BackendResponse:
    """Forget every cached plan of this database (needs write access to it)."""
    ctx.server.plan_cache.clear(ctx.db.name)
    return ctx.json(200, {"error": False, "code": 200})
