"""The AQL engine's interface for the HTTP layer: execute, parse, explain, evaluate."""

from __future__ import annotations

import time
from typing import Any

from ..base.errors import ArangoError
from ..state.running import RunningQuery
from . import ast as A
from .compiler import Compiler
from .context import Access, QueryContext
from .executor import QueryResult, bind_parameters, in_phase, phase, run
from .limits import DEEP_STACK, deep_stack
from .parser import parse_query
from .plan import PlanBuilder, deterministic, rule_run
from .profile import PhaseStates, QueryProfile, elapsed

__all__ = ["QueryResult", "evaluate_expression", "execute", "explain", "parse"]


def execute(
    db: Any,
    query: str,
    bind_vars: dict[str, Any] | None,
    options: dict[str, Any] | None,
    user: str | None = None,
    access: Access | None = None,
) -> QueryResult:
    """Parse (cached), compile and run ``query`` against ``db``; ``access(collection,
    writes)`` checks the caller's permission on every collection the query touches. The
    query is in the server's list of running queries while it runs (it can be killed
    there) and may end up in the slow-query log."""
    if not isinstance(query, str) or not query or query.isspace():
        raise ArangoError(1502, "query is empty", 400)
    opts = options or {}
    binds = dict(bind_vars or {})
    server = getattr(db, "server", None)
    running: RunningQuery | None = None
    queries: Any = None
    if server is not None:
        queries = server.running_queries
        running = RunningQuery(
            server.clock.next_id(), db.name, user, query, binds, opts.get("stream") is True
        )
        # listed from the query's first interruption point (or its compilation) on
        if not queries.register(running, db.query_tracking, now=False):
            running = None  # tracking is off: its id is taken all the same
    exit_code = 0
    try:
        profile = QueryProfile(running) if opts.get("profile") else PhaseStates(running)
        profile.done("initializing")
        try:
            ast = parse_query(query)
        except ArangoError as exc:
            in_phase(exc, "parsing")
            raise
        with DEEP_STACK:
            result = run(db, ast, binds, opts, user, query, access, profile, running)
        full_count = result.full_count
        if full_count is not None:
            full_count = full_count if _has_limit(ast) else len(result.rows)
            result.stats["fullCount"] = result.full_count = full_count
        profile.done("finalizing")
        result.profile = profile.timers
        result.execution_time = elapsed(profile)
        if running is not None:
            running.warnings = len(result.warnings)
        return result
    except ArangoError as exc:
        exit_code = exc.num
        raise
    finally:
        if running is not None:
            queries.finish(running, db.query_tracking, exit_code)


def _has_limit(ast: A.Query) -> bool:
    return any(isinstance(s, A.Limit) for s in ast.statements)


def _collections(ast: A.Query) -> list[str]:
    names: list[str] = []
    for node in A.walk(ast):
        if isinstance(node, A.For) and isinstance(node.expr, A.Name):
            names.append(node.expr.name)
        elif isinstance(node, (A.Modify, A.Upsert)) and isinstance(node.collection, A.Const):
            names.append(str(node.collection.value))
    return sorted(set(names))


def _bind_names(ast: A.Query) -> list[str]:
    seen: dict[str, None] = {}
    for node in A.walk(ast):
        if isinstance(node, A.Param):
            seen[("@" + node.name) if node.datasource else node.name] = None
    return sorted(seen)


def parse(query: str) -> dict[str, Any]:
    """What ``POST /_api/query`` answers: parsed flag, collections, bind parameters, AST."""
    if not isinstance(query, str) or not query.strip():
        raise ArangoError(1502, "query is empty", 400)
    ast = parse_query(query)
    with deep_stack():
        return {
            "parsed": True,
            "collections": _collections(ast),
            "bindVars": _bind_names(ast),
            "ast": [_ast_json(ast)],
        }


def _ast_json(node: Any) -> Any:
    """A best-effort rendering of the AST in ArangoDB's ``{type, subNodes}`` shape."""
    if isinstance(node, A.Query):
        return {"type": "root", "subNodes": [_ast_json(s) for s in node.statements]}
    if isinstance(node, A.Const):
        return {"type": "value", "value": node.value}
    if isinstance(node, A.Name):
        return {"type": "reference", "name": node.name}
    if isinstance(node, A.Param):
        return {
            "type": "datasource parameter" if node.datasource else "parameter",
            "name": node.name,
        }
    if isinstance(node, A.Node):
        out: dict[str, Any] = {"type": type(node).__name__.lower()}
        subs = []
        for value in vars(node).values() if hasattr(node, "__dict__") else []:
            if isinstance(value, A.Node):
                subs.append(_ast_json(value))
            elif isinstance(value, list):
                subs.extend(_ast_json(v) for v in value if isinstance(v, A.Node))
        if subs:
            out["subNodes"] = subs
        return out
    return node


def explain(
    db: Any, query: str, bind_vars: dict[str, Any] | None, options: dict[str, Any] | None
) -> dict[str, Any]:
    """What ``POST /_api/explain`` answers: the plan (or ``allPlans``), warnings, stats and
    whether the results cache could hold the result."""
    if not isinstance(query, str) or not query.strip():
        raise ArangoError(1502, "query is empty", 400)
    with deep_stack():
        return _explain(db, query, bind_vars, options)


def _explain(
    db: Any, query: str, bind_vars: dict[str, Any] | None, options: dict[str, Any] | None
) -> dict[str, Any]:
    started = time.perf_counter()
    binds = dict(bind_vars or {})
    with phase("parsing"):
        ast = parse_query(query)
        bind_parameters(ast, binds)
        for name in _collections(ast):
            if db.get_collection(name) is None and name not in db.views:
                raise ArangoError(1203, f"collection or view not found: {name}", 404)
    opts = options or {}
    optimizer = opts.get("optimizer")
    disabled, executed, skipped = rule_run(
        optimizer.get("rules") if isinstance(optimizer, dict) else None
    )
    warnings = _fold_constants(db, binds, ast, opts)
    builder = PlanBuilder(db, binds, _folder(db, binds), disabled)
    plan = builder.build(ast)
    stats = {
        "rulesExecuted": executed + builder.reruns,
        "rulesSkipped": skipped,
        "plansCreated": 1,
        "rules": {},
        "peakMemoryUsage": 0,
        "executionTime": time.perf_counter() - started,
    }
    cacheable = not plan["isModificationQuery"] and deterministic(ast)
    if opts.get("allPlans") is True:
        return {"plans": [plan], "warnings": warnings, "stats": stats}
    return {"plan": plan, "cacheable": cacheable, "warnings": warnings, "stats": stats}


def _fold_constants(
    db: Any, binds: dict[str, Any], ast: A.Query, options: dict[str, Any]
) -> list[dict[str, Any]]:
    """The warnings ArangoDB's AST optimizer raises while folding the query's constant
    expressions (``RETURN 1 / 0`` warns of a division by zero); under ``failOnWarning``
    the first one is the query's error. Ranges are left alone, as ArangoDB keeps them
    unexpanded."""
    ctx = QueryContext(db, {**options, "failOnWarning": False}, None)
    compiler = Compiler(ctx, binds)
    stack: list[Any] = [ast]
    while stack:
        node = stack.pop()
        if (
            isinstance(node, A.Expr)
            and compiler.is_const(node)
            and not any(isinstance(n, A.Range) for n in A.walk(node))
        ):
            try:
                compiler.const_value(node, {})
            except ArangoError:
                pass  # an error ArangoDB raises when the query runs, not while planning
            continue
        stack.extend(reversed(A.children(node)))
    if ctx.warnings and options.get("failOnWarning") is True:
        first = ctx.warnings[0]
        raise ArangoError(first["code"], first["message"], 400)
    return ctx.warnings


def _folder(db: Any, binds: dict[str, Any]) -> Any:
    """Constant folding for plans: the value of an expression without variables."""
    compiler = Compiler(QueryContext(db, {}, None), binds)

    def fold(expr: A.Expr) -> tuple[bool, Any]:
        if not compiler.is_const(expr):
            return False, None
        try:
            return True, compiler.const_value(expr, {})
        except ArangoError:
            return False, None

    return fold


def evaluate_expression(
    db: Any,
    expr_text: str,
    bind_vars: dict[str, Any] | None = None,
    doc: dict[str, Any] | None = None,
) -> Any:
    """Evaluate ``RETURN <expr>`` (computed values): the single result, or null."""
    binds = dict(bind_vars or {})
    if doc is not None:
        binds["doc"] = doc
    text = expr_text.strip()
    if text[:6].upper() != "RETURN":
        text = "RETURN " + text
    ast = parse_query(text)
    declared = set(_bind_names(ast))
    binds = {k: v for k, v in binds.items() if k in declared}
    with deep_stack():
        rows = run(db, ast, binds, {}, None, text).rows
    return rows[0] if rows else None
