"""Access paths: which index a ``FOR var IN collection`` followed by FILTERs reads.

Explain (:mod:`.plan`) and execution (:mod:`.compiler`) both call :func:`choose`, so the
index a plan shows is the index the query reads. The choice only asks the indexes
(:meth:`~pytest_arangomock.state.indexes.Index.range_lookup`, then
:meth:`~pytest_arangomock.state.indexes.Index.equality_lookup`); it never looks at their
types. The first index of the collection (primary, edge, then user indexes in creation
order) that can serve the equality, ``IN`` or range conditions is used.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..base.errors import ArangoError
from ..base.values import to_bool
from ..state.indexes import Lookup
from . import ast as A
from .loops import ByValue
from .optimizer import _sort_covered as sort_covered
from .scope import Fn, Row, Scope

__all__ = [
    "AccessPath",
    "ascending",
    "choose",
    "covered_by_index",
    "equality_conditions",
    "index_source",
    "range_conditions",
    "sorted_by_index",
]


#: the comparison an index can serve, and the operator with the two sides swapped
_FLIPPED = {"==": "==", "IN": "IN", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


@dataclass(frozen=True)
class Condition:
    """One condition an index may serve on an attribute of the loop variable."""

    many: bool  # ``attr IN values`` (else ``attr == value`` or a bound)
    node: A.Binary  # the condition as written
    value: A.Expr  # the side that does not mention the loop variable
    op: str = "=="  # ``==``, ``IN`` or a bound's operator with the attribute on the left


@dataclass(frozen=True)
class AccessPath:
    """The index lookup for a FOR, with the conditions it serves in lookup order, and how
    to ask the same index again (``relookup``) for a later execution of the same plan."""

    lookup: Lookup
    conditions: tuple[Condition, ...]
    position: int = 0  # the index's place in the collection's list
    wanted: tuple[tuple[str, bool], ...] = ()
    ranges: tuple[tuple[str, tuple[str, ...]], ...] = ()
    need_equality: bool = False
    whole: bool = False  # every entry, in order, for a SORT (no condition served)

    def relookup(self, collection: Any) -> Lookup:
        """The lookup of the same index of ``collection`` as another execution sees it
        (its snapshot's documents), for the same conditions."""
        index = collection.indexes[self.position]
        found: Lookup | None
        if self.whole:
            found = index.sorted_lookup()
        else:
            found = _lookup(index, dict(self.wanted), dict(self.ranges), self.need_equality)
        assert found is not None  # the same index answers the same conditions
        return found


#: the conditions found per (loop variable, statements from the FOR on): parsed queries are
#: cached and shared, so a repeated query finds them here instead of walking its FILTERs
_CONDITIONS: dict[tuple[str, tuple[A.Node, ...]], dict[str, Condition]] = {}
_MAX_CONDITIONS = 2048


def equality_conditions(var: str, stmts: list[A.Node], i: int) -> dict[str, Condition]:
    """:func:`find_equality_conditions`, remembered per loop (the AST is never changed in
    place, and nodes compare by identity)."""
    key = (var, tuple(stmts[i:]))
    found = _CONDITIONS.get(key)
    if found is None:
        found = find_equality_conditions(var, stmts, i)
        if len(_CONDITIONS) >= _MAX_CONDITIONS:
            del _CONDITIONS[next(iter(_CONDITIONS))]
        _CONDITIONS[key] = found
    return found


def find_equality_conditions(var: str, stmts: list[A.Node], i: int) -> dict[str, Condition]:
    """The ``var.attr == value`` / ``var.attr IN values`` conjuncts of the FILTERs after
    ``stmts[i]``, by attribute path (the first one per path)."""
    out: dict[str, Condition] = {}
    for path, cond in _conditions(var, stmts, i):
        if cond.op in ("==", "IN"):
            out.setdefault(path, cond)
    return out


def range_conditions(var: str, stmts: list[A.Node], i: int) -> dict[str, list[Condition]]:
    """The ``var.attr < value`` (``<=``, ``>``, ``>=``, either side) conjuncts of the
    FILTERs after ``stmts[i]``, by attribute path."""
    out: dict[str, list[Condition]] = {}
    for path, cond in _conditions(var, stmts, i):
        if cond.op not in ("==", "IN"):
            out.setdefault(path, []).append(cond)
    return out


def _conditions(var: str, stmts: list[A.Node], i: int) -> list[tuple[str, Condition]]:
    """The conjuncts of the FILTERs after ``stmts[i]`` that compare an attribute of ``var``
    with a value computed without it, in query order.

    LETs in between are looked through, as ArangoDB's condition finder resolves variables
    to their calculations: ``LET a = var.x FILTER a == 4`` is the condition ``var.x == 4``.
    ``value`` must not depend on ``var``, a variable declared inside the loop, CURRENT or a
    subquery, so it can be computed before the loop reads any document.
    """
    out: list[tuple[str, Condition]] = []
    aliases: dict[str, A.Expr] = {}  # LET name -> its expression, when that reads var
    inner: set[str] = {var}  # names declared since the FOR
    for st in stmts[i + 1 :]:
        if isinstance(st, A.Let):
            expr = _resolve(st.expr, aliases)
            if A.attr_path(expr, var) is not None:
                aliases[st.var] = expr
            inner.add(st.var)
            continue
        if not isinstance(st, A.Filter):
            break
        for c in A.conjuncts(st.expr):
            if not isinstance(c, A.Binary) or c.op not in _FLIPPED:
                continue
            for left, right in ((c.left, c.right), (c.right, c.left)):
                if c.op == "IN" and left is not c.left:
                    continue
                attr = _resolve(left, aliases)
                path = A.attr_path(attr, var)
                if path is None or A.names_used(right) & inner or A.uses_current(right):
                    continue
                node = c
                if attr is not left:  # the condition as ArangoDB shows it, variables resolved
                    pair = (attr, right) if left is c.left else (right, attr)
                    node = A.Binary(c.op, *pair)
                op = c.op if left is c.left else _FLIPPED[c.op]
                out.append((path, Condition(c.op == "IN", node, right, op)))
                break
    return out


def _resolve(e: A.Expr, aliases: dict[str, A.Expr]) -> A.Expr:
    """``e`` with a leading LET variable replaced by the attribute access it stands for."""
    if isinstance(e, A.Name):
        return aliases.get(e.name, e)
    if isinstance(e, A.Attr) and isinstance(e.name, str):
        inner = _resolve(e.obj, aliases)
        return e if inner is e.obj else A.Attr(inner, e.name)
    return e


def choose(
    collection: Any, var: str, stmts: list[A.Node], i: int, outer: bool = False
) -> AccessPath | None:
    """The index lookup for ``stmts[i]`` (``FOR var IN collection``), or None for a scan.

    The loop's ``indexHint`` indexes are tried first, in their order; with
    ``forceIndexHint`` a hint no index can follow is ArangoDB's error 1577. When no index
    serves the FILTERs and the loop is ``outer`` (in no other loop), an index whose order
    a SORT after the FILTERs asks for is read whole in that order, as ArangoDB's
    ``use-indexes`` picks an index for sorting only.
    """
    st = stmts[i]
    hint, forced = _index_hint(st.options if isinstance(st, A.For) else None)
    conds = equality_conditions(var, stmts, i)
    bounds = range_conditions(var, stmts, i)
    wanted = {path: c.many for path, c in conds.items()}
    ranges = {path: tuple(c.op for c in cs) for path, cs in bounds.items()}
    by_name = {index.name: index for index in collection.indexes}
    hinted = [by_name[name] for name in hint if name in by_name]
    others = [] if forced and hint else [x for x in collection.indexes if x not in hinted]
    # a hinted index that serves anything; else the first that serves an equality (as
    # before ranges were served), else the first that serves a range
    passes = ((hinted, False), (others, True), (others, False)) if wanted or ranges else ()
    for group, need_equality in passes:
        for index in group:
            lookup = _lookup(index, wanted, ranges, need_equality)
            if lookup is None:
                continue
            n = len(lookup.fields) - lookup.ranged
            used = [conds[f] for f in lookup.fields[:n]]
            used += bounds[lookup.fields[-1]] if lookup.ranged else []
            return AccessPath(
                lookup,
                tuple(used),
                collection.indexes.index(index),
                tuple(wanted.items()),
                tuple(ranges.items()),
                need_equality,
            )
    if outer:
        for index in [*hinted, *others]:
            whole = _whole_read(index, var, stmts, i)
            if whole is not None:
                position = collection.indexes.index(index)
                return AccessPath(whole, (), position, whole=True)
    if forced and hint:
        described = {"forced": True, "lookahead": 1, "type": "simple", "hint": hint}
        text = json.dumps({"indexHint": described}, separators=(",", ":"))
        raise ArangoError(1577, f"could not use index hint to serve query; {text}", 400)
    return None


def ascending(direction: Any) -> bool:
    """A SORT element's direction as its constant value says (``"DESC"`` or falsy: no)."""
    if isinstance(direction, str):
        return direction.upper() != "DESC"
    return to_bool(direction) if direction is not None else True


def _whole_read(index: Any, var: str, stmts: list[A.Node], i: int) -> Lookup | None:
    """The index read whole, when the first SORT after the FILTERs and LETs following
    ``stmts[i]`` asks, in one constant direction, for attributes of ``var`` in the
    index's order (``SortedIndexAttributeMatcher::supportsSortCondition``: covered,
    unidirectional, attribute accesses only)."""
    j = i + 1
    while j < len(stmts) and isinstance(stmts[j], (A.Filter, A.Let)):
        j += 1
    sort = stmts[j] if j < len(stmts) else None
    if not isinstance(sort, A.Sort):
        return None
    paths = []
    directions = set()
    for expr, direction in sort.elements:
        path = A.attr_path(expr, var)
        if path is None or not isinstance(direction, A.Const):
            return None
        paths.append(path)
        directions.add(ascending(direction.value))
    if len(directions) != 1:
        return None
    lookup: Lookup | None = index.sorted_lookup()
    if lookup is None or not sort_covered(paths, list(lookup.order), frozenset()):
        return None
    return lookup


def sorted_by_index(
    collection: Any, var: str, stmts: list[A.Node], i: int, paths: list[str], ascending: bool
) -> bool:
    """Whether the index lookup chosen for ``stmts[i]`` (in no other loop) gives its
    documents in the order of a SORT on the attribute ``paths`` of ``var``, all ascending
    or all descending (a lookup of ``==`` and ``IN`` values and bounds, or the whole index,
    read in index order or backwards): as ArangoDB's ``use-index-for-sort`` rule finds, the
    SORT has nothing left to do."""
    path = choose(collection, var, stmts, i, outer=True)
    if path is None:
        return False
    lookup = path.lookup
    if (lookup.scan if ascending else lookup.reverse) is None:
        return False
    # only == fixes an attribute (Condition::getConstAttributes): an IN gives its values
    # in turn, so a SORT must name its attribute where the index has it
    pairs = zip(lookup.fields, path.conditions, strict=True)
    fixed = frozenset(f for f, c in pairs if c.op == "==")
    return sort_covered(paths, list(lookup.order), fixed) if lookup.order else False


def _lookup(
    index: Any, wanted: dict[str, bool], ranges: dict[str, tuple[str, ...]], need_equality: bool
) -> Lookup | None:
    """The index's lookup for the conditions: its equality prefix extended by a range
    where it can; None if it serves nothing (or, with ``need_equality``, no equality)."""
    equal = index.equality_lookup(wanted) if wanted else None
    if need_equality and equal is None:
        return None
    ranged = index.range_lookup(wanted, ranges) if ranges else None
    return ranged if ranged is not None else equal


def _index_hint(options: A.ObjectLit | None) -> tuple[list[str], bool]:
    """A FOR's ``indexHint`` (one name or a list) and ``forceIndexHint``, when written as
    constants."""
    hint: list[str] = []
    forced = False
    for key, value in options.items if options is not None else ():
        if key == "indexHint":
            items = value.items if isinstance(value, A.ArrayLit) else [value]
            hint = [x.value for x in items if isinstance(x, A.Const) and isinstance(x.value, str)]
        elif key == "forceIndexHint" and isinstance(value, A.Const):
            forced = value.value is True
    return hint, forced


def index_source(
    scope: Scope,
    name: str,
    var: str,
    vars: dict[str, int],
    stmts: list[A.Node],
    i: int,
    counts: list[str] | None = None,
    lazy: bool = False,
    backwards: bool = False,
    outer: bool = False,
) -> tuple[Fn | ByValue, tuple[A.Node, ...], bool] | None:
    """The documents of the chosen index lookup in collection ``name`` (as the query
    uses it), per row, and the FILTER conjuncts the lookup answers exactly (None: scan the
    collection). As ArangoDB's ``remove-filter-covered-by-index`` rule does, those
    conjuncts need no check per document; a condition found through a LET is not among
    them (its FILTER reads the variable). With ``counts``, the documents produced are not
    counted here: the statistics they go to are named in ``counts`` for the loop, which
    counts what it reads. With ``lazy`` (and ``counts``), the documents of an index that
    can read its matches on demand come as an iterator, not a list (the third item says
    which): the loop under a LIMIT stops reading once it has enough. With ``backwards``
    (a descending SORT the lookup answers), the index is read from its last match to its
    first, as ArangoDB's reverse index iterator does. ``outer``: the loop is in no other
    loop (see :func:`choose`)."""
    colls = scope.inputs.colls
    path = choose(colls[name], var, stmts, i, outer)
    if path is None:
        return None
    fns = [scope.expr(c.value, vars) for c in path.conditions]
    stats = scope.ctx.stats
    # a document the index cannot answer for is read from the collection: RocksDB's
    # ``documentLookups``, one per document the index produces (filtered ones too)
    lookups = 0 if covered_by_index(path.lookup.index, var, stmts[i + 1 :]) else 1
    if counts is not None:
        counts += ["scannedIndex", "documentLookups"] if lookups else ["scannedIndex"]
        lookups = -1  # counted by the loop
    # per execution: the index as its snapshot sees it, and ArangoDB's index executor's
    # cursor, created for the first input row and rearmed for every further one (an inner
    # loop or a subquery runs it once per outer row)
    first = [path.lookup]
    state = scope.per_run(
        lambda: _IndexRun(first.pop() if first else path.relookup(colls[name]), lookups)
    )
    covered = tuple(c.node for c in path.conditions)

    def counted(found: list[Any], run: _IndexRun) -> list[Any]:
        if lookups >= 0:
            n = len(found)
            stats["scannedIndex"] += n
            if lookups:
                stats["documentLookups"] += n
        run.opened(stats)
        return found

    def read(r: Row, run: _IndexRun) -> Iterator[Any]:
        scan = run.lookup.reverse if backwards else run.lookup.scan
        assert scan is not None  # the same index type as at compile time
        return scan([fn(r) for fn in fns])

    if lazy and counts is not None and (backwards or path.lookup.scan is not None):

        def by_scan(r: Row) -> Iterator[Any]:
            run = state[0]
            found = read(r, run)
            run.opened(stats)
            return found

        return by_scan, covered, True

    if backwards:

        def by_list(r: Row) -> list[Any]:
            run = state[0]
            return counted(list(read(r, run)), run)

        return by_list, covered, False

    if len(fns) == 1 and path.lookup.one is not None:
        return ByValue(fns[0], state), covered, False

    def by_index(r: Row) -> list[Any]:
        run = state[0]
        return counted(run.lookup.fetch([fn(r) for fn in fns]), run)

    return by_index, covered, False


class _IndexRun:
    """One execution's index lookup and whether its cursor was created yet; ``lookups``
    says what a lookup counts (-1: nothing, the loop counts what it reads; 0: the index
    entries; 1: the documents read from the collection too)."""

    __slots__ = ("created", "lookup", "lookups")

    def __init__(self, lookup: Lookup, lookups: int) -> None:
        self.lookup = lookup
        self.lookups = lookups
        self.created = False

    def one(self) -> Callable[[Any], list[Any]]:
        one = self.lookup.one
        assert one is not None  # the same index type as at compile time
        return one

    def looked_up(self, stats: dict[str, Any], lookups: int, found: int) -> None:
        """Count ``lookups`` lookups by a loop (one cursor, rearmed for all but the
        first input row of the execution) that found ``found`` documents in all."""
        if self.lookups >= 0:
            stats["scannedIndex"] += found
            if self.lookups:
                stats["documentLookups"] += found
        if not self.created:
            self.created = True
            stats["cursorsCreated"] += 1
            lookups -= 1
        if lookups:
            stats["cursorsRearmed"] += lookups

    def opened(self, stats: dict[str, Any]) -> None:
        """Count the cursor: created for the first input row, rearmed for every other."""
        if self.created:
            stats["cursorsRearmed"] += 1
        else:
            stats["cursorsCreated"] += 1
            self.created = True


def covered_by_index(index: Any, var: str, rest: list[A.Node]) -> bool:
    """Whether the statements after a FOR read only attributes of ``var`` the index holds
    (its fields and stored values, top-level names only), so no document is looked up."""
    held = {f for f in (*index.fields, *_stored_values(index)) if isinstance(f, str)}
    held = {f for f in held if "." not in f and "[" not in f}
    uses = 0
    covered = 0
    for node in A.walk(rest):
        if isinstance(node, A.Name) and node.name == var:
            uses += 1
        elif (
            isinstance(node, A.Attr)
            and isinstance(node.obj, A.Name)
            and node.obj.name == var
            and node.name in held
        ):
            covered += 1
    return uses == covered


def _stored_values(index: Any) -> list[Any]:
    """A persistent index's ``storedValues`` (empty for other indexes)."""
    options = getattr(index, "options", None)
    stored = options.get("storedValues") if isinstance(options, dict) else None
    return stored if isinstance(stored, list) else []
