"""Vector search: ``FOR doc IN coll ... SORT APPROX_NEAR_*(doc.attr, query) LIMIT k``.

ArangoDB's ``use-vector-index`` rule replaces the collection scan, the SORT and (through
``push-filter-into-enumerate-near``) one FILTER with an ``EnumerateNearVectorNode`` when
the pattern fits: after the FOR only calculations (LETs) and at most one FILTER, then a
SORT on a single APPROX_NEAR_* call (directly or through a LET) in the metric's direction
(ascending for L2, descending for cosine and inner product), then a LIMIT with a count.
One argument must be ``doc.<the index field>``, the other is the query point; a third,
object argument carries the search parameters (``nProbe``). The index must be a trained
vector index with the function's metric. Anything else leaves the APPROX_NEAR_* call to
run as a plain function, which fails with 1554.

:func:`match` recognises the pattern (explain uses it as well, so a plan shows the vector
node exactly when execution uses the index); :func:`compile_near` builds the stage. The
index is only asked through :meth:`~pytest_arangomock.state.indexes.Index.near_lookup`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..base.errors import ArangoError
from ..base.values import is_number, to_bool, typename
from ..state.indexes import NearLookup
from ..state.indexes.vector_params import parse_search_options
from . import ast as A
from .scope import Fn, Level, Row, Scope, Stage

__all__ = ["NearMatch", "compile_near", "match"]

_FUNCTIONS = ("APPROX_NEAR_COSINE", "APPROX_NEAR_L2", "APPROX_NEAR_INNER_PRODUCT")

#: folds an expression known at compile time: (known, value)
Fold = Callable[[A.Expr], tuple[bool, Any]]


@dataclass
class NearMatch:
    """A FOR the vector index answers, with what the rule takes out of the query."""

    lookup: NearLookup
    call: A.Call
    query: A.Expr  # the query point
    n_probe: int | None
    before: list[A.Let]  # calculations between the FOR and the FILTER
    filter: A.Filter | None
    after: list[A.Let]  # calculations between the FILTER (or FOR) and the SORT
    distance: str | None  # the LET variable holding the score (None: SORT on the call)
    sort: A.Sort
    offset: int
    count: int


def _ascending(direction: A.Expr, fold: Fold) -> bool | None:
    known, value = fold(direction)
    if not known:
        return None
    if isinstance(value, str):
        return value.upper() != "DESC"
    return to_bool(value) if value is not None else True


def _arguments(call: A.Call, var: str) -> tuple[str, A.Expr] | None:
    """(indexed attribute path, query point) of an APPROX_NEAR_* call on ``var``."""
    if len(call.args) not in (2, 3):
        return None
    left, right = call.args[0], call.args[1]
    for attr, other in ((left, right), (right, left)):
        path = A.attr_path(attr, var)
        if path is not None and var not in A.names_used(other):
            return path, other
    return None


def match(collection: Any, var: str, stmts: list[A.Node], i: int, fold: Fold) -> NearMatch | None:
    """The vector search ``stmts[i]`` (``FOR var IN collection``) turns into, or None."""
    if collection is None or not any(True for _ in collection.indexes):
        return None
    before: list[A.Let] = []
    after: list[A.Let] = []
    flt: A.Filter | None = None
    j = i + 1
    while j < len(stmts):
        st = stmts[j]
        if isinstance(st, A.Let) and not isinstance(st.expr, A.Subquery):
            (after if flt is not None else before).append(st)
        elif isinstance(st, A.Filter) and flt is None:
            flt = st
        else:
            break
        j += 1
    if flt is None:
        before, after = [], before
    if j + 1 >= len(stmts) or not isinstance(stmts[j], A.Sort):
        return None
    sort = stmts[j]
    limit = stmts[j + 1]
    assert isinstance(sort, A.Sort)
    if len(sort.elements) != 1 or not isinstance(limit, A.Limit):
        return None
    known_off, offset = fold(limit.offset)
    known_cnt, count = fold(limit.count)
    offset = 0 if offset is None else offset
    if not (known_off and known_cnt) or not is_number(count) or not is_number(offset):
        return None
    if count <= 0 or offset < 0:
        return None
    key, direction = sort.elements[0]
    distance = None
    call: A.Expr | None = key
    if isinstance(key, A.Name):
        defined = [let for let in before + after if let.var == key.name]
        call = defined[-1].expr if defined else None
        distance = key.name
    if not isinstance(call, A.Call) or call.name not in _FUNCTIONS:
        return None
    args = _arguments(call, var)
    ascending = _ascending(direction, fold)
    if args is None or ascending is None:
        return None
    field, query = args
    lookup = None
    for index in collection.indexes:
        lookup = index.near_lookup(call.name, field)
        if lookup is not None:
            break
    if lookup is None or lookup.ascending != ascending:
        return None
    n_probe = None
    if len(call.args) == 3:
        known, options = fold(call.args[2])
        if known and isinstance(options, dict):
            n_probe = parse_search_options(options)
    if (
        flt is not None
        and distance is not None
        and distance in A.names_used(flt.expr)
        and any(let.var == distance for let in before)
    ):
        raise ArangoError(
            1554,
            "filter on the distance variable cannot be pushed into the vector search; "
            "the distance is produced by the search itself",
            400,
        )
    return NearMatch(
        lookup, call, query, n_probe, before, flt, after, distance, sort, int(offset), int(count)
    )


def query_point(value: Any, dimension: int) -> list[float]:
    """The query vector, or the executor's 1542 errors."""
    if type(value) is not list:
        raise ArangoError(1542, f"query point must be a vector, but is a {typename(value)}", 400)
    if len(value) != dimension:
        raise ArangoError(
            1542, f"a vector must be of dimension {dimension}, but is {len(value)}", 400
        )
    if not set(map(type, value)) <= {int, float}:
        raise ArangoError(10, "Invalid value type for operation", 400)
    return value


def _acceptor(r: Row, slot: int, pre: list[tuple[int, Fn]], pred: Fn) -> Callable[[Any], bool]:
    """The pushed-down FILTER as a test of one candidate document (evaluated in ``r``)."""

    def accept(doc: Any) -> bool:
        r[slot] = doc
        for s, fn in pre:
            r[s] = fn(r)
        return to_bool(pred(r))

    return accept


def compile_near(
    scope: Scope, m: NearMatch, var: str, level: Level, full_count: list[int] | None = None
) -> tuple[Stage, A.Node]:
    """The stage producing the LIMIT's rows of the vector search, and the last statement
    it consumed (the SORT; the LIMIT itself runs as usual for the offset).

    ``full_count`` is the query's fullCount counter when the LIMIT is the one it counts:
    as ArangoDB's executor, the search then reports the collection's documents it did not
    return as skipped, so fullCount is the collection's size per input row.
    """
    query_fn = scope.expr(m.query, level.vars)
    level.has_for = True
    slot = scope.declare(level, var)
    lets: list[tuple[int, Fn | None]] = []
    pre: list[tuple[int, Fn]] = []
    for let in m.before:
        fn = None if let.var == m.distance else scope.expr(let.expr, level.vars)
        s = scope.declare(level, let.var)
        lets.append((s, fn))
        if fn is not None:
            pre.append((s, fn))
    filter_fn = scope.expr(m.filter.expr, level.vars) if m.filter is not None else None
    for let in m.after:
        fn = None if let.var == m.distance else scope.expr(let.expr, level.vars)
        lets.append((scope.declare(level, let.var), fn))
    distance_slot = next((s for s, fn in lets if fn is None), None)
    computed = [(s, fn) for s, fn in lets if fn is not None]
    top = m.offset + m.count
    lookup = m.lookup
    stats = scope.ctx.stats
    documents = lookup.index.collection.docs

    def stage(rows: Iterable[Row]) -> Iterator[Row]:
        for r in rows:
            query = query_point(query_fn(r), lookup.dimension)
            accept = None if filter_fn is None else _acceptor(r, slot, pre, filter_fn)
            found = lookup.search(query, top, accept)
            stats["scannedIndex"] += len(found)
            if full_count is not None:
                full_count[0] += max(0, len(documents) - len(found))
            for doc, score in found:
                r2 = r.copy()
                r2[slot] = doc
                if distance_slot is not None:
                    r2[distance_slot] = score
                for s, fn in computed:
                    r2[s] = fn(r2)
                yield r2

    return stage, m.sort
