"""The execution nodes ArangoDB's initial plan makes for each statement.

Explain (:mod:`.plan`) lists them; the compiler numbers them so runtime errors can name the
nodes they passed through (``[node #3: RemoveNode]``).
"""

from __future__ import annotations

from collections.abc import Callable

from . import ast as A

__all__ = ["MODIFY_NODES", "statement_nodes"]

MODIFY_NODES = {
    "INSERT": "InsertNode",
    "UPDATE": "UpdateNode",
    "REPLACE": "ReplaceNode",
    "REMOVE": "RemoveNode",
}
_PATH_NODES = {"SHORTEST_PATH": "ShortestPathNode"}


def _calc(expr: A.Expr | None, is_var: Callable[[str], bool]) -> list[str]:
    """A CalculationNode unless the expression is a variable (or a subquery's result)."""
    if expr is None or (isinstance(expr, A.Name) and is_var(expr.name)):
        return []
    if isinstance(expr, A.Subquery):
        return ["SubqueryNode"]
    return ["CalculationNode"]


def statement_nodes(st: A.Node, is_var: Callable[[str], bool]) -> list[str]:
    """The node types ArangoDB's initial plan creates for one statement, in order."""
    if isinstance(st, A.For):
        expr = st.expr
        if (isinstance(expr, A.Name) and not is_var(expr.name)) or (
            isinstance(expr, A.Param) and expr.datasource
        ):
            return ["EnumerateCollectionNode"]
        return [*_calc(expr, is_var), "EnumerateListNode"]
    if isinstance(st, A.Let):
        return _calc(st.expr, is_var) or ["CalculationNode"]
    if isinstance(st, A.LetDestructure):
        return ["CalculationNode"]
    if isinstance(st, A.Filter):
        return [*_calc(st.expr, is_var), "FilterNode"]
    if isinstance(st, A.Sort):
        calcs = [n for e, _ in st.elements for n in _calc(e, is_var)]
        return [*calcs, "SortNode"]
    if isinstance(st, A.Limit):
        return ["LimitNode"]
    if isinstance(st, A.Collect):
        exprs = [e for _, e in st.groups] + [a for _, c in st.aggregates for a in c.args]
        return [n for e in exprs for n in _calc(e, is_var)] + ["CollectNode"]
    if isinstance(st, A.Window):
        return [n for _, c in st.aggregates for a in c.args for n in _calc(a, is_var)] + [
            "WindowNode"
        ]
    if isinstance(st, A.Return):
        return [*_calc(st.expr, is_var), "ReturnNode"]
    if isinstance(st, A.Modify):
        return [*_calc(st.key, is_var), *_calc(st.doc, is_var), MODIFY_NODES[st.op]]
    if isinstance(st, A.Upsert):
        return [*_calc(st.insert, is_var), *_calc(st.update, is_var), "UpsertNode"]
    if isinstance(st, A.Traversal):
        return [*_calc(st.start, is_var), "TraversalNode"]
    if isinstance(st, A.PathSearch):
        return [
            *_calc(st.start, is_var),
            *_calc(st.target, is_var),
            _PATH_NODES.get(st.kind, "EnumeratePathsNode"),
        ]
    return ["CalculationNode"]
