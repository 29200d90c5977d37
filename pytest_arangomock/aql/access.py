"""Access paths: which index a ``FOR var IN collection`` followed by FILTERs reads.

Explain (:mod:`.plan`) and execution (:mod:`.compiler`) both call :func:`choose`, so the
index a plan shows is the index the query reads. The choice only asks the indexes
(:meth:`~pytest_arangomock.state.indexes.Index.equality_lookup`); it never looks at their
types. The first index of the collection (primary, edge, then user indexes in creation
order) that can serve the equality conditions is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..state.indexes import Lookup
from . import ast as A
from .scope import Fn, Row, Scope

__all__ = ["AccessPath", "choose", "equality_conditions", "index_source"]


@dataclass(frozen=True)
class Condition:
    """One equality condition on an attribute of the loop variable."""

    many: bool  # ``attr IN values`` (else ``attr == value``)
    node: A.Binary  # the condition as written
    value: A.Expr  # the side that does not mention the loop variable


@dataclass(frozen=True)
class AccessPath:
    """The index lookup for a FOR, with the conditions it serves in lookup order."""

    lookup: Lookup
    conditions: tuple[Condition, ...]


def equality_conditions(var: str, stmts: list[A.Node], i: int) -> dict[str, Condition]:
    """The ``var.attr == value`` / ``var.attr IN values`` conjuncts of the FILTERs right
    after ``stmts[i]``, by attribute path (the first one per path); ``value`` must not
    depend on ``var``, CURRENT or a subquery."""
    out: dict[str, Condition] = {}
    j = i + 1
    while j < len(stmts):
        st = stmts[j]
        if not isinstance(st, A.Filter):
            break
        for c in A.conjuncts(st.expr):
            if not isinstance(c, A.Binary) or c.op not in ("==", "IN"):
                continue
            for left, right in ((c.left, c.right), (c.right, c.left)):
                path = A.attr_path(left, var)
                if path is None or var in A.names_used(right) or A.uses_current(right):
                    continue
                if c.op == "IN" and left is not c.left:
                    continue
                out.setdefault(path, Condition(c.op == "IN", c, right))
                break
        j += 1
    return out


def choose(collection: Any, var: str, stmts: list[A.Node], i: int) -> AccessPath | None:
    """The index lookup for ``stmts[i]`` (``FOR var IN collection``), or None for a scan."""
    conds = equality_conditions(var, stmts, i)
    if not conds:
        return None
    wanted = {path: c.many for path, c in conds.items()}
    for index in collection.indexes:
        lookup = index.equality_lookup(wanted)
        if lookup is not None:
            return AccessPath(lookup, tuple(conds[f] for f in lookup.fields))
    return None


def index_source(
    scope: Scope, collection: Any, var: str, vars: dict[str, int], stmts: list[A.Node], i: int
) -> Fn | None:
    """The documents of the chosen index lookup, per row (None: scan the collection)."""
    path = choose(collection, var, stmts, i)
    if path is None:
        return None
    fns = [scope.expr(c.value, vars) for c in path.conditions]
    fetch = path.lookup.fetch
    stats = scope.ctx.stats

    def by_index(r: Row) -> list[Any]:
        found = fetch([fn(r) for fn in fns])
        stats["scannedIndex"] += len(found)
        return found

    return by_index
