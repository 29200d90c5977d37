"""Execution plans as ArangoDB's explain shows them, built from the AST.

The emulator runs queries through compiled closures, not through execution nodes, but
clients inspect plans (``/_api/explain``, ``profile: 2``) and runtime errors name the
nodes they passed through. This module numbers and describes those nodes the way
ArangoDB's initial plan does (one node per operation, a CalculationNode for every
expression that is not a plain variable), with a few of its optimizer rules applied where
they change what a client sees: constant FILTERs and index lookups.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from . import access, nearest
from . import ast as A
from .functions.library import REGISTRY
from .nodes import MODIFY_NODES, statement_nodes
from .optimizer import IndexChoice, number, optimize, reestimate
from .rules import optimizer_rules, rule_run

__all__ = [
    "PlanBuilder",
    "deterministic",
    "expression_json",
    "optimizer_rules",
    "rule_run",
]

# ----------------------------------------------------------------- expressions
_BINARY = {
    "+": ("plus", 20),
    "-": ("minus", 21),
    "*": ("times", 22),
    "/": ("division", 23),
    "%": ("modulus", 24),
    "==": ("compare ==", 25),
    "!=": ("compare !=", 26),
    "<": ("compare <", 27),
    "<=": ("compare <=", 28),
    ">": ("compare >", 29),
    ">=": ("compare >=", 30),
    "IN": ("compare in", 31),
    "NOT IN": ("compare not in", 32),
}
_UNARY = {"+": ("unary plus", 15), "-": ("unary minus", 16), "!": ("unary not", 17)}


def _value_type(v: Any) -> int:
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1
    if isinstance(v, int):
        return 2
    if isinstance(v, float):
        return 3
    return 4


def _is_constant(e: Any) -> bool:
    if isinstance(e, A.Const):
        return True
    if isinstance(e, A.ArrayLit):
        return all(_is_constant(x) for x in e.items)
    if isinstance(e, A.ObjectLit):
        return all(isinstance(k, str) and _is_constant(v) for k, v in e.items)
    return False


def _constant(e: Any) -> Any:
    if isinstance(e, A.Const):
        return e.value
    if isinstance(e, A.ArrayLit):
        return [_constant(x) for x in e.items]
    return {k: _constant(v) for k, v in e.items}


def expression_json(e: Any, var: Callable[[str], dict[str, Any]], binds: dict[str, Any]) -> Any:
    """An expression in ArangoDB's AST JSON (``type``, ``typeID``, ``subNodes``)."""

    def node(kind: str, tid: int, *subs: Any, **fields: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": kind, "typeID": tid, **fields}
        if subs:
            out["subNodes"] = [expression_json(x, var, binds) for x in subs]
        return out

    if isinstance(e, A.Param) and not e.datasource:
        return expression_json(A.Const(binds.get(e.name)), var, binds)
    if isinstance(e, (A.ArrayLit, A.ObjectLit)) and _is_constant(e):
        kind, tid = ("array", 41) if isinstance(e, A.ArrayLit) else ("object", 42)
        return {"type": kind, "typeID": tid, "raw": _constant(e)}
    if isinstance(e, A.Const):
        return {"type": "value", "typeID": 40, "value": e.value, "vTypeID": _value_type(e.value)}
    if isinstance(e, A.Name):
        v = var(e.name)
        return {
            "type": "reference",
            "typeID": 45,
            "name": v["name"],
            "id": v["id"],
            "subqueryReference": False,
        }
    if isinstance(e, A.Param):
        return {"type": "collection", "typeID": 44, "name": binds.get("@" + e.name)}
    if isinstance(e, A.Attr):
        name = e.name if isinstance(e.name, str) else binds.get(e.name.name)
        return node("attribute access", 35, e.obj, name=name)
    if isinstance(e, A.Index):
        return node("indexed access", 37, e.obj, e.index)
    if isinstance(e, A.ArrayLit):
        return node("array", 41, *e.items)
    if isinstance(e, A.ObjectLit):
        elements = []
        for k, val in e.items:
            if isinstance(k, str):
                elements.append(
                    {
                        "type": "object element",
                        "typeID": 43,
                        "name": k,
                        "subNodes": [expression_json(val, var, binds)],
                    }
                )
            else:
                elements.append(
                    {
                        "type": "calculated object element",
                        "typeID": 53,
                        "subNodes": [
                            expression_json(k, var, binds),
                            expression_json(val, var, binds),
                        ],
                    }
                )
        return {"type": "object", "typeID": 42, "subNodes": elements}
    if isinstance(e, A.Unary):
        kind, tid = _UNARY[e.op]
        return node(kind, tid, e.operand)
    if isinstance(e, A.Binary):
        kind, tid = _BINARY[e.op]
        extra = {"excludesNull": False} if tid >= 25 else {}
        return node(kind, tid, e.left, e.right, **extra)
    if isinstance(e, A.Logical):
        kind, tid = ("logical and", 18) if e.op == "AND" else ("logical or", 19)
        return node(kind, tid, e.left, e.right)
    if isinstance(e, A.Ternary):
        parts = [e.cond, e.then, e.otherwise] if e.then is not None else [e.cond, e.otherwise]
        return node("ternary", 33, *parts)
    if isinstance(e, A.Range):
        return node("range", 49, e.low, e.high)
    if isinstance(e, A.Call):
        args = {
            "type": "array",
            "typeID": 41,
            "subNodes": [expression_json(a, var, binds) for a in e.args],
        }
        return {"type": "function call", "typeID": 47, "name": e.name, "subNodes": [args]}
    if isinstance(e, A.Passthru):
        return expression_json(e.expr, var, binds)
    if isinstance(e, A.Expansion):
        return node("expansion", 38, e.source)
    return {"type": "nop", "typeID": 50}


def _expression_type(e: Any) -> str:
    if _is_constant(e):
        return "json"
    if isinstance(e, A.Attr) and isinstance(e.obj, A.Name):
        return "attribute"
    return "simple"


# ----------------------------------------------------------------- plans
# node types that may prefetch their input (the others never do; modifications, UPSERT and
# graph searches with a parallelism other than 1 turn prefetching off for the whole query)
_PREFETCH_NODES = frozenset(
    (
        "CalculationNode",
        "EnumerateListNode",
        "EnumerateCollectionNode",
        "IndexNode",
        "FilterNode",
        "SortNode",
        "TraversalNode",
        "ShortestPathNode",
        "EnumeratePathsNode",
        "EnumerateViewNode",
    )
)
_NODE_HEAD = ("type", "dependencies", "id", "estimatedCost", "estimatedNrItems")
_LOOP_NODES = _PREFETCH_NODES - {"CalculationNode", "FilterNode", "SortNode"}


def _loop_before(nodes: list[dict[str, Any]]) -> bool:
    """Whether the main query has a loop among ``nodes`` (a subquery's do not count)."""
    depth = 0
    for node in nodes:
        kind = node["type"]
        if kind == "SubqueryStartNode":
            depth += 1
        elif kind == "SubqueryEndNode":
            depth -= 1
        elif not depth and kind in _LOOP_NODES:
            return True
    return False


def _with_prefetch_flag(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with ``isAsyncPrefetchEnabled`` after its estimates, where ArangoDB puts it."""
    out = {k: node[k] for k in _NODE_HEAD if k in node}
    out["isAsyncPrefetchEnabled"] = True
    out.update((k, v) for k, v in node.items() if k not in out)
    return out


def deterministic(e: A.Node) -> bool:
    """No call in ``e`` to a non-deterministic or user-defined function."""
    for node in A.walk(e):
        if isinstance(node, A.Call):
            spec = REGISTRY.get(node.name)
            if spec is None or not spec.deterministic:
                return False
    return True


class PlanBuilder:
    """One query's plan: nodes (a chain, subqueries spliced in), variables, collections."""

    def __init__(
        self,
        db: Any,
        binds: dict[str, Any],
        fold: Callable[[A.Expr], tuple[bool, Any]] | None = None,
        disabled_rules: frozenset[str] = frozenset(),
    ) -> None:
        self.db = db
        self.disabled_rules = disabled_rules
        self.binds = binds
        # constant folding, as ArangoDB's AST optimizer does: (is constant, value)
        self.fold = fold or (lambda e: (_is_constant(e), _constant(e) if _is_constant(e) else None))
        self.lengths: dict[int, int] = {}  # constant arrays' lengths, by variable id
        self.nodes: list[dict[str, Any]] = []
        self.variables: list[dict[str, Any]] = []
        self.scopes: list[dict[str, dict[str, Any]]] = [{}]
        self.collections: dict[str, str] = {}
        self.rules: list[str] = []
        self.next_id = 0
        self.cost = 0.0
        self.items = 1.0
        self.dead = False  # after a NoResultsNode
        self.modifies = False
        self.pending: list[dict[str, Any]] = []
        # ids of nodes that async prefetching must skip although their type allows it
        # (non-deterministic calculations), and whether some node rules it out entirely
        self.no_prefetch: set[int] = set()
        self.prefetch_forbidden = False
        # statements an optimizer rule folded into an earlier node (vector search)
        self.skipped: set[int] = set()
        # EnumerateCollectionNode id -> the index lookup that can serve it
        self.index_choices: dict[int, IndexChoice] = {}
        self.reruns = 0
        self.estimates: dict[int, tuple[tuple[float, float], tuple[float, float]]] = {}

    # variables ----------------------------------------------------------------
    def declare_all(self, stmts: list[A.Node]) -> None:
        """User variables get their ids at parse time, in the order the parser meets
        them (a statement's own variables after the subqueries in its expressions)."""
        for st in stmts:
            for sub in _subqueries(st):
                self.declare_all(sub.query.statements)
            for name in _declared(st):
                self.pending.append(self.variable(name, pending=True))

    def variable(self, name: str | None = None, pending: bool = False) -> dict[str, Any]:
        if name is not None and not pending:
            for i, v in enumerate(self.pending):
                if v["name"] == name:
                    del self.pending[i]
                    self.scopes[-1][name] = v
                    return v
        vid = len(self.variables)
        v = {
            "id": vid,
            "name": name if name is not None else str(vid),
            "isFullDocumentFromCollection": False,
        }
        self.variables.append(v)
        if name is not None and not pending:
            self.scopes[-1][name] = v
        return v

    def lookup(self, name: str) -> dict[str, Any]:
        for scope in reversed(self.scopes):
            if name in scope:
                found: dict[str, Any] = scope[name]
                return found
        return {"id": -1, "name": name, "isFullDocumentFromCollection": False}

    def is_var(self, name: str) -> bool:
        return any(name in scope for scope in self.scopes)

    # nodes --------------------------------------------------------------------
    def add(
        self, kind: str, cost: float = 1.0, items: float | None = None, **fields: Any
    ) -> dict[str, Any]:
        self.next_id += 1
        if self.dead:
            self.cost, self.items = 0.5, 0.0
        else:
            if items is not None:
                self.items = items
            self.cost += cost
        node: dict[str, Any] = {
            "type": kind,
            "dependencies": [self.nodes[-1]["id"]] if self.nodes else [],
            "id": self.next_id,
            "estimatedCost": number(self.cost),
            "estimatedNrItems": number(self.items),
        }
        node.update(fields)
        self.nodes.append(node)
        return node

    def calc(self, e: A.Expr, name: str | None = None) -> dict[str, Any]:
        """The variable holding ``e`` (a new one, or ``name`` for LET): a reference needs
        no node, a subquery is spliced in."""
        if name is None and isinstance(e, A.Name) and self.is_var(e.name):
            return self.lookup(e.name)
        if isinstance(e, A.Subquery):
            return self.subquery(e.query, name)
        out = self.variable(name)
        listed = out
        if _is_constant(e):
            listed["constantValue"] = _constant(e)
            out = {k: v for k, v in out.items() if k != "constantValue"}
            if isinstance(listed["constantValue"], list):
                self.lengths[out["id"]] = len(listed["constantValue"])
        node = self.add(
            "CalculationNode",
            cost=self.items,
            expression=expression_json(e, self.lookup, self.binds),
            outVariable=out,
            canThrow=False,
            expressionType=_expression_type(e),
        )
        if not deterministic(e):
            self.no_prefetch.add(node["id"])
            node["_nondeterministic"] = True
        return out

    def subquery(self, q: A.Query, name: str | None = None) -> dict[str, Any]:
        out = self.variable(name)
        outer = (self.cost, self.items)
        self.add("SubqueryStartNode", cost=self.items, subqueryOutVariable=out)
        self.scopes.append({})
        result = self.statements(q.statements, spliced=True)
        self.scopes.pop()
        self.cost, self.items = self.cost, outer[1]
        self.add(
            "SubqueryEndNode",
            cost=self.items,
            inVariable=result,
            outVariable=out,
            isModificationSubquery=any(isinstance(s, (A.Modify, A.Upsert)) for s in q.statements),
        )
        return out

    # statements ---------------------------------------------------------------
    def build(self, query: A.Query) -> dict[str, Any]:
        self.declare_all(query.statements)
        self.add("SingletonNode", cost=1.0, items=1.0, bindParameterVariables={})
        self.cost = 1.0
        self.nodes[0]["estimatedCost"] = 1
        self.statements(query.statements, spliced=False)
        self.apply_rules()
        prefetching = 0
        if "async-prefetch" not in self.disabled_rules and not self.prefetch_forbidden:
            prefetching = self.async_prefetch()
        last = self.nodes[-1]
        return {
            "nodes": self.nodes,
            "rules": self.rules,
            "asyncPrefetchNodes": prefetching,
            "estimatedCost": last["estimatedCost"],
            "estimatedNrItems": last["estimatedNrItems"],
            "collections": [{"name": n, "type": t} for n, t in sorted(self.collections.items())],
            "variables": sorted(self.variables, key=lambda v: -int(v["id"])),
            "isModificationQuery": self.modifies,
        }

    def apply_rules(self) -> None:
        """Run the optimizer rules over the initial plan, re-estimate what they changed,
        and drop the notes the rules kept on the nodes."""
        estimates = {n["id"]: (n["estimatedCost"], n["estimatedNrItems"]) for n in self.nodes}
        inputs = {
            n["id"]: estimates[n["dependencies"][0]] if n["dependencies"] else (0.0, 1.0)
            for n in self.nodes
        }
        self.estimates = {k: (inputs[k], estimates[k]) for k in estimates}
        if optimize(self):
            reestimate(self.nodes, self.estimates)
        for i, node in enumerate(self.nodes):
            if any(k.startswith("_") for k in node):
                self.nodes[i] = {k: v for k, v in node.items() if not k.startswith("_")}

    def async_prefetch(self) -> int:
        """ArangoDB's ``async-prefetch`` rule: flag the main query's nodes that may fetch
        their input ahead, except below a LIMIT and inside subqueries; how many it flagged.

        The rule runs before subqueries are spliced, so a node between a SubqueryStartNode
        and its SubqueryEndNode belongs to a subquery.
        """
        depth = 0
        below_limit = False
        flagged = 0
        for i in range(len(self.nodes) - 1, -1, -1):  # from the root down its dependencies
            node = self.nodes[i]
            kind = node["type"]
            if kind == "SubqueryEndNode":
                depth += 1
                continue
            if kind == "SubqueryStartNode":
                depth -= 1
                continue
            if depth:
                continue
            if kind == "LimitNode":
                below_limit = True
            elif not below_limit and kind in _PREFETCH_NODES and node["id"] not in self.no_prefetch:
                self.nodes[i] = _with_prefetch_flag(node)
                flagged += 1
        if flagged:
            self.rules.append("async-prefetch")
        return flagged

    def statements(self, stmts: list[A.Node], spliced: bool) -> dict[str, Any] | None:
        result = None
        i = 0
        while i < len(stmts):
            st = stmts[i]
            i += 1
            if id(st) in self.skipped:
                continue
            if isinstance(st, A.For):
                i = self.for_(st, stmts, i)
            elif isinstance(st, A.Let):
                self.calc(st.expr, st.var)
            elif isinstance(st, A.Filter):
                self.filter(st.expr)
            elif isinstance(st, A.Sort):
                elements = [
                    {"inVariable": self.calc(e), "ascending": _ascending(d)} for e, d in st.elements
                ]
                n = max(self.items, 1.0)
                self.add(
                    "SortNode",
                    cost=n * math.log2(n) if n > 3 else n,
                    elements=elements,
                    stable=False,
                    limit=0,
                    strategy="standard",
                )
            elif isinstance(st, A.Limit):
                off = _const_int(st.offset, self.binds)
                cnt = _const_int(st.count, self.binds)
                items = min(float(cnt), max(0.0, self.items - off))
                self.add(
                    "LimitNode", cost=items, items=items, offset=off, limit=cnt, fullCount=False
                )
            elif isinstance(st, A.Return):
                value = self.calc(st.expr)
                if spliced:
                    return value
                self.add("ReturnNode", cost=self.items, inVariable=value, count=True)
                result = value
            elif isinstance(st, A.Modify):
                self.modify(st)
            elif isinstance(st, A.Collect):
                self.collect(st)
            else:
                kinds = statement_nodes(st, self.is_var)
                for name in _declared(st):
                    self.variable(name)
                self.add(kinds[-1], cost=self.items)
                if isinstance(st, A.Upsert) or (
                    isinstance(st, (A.Traversal, A.PathSearch)) and self.parallel(st.options)
                ):
                    self.prefetch_forbidden = True  # UPSERT modifies; parallel graph search
        return result

    def parallel(self, options: A.ObjectLit | None) -> bool:
        """Whether graph search ``options`` ask for a parallelism other than 1."""
        if options is None:
            return False
        known, value = self.fold(options)
        return known and isinstance(value, dict) and value.get("parallelism", 1) != 1

    def for_(self, st: A.For, stmts: list[A.Node], i: int) -> int:
        coll = _collection_name(st.expr, self.is_var, self.binds)
        if coll is None:
            source = self.calc(st.expr)
            out = self.variable(st.var)
            length = self.lengths.get(source["id"], 100)
            self.add(
                "EnumerateListNode",
                cost=self.items * length,
                items=self.items * length,
                inVariable=source,
                outVariable=out,
            )
            return i
        self.collections.setdefault(coll, "read")
        col = self.db.get_collection(coll) if self.db is not None else None
        count = float(len(col.docs)) if col is not None else 0.0
        out = self.variable(st.var)
        common = {
            "outVariable": out,
            "projections": [],
            "filterProjections": [],
            "count": False,
            "producesResult": True,
            "readOwnWrites": False,
            "useCache": True,
            "maxProjections": 5,
            "collection": coll,
            "satellite": False,
            "isSatellite": False,
            "isSatelliteOf": None,
        }
        near = nearest.match(col, st.var, stmts, i - 1, self.fold) if col is not None else None
        if near is not None:
            self.near(near, common, count)
            return i
        node = self.add(
            "EnumerateCollectionNode",
            cost=self.items * count + 1,
            items=self.items * count,
            **common,
            random=False,
        )
        outer = len(self.scopes) == 1 and not _loop_before(self.nodes[:-1])
        path = access.choose(col, st.var, stmts, i - 1, outer) if col is not None else None
        if path is not None:
            self.index_choices[node["id"]] = self.index_choice(path, count)
        return i

    def near(self, m: nearest.NearMatch, common: dict[str, Any], count: float) -> None:
        """``use-vector-index``: the query point's calculation and an EnumerateNearVectorNode
        in place of the scan, the SORT and the pushed-down FILTER."""
        self.rules.append("use-vector-index")
        query = self.calc(m.query)
        distance = self.variable(m.distance)
        self.skipped.add(id(m.sort))
        self.skipped.update(id(let) for let in m.before + m.after if let.var == m.distance)
        fields: dict[str, Any] = dict(common)
        filter_mode = "none"
        if m.filter is not None:
            self.rules.append("push-filter-into-enumerate-near")
            self.skipped.add(id(m.filter))
            fields["filter"] = expression_json(m.filter.expr, self.lookup, self.binds)
            filter_mode = "document"
        items = min(float(m.count + m.offset), self.items * count)
        self.add(
            "EnumerateNearVectorNode",
            cost=items,
            items=items,
            **fields,
            inVariable=query,
            distanceOutVariable=distance,
            limit=m.count,
            offset=m.offset,
            filterMode=filter_mode,
            projectionMode="document",
            searchParameters={} if m.n_probe is None else {"nProbe": m.n_probe},
            index=m.lookup.index.describe(),
        )

    def index_choice(self, path: access.AccessPath, count: float) -> IndexChoice:
        """What ``use-indexes`` puts in the IndexNode, with ArangoDB's estimates
        (``SortedIndexAttributeMatcher`` and ``Index::normalizeFilterCosts``): the
        expected documents and the cost of one lookup."""
        index = path.lookup.index
        described = index.describe()
        lookups = 1
        for c in path.conditions:
            known, value = self.fold(c.value)
            if c.many and known and isinstance(value, list) and len(value) > 1:
                lookups += len(value) - 1  # one lookup per IN value
        equality = frozenset(
            f for f, c in zip(path.lookup.fields, path.conditions, strict=True) if c.op == "=="
        )
        selectivity = described.get("selectivityEstimate")
        if (
            isinstance(selectivity, (int, float))
            and selectivity > 0
            and len(equality) == len(index.fields)
        ):
            items = float(int(lookups / selectivity))
        else:
            items = float(int(path.lookup.estimate * lookups))
        items = max(1.0, items)
        cost = max(1.0, math.log2(count) * lookups if count > 0 else 1.0)
        cost += items * 0.05 - (len(index.fields) - 1) * 0.02
        if index.unique:
            cost *= 0.995 - 0.05 * (len(index.fields) - 1)
        if described["type"] in ("primary", "edge"):
            cost *= 0.9
        if not path.conditions:  # the whole index, read for a SORT
            return IndexChoice(described, {}, frozenset(), max(1.0, count), max(1.0, count))
        condition = {
            "type": "n-ary or",
            "typeID": 63,
            "subNodes": [
                {
                    "type": "n-ary and",
                    "typeID": 62,
                    "subNodes": [
                        expression_json(c.node, self.lookup, self.binds) for c in path.conditions
                    ],
                }
            ],
        }
        return IndexChoice(described, condition, equality, items, max(0.0, cost))

    def filter(self, e: A.Expr) -> None:
        known, value = self.fold(e)
        if known:
            if _truthy(value):
                return
            self.add("NoResultsNode", cost=0.0, items=0.0)
            self.dead = True
            self.nodes[-1]["estimatedCost"] = 0.5
            self.nodes[-1]["estimatedNrItems"] = 0
            return
        value = self.calc(e)
        self.add(
            "FilterNode",
            cost=self.items,
            items=self.items / 2 if self.items > 1 else self.items,
            inVariable=value,
        )

    def modify(self, st: A.Modify) -> None:
        self.modifies = True
        self.prefetch_forbidden = True  # data-modification nodes rule it out everywhere
        name = _collection_name(st.collection, lambda _n: False, self.binds) or ""
        self.collections[name] = "write"
        key = self.calc(st.key) if st.key is not None else None
        doc = self.calc(st.doc) if st.doc is not None else None
        fields: dict[str, Any] = {
            "collection": name,
            "satellite": False,
            "isSatellite": False,
            "isSatelliteOf": None,
            "countStats": True,
            "producesResults": False,
        }
        if st.op == "REMOVE":
            fields["inVariable"] = key
        elif st.op == "INSERT":
            fields["inVariable"] = doc
        else:
            fields["inDocVariable"] = doc
            if key is not None:
                fields["inKeyVariable"] = key
        node = self.add(MODIFY_NODES[st.op], cost=self.items, **fields)
        self.scopes[-1]["OLD"] = self.variable("OLD")
        self.scopes[-1]["NEW"] = self.variable("NEW")
        node["_sets"] = [self.scopes[-1]["OLD"], self.scopes[-1]["NEW"]]

    def collect(self, st: A.Collect) -> None:
        groups = [{"outVariable": None, "inVariable": self.calc(e)} for _, e in st.groups]
        aggregates = [
            {
                "outVariable": None,
                "inVariable": self.calc(call.args[0]) if call.args else None,
                "type": call.name,
            }
            for _, call in st.aggregates
        ]
        for g, (name, _) in zip(groups, st.groups, strict=False):
            g["outVariable"] = self.variable(name)
        for a, (name, _) in zip(aggregates, st.aggregates, strict=False):
            a["outVariable"] = self.variable(name)
        fields: dict[str, Any] = {"groups": groups, "aggregates": aggregates}
        if st.into:
            fields["expressionVariable" if st.into_expr is not None else "outVariable"] = (
                self.variable(st.into)
            )
        declared = [g["outVariable"] for g in groups] + [a["outVariable"] for a in aggregates]
        if st.count_var:
            declared.append(self.variable(st.count_var))
        fields["isDistinctCommand"] = False
        fields["collectOptions"] = {"method": "hash" if groups else "count"}
        node = self.add("CollectNode", cost=self.items, **fields)
        node["_sets"] = declared


def _truthy(v: Any) -> bool:
    if v is None or v is False:
        return False
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v != 0
    if isinstance(v, str):
        return v != ""
    return True


def _ascending(d: A.Expr) -> bool:
    if isinstance(d, A.Const):
        if isinstance(d.value, str):
            return d.value.upper() != "DESC"
        return d.value is not False
    return True


def _const_int(e: A.Expr, binds: dict[str, Any]) -> int:
    if isinstance(e, A.Param):
        v = binds.get(e.name)
    elif isinstance(e, A.Const):
        v = e.value
    else:
        return 0
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0


def _collection_name(e: A.Expr, is_var: Callable[[str], bool], binds: dict[str, Any]) -> str | None:
    if isinstance(e, A.Name) and not is_var(e.name):
        return e.name
    if isinstance(e, A.Param) and e.datasource:
        v = binds.get("@" + e.name)
        return v if isinstance(v, str) else None
    if isinstance(e, A.Const) and isinstance(e.value, str):
        return e.value
    return None


def _declared(st: A.Node) -> list[str]:
    """The user variables a statement declares."""
    if isinstance(st, A.Collect):
        names = [n for n, _ in st.groups] + [n for n, _ in st.aggregates]
        return names + [n for n in (st.into, st.count_var) if n]
    if isinstance(st, A.Window):
        return [n for n, _ in st.aggregates]
    if isinstance(st, A.LetDestructure):
        return [n for _, n in st.targets if n]
    listed = getattr(st, "vars", None)
    if isinstance(listed, list):
        return [n for n in listed if isinstance(n, str)]
    name = getattr(st, "var", None)
    return [name] if isinstance(name, str) else []


def _subqueries(st: A.Node) -> list[A.Subquery]:
    """The subqueries directly inside a statement's expressions (not nested deeper)."""
    found: list[A.Subquery] = []

    def visit(x: Any) -> None:
        if isinstance(x, A.Subquery):
            found.append(x)
        elif isinstance(x, A.Node):
            for f in getattr(x, "__dataclass_fields__", {}):
                visit(getattr(x, f))
        elif isinstance(x, (list, tuple)):
            for y in x:
                visit(y)

    for f in getattr(st, "__dataclass_fields__", {}):
        visit(getattr(st, f))
    return found
