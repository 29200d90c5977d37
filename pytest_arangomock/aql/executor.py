"""Run a parsed query: bind parameter checks, compilation, execution, warnings, stats, undo."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from ..base.errors import ArangoError
from . import ast as A
from .compiler import Compiler, walk
from .functions import REGISTRY, load_all

# what one value in one row costs in ArangoDB's accounting (an AqlValue slot), for memoryLimit
ROW_SLOT_BYTES = 16

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


def _positive(value: Any) -> float | None:
    """A positive number option (``maxRuntime``, ``memoryLimit``), None when unset or 0."""
    if type(value) in (int, float) and value > 0:
        return float(value)
    return None


# a permission check: (collection name, whether the query writes it) -> raises or not
Access = Callable[[str, bool], None]


class QueryContext:
    """What compiled closures and AQL functions see of the running query."""

    def __init__(
        self,
        db: Any,
        options: dict[str, Any],
        user: str | None,
        access: Access | None = None,
    ) -> None:
        self.db = db
        self._user = user
        # the caller's permission check, called with (collection, writes) for every
        # collection the query reads or writes
        self.access = access
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
        self.started = time.monotonic()
        max_runtime = _positive(options.get("maxRuntime"))
        self.deadline = None if max_runtime is None else self.started + max_runtime
        self.memory_limit = int(_positive(options.get("memoryLimit")) or 0)
        self.memory = 0
        self.peak_memory = 0

    # FunctionContext -------------------------------------------------------
    @property
    def user(self) -> str | None:
        return self._user

    def warn(self, code: int, message: str | None = None) -> None:
        if message is None:
            from ..base.errors import message_for

            message = message_for(code)
        if self.fail_on_warning:
            raise ArangoError(code, message, 400)
        if len(self.warnings) < self.max_warnings:
            self.warnings.append({"code": code, "message": message})

    def collection(self, name: str, write: bool = False) -> Any:
        """The collection ``name`` (1203 if missing), once the caller may read (or write) it."""
        col = self.db.get_collection(name) if isinstance(name, str) else None
        if col is None:
            raise ArangoError(1203, f"collection or view not found: {name}", 404)
        if self.access is not None:
            self.access(col.name, write)
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
    def check_deadline(self) -> None:
        """``maxRuntime``: a query that outlives it is killed (1500, as ArangoDB answers)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise ArangoError(1500, "query killed", 410)

    def sleep(self, seconds: float) -> None:
        """SLEEP() that a ``maxRuntime`` cuts short."""
        if self.deadline is None:
            time.sleep(seconds)
            return
        remaining = self.deadline - time.monotonic()
        time.sleep(max(0.0, min(seconds, remaining)))
        if seconds > remaining:
            raise ArangoError(1500, "query killed", 410)

    def charge(self, rows: int, width: int) -> None:
        """Account for ``rows`` materialised rows; over ``memoryLimit`` the query fails."""
        self.memory += rows * max(width, 1) * ROW_SLOT_BYTES
        self.peak_memory = max(self.peak_memory, self.memory)
        if self.memory_limit and self.memory > self.memory_limit:
            raise ArangoError(32, "query would use more memory than allowed", 500)

    def buffer(self, rows: Iterable[list[Any]], upstream: tuple[int, str]) -> list[list[Any]]:
        """Materialise rows for a blocking operation (SORT), charging their memory; the
        error names the node whose output no longer fit, as ArangoDB's does."""
        buf = list(rows)
        if buf:
            try:
                self.charge(len(buf), len(buf[0]))
            except ArangoError as exc:
                exc.__dict__.setdefault("aql_nodes", []).append(upstream)
                raise
        return buf

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
    access: Access | None = None,
) -> tuple[list[Any], QueryContext]:
    """Compile and run ``query``; undo its writes if anything fails."""
    started = time.perf_counter()
    with phase("parsing"):
        bind_parameters(query, bind_vars)
        ctx = QueryContext(db, options, user, access)
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


class phase:
    """Mark ArangoErrors raised inside with the query phase (``(while parsing)``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, ArangoError):
            exc.__dict__.setdefault("aql_phase", self.name)


def decorated_message(exc: ArangoError, prefix: str = "AQL: ") -> str:
    """The message a cursor reports: ``AQL: <message> [node #N: Type] (while <phase>)``."""
    where = exc.__dict__.get("aql_phase")
    if where is None:
        return exc.message
    nodes = "".join(f" [node #{i}: {kind}]" for i, kind in exc.__dict__.get("aql_nodes", []))
    return f"{prefix}{exc.message}{nodes} (while {where})"


def _execute(compiler: Compiler, query: A.Query, ctx: QueryContext, started: float) -> list[Any]:
    from .writes import undo

    try:
        with phase("parsing"):
            runner = compiler.query(query, {})
        row: list[Any] = [None] * max(compiler.nslots, 1)
        with phase("executing"):
            rows = [_output(v) for v in runner(row)]
            ctx.check_deadline()
    except BaseException:
        undo(ctx.undo)
        raise
    ctx.stats["executionTime"] = time.perf_counter() - started
    ctx.stats["peakMemoryUsage"] = ctx.peak_memory
    return rows


def _output(v: Any) -> Any:
    """A result value ready for JSON: integral doubles as ints, -0 as 0, non-finite null.

    Returns ``v`` itself when nothing needs changing (stored documents are never mutated
    in place, so sharing them is safe), which spares a deep copy of every result.
    """
    t = type(v)
    if t is float:
        if v != v or v in (math.inf, -math.inf):
            return None
        if v == int(v) and abs(v) < 1e15:
            return int(v)
        return v
    if t is dict or t is list:
        out: Any = None  # the copy, made at the first member that changes
        for k, x in v.items() if t is dict else enumerate(v):
            tx = type(x)
            if tx is float or tx is dict or tx is list:
                y = _output(x)
                if y is not x:
                    if out is None:
                        out = t(v)
                    out[k] = y
        return v if out is None else out
    return v
