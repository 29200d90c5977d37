"""COLLECT: grouping rows by AQL equality, aggregates, INTO and WITH COUNT."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..base.errors import ArangoError
from ..base.values import EXACT, NUMBER, hash_key, sort_key
from . import ast as A
from .aggregates import AGGREGATES, counts_rows, finalizer
from .functions import arity_error
from .functions.library import REGISTRY
from .scope import Fn, Level, Row, Scope, Stage

__all__ = ["aggregate_fns", "compile_collect"]


def aggregate_fns(
    scope: Scope, aggs: list[tuple[str, A.Call]], vars: dict[str, int], introduced: set[str]
) -> list[tuple[Fn | None, Callable[[list[Any]], Any]]]:
    out: list[tuple[Fn | None, Callable[[list[Any]], Any]]] = []
    for _, call in aggs:
        if call.name not in AGGREGATES:
            if call.name not in REGISTRY:
                raise ArangoError(1540, f"usage of unknown function '{call.name}()'", 400)
            raise ArangoError(1574, "unknown aggregate function used", 400)
        for n in A.names_used(call):
            if n in introduced:
                raise ArangoError(1512, f"use of COLLECT variable '{n}' inside same COLLECT", 400)
        if len(call.args) > 1 or (not call.args and not counts_rows(call.name)):
            spec = REGISTRY.get(call.name)
            lo, hi = (spec.min_args, spec.max_args) if spec is not None else (1, 1)
            raise arity_error(call.name, lo, hi)
        arg = scope.expr(call.args[0], vars) if call.args else None
        out.append((arg, finalizer(call.name)))
    return out


def compile_collect(scope: Scope, st: A.Collect, level: Level, nxt: A.Node | None) -> Stage:
    vars = level.vars
    introduced = {n for n, _ in st.groups}
    for _name, expr in st.groups:
        for n in A.names_used(expr):
            if n in introduced and n not in vars:
                raise ArangoError(1512, f"use of COLLECT variable '{n}' inside same COLLECT", 400)
    group_fns = [scope.expr(e, vars) for _, e in st.groups]
    agg_intro = introduced | {n for n, _ in st.aggregates}
    aggs = aggregate_fns(scope, st.aggregates, vars, agg_intro - {n for n, _ in st.groups} | set())
    into_fn: Fn | None = None
    keep_slots: list[tuple[str, int]] = []
    if st.into is not None:
        if st.into_expr is not None:
            into_fn = scope.expr(st.into_expr, vars)
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
    group_slots = [declare_collect(scope, level, n) for n, _ in st.groups]
    agg_slots = [declare_collect(scope, level, n) for n, _ in st.aggregates]
    into_slot = declare_collect(scope, level, st.into) if st.into else None
    count_slot = declare_collect(scope, level, st.count_var) if st.count_var else None
    level.has_for = True
    has_groups = bool(group_fns)
    columns, picks = _columns(aggs, [e for _, e in st.aggregates])
    into_of = None if into_slot is None else into_fn or _kept(keep_slots)
    n_columns = len(columns)
    single = group_fns[0] if len(group_fns) == 1 else None
    column = columns[0] if n_columns == 1 else None

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        # a group: [first row, group values, one list per column, INTO values, row count]
        groups: dict[Any, list[Any]] = {}
        for r in rows:
            if single is not None:
                v = single(r)
                t = type(v)  # a string or a number is its own key, as hash_key() has it
                if t is str or t is float or (t is int and -EXACT <= v <= EXACT):
                    k = v
                else:
                    k = hash_key(v)
                g = groups.get(k)
                if g is None:
                    g = groups[k] = [r, [v], [[] for _ in columns], [], 0]
            else:
                gv = [fn(r) for fn in group_fns]
                k = tuple(map(hash_key, gv))
                g = groups.get(k)
                if g is None:
                    g = groups[k] = [r, gv, [[] for _ in columns], [], 0]
            g[4] += 1
            if column is not None:
                g[2][0].append(column(r))
            elif n_columns:
                for fn, values in zip(columns, g[2], strict=True):
                    values.append(fn(r))
            if into_of is not None:
                g[3].append(into_of(r))
        if not groups and not has_groups:
            groups[()] = [None, [], [[] for _ in columns], [], 0]
        items = list(groups.values())
        if sort_groups and has_groups:
            # the group values in AQL order: element by element, as arrays of one length
            if single is not None:
                items.sort(key=_first_value_key)
            else:
                items.sort(key=_values_key)
        width = scope.nslots
        for first, gv, values, into, count in items:
            out = first.copy() if first is not None else [None] * width
            if len(out) < width:
                out.extend([None] * (width - len(out)))
            for s, v in zip(group_slots, gv, strict=False):
                out[s] = v
            for s, (col, fin, const) in zip(agg_slots, picks, strict=True):
                out[s] = fin(values[col]) if col >= 0 else fin([const] * count)
            if into_slot is not None:
                out[into_slot] = into
            if count_slot is not None:
                out[count_slot] = count
            yield out

    return stage


def _kept(slots: list[tuple[str, int]]) -> Fn:
    """What ``INTO`` keeps of a row without an expression: the variables by name (a loop,
    not a comprehension: this runs for every row)."""

    def kept(r: Row) -> dict[str, Any]:
        out = {}
        for name, slot in slots:
            out[name] = r[slot]
        return out

    return kept


def _first_value_key(group: list[Any]) -> Any:
    v = group[1][0]
    t = type(v)
    if t is int or t is float:
        return (NUMBER, v)
    return sort_key(v)


def _values_key(group: list[Any]) -> tuple[Any, ...]:
    return tuple(map(sort_key, group[1]))


def _columns(
    aggs: list[tuple[Fn | None, Callable[[list[Any]], Any]]], args: list[A.Call]
) -> tuple[list[Fn], list[tuple[int, Callable[[list[Any]], Any], Any]]]:
    """The values COLLECT keeps per group: one column per distinct aggregate argument (an
    attribute path read twice is read once: reading it has no effect but its value), and
    per aggregate its column, finalizer and, for column -1, the literal every row gives
    (null for ``LENGTH()`` without an argument)."""
    columns: list[Fn] = []
    seen: dict[tuple[str, ...], int] = {}
    picks: list[tuple[int, Callable[[list[Any]], Any], Any]] = []
    for (fn, fin), call in zip(aggs, args, strict=True):
        arg = call.args[0] if call.args else None
        if fn is None or isinstance(arg, A.Const):
            picks.append((-1, fin, arg.value if isinstance(arg, A.Const) else None))
            continue
        path = _attribute_path(arg)
        col = seen.get(path) if path is not None else None
        if col is None:
            col = len(columns)
            columns.append(fn)
            if path is not None:
                seen[path] = col
        picks.append((col, fin, None))
    return columns, picks


def _attribute_path(e: A.Expr | None) -> tuple[str, ...] | None:
    """``(name, attr, ...)`` for ``name.attr...``, None for anything else."""
    parts: list[str] = []
    while isinstance(e, A.Attr) and isinstance(e.name, str):
        parts.append(e.name)
        e = e.obj
    if not isinstance(e, A.Name):
        return None
    return (e.name, *reversed(parts))


def declare_collect(scope: Scope, level: Level, name: str) -> int:
    s = scope.slot()
    level.vars[name] = s
    return s
