"""Run a parsed query: bind parameter checks, compilation, execution, warnings, stats, undo."""

from __future__ import annotations

import time
from typing import Any

from ..emulator.errors import ArangoError
from . import ast as A
from .compiler import Compiler, walk
from .functions import REGISTRY, load_all

STAT_FIELDS = (
    "writesExecuted",
    "writesIgnored",
    "documentLookups",
    "scannedFull",
    "scannedIndex",
    "cacheHits",
    "cacheMisses",
    "filtered",
    "httpRequests",
    "executionTime",
    "peakMemoryUsage",
    "intermediateCommits",
)


class QueryContext:
    """What compiled closures and AQL functions see of the running query."""

    def __init__(self, db: Any, options: dict[str, Any], user: str | None) -> None:
        self.db = db
        self._user = user
        self.options = options
        self.warnings: list[dict[str, Any]] = []
        max_warnings = options.get("maxWarningCount", 10)
        self.max_warnings = max_warnings if isinstance(max_warnings, int) else 10
        self.fail_on_warning = bool(options.get("failOnWarning", False))
        self.stats: dict[str, Any] = {k: 0 for k in STAT_FIELDS}
        self.undo: list[tuple[Any, str, Any]] = []
        self.writes_collections: set[str] = set()
        self.full_count: list[int] | None = [0] if options.get("fullCount") else None
        self.query_text = ""

    # FunctionContext -------------------------------------------------------
    @property
    def user(self) -> str | None:
        return self._user

    def warn(self, code: int, message: str | None = None) -> None:
        if message is None:
            from ..emulator.errors import message_for

            message = message_for(code)
        if self.fail_on_warning:
            raise ArangoError(code, message, 400)
        if len(self.warnings) < self.max_warnings:
            self.warnings.append({"code": code, "message": message})

    def collection(self, name: str) -> Any:
        col = self.db.get_collection(name) if isinstance(name, str) else None
        if col is None:
            raise ArangoError(1203, f"collection or view not found: {name}", 404)
        return col

    def call(self, name: str, args: list[Any]) -> Any:
        registry = REGISTRY or load_all()
        spec = registry.get(name.upper())
        if spec is None:
            raise ArangoError(1540, f"usage of unknown function '{name.upper()}()'", 400)
        if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
            from .compiler import _arity_error

            raise _arity_error(spec.name, spec.min_args, spec.max_args)
        return spec.fn(self, *args)

    # engine ----------------------------------------------------------------
    def full_count_counter(
        self, compiler: Compiler, stmts: list[A.Node], i: int
    ) -> list[int] | None:
        """The counter for fullCount: the last LIMIT of the main query counts every row."""
        if self.full_count is None or compiler.depth != 0:
            return None
        if any(isinstance(s, A.Limit) for s in stmts[i + 1 :]):
            return None
        return self.full_count


def bind_parameters(query: A.Query, bind_vars: dict[str, Any]) -> None:
    """1551 for a declared parameter without value, 1552 for a value nobody uses, 1553 types."""
    declared: dict[str, bool] = {}
    for node in walk(query):
        if isinstance(node, A.Param):
            key = ("@" + node.name) if node.datasource else node.name
            declared[key] = node.datasource
    for key, datasource in declared.items():
        if key not in bind_vars:
            raise ArangoError(1551, f"no value specified for declared bind parameter '{key}'", 400)
        if datasource and (not isinstance(bind_vars[key], str) or not bind_vars[key]):
            raise ArangoError(1553, f"bind parameter '{key}' has an invalid value or type", 400)
    for key in bind_vars:
        if key not in declared:
            raise ArangoError(1552, f"bind parameter '{key}' was not declared in the query", 400)


def run(
    db: Any,
    query: A.Query,
    bind_vars: dict[str, Any],
    options: dict[str, Any],
    user: str | None,
    text: str = "",
) -> tuple[list[Any], QueryContext]:
    """Compile and run ``query``; undo its writes if anything fails."""
    started = time.perf_counter()
    bind_parameters(query, bind_vars)
    ctx = QueryContext(db, options, user)
    ctx.query_text = text
    compiler = Compiler(ctx, bind_vars)
    for coll in query.with_collections:
        ctx.collection(compiler.collection_name(coll))
    server = getattr(db, "server", None)
    lock = getattr(server, "lock", None)
    if lock is None:
        return _execute(compiler, query, ctx, started), ctx
    with lock:
        return _execute(compiler, query, ctx, started), ctx


def _execute(compiler: Compiler, query: A.Query, ctx: QueryContext, started: float) -> list[Any]:
    from .values import output_value
    from .writes import undo

    try:
        runner = compiler.query(query, {})
        row: list[Any] = [None] * max(compiler.nslots, 1)
        rows = [output_value(v) for v in runner(row)]
    except BaseException:
        undo(ctx.undo)
        raise
    ctx.stats["executionTime"] = time.perf_counter() - started
    return rows
