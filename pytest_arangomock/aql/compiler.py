"""Compile an AQL AST into nested Python closures, once per execution.

Rows are Python lists indexed by variable slots (resolved at compile time, so evaluation
never looks names up). An expression becomes ``fn(row) -> value``; a statement becomes a
stage ``rows -> rows`` (generators, so LIMIT stops upstream work early); a query becomes
``fn(row) -> iterator of results``. Bind parameters are known at compile time and are
inlined as constants.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from ..base.errors import ArangoError
from ..base.values import hash_key, normalize_number, sort_key, to_bool, to_string, typename
from . import ast as A
from . import operators as O
from . import traversal, writes
from .context import QueryContext
from .functions import arity_error
from .functions.library import REGISTRY
from .nodes import statement_nodes
from .parser import error_at
from .scope import Fn, Level, Row, Runner, Stage
from .search import compile_view_for

_Out = TypeVar("_Out")
AGGREGATES = frozenset(
    [
        "LENGTH",
        "COUNT",
        "MIN",
        "MAX",
        "SUM",
        "AVERAGE",
        "AVG",
        "VARIANCE_POPULATION",
        "VARIANCE",
        "VARIANCE_SAMPLE",
        "STDDEV_POPULATION",
        "STDDEV",
        "STDDEV_SAMPLE",
        "UNIQUE",
        "SORTED_UNIQUE",
        "COUNT_DISTINCT",
        "COUNT_UNIQUE",
        "BIT_AND",
        "BIT_OR",
        "BIT_XOR",
        "PUSH",
    ]
)
# functions whose arguments may name a collection (signature "h"): the name is passed
_COLLECTION_NAME_ARGS = frozenset(
    (
        "DOCUMENT",
        "IS_SAME_COLLECTION",
        "COLLECTION_COUNT",
        "NEAR",
        "WITHIN",
        "WITHIN_RECTANGLE",
        "FULLTEXT",
    )
)
_SPREAD = object()
_RECOVERABLE = (TypeError, ValueError, AttributeError, IndexError, KeyError, OverflowError)


class Compiler:
    """Compiles one query for one execution (bind values and database known)."""

    def __init__(self, ctx: QueryContext, binds: dict[str, Any]) -> None:
        self.ctx = ctx
        self.binds = binds
        self.nslots = 0
        self.current: dict[int, int] = {}
        self.current_stack: list[int] = []
        self.modified: dict[str, str] = {}
        self.registry = REGISTRY
        self.depth = 0  # subquery nesting (fullCount only counts the main query)
        # execution-node numbering as ArangoDB's initial plan has it (1 is the singleton):
        # runtime errors name the nodes they passed through, "[node #3: RemoveNode]"
        self.node_id = 0
        self.last_node: tuple[int, str] = (1, "SingletonNode")

    # ------------------------------------------------------------------ helpers
    def error_at(self, message: str, pos: A.Pos | None, num: int = 1501) -> ArangoError:
        """An error with ArangoDB's ``near '...' at position L:C`` suffix."""
        if pos is None or not self.ctx.query_text:
            return ArangoError(num, message, 400)
        return error_at(self.ctx.query_text, message, pos, num)

    def slot(self) -> int:
        s = self.nslots
        self.nslots += 1
        return s

    @contextmanager
    def current_scope(self, ident: int | None = None) -> Iterator[int]:
        """A fresh slot that ``CURRENT`` (of ``ident``, if given) names while the
        expressions inside the ``with`` compile."""
        slot = self.slot()
        if ident is not None:
            self.current[ident] = slot
        self.current_stack.append(slot)
        try:
            yield slot
        finally:
            self.current_stack.pop()

    def param(self, p: A.Param) -> Any:
        key = ("@" + p.name) if p.datasource else p.name
        return self.binds[key]

    def const_value(self, expr: A.Expr, vars: dict[str, int]) -> Any:
        """Evaluate an expression that must be known at compile time (OPTIONS, LIMIT...)."""
        fn = self.expr(expr, vars)
        return fn([None] * max(self.nslots, 1))

    def is_const(self, expr: A.Expr) -> bool:
        for n in A.walk(expr):
            if isinstance(n, (A.Name, A.Subquery, A.Current)):
                return False
            if isinstance(n, A.Call):
                spec = self.registry.get(n.name)
                if spec is None or not spec.deterministic:
                    return False
        return True

    def options(self, opts: A.ObjectLit | None, vars: dict[str, int]) -> dict[str, Any]:
        if opts is None:
            return {}
        if not self.is_const(opts):
            raise ArangoError(1575, "query options must be readable at query compile time", 400)
        value = self.const_value(opts, vars)
        return value if isinstance(value, dict) else {}

    def collection_name(self, expr: A.Expr) -> str:
        if isinstance(expr, A.Param):
            value = self.param(expr)
            if not isinstance(value, str) or not value:
                key = ("@" + expr.name) if expr.datasource else expr.name
                raise ArangoError(1553, f"bind parameter '{key}' has an invalid value or type", 400)
            return value
        if isinstance(expr, A.Const) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, A.Name):
            return expr.name
        raise ArangoError(1501, "syntax error, invalid collection name", 400)

    # ------------------------------------------------------------------ queries
    def query(self, q: A.Query, scope: dict[str, int]) -> Runner:
        level = Level(scope)
        stages: list[Stage] = []
        stmts = q.statements
        final: Callable[[Iterable[Row]], Iterator[Any]] | None = None
        self.node_id += 1  # the (sub)query's singleton
        i = 0
        while i < len(stmts):
            st = stmts[i]
            if isinstance(st, A.Return):
                ret = self.return_(st, level)
                final = _tagged(ret, self.plan_nodes(st, level))
                break
            stage = self.statement(st, level, stmts, i)
            tags = self.plan_nodes(st, level)
            if isinstance(st, (A.Modify, A.Upsert)):
                tags = tags[-1:]  # a write fails in its own node, after its calculations
            i += 1
            if isinstance(stage, _ForStage):
                # FILTERs right after a FOR run inside its loop: no row is built for a
                # document the filters reject
                preds: list[Fn] = []
                while i < len(stmts) and isinstance(stmts[i], A.Filter):
                    flt = stmts[i]
                    assert isinstance(flt, A.Filter)
                    preds.append(self.expr(flt.expr, level.vars))
                    tags += self.plan_nodes(flt, level)
                    i += 1
                stage = stage.build(preds)
            if stage is not None:
                stages.append(_tagged(stage, tags) if tags else stage)
            if i == len(stmts):
                final = _drain
        assert final is not None
        run_final = final

        def run(row: Row) -> Iterator[Any]:
            rows: Iterable[Row] = (row,)
            for s in stages:
                rows = s(rows)
            return run_final(rows)

        return run

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
    ) -> Stage | _ForStage | None:
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
            return self.modify(st, level)
        if isinstance(st, A.Upsert):
            return self.upsert(st, level)
        if isinstance(st, (A.Traversal, A.PathSearch)):
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
    def for_(self, st: A.For, level: Level, stmts: list[A.Node], i: int) -> Stage | _ForStage:
        view_stage = compile_view_for(self, st, level)
        if view_stage is not None:
            return view_stage
        if st.search is not None:
            raise ArangoError(
                9, "FOR ... SEARCH (ArangoSearch) is not emulated by pytest-arangomock", 501
            )
        source = self.for_source(st, level, stmts, i)
        level.has_for = True
        slot = self.declare(level, st.var)
        return _ForStage(source, slot, self.ctx)

    def for_source(self, st: A.For, level: Level, stmts: list[A.Node], i: int) -> Fn:
        expr = st.expr
        coll = None
        if isinstance(expr, A.Name) and expr.name not in level.vars:
            if self.ctx.db.get_collection(expr.name) is None and _is_view(self.ctx.db, expr.name):
                raise ArangoError(9, "FOR over a view is not emulated by pytest-arangomock", 501)
            coll = self.ctx.collection(expr.name)
        elif isinstance(expr, A.Param) and expr.datasource:
            coll = self.ctx.collection(self.collection_name(expr))
        if coll is None:
            return self.expr(expr, level.vars)
        self.check_read(coll.name)
        indexed = self.index_source(coll, st.var, level, stmts, i)
        if indexed is not None:
            return indexed
        stats = self.ctx.stats

        def scan(_r: Row) -> list[Any]:
            docs = list(coll.docs.values())
            stats["scannedFull"] += len(docs)
            return docs

        return scan

    def check_read(self, name: str) -> None:
        op = self.modified.get(name)
        if op is not None:
            raise ArangoError(1579, f"access after data-modification by {op}", 400)

    def index_source(
        self, coll: Any, var: str, level: Level, stmts: list[A.Node], i: int
    ) -> Fn | None:
        """Use the primary, edge or a persistent index for ``FILTER var.attr == value``."""
        conds: list[A.Expr] = []
        j = i + 1
        while j < len(stmts) and isinstance(stmts[j], A.Filter):
            conds.extend(A.conjuncts(stmts[j].expr))  # type: ignore[attr-defined]
            j += 1
        if not conds:
            return None
        eqs: dict[str, tuple[str, A.Expr]] = {}
        for c in conds:
            if not isinstance(c, A.Binary) or c.op not in ("==", "IN"):
                continue
            for left, right in ((c.left, c.right), (c.right, c.left)):
                path = A.attr_path(left, var)
                if path is None or var in A.names_used(right) or A.uses_current(right):
                    continue
                if c.op == "IN" and left is not c.left:
                    continue
                eqs.setdefault(path, (c.op, right))
                break
        if not eqs:
            return None
        stats = self.ctx.stats
        docs = coll.docs
        if "_key" in eqs or "_id" in eqs:
            field = "_key" if "_key" in eqs else "_id"
            op, e = eqs[field]
            value_fn = self.expr(e, level.vars)
            prefix = coll.name + "/"

            def key_of(v: Any) -> Any:
                if field == "_id":
                    return v[len(prefix) :] if isinstance(v, str) and v.startswith(prefix) else None
                return v

            def by_key(r: Row) -> list[Any]:
                v = value_fn(r)
                keys = v if op == "IN" else [v]
                if type(keys) is not list:
                    return []
                out = []
                seen = set()
                for k in keys:
                    k = key_of(k)
                    if type(k) is str and k not in seen:
                        seen.add(k)
                        d = docs.get(k)
                        if d is not None:
                            out.append(d)
                stats["scannedIndex"] += len(out)
                return out

            return by_key
        edge_index = coll.edge_index
        if edge_index is not None:
            for field in ("_from", "_to"):
                if field in eqs:
                    op, e = eqs[field]
                    value_fn = self.expr(e, level.vars)
                    lookup = edge_index.outbound if field == "_from" else edge_index.inbound

                    def by_edge(
                        r: Row, value_fn: Fn = value_fn, lookup: Any = lookup, op: str = op
                    ) -> list[Any]:
                        v = value_fn(r)
                        vids = v if op == "IN" else [v]
                        if type(vids) is not list:
                            return []
                        out: list[Any] = []
                        for vid in dict.fromkeys(x for x in vids if type(x) is str):
                            out.extend(lookup(vid))
                        stats["scannedIndex"] += len(out)
                        return out

                    return by_edge
        for index in coll.indexes:
            lookup_eq = getattr(index, "lookup_eq", None)
            if lookup_eq is None or index.type not in ("persistent", "hash", "skiplist"):
                continue
            prefix_fields: list[str] = []
            for f in index.fields:
                if f in eqs and eqs[f][0] == "==":
                    prefix_fields.append(f)
                else:
                    break
            if not prefix_fields or getattr(index, "sparse", False):
                continue
            if any("[*]" in f for f in prefix_fields):
                continue
            fns = [self.expr(eqs[f][1], level.vars) for f in prefix_fields]

            def by_persistent(r: Row, fns: list[Fn] = fns, lookup_eq: Any = lookup_eq) -> list[Any]:
                found = list(lookup_eq(tuple(fn(r) for fn in fns)))
                stats["scannedIndex"] += len(found)
                return found

            return by_persistent
        return None

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
        keys: list[tuple[Fn, bool]] = []
        for expr, direction in st.elements:
            d = self.const_value(direction, level.vars) if self.is_const(direction) else True
            if isinstance(d, str):
                asc = d.upper() != "DESC"
            else:
                asc = to_bool(d) if d is not None else True
            keys.append((self.expr(expr, level.vars), asc))
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
        return int(off) + int(cnt)

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
        off = int(offset)
        cnt = None if count is None else int(count)
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
        out: list[tuple[Fn | None, Callable[[list[Any]], Any]]] = []
        for _, call in aggs:
            if call.name not in AGGREGATES:
                if call.name not in self.registry:
                    raise ArangoError(1540, f"usage of unknown function '{call.name}()'", 400)
                raise ArangoError(1574, "unknown aggregate function used", 400)
            for n in A.names_used(call):
                if n in introduced:
                    raise ArangoError(
                        1512, f"use of COLLECT variable '{n}' inside same COLLECT", 400
                    )
            if len(call.args) > 1 or (not call.args and call.name not in ("LENGTH", "COUNT")):
                spec = self.registry.get(call.name)
                lo, hi = (spec.min_args, spec.max_args) if spec is not None else (1, 1)
                raise arity_error(call.name, lo, hi)
            arg = self.expr(call.args[0], vars) if call.args else None
            out.append((arg, _FINALIZERS[_AGG_ALIAS.get(call.name, call.name)]))
        return out

    def collect(self, st: A.Collect, level: Level, nxt: A.Node | None) -> Stage:
        vars = level.vars
        introduced = {n for n, _ in st.groups}
        for _name, expr in st.groups:
            for n in A.names_used(expr):
                if n in introduced and n not in vars:
                    raise ArangoError(
                        1512, f"use of COLLECT variable '{n}' inside same COLLECT", 400
                    )
        group_fns = [self.expr(e, vars) for _, e in st.groups]
        agg_intro = introduced | {n for n, _ in st.aggregates}
        aggs = self.aggregate_fns(
            st.aggregates, vars, agg_intro - {n for n, _ in st.groups} | set()
        )
        into_fn: Fn | None = None
        keep_slots: list[tuple[str, int]] = []
        if st.into is not None:
            if st.into_expr is not None:
                into_fn = self.expr(st.into_expr, vars)
            else:
                names = (
                    st.keep
                    if st.keep is not None
                    else [
                        n
                        for n in vars
                        if (not n.startswith("#") and n not in ("OLD", "NEW")) or n in vars
                    ]
                )
                for n in names:
                    if n not in vars:
                        raise ArangoError(1501, f"use of unknown variable '{n}' for KEEP", 400)
                    keep_slots.append((n, vars[n]))
        sort_groups = not (
            isinstance(nxt, A.Sort)
            and len(nxt.elements) == 1
            and isinstance(nxt.elements[0][0], A.Const)
            and nxt.elements[0][0].value is None
        )
        # new scope: what was visible before the first FOR, plus the COLLECT's variables
        new_vars = dict(level.base)
        level.vars = new_vars
        group_slots = [self.declare_collect(level, n) for n, _ in st.groups]
        agg_slots = [self.declare_collect(level, n) for n, _ in st.aggregates]
        into_slot = self.declare_collect(level, st.into) if st.into else None
        count_slot = self.declare_collect(level, st.count_var) if st.count_var else None
        level.has_for = True
        has_groups = bool(group_fns)
        n_aggs = len(aggs)

        def stage(rows: Iterable[Row]) -> Iterator[Row]:
            groups: dict[Any, list[Any]] = {}
            for r in rows:
                gv = [fn(r) for fn in group_fns]
                k = tuple(hash_key(v) for v in gv)
                g = groups.get(k)
                if g is None:
                    g = [r, gv, [[] for _ in range(n_aggs)], [], 0]
                    groups[k] = g
                g[4] += 1
                acc = g[2]
                for idx, (arg, _) in enumerate(aggs):
                    acc[idx].append(arg(r) if arg is not None else None)
                if into_slot is not None:
                    if into_fn is not None:
                        g[3].append(into_fn(r))
                    else:
                        g[3].append({n: r[s] for n, s in keep_slots})
            if not groups and not has_groups:
                groups[()] = [None, [], [[] for _ in range(n_aggs)], [], 0]
            items = list(groups.values())
            if sort_groups and has_groups:
                items.sort(key=lambda g: sort_key(g[1]))
            width = self.nslots
            for first, gv, acc, into, count in items:
                out = first.copy() if first is not None else [None] * width
                if len(out) < width:
                    out.extend([None] * (width - len(out)))
                for s, v in zip(group_slots, gv, strict=False):
                    out[s] = v
                for s, (_, fin), values in zip(agg_slots, aggs, acc, strict=False):
                    out[s] = fin(values)
                if into_slot is not None:
                    out[into_slot] = into
                if count_slot is not None:
                    out[count_slot] = count
                yield out

        return stage

    def declare_collect(self, level: Level, name: str) -> int:
        s = self.slot()
        level.vars[name] = s
        return s

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

    # ------------------------------------------------------------------ expressions
    def expr(self, e: A.Expr, vars: dict[str, int]) -> Fn:
        method = getattr(self, "x_" + type(e).__name__)
        return method(e, vars)  # type: ignore[no-any-return]

    def x_Const(self, e: A.Const, vars: dict[str, int]) -> Fn:
        v = e.value
        return lambda r: v

    def x_Param(self, e: A.Param, vars: dict[str, int]) -> Fn:
        if e.datasource:
            name = self.collection_name(e)
            coll = self.ctx.collection(name)
            raise ArangoError(1568, f"collection '{coll.name}' used as expression operand", 400)
        v = self.param(e)
        return lambda r: v

    def x_Name(self, e: A.Name, vars: dict[str, int]) -> Fn:
        s = vars.get(e.name)
        if s is None and e.name in ("CURRENT", "$CURRENT") and self.current_stack:
            s = self.current_stack[-1]
        if s is not None:
            slot = s
            return lambda r: r[slot]
        coll = self.ctx.collection(e.name)
        raise ArangoError(1568, f"collection '{coll.name}' used as expression operand", 400)

    def x_Current(self, e: A.Current, vars: dict[str, int]) -> Fn:
        slot = self.current[e.ident]
        return lambda r: r[slot]

    def x_Attr(self, e: A.Attr, vars: dict[str, int]) -> Fn:
        obj = self.expr(e.obj, vars)
        name = e.name
        if isinstance(name, A.Param):
            value = self.param(name)
            if not isinstance(value, (str, list)):
                raise ArangoError(
                    1553, f"bind parameter '{name.name}' has an invalid value or type", 400
                )
            if isinstance(value, list):
                path = [str(p) for p in value]

                def get_path(r: Row) -> Any:
                    v = obj(r)
                    for p in path:
                        if type(v) is not dict:
                            return None
                        v = v.get(p)
                    return v

                return get_path
            name = value
        key = name
        slot = self.var_slot(e.obj, vars)
        if slot is not None:  # ``var.attr``: the common case, one call less

            def get_var(r: Row) -> Any:
                v = r[slot]
                return v.get(key) if type(v) is dict else None

            return get_var

        def get(r: Row) -> Any:
            v = obj(r)
            if type(v) is dict:
                return v.get(key)
            return None

        return get

    def var_slot(self, e: A.Expr, vars: dict[str, int]) -> int | None:
        """The row slot of a plain variable reference (None for anything else)."""
        if isinstance(e, A.Name):
            return vars.get(e.name)
        return None

    def x_Index(self, e: A.Index, vars: dict[str, int]) -> Fn:
        obj = self.expr(e.obj, vars)
        idx = self.expr(e.index, vars)

        def get(r: Row) -> Any:
            v = obj(r)
            i = idx(r)
            t = type(v)
            if t is list:
                ti = type(i)
                if ti is int or ti is float:
                    n = int(i)
                elif ti is str:
                    try:
                        n = int(i)
                    except ValueError:
                        return None
                else:
                    return None
                if n < 0:
                    n += len(v)
                return v[n] if 0 <= n < len(v) else None
            if t is dict:
                if type(i) is str:
                    return v.get(i)
                if type(i) in (int, float):
                    return v.get(to_string(i))
                return None
            return None

        return get

    def x_ArrayLit(self, e: A.ArrayLit, vars: dict[str, int]) -> Fn:
        if any(isinstance(x, A.Spread) for x in e.items):
            parts = [
                (isinstance(x, A.Spread), self.expr(x.expr if isinstance(x, A.Spread) else x, vars))
                for x in e.items
            ]

            def build(r: Row) -> list[Any]:
                out: list[Any] = []
                for spread, f in parts:
                    v = f(r)
                    if not spread:
                        out.append(v)
                    elif type(v) is list:
                        out.extend(v)
                    elif type(v) is dict:
                        out.extend(v.values())
                return out

            return build
        if self.is_const(e) and all(
            isinstance(x, (A.Const, A.ArrayLit, A.ObjectLit)) for x in e.items
        ):
            value = [self.expr(x, vars)([]) for x in e.items]
            return lambda r: value
        fns = [self.expr(x, vars) for x in e.items]
        return lambda r: [f(r) for f in fns]

    def x_ObjectLit(self, e: A.ObjectLit, vars: dict[str, int]) -> Fn:
        parts: list[tuple[Any, Fn]] = []
        dynamic = False
        for key, value in e.items:
            if (
                isinstance(value, A.Name)
                and isinstance(key, str)
                and key == value.name
                and value.name not in vars
                and not (value.name in ("CURRENT", "$CURRENT") and self.current_stack)
            ):
                raise ArangoError(
                    1512, f"use of unknown variable '{value.name}' in object literal", 400
                )
            if isinstance(key, A.Spread):
                parts.append((_SPREAD, self.expr(key.expr, vars)))
                dynamic = True
                continue
            vf = self.expr(value, vars)
            if isinstance(key, str):
                parts.append((key, vf))
            elif isinstance(key, A.Param):
                pv = self.param(key)
                if not isinstance(pv, str):
                    raise ArangoError(
                        1553, f"bind parameter '{key.name}' has an invalid value or type", 400
                    )
                parts.append((pv, vf))
            else:
                parts.append((self.expr(key, vars), vf))
                dynamic = True
        if not dynamic:
            static = [(k, f) for k, f in parts]
            if len({k for k, _ in static}) == len(static):
                return lambda r: {k: f(r) for k, f in static}

        def build(r: Row) -> dict[str, Any]:
            out: dict[str, Any] = {}
            spread_seen = False
            for k, f in parts:
                if k is _SPREAD:
                    v = f(r)
                    if type(v) is dict:
                        out.update(v)
                        spread_seen = True
                    continue
                if callable(k):
                    kv = k(r)
                    name = kv if type(kv) is str else to_string(kv)
                else:
                    name = k
                if spread_seen or name not in out:
                    out[name] = f(r)
            return out

        return build

    def x_Unary(self, e: A.Unary, vars: dict[str, int]) -> Fn:
        f = self.expr(e.operand, vars)
        if e.op == "!":
            return lambda r: not to_bool(f(r))
        if e.op == "-":
            return lambda r: O.neg(f(r))
        return lambda r: O.pos(f(r))

    def x_Binary(self, e: A.Binary, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        op = e.op
        if (
            op in ("IN", "NOT IN")
            and isinstance(e.right, (A.ArrayLit, A.Param))
            and self.is_const(e.right)
        ):
            rv = self.const_value(e.right, vars)
            if type(rv) is list:
                test = O.in_set(rv)
                if op == "IN":
                    return lambda r: test(lf(r))
                return lambda r: not test(lf(r))
        rf = self.expr(e.right, vars)
        warn = self.ctx.warn
        if op == "+":
            return lambda r: O.add(lf(r), rf(r))
        if op == "-":
            return lambda r: O.sub(lf(r), rf(r))
        if op == "*":
            return lambda r: O.mul(lf(r), rf(r))
        if op == "/":
            return lambda r: O.div(lf(r), rf(r), warn)
        if op == "%":
            return lambda r: O.mod(lf(r), rf(r), warn)
        cmp = O.COMPARE[op]
        if isinstance(e.right, A.Const) and type(e.right.value) in (int, float):
            return _compare_number(op, lf, e.right.value, cmp)
        return lambda r: cmp(lf(r), rf(r))

    def x_Logical(self, e: A.Logical, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        rf = self.expr(e.right, vars)
        if e.op == "AND":

            def and_(r: Row) -> Any:
                a = lf(r)
                return rf(r) if to_bool(a) else a

            return and_

        def or_(r: Row) -> Any:
            a = lf(r)
            return a if to_bool(a) else rf(r)

        return or_

    def x_Ternary(self, e: A.Ternary, vars: dict[str, int]) -> Fn:
        cf = self.expr(e.cond, vars)
        of = self.expr(e.otherwise, vars)
        if e.then is None:

            def short(r: Row) -> Any:
                c = cf(r)
                return c if to_bool(c) else of(r)

            return short
        tf = self.expr(e.then, vars)
        return lambda r: tf(r) if to_bool(cf(r)) else of(r)

    def x_Range(self, e: A.Range, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.low, vars)
        hf = self.expr(e.high, vars)
        return lambda r: O.make_range(lf(r), hf(r))

    def x_Quantified(self, e: A.Quantified, vars: dict[str, int]) -> Fn:
        lf = self.expr(e.left, vars)
        rf = self.expr(e.right, vars)
        cf = self.expr(e.count, vars) if e.count is not None else (lambda r: None)
        q, op = e.quantifier, e.op
        return lambda r: O.quantified(q, cf(r), op, lf(r), rf(r))

    def x_Passthru(self, e: A.Passthru, vars: dict[str, int]) -> Fn:
        return self.expr(e.expr, vars)

    def x_Subquery(self, e: A.Subquery, vars: dict[str, int]) -> Fn:
        self.depth += 1
        try:
            run = self.query(e.query, vars)
        finally:
            self.depth -= 1

        def sub(r: Row) -> list[Any]:
            return list(run(r.copy()))

        return sub

    def x_Expansion(self, e: A.Expansion, vars: dict[str, int]) -> Fn:
        src = self.expr(e.source, vars)
        with self.current_scope(e.ident) as slot:
            filt = self.expr(e.filter, vars) if e.filter is not None else None
            if e.limit is not None:
                off_e, cnt_e = e.limit
                off_f = self.expr(off_e, vars) if off_e is not None else (lambda r: 0)
                cnt_f: Fn | None = self.expr(cnt_e, vars)
            else:
                off_f, cnt_f = (lambda r: 0), None
            proj = self.expr(e.projection, vars) if e.projection is not None else None
            rest = self.expr(e.rest, vars)
        levels = e.levels
        rest_is_current = isinstance(e.rest, A.Current) and e.rest.ident == e.ident

        def expand(r: Row) -> Any:
            v = src(r)
            if type(v) is not list:
                return []
            if levels > 1:
                v = _flatten(v, levels - 1)
            out = []
            off = O.to_int64(off_f(r)) if cnt_f is not None else 0
            cnt = O.to_int64(cnt_f(r)) if cnt_f is not None else -1
            saved = r[slot]
            try:
                for item in v:
                    r[slot] = item
                    if filt is not None and not to_bool(filt(r)):
                        continue
                    if off > 0:
                        off -= 1
                        continue
                    if cnt == 0:
                        break
                    cnt -= 1
                    if proj is not None:
                        item = proj(r)
                        r[slot] = item
                    out.append(item if rest_is_current else rest(r))
            finally:
                r[slot] = saved
            return out

        return expand

    def x_Question(self, e: A.Question, vars: dict[str, int]) -> Fn:
        src = self.expr(e.source, vars)
        with self.current_scope(e.ident) as slot:
            filt = self.expr(e.filter, vars) if e.filter is not None else None
            count = self.expr(e.count, vars) if e.count is not None else None
        quant = e.quantifier

        def question(r: Row) -> Any:
            v = src(r)
            if type(v) is not list:
                return False
            hits = 0
            saved = r[slot]
            try:
                for item in v:
                    r[slot] = item
                    if filt is None or to_bool(filt(r)):
                        hits += 1
            finally:
                r[slot] = saved
            n = len(v)
            if quant == "ANY":
                return hits > 0
            if quant == "ALL":
                return hits == n
            if quant == "NONE":
                return hits == 0
            c = count(r) if count is not None else None
            if quant == "AT LEAST":
                return hits >= O.to_int64(c)
            if type(c) is list and c:
                return O.to_int64(c[0]) <= hits <= O.to_int64(c[-1])
            return hits == O.to_int64(c)

        return question

    def x_Call(self, e: A.Call, vars: dict[str, int]) -> Fn:
        name = e.name
        spec = self.registry.get(name)
        by_name = name in _COLLECTION_NAME_ARGS
        argfns = [self.call_arg(a, vars, by_name) for a in e.args]
        if spec is None:
            if "::" in name:  # user functions are JavaScript, which the emulator has none of
                raise ArangoError(
                    9, "this version of ArangoDB is built without JavaScript support", 501
                )
            raise ArangoError(1540, f"usage of unknown function '{name}()'", 400)
        if len(argfns) < spec.min_args or (
            spec.max_args is not None and len(argfns) > spec.max_args
        ):
            raise arity_error(name, spec.min_args, spec.max_args)
        fn = spec.fn
        ctx = self.ctx
        if name == "SLEEP" and ctx.deadline is not None:
            fn = _bounded_sleep(fn)

        def call(r: Row) -> Any:
            args = [f(r) for f in argfns]
            try:
                return fn(ctx, *args)
            except ArangoError:
                raise
            except _RECOVERABLE:
                ctx.warn(1542, f"invalid argument type in call to function '{name}()'")
                return None

        return call

    def call_arg(self, a: A.Expr, vars: dict[str, int], by_name: bool = False) -> Fn:
        """A function argument; a bare collection name passes the collection's documents
        (or its name, for functions that take a collection name)."""
        if by_name and (
            (isinstance(a, A.Param) and a.datasource)
            or (isinstance(a, A.Name) and a.name not in vars)
        ):
            cname = self.collection_name(a)
            self.ctx.collection(cname)
            return lambda r: cname
        if (
            isinstance(a, A.Name)
            and a.name not in vars
            and not (a.name in ("CURRENT", "$CURRENT") and self.current_stack)
        ):
            coll = self.ctx.collection(a.name)
            self.check_read(coll.name)
            return lambda r: list(coll.docs.values())
        return self.expr(a, vars)


# ------------------------------------------------------------------ helpers
class _ForStage:
    """A FOR loop waiting for the FILTERs that follow it (compiled into its loop)."""

    def __init__(self, source: Fn, slot: int, ctx: QueryContext) -> None:
        self.source = source
        self.slot = slot
        self.ctx = ctx

    def build(self, preds: list[Fn]) -> Stage:
        source, slot, stats, ctx = self.source, self.slot, self.ctx.stats, self.ctx

        def items_of(r: Row) -> list[Any]:
            items = source(r)
            if type(items) is not list:
                raise ArangoError(
                    1563,
                    "collection or array expected as operand to FOR loop; "
                    f"you provided a value of type '{typename(items)}'",
                    400,
                )
            if ctx.deadline is not None:
                ctx.check_deadline()
            return items

        if not preds:

            def stage(rows: Iterable[Row]) -> Iterator[Row]:
                for r in rows:
                    for item in items_of(r):
                        r2 = r.copy()
                        r2[slot] = item
                        yield r2

            return stage
        pred = preds[0] if len(preds) == 1 else _all_of(preds)

        def filtered(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                items = items_of(r)
                rejected = 0
                try:
                    for item in items:
                        r[slot] = item
                        v = pred(r)
                        if v is True or (v is not False and to_bool(v)):
                            yield r.copy()
                        else:
                            rejected += 1
                finally:
                    stats["filtered"] += rejected

        return filtered


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


_NUMBER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: bool(a == b),
    "!=": lambda a, b: bool(a != b),
    "<": lambda a, b: bool(a < b),
    "<=": lambda a, b: bool(a <= b),
    ">": lambda a, b: bool(a > b),
    ">=": lambda a, b: bool(a >= b),
}


def _compare_number(op: str, lf: Fn, c: Any, cmp: Callable[[Any, Any], bool]) -> Fn:
    """``expr <op> number``: plain Python comparison when the value is a number too."""
    if op == ">":

        def gt(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v > c if (t is int or t is float) else cmp(v, c)

        return gt
    if op == "<":

        def lt(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v < c if (t is int or t is float) else cmp(v, c)

        return lt
    if op == "==":

        def eq(r: Row) -> bool:
            v = lf(r)
            t = type(v)
            return v == c if (t is int or t is float) else cmp(v, c)

        return eq
    fast = _NUMBER_OPS.get(op)
    if fast is None:
        return lambda r: cmp(lf(r), c)

    def other(r: Row) -> bool:
        v = lf(r)
        t = type(v)
        return fast(v, c) if (t is int or t is float) else cmp(v, c)

    return other


def _bounded_sleep(fn: Callable[..., Any]) -> Callable[..., Any]:
    """SLEEP() under ``maxRuntime``: sleep no longer than the query may run."""

    def sleep(ctx: QueryContext, seconds: Any = None, *rest: Any) -> Any:
        if type(seconds) in (int, float) and seconds >= 0 and not rest:
            ctx.sleep(float(seconds))
            return None
        return fn(ctx, seconds, *rest)

    return sleep


def _all_of(preds: list[Fn]) -> Fn:
    def both(r: Row) -> bool:
        for p in preds:
            v = p(r)
            if not (v is True or (v is not False and to_bool(v))):
                return False
        return True

    return both


def _tag(exc: ArangoError, tags: list[tuple[int, str]]) -> None:
    """Name the nodes an error passed through, as ArangoDB's execution blocks do (a SORT
    block reports twice: once while fetching its input, once while sorting)."""
    seen: list[tuple[int, str]] = exc.__dict__.setdefault("aql_nodes", [])
    for tag in tags:
        seen.append(tag)
        if tag[1] == "SortNode":
            seen.append(tag)


def _tagged(
    run: Callable[[Iterable[Row]], Iterable[_Out]], tags: list[tuple[int, str]]
) -> Callable[[Iterable[Row]], Iterator[_Out]]:
    """``run`` (a stage or the final RETURN) naming the plan nodes ``tags`` in its errors."""

    def tagged(rows: Iterable[Row]) -> Iterator[_Out]:
        try:
            yield from run(rows)
        except ArangoError as exc:
            _tag(exc, tags)
            raise

    return tagged


def _is_view(db: Any, name: str) -> bool:
    return name in db.views


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


def _flatten(v: list[Any], depth: int) -> list[Any]:
    out: list[Any] = []
    for x in v:
        if type(x) is list and depth > 0:
            out.extend(_flatten(x, depth - 1))
        else:
            out.append(x)
    return out


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


# ------------------------------------------------------------------ aggregates
def _numbers(values: list[Any]) -> list[float | int] | None:
    out = []
    for v in values:
        if v is None:
            continue
        if type(v) in (int, float):
            out.append(v)
        else:
            return None
    return out


def _agg_sum(values: list[Any]) -> Any:
    nums = _numbers(values)
    if nums is None:
        return None
    return normalize_number(sum(nums)) if nums else 0


def _agg_avg(values: list[Any]) -> Any:
    nums = _numbers(values)
    if not nums:
        return None
    return normalize_number(sum(nums) / len(nums))


def _variance(values: list[Any], sample: bool) -> Any:
    nums = _numbers(values)
    if nums is None:
        return None
    n = len(nums)
    if n == 0 or (sample and n < 2):
        return None
    mean = sum(nums) / n
    ss = sum((x - mean) ** 2 for x in nums)
    return ss / (n - 1 if sample else n)


def _stddev(values: list[Any], sample: bool) -> Any:
    v = _variance(values, sample)
    return None if v is None else v**0.5


def _agg_min(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return min(present, key=sort_key) if present else None


def _agg_max(values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    return max(present, key=sort_key) if present else None


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for v in values:
        if v is None:
            continue
        k = hash_key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def _bits(values: list[Any], op: Callable[[int, int], int]) -> Any:
    result: int | None = None
    for v in values:
        if v is None:
            continue
        if type(v) not in (int, float) or v < 0 or v != int(v) or v > 0xFFFFFFFF:
            return None
        result = int(v) if result is None else op(result, int(v))
    return result


_FINALIZERS: dict[str, Callable[[list[Any]], Any]] = {
    "LENGTH": len,
    "MIN": _agg_min,
    "MAX": _agg_max,
    "SUM": _agg_sum,
    "AVERAGE": _agg_avg,
    "VARIANCE_POPULATION": lambda v: _variance(v, False),
    "VARIANCE_SAMPLE": lambda v: _variance(v, True),
    "STDDEV_POPULATION": lambda v: _stddev(v, False),
    "STDDEV_SAMPLE": lambda v: _stddev(v, True),
    "UNIQUE": _unique,
    "SORTED_UNIQUE": lambda v: sorted(_unique(v), key=sort_key),
    "COUNT_DISTINCT": lambda v: len(_unique(v)),
    "BIT_AND": lambda v: _bits(v, lambda a, b: a & b),
    "BIT_OR": lambda v: _bits(v, lambda a, b: a | b),
    "BIT_XOR": lambda v: _bits(v, lambda a, b: a ^ b),
    "PUSH": list,
}
_AGG_ALIAS = {
    "COUNT": "LENGTH",
    "AVG": "AVERAGE",
    "VARIANCE": "VARIANCE_POPULATION",
    "STDDEV": "STDDEV_POPULATION",
    "COUNT_UNIQUE": "COUNT_DISTINCT",
}
