"""ArangoDB's optimizer rules that change what explain shows, applied to a plan's nodes.

The plan builder (:mod:`.plan`) produces ArangoDB's initial plan as a chain of node
dictionaries; this module rewrites that chain the way ArangoDB 3.12's rules do, in their
order, and records the names of the rules that changed something (the plan's ``rules``).
Each rule follows its ArangoDB counterpart (``arangod/Aql/Optimizer/Rule/*.cpp``):

- ``move-calculations-up`` (twice): a deterministic calculation moves above every node
  that sets none of its inputs, up to a LIMIT or the plan's start;
- ``move-filters-up`` (twice): a FILTER moves above nodes that do not set its condition;
- ``remove-sort-rand-limit-1``: ``SORT RAND() LIMIT 1`` becomes a random collection scan;
- ``remove-redundant-calculations``: a calculation equal to an earlier one is replaced by
  the earlier one's variable;
- ``remove-unnecessary-calculations`` (passes 1, 2 and 4): a deterministic calculation whose
  variable nobody reads is dropped; a plain reference, an attribute access or a temporary
  read by a single calculation is folded into its readers;
- ``use-indexes``: an EnumerateCollectionNode the access-path choice (:mod:`.access`) serves
  from an index becomes an IndexNode;
- ``remove-filter-covered-by-index``: a FILTER whose conjuncts are all index conditions goes;
- ``use-index-for-sort``: a SORT a sorted index already yields goes;
- ``move-calculations-down``: a calculation moves below FILTER, SORT and LIMIT nodes that
  do not read it;
- ``sort-limit``: a SORT followed by a LIMIT keeps only the top rows when that pays off;
- ``reduce-extraction-to-projection``: a collection read whose documents are only used
  through attribute accesses reads those attributes only (at most ``maxProjections``);
- ``optimize-projections``: each projection gets its own variable, which replaces the
  attribute accesses.

Node kinds this module does not model (graph searches, views, subqueries, COLLECT with
INTO, ...) are barriers: nothing moves across them and they count as reading every variable, so the
rules stay on the safe side of ArangoDB's behaviour there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["IndexChoice", "PlanState", "number", "optimize", "reestimate"]

# node kinds whose used and set variables the node's fields fully describe
_USES_KEYS = ("inVariable", "inDocVariable", "inKeyVariable")
_KNOWN = frozenset(
    (
        "SingletonNode",
        "CalculationNode",
        "FilterNode",
        "SortNode",
        "LimitNode",
        "ReturnNode",
        "EnumerateCollectionNode",
        "IndexNode",
        "EnumerateListNode",
        "NoResultsNode",
        "InsertNode",
        "UpdateNode",
        "ReplaceNode",
        "RemoveNode",
    )
)
# move-calculations-down passes these (when they do not read the variable) ...
_PASSABLE = frozenset(("FilterNode", "SortNode", "LimitNode"))
# ... and stops at these (and at every kind it does not model)
_LOOPS = frozenset(
    ("IndexNode", "EnumerateCollectionNode", "EnumerateListNode", "NoResultsNode", "CollectNode")
)
_SORTED_INDEXES = frozenset(("persistent", "primary"))
_MODIFICATIONS = ("InsertNode", "UpdateNode", "ReplaceNode", "RemoveNode")
# nodes a LIMIT looks through for a SORT to constrain (they keep the row count)
_SORT_LIMIT_PASSES = frozenset(("CalculationNode", "SortNode"))

Estimate = tuple[float, float]  # (estimatedCost, estimatedNrItems)


@dataclass(frozen=True)
class IndexChoice:
    """An index lookup ``use-indexes`` may put in place of a collection scan."""

    index: dict[str, Any]  # the index as explain describes it
    condition: dict[str, Any]  # the lookup condition in ArangoDB's n-ary OR/AND form
    equality: frozenset[str]  # attribute paths the condition fixes to one value
    items: float  # documents per lookup
    cost: float  # cost of one lookup


class PlanState(Protocol):
    """The parts of a plan under construction the rules read and change."""

    nodes: list[dict[str, Any]]
    rules: list[str]
    disabled_rules: frozenset[str]
    next_id: int
    index_choices: dict[int, IndexChoice]
    reruns: int  # extra runs of rules that ask to run again (counted in rulesExecuted)
    # each initial node's (input estimate, own estimate), by id, for re-estimating
    estimates: dict[int, tuple[Estimate, Estimate]]

    def variable(self, name: str | None = None, pending: bool = False) -> dict[str, Any]: ...


# ----------------------------------------------------------------- variables
def _var_ids(x: Any) -> Iterator[int]:
    """Ids of the variables ``x`` reads: references in expressions, variable objects."""
    if isinstance(x, dict):
        if x.get("type") == "reference" and "id" in x:
            yield x["id"]
            return
        if set(x) == {"id", "name", "isFullDocumentFromCollection"}:
            yield x["id"]
            return
        for v in x.values():
            yield from _var_ids(v)
    elif isinstance(x, list):
        for v in x:
            yield from _var_ids(v)


def _modelled(node: dict[str, Any]) -> bool:
    """Whether the node's fields tell every variable it reads and sets (a COLLECT with
    INTO reads every variable in scope)."""
    if node["type"] == "CollectNode":
        return "outVariable" not in node and "expressionVariable" not in node
    return node["type"] in _KNOWN


def uses(node: dict[str, Any]) -> set[int] | None:
    """The variables a node reads (None: not modelled, so possibly every variable)."""
    kind = node["type"]
    if not _modelled(node):
        return None
    out: set[int] = set()
    if kind == "CollectNode":
        out.update(_var_ids([e["inVariable"] for e in node["groups"] + node["aggregates"]]))
    elif kind == "CalculationNode":
        out.update(_var_ids(node["expression"]))
    elif kind == "SortNode":
        out.update(_var_ids(node["elements"]))
    elif kind == "IndexNode":
        out.update(_var_ids(node["condition"]))
        out.discard(node["outVariable"]["id"])
    for key in _USES_KEYS:
        if node.get(key) is not None:
            out.add(node[key]["id"])
    return out


def sets(node: dict[str, Any]) -> set[int] | None:
    """The variables a node sets (None: not modelled)."""
    if not _modelled(node):
        return None
    out = {v["id"] for v in node.get("_sets", ())}
    if node.get("outVariable") is not None:
        out.add(node["outVariable"]["id"])
    for p in node.get("projections", ()):
        if isinstance(p, dict) and "variable" in p:
            out.add(p["variable"]["id"])
    return out


def _used_later(nodes: list[dict[str, Any]], i: int, var: int) -> bool:
    for node in nodes[i + 1 :]:
        used = uses(node)
        if used is None or var in used:
            return True
    return False


def _replace_var(x: Any, old: int, new: dict[str, Any]) -> None:
    """Point every read of variable ``old`` in ``x`` at ``new`` (in place)."""
    if isinstance(x, dict):
        for k, v in x.items():
            if isinstance(v, dict) and set(v) == {"id", "name", "isFullDocumentFromCollection"}:
                if v["id"] == old:
                    x[k] = dict(new)
            elif isinstance(v, (dict, list)):
                _replace_var(v, old, new)
        if x.get("type") == "reference" and x.get("id") == old:
            x["id"], x["name"] = new["id"], new["name"]
    elif isinstance(x, list):
        for v in x:
            _replace_var(v, old, new)


def _deterministic(node: dict[str, Any]) -> bool:
    return node["type"] == "CalculationNode" and not node.get("_nondeterministic", False)


def _key(expression: Any) -> str:
    return json.dumps(expression, sort_keys=True)


# ----------------------------------------------------------------- rules
def move_calculations_up(plan: PlanState) -> bool:
    nodes = plan.nodes
    moved = False
    for calc in [n for n in reversed(nodes) if _deterministic(n)]:
        needed = uses(calc) or set()

        def blocks(current: dict[str, Any], set_here: set[Any], needed: set[Any] = needed) -> bool:
            return bool(set_here & needed) or current["type"] == "LimitNode"

        moved |= _move_up(nodes, calc, blocks)
    return moved


def _move_up(
    nodes: list[dict[str, Any]],
    node: dict[str, Any],
    blocks: Callable[[dict[str, Any], set[Any]], bool],
) -> bool:
    """Move ``node`` above the nodes before it, up to the first that sets nothing known,
    ``blocks`` it (given what it sets) or is the plan's start; whether it moved."""
    i = nodes.index(node)
    j = i - 1
    while j > 0:
        current = nodes[j]
        set_here = sets(current)
        if set_here is None or blocks(current, set_here):
            break
        j -= 1
    if j + 1 < i:
        del nodes[i]
        nodes.insert(j + 1, node)
        return True
    return False


def move_filters_up(plan: PlanState) -> bool:
    """A FILTER moves above every node that does not set its condition's variable, up to
    a LIMIT, a data modification, something non-deterministic or the plan's start."""
    nodes = plan.nodes
    moved = False
    for node in [n for n in reversed(nodes) if n["type"] == "FilterNode"]:
        var = node["inVariable"]["id"]

        def blocks(current: dict[str, Any], set_here: set[Any], var: Any = var) -> bool:
            return (
                var in set_here
                or current["type"] in ("LimitNode", *_MODIFICATIONS)
                or bool(current.get("_nondeterministic"))
            )

        moved |= _move_up(nodes, node, blocks)
    return moved


def remove_sort_rand_limit_1(plan: PlanState) -> bool:
    """``SORT RAND() LIMIT 1`` over a single collection scan becomes a random pick: the
    EnumerateCollectionNode gets ``random: true`` and the SORT and its RAND() go."""
    nodes = plan.nodes
    changed = False
    for sort in [n for n in reversed(nodes) if n["type"] == "SortNode"]:
        i = nodes.index(sort)
        if len(sort["elements"]) != 1 or i + 1 >= len(nodes):
            continue
        var = sort["elements"][0]["inVariable"]["id"]
        setter = next((n for n in nodes[:i] if (sets(n) or set()) & {var}), None)
        if setter is None or setter["type"] != "CalculationNode":
            continue
        call = setter["expression"]
        if call.get("type") != "function call" or call.get("name") != "RAND":
            continue
        if call["subNodes"][0].get("subNodes"):
            continue  # RAND() takes no arguments
        scan = None
        for current in reversed(nodes[:i]):
            kind = current["type"]
            if kind == "EnumerateCollectionNode" and scan is None:
                scan = current
            elif kind in _LOOPS or kind in ("SortNode", "FilterNode") or not _modelled(current):
                scan = None
                break
        after = nodes[i + 1]
        if (
            scan is None
            or after["type"] != "LimitNode"
            or (after["offset"], after["limit"])
            != (
                0,
                1,
            )
        ):
            continue
        scan["random"] = True
        nodes.remove(sort)
        nodes.remove(setter)
        changed = True
    return changed


def remove_redundant_calculations(plan: PlanState) -> bool:
    nodes = plan.nodes
    seen: dict[str, dict[str, Any]] = {}
    changed = False
    for i, node in enumerate(nodes):
        if not _modelled(node) or node["type"] == "CollectNode":
            seen.clear()  # nothing is reused across a COLLECT or a node not modelled here
            continue
        if not _deterministic(node):
            continue
        key = _key(node["expression"])
        earlier = seen.get(key)
        if earlier is None:
            seen[key] = node["outVariable"]
            continue
        for later in nodes[i + 1 :]:
            _replace_var(later, node["outVariable"]["id"], earlier)
        changed = True
    return changed


def remove_unnecessary_calculations(plan: PlanState) -> bool:
    """One pass of ArangoDB's rule, repeated while a pass removes something and leaves
    calculations behind (ArangoDB re-runs it then, and counts every run)."""
    changed = False
    while True:
        removed, remaining = _remove_calculations_once(plan.nodes)
        if not removed:
            return changed
        changed = True
        if not remaining:
            return changed
        plan.reruns += 1


def _remove_calculations_once(nodes: list[dict[str, Any]]) -> tuple[int, int]:
    """Drop calculations nobody reads, fold plain references and attribute accesses into
    their readers, and fuse a temporary into the one calculation that reads it; how many
    calculations went and how many stayed. Usage is judged on the plan as the pass found
    it, as ArangoDB's precomputed ``varsUsedLater`` is."""
    calcs = [n for n in reversed(nodes) if _deterministic(n)]
    used_later = {id(n): _later_uses(nodes, nodes.index(n)) for n in calcs}
    gone: list[dict[str, Any]] = []
    for calc in calcs:
        out = calc["outVariable"]
        later = used_later[id(calc)]
        if later is not None and out["id"] not in later:
            gone.append(calc)
            continue
        expression = calc["expression"]
        readers = _readers(nodes, calc)
        if expression.get("type") == "reference":
            if all(_modelled(n) for n in readers[1]):
                target = {"id": expression["id"], "name": expression["name"]}
                target["isFullDocumentFromCollection"] = False
                for node in nodes[nodes.index(calc) + 1 :]:
                    _replace_var(node, out["id"], target)
                gone.append(calc)
            continue
        calc_readers, other_readers = readers
        if expression.get("type") == "attribute access":
            if not other_readers:
                for reader in calc_readers:
                    _inline(reader, out["id"], expression)
                gone.append(calc)
            continue
        if other_readers or len(calc_readers) != 1:
            continue
        other = calc_readers[0]
        if _count_refs(other["expression"], out["id"]) > 1 or other.get("_nondeterministic"):
            continue
        if _calls_function(expression) and _loop_between(nodes, calc, other):
            continue  # keep function calls out of loops
        _inline(other, out["id"], expression)
        gone.append(calc)
    for calc in gone:
        nodes.remove(calc)
    return len(gone), len(calcs) - len(gone)


def _later_uses(nodes: list[dict[str, Any]], i: int) -> set[int] | None:
    out: set[int] = set()
    for node in nodes[i + 1 :]:
        used = uses(node)
        if used is None:
            return None
        out |= used
    return out


def _readers(
    nodes: list[dict[str, Any]], calc: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The calculations and the other nodes below ``calc`` that read its variable (a node
    this module does not model counts as a reader of everything)."""
    var = calc["outVariable"]["id"]
    calcs: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    for node in nodes[nodes.index(calc) + 1 :]:
        used = uses(node)
        if used is None or var in used:
            (calcs if node["type"] == "CalculationNode" else others).append(node)
    return calcs, others


def _inline(reader: dict[str, Any], var: int, expression: dict[str, Any]) -> None:
    """Put ``expression`` in place of every reference to ``var`` in a calculation."""

    def swap(x: Any) -> Any:
        if isinstance(x, dict):
            if x.get("type") == "reference" and x.get("id") == var:
                return json.loads(json.dumps(expression))
            return {k: swap(v) for k, v in x.items()}
        if isinstance(x, list):
            return [swap(v) for v in x]
        return x

    reader["expression"] = swap(reader["expression"])
    if reader.get("expressionType") == "attribute" and reader["expression"].get("type") != (
        "attribute access"
    ):
        reader["expressionType"] = "simple"


def _count_refs(x: Any, var: int) -> int:
    return sum(1 for v in _var_ids(x) if v == var)


def _calls_function(x: Any) -> bool:
    if isinstance(x, dict):
        return x.get("type") == "function call" or any(_calls_function(v) for v in x.values())
    if isinstance(x, list):
        return any(_calls_function(v) for v in x)
    return False


def _loop_between(nodes: list[dict[str, Any]], first: dict[str, Any], last: dict[str, Any]) -> bool:
    a, b = nodes.index(first), nodes.index(last)
    return any(n["type"] in _LOOPS or not _modelled(n) for n in nodes[a + 1 : b])


def use_indexes(plan: PlanState) -> bool:
    changed = False
    for i, node in enumerate(plan.nodes):
        choice = plan.index_choices.get(node["id"])
        if node["type"] != "EnumerateCollectionNode" or choice is None:
            continue
        plan.next_id += 1
        fields = {k: v for k, v in node.items() if k not in ("random", "id")}
        fields.update(
            id=plan.next_id,
            type="IndexNode",
            strategy="document",
            needsGatherNodeSort=False,
            indexCoversProjections=False,
            indexCoversOutProjections=False,
            indexCoversFilterProjections=False,
            indexes=[choice.index],
            condition=choice.condition,
            allCoveredByOneIndex=False,
            sorted=choice.index["type"] in _SORTED_INDEXES,
            ascending=True,
            evalFCalls=True,
            waitForSync=False,
            limit=0,
            isLateMaterialized=False,
            lookahead=1,
            _choice=choice,
        )
        plan.nodes[i] = fields
        changed = True
    return changed


def _definitions(nodes: list[dict[str, Any]]) -> dict[int, Any]:
    return {n["outVariable"]["id"]: n["expression"] for n in nodes if _deterministic(n)}


def _resolved(expression: Any, defined: dict[int, Any]) -> Any:
    """``expression`` with references to attribute-access calculations expanded, as
    ArangoDB's condition finder sees a FILTER."""
    if isinstance(expression, dict):
        if expression.get("type") == "reference":
            target = defined.get(expression["id"])
            if isinstance(target, dict) and target.get("type") == "attribute access":
                return _resolved(target, defined)
            return expression
        return {k: _resolved(v, defined) for k, v in expression.items()}
    if isinstance(expression, list):
        return [_resolved(v, defined) for v in expression]
    return expression


def _conjuncts(expression: dict[str, Any]) -> list[dict[str, Any]]:
    if expression.get("type") in ("logical and", "n-ary and"):
        return [c for sub in expression["subNodes"] for c in _conjuncts(sub)]
    return [expression]


def _loop_above(nodes: list[dict[str, Any]], i: int) -> dict[str, Any] | None:
    """The nearest loop above ``nodes[i]`` if it is an IndexNode (else None)."""
    for node in reversed(nodes[:i]):
        if node["type"] == "IndexNode":
            found: dict[str, Any] = node
            return found
        if node["type"] in _LOOPS or not _modelled(node):
            return None
    return None


def _below_an_index(
    nodes: list[dict[str, Any]], kind: str
) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """Each node of type ``kind`` whose nearest loop is an IndexNode, last first (so a rule
    may delete the node it is given), with its position and that IndexNode."""
    for i in range(len(nodes) - 1, 0, -1):
        node = nodes[i]
        if node["type"] != kind:
            continue
        index_node = _loop_above(nodes, i)
        if index_node is not None:
            yield i, node, index_node


def remove_filter_covered_by_index(plan: PlanState) -> bool:
    nodes = plan.nodes
    defined = _definitions(nodes)
    changed = False
    for i, node, index_node in _below_an_index(nodes, "FilterNode"):
        condition = defined.get(node["inVariable"]["id"])
        if not isinstance(condition, dict) or not index_node["condition"]:
            continue  # an index read whole for a SORT covers no FILTER
        covered = {_key(c) for c in _conjuncts(index_node["condition"]["subNodes"][0])}
        if all(_key(c) in covered for c in _conjuncts(_resolved(condition, defined))):
            del nodes[i]
            changed = True
    return changed


def _attribute_path(expression: Any, var: int) -> list[str] | None:
    """``["a", "b"]`` for ``var.a.b``, else None."""
    parts: list[str] = []
    while isinstance(expression, dict) and expression.get("type") == "attribute access":
        parts.append(expression["name"])
        expression = expression["subNodes"][0]
    if isinstance(expression, dict) and expression.get("type") == "reference" and parts:
        return parts[::-1] if expression["id"] == var else None
    return None


def _sort_covered(paths: list[str], fields: list[str], fixed: frozenset[str]) -> bool:
    """Whether reading ``fields`` in index order yields ``paths`` in order, given that the
    lookup fixes the attributes in ``fixed`` to one value each."""
    f = 0
    for path in paths:
        while f < len(fields) and fields[f] != path and fields[f] in fixed:
            f += 1
        if f < len(fields) and fields[f] == path:
            f += 1
        elif path not in fixed:
            return False
    return True


def use_index_for_sort(plan: PlanState) -> bool:
    nodes = plan.nodes
    defined = _definitions(nodes)
    changed = False
    for i, node, index_node in _below_an_index(nodes, "SortNode"):
        if not index_node["sorted"]:
            continue
        directions = {e["ascending"] for e in node["elements"]}
        var = index_node["outVariable"]["id"]
        paths = [_attribute_path(defined.get(e["inVariable"]["id"]), var) for e in node["elements"]]
        choice: IndexChoice = index_node["_choice"]
        if len(directions) != 1 or any(p is None or len(p) != 1 for p in paths):
            continue
        fields = list(choice.index["fields"])
        if not _sort_covered([p[0] for p in paths if p], fields, choice.equality):
            continue
        ascending = directions.pop()
        index_node["ascending"] = ascending
        index_node["needsGatherNodeSort"] = True
        index_node["sortElements"] = [
            {"inVariable": index_node["outVariable"], "ascending": ascending, "path": p}
            for p in paths
        ]
        del nodes[i]
        changed = True
    return changed


def move_calculations_down(plan: PlanState) -> bool:
    nodes = plan.nodes
    moved = False
    for calc in [n for n in reversed(nodes) if _deterministic(n)]:
        var = calc["outVariable"]["id"]
        i = nodes.index(calc)
        last = None
        for j in range(i + 1, len(nodes)):
            current = nodes[j]
            used = uses(current)
            if used is None or var in used:
                break
            if current["type"] in _PASSABLE:
                last = j
            elif current["type"] in _LOOPS:
                break
        if last is not None and last + 1 < len(nodes):
            nodes.insert(last + 1, calc)
            del nodes[i]
            moved = True
    return moved


def sort_limit(plan: PlanState) -> bool:
    """A SORT followed by a LIMIT keeps only the top ``offset + limit`` rows (strategy
    ``constrained-heap``) when its input is large enough for a heap to pay off, and the
    LIMIT moves right below it."""
    nodes = plan.nodes
    reestimate(nodes, plan.estimates)
    changed = False
    for limit in [n for n in reversed(nodes) if n["type"] == "LimitNode"]:
        keep = limit["offset"] + limit["limit"]
        first = True
        for current in reversed(nodes[: nodes.index(limit)]):
            if current["type"] == "SortNode" and _heap_pays_off(current["estimatedNrItems"], keep):
                current["limit"] = keep
                current["strategy"] = "constrained-heap"
                if first:
                    nodes.remove(limit)
                    nodes.insert(nodes.index(current) + 1, limit)
                first = False
                changed = True
            if current["type"] not in _SORT_LIMIT_PASSES:
                break
    return changed


def _heap_pays_off(items: float, keep: int) -> bool:
    """ArangoDB's ``shouldApplyHeapOptimization``: at least 100 input rows, and a heap of
    ``keep`` rows estimated cheaper than sorting everything."""
    n, m = float(int(items)), float(keep)
    if n < 100 or m <= 0:
        return False
    return 0.25 * n * math.log2(m) + m * math.log2(m) < n * math.log2(n)


def _collection_reads(nodes: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, node in enumerate(nodes):
        if node["type"] in ("EnumerateCollectionNode", "IndexNode"):
            yield i, node


def _attribute_uses(x: Any, var: int, found: list[list[str]]) -> bool:
    """Collect the attribute paths under which ``x`` reads ``var``; False if it reads the
    whole value somewhere."""
    if isinstance(x, dict):
        path = _attribute_path(x, var)
        if path is not None:
            found.append(path)
            return True
        if x.get("type") == "reference" and x.get("id") == var:
            return False
        if set(x) == {"id", "name", "isFullDocumentFromCollection"}:
            return bool(x["id"] != var)
        return all(_attribute_uses(v, var, found) for v in x.values())
    if isinstance(x, list):
        return all(_attribute_uses(v, var, found) for v in x)
    return True


def reduce_extraction_to_projection(plan: PlanState) -> bool:
    nodes = plan.nodes
    changed = False
    for i, node in _collection_reads(nodes):
        if node["projections"]:
            continue
        var = node["outVariable"]["id"]
        found: list[list[str]] = []
        usable = True
        for later in nodes[i + 1 :]:
            if not _modelled(later):
                usable = False
            elif later["type"] == "CalculationNode":
                usable = _attribute_uses(later["expression"], var, found)
            else:
                usable = var not in (uses(later) or set())
            if not usable:
                break
        paths = _minimal_paths(found)
        if usable and paths and len(paths) <= node["maxProjections"]:
            node["projections"] = [p[0] if len(p) == 1 else {"path": p} for p in paths]
            _set_coverage(node)
            changed = True
    return changed


def _minimal_paths(found: list[list[str]]) -> list[list[str]]:
    """Distinct paths, dropping those a shorter one already projects, sorted."""
    out: list[list[str]] = []
    for path in sorted(found, key=lambda p: (len(p), p)):
        if not any(path[: len(p)] == p for p in out):
            out.append(path)
    return sorted(out)


def _set_coverage(node: dict[str, Any]) -> None:
    if node["type"] != "IndexNode":
        return
    fields = set(node["indexes"][0]["fields"])
    paths = [p if isinstance(p, str) else ".".join(p["path"]) for p in node["projections"]]
    covered = bool(paths) and all(p in fields for p in paths)
    node["indexCoversProjections"] = covered
    node["indexCoversOutProjections"] = covered


def optimize_projections(plan: PlanState) -> bool:
    nodes = plan.nodes
    changed = False
    for i, node in _collection_reads(nodes):
        if not node["projections"]:
            continue
        var = node["outVariable"]["id"]
        rendered = []
        for p in node["projections"]:
            path = [p] if isinstance(p, str) else p["path"]
            new = plan.variable()
            for later in nodes[i + 1 :]:
                _replace_access(later, var, path, new)
            rendered.append({"path": path, "variable": new})
        node["projections"] = rendered
        changed = True
    return changed


def _replace_access(x: Any, var: int, path: list[str], new: dict[str, Any]) -> None:
    """Replace every ``var.path`` access in ``x`` by a reference to ``new`` (in place)."""
    items: Iterator[tuple[Any, Any]]
    if isinstance(x, dict):
        items = iter(list(x.items()))
    elif isinstance(x, list):
        items = iter(list(enumerate(x)))
    else:
        return
    for k, v in items:
        if isinstance(v, dict) and _attribute_path(v, var) == path:
            x[k] = {
                "type": "reference",
                "typeID": 45,
                "name": new["name"],
                "id": new["id"],
                "subqueryReference": False,
            }
        else:
            _replace_access(v, var, path, new)


# ----------------------------------------------------------------- driver
_PASSES: tuple[tuple[str, Callable[[PlanState], bool]], ...] = (
    ("move-calculations-up", move_calculations_up),
    ("move-filters-up", move_filters_up),
    ("remove-redundant-calculations", remove_redundant_calculations),
    ("remove-unnecessary-calculations", remove_unnecessary_calculations),
    ("move-calculations-up-2", move_calculations_up),
    ("move-filters-up-2", move_filters_up),
    ("remove-sort-rand-limit-1", remove_sort_rand_limit_1),
    ("use-indexes", use_indexes),
    ("remove-filter-covered-by-index", remove_filter_covered_by_index),
    ("use-index-for-sort", use_index_for_sort),
    ("remove-unnecessary-calculations-2", remove_unnecessary_calculations),
    ("move-calculations-down", move_calculations_down),
    ("sort-limit", sort_limit),
    ("reduce-extraction-to-projection", reduce_extraction_to_projection),
    ("optimize-projections", optimize_projections),
    ("remove-unnecessary-calculations-4", remove_unnecessary_calculations),
)


def optimize(plan: PlanState) -> bool:
    """Run the rules in ArangoDB's order; whether any changed the plan."""
    changed = False
    for name, rule in _PASSES:
        if name in plan.disabled_rules:
            continue
        if rule(plan):
            plan.rules.append(name)
            changed = True
    for previous, node in zip([None, *plan.nodes], plan.nodes, strict=False):
        node["dependencies"] = [] if previous is None else [previous["id"]]
    return changed


def reestimate(nodes: list[dict[str, Any]], original: dict[int, tuple[Estimate, Estimate]]) -> None:
    """Recompute ``estimatedCost`` and ``estimatedNrItems`` along a rewritten chain.

    Nodes whose estimate ArangoDB derives from more than their input's size (index reads,
    sorts, limits) are computed as ArangoDB does; the others keep the cost they added and
    the factor by which they changed the number of rows, scaled to their new input.
    ``original`` holds each node's (cost, items) and its old input's, by node id.
    """
    cost, items = 0.0, 1.0
    for node in nodes:
        kind = node["type"]
        if kind == "SingletonNode":
            cost, items = 1.0, 1.0
        elif kind == "NoResultsNode":
            cost, items = 0.5, 0.0
        elif kind == "IndexNode":
            choice: IndexChoice = node["_choice"]
            cost += items * choice.cost
            items *= choice.items
        elif kind == "SortNode":
            cost += items * math.log2(items) if items > 3 else items
        elif kind == "LimitNode":
            items = min(float(node["limit"]), max(0.0, items - node["offset"]))
            cost += items
        else:
            before, after = original[node["id"]]
            if before[1]:
                scale = items / before[1]
                cost += (after[0] - before[0]) * scale
                items = after[1] * scale
            else:
                cost += after[0] - before[0]
                items = after[1]
        node["estimatedCost"] = number(cost)
        node["estimatedNrItems"] = number(items)


def number(v: float) -> float | int:
    """A float as ArangoDB prints it: integral values without a fraction."""
    return int(v) if float(v).is_integer() else v
