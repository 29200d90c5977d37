"""Run a parsed query: bind parameter checks, compilation (or a compiled query kept from an
earlier execution), execution, warnings, stats, undo."""

from __future__ import annotations

import math
import time
from itertools import chain
from typing import Any

from ..base.errors import ArangoError
from ..state.running import RunningQuery
from . import ast as A
from . import interrupt
from .compiler import Compiler
from .context import STAT_FIELDS, Access, QueryContext
from .prepared import Prepared, QueryCache, cache_of, sources
from .profile import NodeStats, Phases, PhaseStates
from .scope import Runner
from .writes import undo

__all__ = [
    "STAT_FIELDS",
    "Access",
    "QueryContext",
    "QueryResult",
    "bind_parameters",
    "decorated_message",
    "run",
]


#: where a parsed query keeps the bind parameters it declares (parsed queries are cached
#: and shared, so a repeated query finds them there instead of walking its tree again; an
#: attribute of the tree goes with it, and costs less to find than a weak mapping)
_DECLARED = "_declared_parameters"


def declared_parameters(query: A.Query) -> dict[str, bool]:
    """``{name: is a collection parameter}`` of ``query``, ``@@x`` spelled ``@x``."""
    kept = query.__dict__
    declared: dict[str, bool] | None = kept.get(_DECLARED)
    if declared is None:
        declared = {}
        for node in A.walk(query):
            if isinstance(node, A.Param):
                key = ("@" + node.name) if node.datasource else node.name
                declared[key] = node.datasource
        kept[_DECLARED] = declared
    return declared


def bind_parameters(query: A.Query, bind_vars: dict[str, Any]) -> None:
    """1551 for a declared parameter without value, 1552 for a value nobody uses, 1553 types."""
    declared = query.__dict__.get(_DECLARED)
    if declared is None:
        declared = declared_parameters(query)
    for key, datasource in declared.items():
        if key not in bind_vars:
            raise ArangoError(1551, f"no value specified for declared bind parameter '{key}'", 400)
        if datasource and (not isinstance(bind_vars[key], str) or not bind_vars[key]):
            raise ArangoError(1553, f"bind parameter '{key}' has an invalid value or type", 400)
    for key in bind_vars:
        if key not in declared:
            raise ArangoError(1552, f"bind parameter '{key}' was not declared in the query", 400)


class QueryResult:
    """What an execution leaves for its answer, taken out of the query context before the
    compiled query serves the next execution; ``execute`` adds the profile and times."""

    __slots__ = (
        "execution_time",
        "full_count",
        "node_stats",
        "profile",
        "rows",
        "stats",
        "warnings",
    )

    def __init__(self, rows: list[Any], ctx: QueryContext | None = None) -> None:
        self.rows = rows
        #: seconds per phase in ArangoDB's order (``extra.profile``), and the run's total
        self.profile: dict[str, float] = {}
        self.execution_time = 0.0
        if ctx is None:
            self.warnings: list[dict[str, Any]] = []
            self.stats: dict[str, Any] = {}
            self.full_count: int | None = None
            self.node_stats: NodeStats | None = None
            return
        self.warnings = ctx.warnings
        stats = ctx.stats
        # the counters hold the statistics' fields only: a copy in their order is the
        # answer's (anything else there is left out)
        copied = stats.copy()
        self.stats = (
            copied if len(copied) == len(STAT_FIELDS) else {k: stats[k] for k in STAT_FIELDS}
        )
        self.full_count = None if ctx.full_count is None else ctx.full_count[0]
        #: per-node measurements of a level-2 profile
        self.node_stats = ctx.node_stats


def run(
    db: Any,
    query: A.Query,
    bind_vars: dict[str, Any],
    options: dict[str, Any],
    user: str | None,
    text: str = "",
    access: Access | None = None,
    profile: Phases | None = None,
    running: RunningQuery | None = None,
) -> QueryResult:
    """Compile ``query`` (or take its compiled form from the last executions, see
    ``aql/prepared.py``) and run it; undo its writes if anything fails. ``profile`` times
    the phases from the binding of parameters on (the end of ``parsing``); ``running``
    is the query's entry in the list of running queries (its kill flag)."""
    started = time.perf_counter()
    prof = profile if profile is not None else PhaseStates()
    full_count = bool(options.get("fullCount"))
    level: Any = options.get("profile")
    measured = type(level) in (int, float) and level >= 2  # per-node stats: compiled anew
    cache = cache_of(db) if text and not measured else None
    try:
        bind_parameters(query, bind_vars)
        prof.done("parsing")
        reused = cache.checkout(text, full_count, bind_vars) if cache is not None else None
        if reused is None:
            if running is not None:
                running.publish()  # compiling, it may hand the server lock over
            ctx = QueryContext(db, options, user, access)
        else:
            ctx = reused.ctx
            ctx.restart(options, user, access)
        ctx.running = running
        ctx.query_text = text
        if query.out_of_range:
            for _ in range(query.out_of_range):
                ctx.warn(1504)  # a number literal past a double's range (it is null)
        prof.done("optimizing ast")
        compiler = Compiler(ctx, bind_vars) if reused is None else reused.compiler
        if reused is None:
            for coll in query.with_collections:
                compiler.use_collection(compiler.collection_name(coll))
    except ArangoError as exc:
        in_phase(exc, "parsing")
        raise
    plan = _Plan(compiler, query, reused, cache, text, full_count)
    server = getattr(db, "server", None)
    lock = getattr(server, "lock", None)
    if lock is None:
        return plan.done(_execute(plan, bind_vars, ctx, started, prof), ctx)
    if lock.owned():  # the request's own hold (re-entering would only count a level)
        return _under_lock(plan, bind_vars, ctx, started, prof)
    with lock:
        return _under_lock(plan, bind_vars, ctx, started, prof)


def _under_lock(
    plan: _Plan, binds: dict[str, Any], ctx: QueryContext, started: float, prof: Phases
) -> QueryResult:
    """The execution with the server lock held: the thread's current query, reading a
    snapshot of its own."""
    thread = interrupt.THREAD
    previous = getattr(thread, "query", None)  # interrupt.enter, inline
    thread.query = ctx
    try:
        snapshot = _read_snapshot(ctx)
        try:
            return plan.done(_execute(plan, binds, ctx, started, prof), ctx)
        finally:
            if snapshot is not None:
                ctx.db.server.transactions.end_read(snapshot)
    finally:
        thread.query = previous


class _Plan:
    """The compiled form of one execution: taken from the cache or compiled now, and
    handed back to the cache once the execution succeeded."""

    __slots__ = ("cache", "compiler", "full_count", "keep", "query", "text")

    def __init__(
        self,
        compiler: Compiler,
        query: A.Query,
        reused: Prepared | None,
        cache: QueryCache | None,
        text: str,
        full_count: bool,
    ) -> None:
        self.compiler = compiler
        self.query = query
        self.keep = reused
        self.cache = cache
        self.text = text
        self.full_count = full_count

    def compile(self) -> Runner:
        """The runner compiled now (kept for the next executions when it may be)."""
        compiler = self.compiler
        warned = len(compiler.ctx.warnings)
        runner = compiler.query(self.query, {})
        if (
            self.cache is not None
            and compiler.reusable
            and len(compiler.ctx.warnings) == warned
            and not compiler.ctx.writes_collections
        ):
            used = sources(compiler)
            if used is not None:
                self.keep = Prepared(compiler, runner, self.text, self.full_count, used)
        return runner

    def done(self, rows: list[Any], ctx: QueryContext) -> QueryResult:
        """The execution's result; the compiled query goes back to the cache."""
        outcome = QueryResult(rows, ctx)
        keep = self.keep
        if keep is not None:
            cache = self.cache
            if cache is not None:
                cache.checkin(keep)
        return outcome


def _read_snapshot(ctx: QueryContext) -> Any:
    """The query reads a snapshot taken now (``state/snapshots.py``): others' writes
    after this point, when it lets them in, stay invisible to it. Returns the snapshot to
    end, or None when there is none to end (a stream transaction's query reads the
    transaction's own; a nested query reads the outer one's)."""
    db = ctx.db
    server = db.server
    if server.databases.get(db.name) is not db:
        return None
    transactions = server.transactions
    snapshot = transactions.begin_read(db)
    ctx.snapshot = snapshot if snapshot is not None else transactions.reader()
    return snapshot


def in_phase(exc: ArangoError, name: str) -> None:
    """Mark an error with the query phase it was raised in (``(while parsing)``); the
    innermost phase names it."""
    exc.__dict__.setdefault("aql_phase", name)


class phase:
    """Mark ArangoErrors raised inside with the query phase (``(while parsing)``)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if isinstance(exc, ArangoError):
            in_phase(exc, self.name)


def decorated_message(exc: ArangoError, prefix: str = "AQL: ") -> str:
    """The message a cursor reports: ``AQL: <message> [node #N: Type] (while <phase>)``."""
    where = exc.__dict__.get("aql_phase")
    if where is None:
        return exc.message
    nodes = "".join(f" [node #{i}: {kind}]" for i, kind in exc.__dict__.get("aql_nodes", []))
    return f"{prefix}{exc.message}{nodes} (while {where})"


def _execute(
    plan: _Plan, binds: dict[str, Any], ctx: QueryContext, started: float, prof: Phases
) -> list[Any]:
    prof.done("loading collections")  # WITH collections checked, the write lock held
    writer = None
    try:
        try:
            kept = plan.keep
            if kept is not None:  # this execution's inputs for the compiled stages
                kept.bind(binds)
                runner = kept.runner
            else:
                runner = plan.compile()
        except ArangoError as exc:
            in_phase(exc, "parsing")
            raise
        prof.done("instantiating plan")
        prof.done("optimizing plan")  # the compiled stages are run as built
        row: list[Any] = [None] * max(plan.compiler.nslots, 1)
        try:
            if ctx.writes_collections:
                writer = _snapshot(ctx)
            rows_iter = runner(row)
            prof.done("instantiating executors")
            rows = _outputs(list(rows_iter))
            ctx.check_interrupt()  # killed or past maxRuntime while its last rows came
        except ArangoError as exc:
            in_phase(exc, "executing")
            raise
        prof.done("executing")
    except BaseException:
        undo(ctx.undo)
        raise
    finally:
        if writer is not None:
            ctx.db.server.transactions.end_query(writer)
    ctx.stats["executionTime"] = time.perf_counter() - started
    ctx.stats["peakMemoryUsage"] = ctx.peak_memory
    return rows


SHARE_PATIENCE = 0.002  # seconds a writing query waits for a request already on its way


def _snapshot(ctx: QueryContext) -> Any:
    """A writing query's snapshot: from here on, keys others write conflict with its own
    writes (see ``state/conflicts.py``). The first waiting request gets its turn right
    after, as a request arriving at the same moment on another server thread would."""
    db = ctx.db
    server = getattr(db, "server", None)
    if server is None or server.databases.get(db.name) is not db:
        return None  # inside a stream transaction, which has its own snapshot
    writer = server.transactions.begin_query(db)
    if ctx.running is not None:
        ctx.running.modifies = True
    lock = ctx.lock
    if lock is not None:
        lock.share_turn(SHARE_PATIENCE)
    ctx.check_interrupt()
    return writer


#: member types a result value carries as they are
_SETTLED = frozenset((str, int, bool, type(None)))
#: up to this many members, a result value's members are checked one by one (callgrind:
#: about a fifth fewer instructions for a two-member array; map() wins from six members)
_SHORT = 5


def _outputs(rows: list[Any]) -> list[Any]:
    """:func:`_output` of every result. Results of one type whose members (of an array
    or object) are all of the settled types are checked in C and kept as they are."""
    kinds = set(map(type, rows))
    if kinds <= _SETTLED:
        return rows
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is list:
            members = chain.from_iterable(rows)
        elif kind is dict:
            members = chain.from_iterable(map(dict.values, rows))
        else:
            return [_output(v) for v in rows]
        if _SETTLED.issuperset(map(type, members)):
            return rows
    return [_output(v) for v in rows]


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
        members = v.values() if t is dict else v
        if len(v) <= _SHORT:  # a loop of its own costs less than map() on few members
            for x in members:
                if type(x) not in _SETTLED:
                    break
            else:
                return v
        elif _SETTLED.issuperset(map(type, members)):
            return v  # no member to change (the types collected in C, not one by one)
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
