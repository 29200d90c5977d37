"""Compile an AQL AST into nested Python closures: the statements.

A statement becomes a stage ``rows -> rows`` (generators, so LIMIT stops upstream work
early); a query becomes ``fn(row) -> iterator of results``. Expressions are compiled by
:mod:`.expressions`, index choice for FOR + FILTER is :mod:`.access`, views, graphs and
writes have modules of their own.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, TypeVar

from ..base.errors import ArangoError
from ..base.values import hash_key, sort_key, to_bool
from . import access, nearest, traversal, writes
from . import ast as A
from .collect import aggregate_fns, compile_collect
from .expressions import ExpressionCompiler
from .loops import ByValue, ForStage, tag
from .nodes import statement_nodes
from .profile import NodeStats
from .scope import Fn, Level, Row, Runner, Stage
from .search import compile_view_for

_Out = TypeVar("_Out")


_LIMIT_MAX = 2**62 - 1  # LIMIT values are int64s; two of these still fit a machine int


class Compiler(ExpressionCompiler):
    """Compiles one query; the result serves later executions (``aql/prepared.py``)."""

    #: the SORT the main query's first FOR reads in order already (see limit_follows),
    #: that FOR, and whether it reads its index backwards for it (a descending SORT)
    index_sorted: A.Sort | None = None
    index_sorted_for: A.Node | None = None
    index_backwards = False

    # ------------------------------------------------------------------ queries
    def query(self, q: A.Query, scope: dict[str, int]) -> Runner:
        level = Level(scope)
        stages: list[Stage] = []
        stage_tags: list[list[tuple[int, str]]] = []  # the plan nodes each stage runs
        final_tags: list[tuple[int, str]] = []
        stmts = q.statements
        final: Callable[[Iterable[Row]], Iterator[Any]] | None = None
        self.node_id += 1  # the (sub)query's singleton
        i = 0
        while i < len(stmts):
            st = stmts[i]
            if isinstance(st, A.Return):
                ret = self.return_(st, level)
                final_tags = self.plan_nodes(st, level)
                final = _tagged(ret, final_tags)
                break
            near = self.near(st, level, stmts, i) if isinstance(st, A.For) else None
            if near is not None:
                near_stage, last = near
                tags = []
                while True:
                    tags += self.plan_nodes(stmts[i], level)
                    i += 1
                    if stmts[i - 1] is last:
                        break
                stages.append(_tagged(near_stage, tags))
                stage_tags.append(tags)
                continue
            # the main query's first FOR with a LIMIT right after it reads its documents
            # as the LIMIT asks for them (ArangoDB's executor reads only the rows its
            # caller wants): its scan statistics count the documents it read
            self.on_demand = (
                isinstance(st, A.For)
                and self.depth == 0
                and not level.has_for
                and self.limit_follows(stmts, i, level)
            )
            counts: list[str] = []  # filled by the FOR's source (read before any nesting)
            self.demand_counts = counts
            stage = self.statement(st, level, stmts, i)
            self.on_demand = False
            tags = self.plan_nodes(st, level)
            if isinstance(st, (A.Modify, A.Upsert)):
                tags = tags[-1:]  # a write fails in its own node, after its calculations
            i += 1
            if isinstance(stage, ForStage):
                # FILTERs right after a FOR run inside its loop: no row is built for a
                # document the filters reject
                preds: list[Fn] = []
                while i < len(stmts) and isinstance(stmts[i], A.Filter):
                    flt = stmts[i]
                    assert isinstance(flt, A.Filter)
                    preds += self.unanswered(flt.expr, stage.covered, level)
                    tags += self.plan_nodes(flt, level)
                    i += 1
                nxt = stmts[i] if i < len(stmts) else None
                emit = None
                if (
                    isinstance(nxt, A.Return)
                    and not nxt.distinct
                    and not counts
                    and self.ctx.node_stats is None
                ):
                    # the RETURN right after: the loop hands on result values
                    emit = self.expr(nxt.expr, level.vars)
                    final_tags = self.plan_nodes(nxt, level)
                    final = iter
                copy = not all(isinstance(s, _STREAMING) for s in stmts[i:])
                loop = stage.build(preds, tags, emit, final_tags, copy)
                if counts:
                    loop = _read_on_demand(loop, self.ctx.stats, counts)
                stages.append(loop)
                stage_tags.append(tags)
                if final is not None:
                    break
                if i == len(stmts):
                    final = _drain
                continue
            if stage is not None:
                stages.append(_tagged(stage, tags) if tags else stage)
                stage_tags.append(tags)
            if i == len(stmts):
                final = _drain
        assert final is not None
        run_final = final
        if self.ctx.node_stats is not None:
            self.not_reusable()  # the measurements belong to this execution
            stages, run_final = _measured(
                self.ctx.node_stats, stages, stage_tags, final, final_tags
            )

        def run(row: Row) -> Iterator[Any]:
            rows: Iterable[Row] = (row,)
            for s in stages:
                rows = s(rows)
            return run_final(rows)

        return run

    def limit_follows(self, stmts: list[A.Node], i: int, level: Level) -> bool:
        """Whether only the FOR's own FILTERs and calculations stand between ``stmts[i]``
        and a LIMIT, each passing the LIMIT's demand through (no subquery, no call of a
        function that is not deterministic). A SORT after them that the FOR's index
        lookup already answers passes it through too: it becomes ``index_sorted``, which
        :meth:`sort` compiles to nothing, with or without a LIMIT after it (ArangoDB's
        ``use-index-for-sort`` removes it either way, so rows come in index order, equal
        values of a descending SORT in reverse index order)."""
        j = i + 1
        while j < len(stmts) and isinstance(stmts[j], A.Filter):
            j += 1
        while j < len(stmts) and isinstance(stmts[j], A.Let):
            j += 1
        nxt = stmts[j] if j < len(stmts) else None
        if isinstance(nxt, A.Sort) and self.index_sorts(stmts, i, nxt, level):
            self.index_sorted = nxt
            self.index_sorted_for = stmts[i]
            j += 1
        if j == len(stmts) or not isinstance(stmts[j], A.Limit):
            return False
        for node in A.walk(stmts[i + 1 : j]):
            if isinstance(node, A.Subquery):
                return False
            if isinstance(node, A.Call):
                spec = self.registry.get(node.name)
                if spec is None or not spec.deterministic:
                    return False
        return True

    def index_sorts(self, stmts: list[A.Node], i: int, sort: A.Sort, level: Level) -> bool:
        """Whether ``sort`` asks for the order the index lookup of the FOR ``stmts[i]``
        over a collection reads its documents in, forwards (all ascending) or backwards
        (all descending; ``index_backwards``). Mixed directions keep the SORT, as
        ArangoDB's ``use-index-for-sort`` wants a sort condition in one direction."""
        st = stmts[i]
        if not isinstance(st, A.For) or st.search is not None:
            return False
        if isinstance(st.expr, A.Name) and st.expr.name not in level.vars:
            name = st.expr.name
        elif isinstance(st.expr, A.Param) and st.expr.datasource:
            name = self.collection_name(st.expr)
        else:
            return False
        if self.ctx.db.get_collection(name) is None:
            return False
        paths = []
        directions = set()
        for expr, direction in sort.elements:
            if not self.is_const(direction):
                return False
            directions.add(_ascending(self.const_value(direction, level.vars)))
            path = A.attr_path(expr, st.var)
            if path is None:
                return False
            paths.append(path)
        if len(directions) != 1:
            return False
        ascending = directions.pop()
        try:
            found = access.sorted_by_index(
                self.use_collection(name), st.var, stmts, i, paths, ascending
            )
        except ArangoError:
            return False  # the FOR reports it
        self.index_backwards = found and not ascending
        return found

    def unanswered(self, cond: A.Expr, covered: tuple[A.Node, ...], level: Level) -> list[Fn]:
        """A FILTER's check per document: its conjuncts, in order, but those the loop's
        index lookup answered exactly (the whole condition when it answered none)."""
        if not covered:
            return [self.expr(cond, level.vars)]
        parts = A.conjuncts(cond)
        kept = [c for c in parts if not any(c is n for n in covered)]
        if len(kept) == len(parts):
            return [self.expr(cond, level.vars)]
        return [self.expr(c, level.vars) for c in kept]

    def plan_nodes(self, st: A.Node, level: Level) -> list[tuple[int, str]]:
        """Number the execution nodes ArangoDB's initial plan makes for ``st``."""
        out = []
        for kind in statement_nodes(st, level.vars.__contains__):
            self.node_id += 1
            out.append((self.node_id, kind))
        if out:
            self.last_node = out[-1]
        return out

    def statement(
        self, st: A.Node, level: Level, stmts: list[A.Node], i: int
    ) -> Stage | ForStage | None:
        if isinstance(st, A.For):
            return self.for_(st, level, stmts, i)
        if isinstance(st, A.Let):
            return self.let(st, level)
        if isinstance(st, A.LetDestructure):
            return self.let_destructure(st, level)
        if isinstance(st, A.Filter):
            return self.filter(st, level)
        if isinstance(st, A.Sort):
            return self.sort(st, level, stmts, i)
        if isinstance(st, A.Limit):
            return self.limit(st, level, stmts, i)
        if isinstance(st, A.Collect):
            nxt = stmts[i + 1] if i + 1 < len(stmts) else None
            return self.collect(st, level, nxt)
        if isinstance(st, A.Window):
            return self.window(st, level)
        if isinstance(st, A.Modify):
            self.not_reusable()
            return self.modify(st, level)
        if isinstance(st, A.Upsert):
            self.not_reusable()
            return self.upsert(st, level)
        if isinstance(st, (A.Traversal, A.PathSearch)):
            self.not_reusable()
            level.has_for = True
            return traversal.compile_graph(self, st, level)
        raise ArangoError(1501, f"unsupported statement {type(st).__name__}", 400)

    def declare(self, level: Level, name: str) -> int:
        if name in level.vars and name not in ("OLD", "NEW") and not name.startswith("#"):
            raise ArangoError(1511, f"variable '{name}' is assigned multiple times", 400)
        s = self.slot()
        level.vars[name] = s
        if not level.has_for:
            level.base[name] = s
        return s

    # ------------------------------------------------------------------ FOR
    def for_(self, st: A.For, level: Level, stmts: list[A.Node], i: int) -> Stage | ForStage:
        view_stage = compile_view_for(self, st, level)
        if view_stage is not None:
            self.not_reusable()
            return view_stage
        if st.search is not None:
            raise ArangoError(
                9, "FOR ... SEARCH (ArangoSearch) is not emulated by pytest-arangomock", 501
            )
        source, covered, lazy = self.for_source(st, level, stmts, i)
        level.has_for = True
        slot = self.declare(level, st.var)
        return ForStage(source, slot, self.ctx, covered, lazy)

    def near(
        self, st: A.For, level: Level, stmts: list[A.Node], i: int
    ) -> tuple[Stage, A.Node] | None:
        """The vector search stage replacing ``FOR ... SORT APPROX_NEAR_*(...)`` (and the
        statements it consumed, up to the SORT), or None when no vector index applies."""
        expr = st.expr
        if st.search is not None:
            return None
        if isinstance(expr, A.Name) and expr.name not in level.vars:
            name = expr.name
        elif isinstance(expr, A.Param) and expr.datasource:
            name = self.collection_name(expr)
        else:
            return None
        if self.ctx.db.get_collection(name) is None:
            return None
        coll = self.use_collection(name)
        if len(coll.indexes) < 2:
            return None

        def fold(e: A.Expr) -> tuple[bool, Any]:
            if self.is_const(e):
                return True, self.const_value(e, level.vars)
            return False, None

        found = nearest.match(coll, st.var, stmts, i, fold)
        if found is None:
            return None
        self.not_reusable()
        self.check_read(coll.name)
        limit = next(j for j in range(i, len(stmts)) if stmts[j] is found.sort) + 1
        counter = self.ctx.full_count_counter(self.depth, stmts, limit)
        return nearest.compile_near(self, found, st.var, level, counter)

    def for_source(
        self, st: A.For, level: Level, stmts: list[A.Node], i: int
    ) -> tuple[Fn | ByValue, tuple[A.Node, ...], bool]:
        """The loop's items per row, the FILTER conjuncts an index lookup answered, and
        whether the items come as an iterator read on demand (not a list)."""
        expr = st.expr
        coll = None
        if isinstance(expr, A.Name) and expr.name not in level.vars:
            if self.ctx.db.get_collection(expr.name) is None and expr.name in self.ctx.db.views:
                raise ArangoError(9, "FOR over a view is not emulated by pytest-arangomock", 501)
            name = expr.name
            coll = self.use_collection(name)
        elif isinstance(expr, A.Param) and expr.datasource:
            name = self.collection_name(expr)
            coll = self.use_collection(name)
        if coll is None:
            return self.expr(expr, level.vars), (), False
        self.check_read(coll.name)
        counts = self.demand_counts if self.on_demand else None
        # read on demand unless the query writes: its writes may change what it reads
        lazy = counts is not None and not _writes(stmts)
        outer = st is self.index_sorted_for
        backwards = outer and self.index_backwards
        indexed = access.index_source(
            self, name, st.var, level.vars, stmts, i, counts, lazy, backwards, outer
        )
        if indexed is not None:
            return indexed
        stats = self.ctx.stats
        colls = self.inputs.colls
        if counts is not None:
            counts.append("scannedFull")
            return lambda _r: list(colls[name].docs.values()), (), False

        def scan(_r: Row) -> list[Any]:
            docs = list(colls[name].docs.values())
            stats["scannedFull"] += len(docs)
            return docs

        return scan, (), False

    # ------------------------------------------------------------------ LET / FILTER
    def let(self, st: A.Let, level: Level) -> Stage:
        fn = self.expr(st.expr, level.vars)
        slot = self.declare(level, st.var)

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                r[slot] = fn(r)
                yield r

        return stage

    def let_destructure(self, st: A.LetDestructure, level: Level) -> Stage:
        fn = self.expr(st.expr, level.vars)
        targets = [(where, self.declare(level, name)) for where, name in st.targets if name]
        is_array = st.kind == "array"

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                v = fn(r)
                for where, slot in targets:
                    if is_array:
                        r[slot] = v[where] if type(v) is list and where < len(v) else None  # type: ignore[operator,index]
                    else:
                        r[slot] = v.get(where) if type(v) is dict else None
                yield r

        return stage

    def filter(self, st: A.Filter, level: Level) -> Stage:
        fn = self.expr(st.expr, level.vars)
        stats = self.ctx.stats

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                if to_bool(fn(r)):
                    yield r
                else:
                    stats["filtered"] += 1

        return stage

    # ------------------------------------------------------------------ SORT / LIMIT
    def sort(self, st: A.Sort, level: Level, stmts: list[A.Node], i: int) -> Stage:
        if st is self.index_sorted:
            return lambda rows: rows  # the index lookup reads in this order
        keys: list[tuple[Fn, bool]] = []
        for expr, direction in st.elements:
            d = self.const_value(direction, level.vars) if self.is_const(direction) else True
            keys.append((self.expr(expr, level.vars), _ascending(d)))
        first = st.elements[0][0]
        if len(st.elements) == 1 and isinstance(first, A.Const) and first.value is None:
            return lambda rows: rows  # SORT null: keep the order
        key = _row_sort_key(keys)
        top = self.top_k(stmts, i, level)
        ctx = self.ctx
        upstream = self.last_node

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            if top is not None:
                # SORT + LIMIT: keep the best rows only (heapq's n-smallest is stable)
                return iter(heapq.nsmallest(top, rows, key=key))
            buf = ctx.buffer(rows, upstream)
            buf.sort(key=key)
            return iter(buf)

        return stage

    def top_k(self, stmts: list[A.Node], i: int, level: Level) -> int | None:
        """offset + count of a constant LIMIT right after a SORT (None: sort everything)."""
        nxt = stmts[i + 1] if i + 1 < len(stmts) else None
        if not isinstance(nxt, A.Limit) or not (
            self.is_const(nxt.offset) and self.is_const(nxt.count)
        ):
            return None
        if self.ctx.full_count is not None and self.depth == 0:
            return None
        off = self.const_value(nxt.offset, level.vars)
        cnt = self.const_value(nxt.count, level.vars)
        off = 0 if off is None else off
        if type(off) not in (int, float) or type(cnt) not in (int, float) or off < 0 or cnt < 0:
            return None  # LIMIT reports the error
        return min(int(off), _LIMIT_MAX) + min(int(cnt), _LIMIT_MAX)

    def limit(self, st: A.Limit, level: Level, stmts: list[A.Node], i: int) -> Stage:
        for e in (st.offset, st.count):
            if not self.is_const(e):
                raise ArangoError(
                    1501,
                    "syntax error, limit value must be a constant expression",
                    400,
                )
        offset = self.const_value(st.offset, level.vars)
        count = self.const_value(st.count, level.vars)
        if offset is None:
            offset = 0
        for v in (offset, count):
            if v is not None and (type(v) not in (int, float) or v < 0):
                raise ArangoError(1501, "syntax error, limit value must be a number >= 0", 400)
        # values past int64 (1e300) behave as the largest one; islice needs a machine int
        off = min(int(offset), _LIMIT_MAX)
        cnt = None if count is None else min(int(count), _LIMIT_MAX)
        counter = self.ctx.full_count_counter(self.depth, stmts, i)

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            if counter is None:
                return itertools.islice(rows, off, None if cnt is None else off + cnt)
            return _counting_limit(rows, off, cnt, counter)

        return stage

    # ------------------------------------------------------------------ RETURN
    def return_(self, st: A.Return, level: Level) -> Callable[[Iterable[Row]], Iterator[Any]]:
        if st.distinct and not level.has_for:
            raise self.error_at("cannot use DISTINCT modifier on top-level query element", st.pos)
        fn = self.expr(st.expr, level.vars)
        if not st.distinct:
            return lambda rows: (fn(r) for r in rows)

        def distinct(rows: Iterable[Row]) -> Iterator[Any]:
            seen: set[Any] = set()
            for r in rows:
                v = fn(r)
                k = hash_key(v)
                if k not in seen:
                    seen.add(k)
                    yield v

        return distinct

    # ------------------------------------------------------------------ COLLECT
    def aggregate_fns(
        self, aggs: list[tuple[str, A.Call]], vars: dict[str, int], introduced: set[str]
    ) -> list[tuple[Fn | None, Callable[[list[Any]], Any]]]:
        return aggregate_fns(self, aggs, vars, introduced)

    def collect(self, st: A.Collect, level: Level, nxt: A.Node | None) -> Stage:
        return compile_collect(self, st, level, nxt)

    # ------------------------------------------------------------------ WINDOW
    def window(self, st: A.Window, level: Level) -> Stage:
        spec = self.options(st.spec, level.vars)
        vars = level.vars
        aggs = self.aggregate_fns(st.aggregates, vars, {n for n, _ in st.aggregates})
        range_fn = self.expr(st.range_expr, vars) if st.range_expr is not None else None

        def bound(name: str) -> float | None:
            v = spec.get(name, 0)
            if v == "unbounded":
                return None
            if isinstance(v, str) and range_fn is not None:
                return _duration_ms(v)
            if type(v) not in (int, float) or v < 0:
                raise ArangoError(1501, f"WINDOW '{name}' must be a non-negative number", 400)
            return float(v)

        before, after = bound("preceding"), bound("following")
        slots = [self.declare(level, n) for n, _ in st.aggregates]
        uses_dates = any(isinstance(spec.get(k), str) and spec.get(k) != "unbounded" for k in spec)

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            buf = list(rows)
            n = len(buf)
            values = [[arg(r) if arg is not None else None for r in buf] for arg, _ in aggs]
            if range_fn is None:
                for i, r in enumerate(buf):
                    lo = 0 if before is None else max(0, i - int(before))
                    hi = n if after is None else min(n, i + int(after) + 1)
                    for s, (_, fin), vals in zip(slots, aggs, values, strict=False):
                        r[s] = fin(vals[lo:hi])
                    yield r
                return
            # the optimizer sorts a range window's input by the range expression
            keyed = sorted(
                ((_range_key(range_fn(r), uses_dates), r) for r in buf),
                key=lambda kr: (kr[0] is not None, kr[0] or 0.0),
            )
            buf = [r for _, r in keyed]
            keys = [k for k, _ in keyed]
            values = [[arg(r) if arg is not None else None for r in buf] for arg, _ in aggs]
            for i, r in enumerate(buf):
                k = keys[i]
                members = [
                    j
                    for j, kj in enumerate(keys)
                    if k is not None
                    and kj is not None
                    and (before is None or kj >= k - before)
                    and (after is None or kj <= k + after)
                ]
                for s, (_, fin), vals in zip(slots, aggs, values, strict=False):
                    r[s] = fin([vals[j] for j in members])
                yield r

        return stage

    # ------------------------------------------------------------------ modifications
    def modify(self, st: A.Modify, level: Level) -> Stage:
        return writes.modification_stage(self, st, level)

    def upsert(self, st: A.Upsert, level: Level) -> Stage:
        return writes.upsert_stage(self, st, level)


# ------------------------------------------------------------------ helpers
class _Desc:
    """Reverses the order of a sort key (SORT ... DESC on values other than numbers)."""

    __slots__ = ("k",)

    def __init__(self, k: Any) -> None:
        self.k = k

    def __lt__(self, other: _Desc) -> bool:
        return bool(other.k < self.k)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and bool(self.k == other.k)

    __hash__ = None  # type: ignore[assignment]


def _key_fn(fn: Fn, asc: bool) -> Fn:
    """One SORT element's key: AQL's type order, then the value (numbers fast)."""
    if asc:

        def up(r: Row) -> Any:
            v = fn(r)
            t = type(v)
            if t is int or t is float:
                return (2, v)
            return sort_key(v)

        return up

    def down(r: Row) -> Any:
        v = fn(r)
        t = type(v)
        if t is int or t is float:
            return (-2, -v)
        k = sort_key(v)
        return (-k[0], _Desc(k))

    return down


def _row_sort_key(keys: list[tuple[Fn, bool]]) -> Fn:
    fns = [_key_fn(fn, asc) for fn, asc in keys]
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 2:
        k1, k2 = fns
        return lambda r: (k1(r), k2(r))
    return lambda r: tuple(f(r) for f in fns)


def _tagged(
    run: Callable[[Iterable[Row]], Iterable[_Out]], tags: list[tuple[int, str]]
) -> Callable[[Iterable[Row]], Iterator[_Out]]:
    """``run`` (a stage or the final RETURN) naming the plan nodes ``tags`` in its errors."""

    def tagged(rows: Iterable[Row]) -> Iterator[_Out]:
        try:
            yield from run(rows)
        except ArangoError as exc:
            tag(exc, tags)
            raise

    return tagged


def _measured(
    stats: NodeStats,
    stages: list[Stage],
    tags: list[list[tuple[int, str]]],
    final: Callable[[Iterable[Row]], Iterator[Any]],
    final_tags: list[tuple[int, str]],
) -> tuple[list[Stage], Callable[[Iterable[Row]], Iterator[Any]]]:
    """The stages and the final step of a profiled (level 2) query, each counting its
    rows and time for ``extra.stats.nodes``."""
    out: list[Stage] = []
    upstream = None
    for stage, stage_tags in zip(stages, tags, strict=True):
        measured, upstream = stats.measure(stage, stage_tags, upstream)
        out.append(measured)
    last, _ = stats.measure(final, final_tags, upstream)
    return out, last


_ascending = access.ascending

#: statements that are done with a row before they ask for the next one (none keeps a
#: row): a FOR before only these hands on its input row, not a copy per item
_STREAMING = (A.For, A.Let, A.LetDestructure, A.Filter, A.Limit, A.Return)


def _writes(stmts: list[A.Node]) -> bool:
    """Whether the statements modify a collection (a subquery's included)."""
    return any(isinstance(node, (A.Modify, A.Upsert)) for node in A.walk(stmts))


def _read_on_demand(stage: Stage, stats: dict[str, Any], counts: list[str]) -> Stage:
    """A FOR loop whose source counts no statistics: the documents it read, those its
    FILTERs rejected included, are added to ``counts`` once the loop is done (the LIMIT
    after it may stop it early)."""

    def read(rows: Iterable[Row]) -> Iterator[Row]:
        rejected = stats["filtered"]
        passed = 0
        loop = iter(stage(rows))
        try:
            for r in loop:
                passed += 1
                yield r
        finally:
            close = getattr(loop, "close", None)
            if close is not None:
                close()  # the loop counts the documents its FILTERs rejected
            done = passed + stats["filtered"] - rejected
            for key in counts:
                stats[key] += done

    return read


def _drain(rows: Iterable[Row]) -> Iterator[Any]:
    for _ in rows:
        pass
    return iter(())


def _counting_limit(
    rows: Iterable[Row], off: int, cnt: int | None, counter: list[int]
) -> Iterator[Row]:
    n = 0
    for r in rows:
        if n >= off and (cnt is None or n < off + cnt):
            yield r
        n += 1
    counter[0] += n


def _range_key(v: Any, dates: bool) -> float | None:
    if dates:
        if isinstance(v, str):
            try:
                return datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() * 1000
            except ValueError:
                return None
        if type(v) in (int, float):
            return float(v)
        return None
    if type(v) in (int, float):
        return float(v)
    return None


def _duration_ms(text: str) -> float:
    m = re.fullmatch(
        r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
        r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?",
        text,
    )
    if not m or text in ("P", "PT"):
        raise ArangoError(1501, f"WINDOW bound '{text}' is not a valid ISO 8601 duration", 400)
    y, mo, w, d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
    days = y * 365 + mo * 30 + w * 7 + d
    return ((days * 24 + h) * 60 + mi) * 60000 + s * 1000
