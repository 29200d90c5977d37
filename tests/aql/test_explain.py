"""Explain: plan nodes, variables, collections, constant FILTERs, index nodes, errors, and
the optimizer rules list (through arangoasync and raw HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExplainError

EXPLAIN = "/_db/testdb/_api/explain"


async def test_plan_chain_variables_and_costs(db: Any, raw: Any) -> None:
    col = await db.create_collection("items")
    await col.insert_many([{"n": i} for i in range(4)])
    status, body, _ = raw(
        "POST", EXPLAIN, {"query": "FOR d IN items LET x = d.n * 2 SORT x LIMIT 2 RETURN x"}
    )
    assert status == 200
    assert list(body) == ["plan", "cacheable", "warnings", "stats", "error", "code"]
    plan = body["plan"]
    kinds = [n["type"] for n in plan["nodes"]]
    assert kinds == [
        "SingletonNode",
        "EnumerateCollectionNode",
        "CalculationNode",
        "SortNode",
        "LimitNode",
        "ReturnNode",
    ]
    ids = [n["id"] for n in plan["nodes"]]
    assert [n["dependencies"] for n in plan["nodes"]] == [[]] + [[i] for i in ids[:-1]]
    costs = [n["estimatedCost"] for n in plan["nodes"]]
    assert costs == sorted(costs)  # costs accumulate along the chain
    assert plan["nodes"][1]["collection"] == "items"
    assert plan["nodes"][4]["limit"] == 2
    variables = {v["name"]: v["id"] for v in plan["variables"]}
    assert variables["d"] == 0 and variables["x"] == 1  # user variables first
    assert plan["collections"] == [{"name": "items", "type": "read"}]
    assert body["cacheable"] is True and plan["isModificationQuery"] is False
    assert set(body["stats"]) >= {"rulesExecuted", "plansCreated", "executionTime"}


async def test_constant_false_filter_gives_no_results_node(db: Any, raw: Any) -> None:
    _, body, _ = raw("POST", EXPLAIN, {"query": "FOR i IN [1, 2, 3] FILTER 1 == 2 RETURN i"})
    nodes = body["plan"]["nodes"]
    assert [n["type"] for n in nodes] == [
        "SingletonNode",
        "CalculationNode",
        "EnumerateListNode",
        "NoResultsNode",
        "ReturnNode",
    ]
    assert nodes[1]["expression"] == {"type": "array", "typeID": 41, "raw": [1, 2, 3]}
    assert nodes[2]["estimatedNrItems"] == 3
    assert body["plan"]["estimatedNrItems"] == 0


async def test_index_node_for_equality_filters(db: Any) -> None:
    col = await db.create_collection("things")
    await col.add_index(type="persistent", fields=["tag"])
    plan = (
        await db.aql.explain(
            "FOR t IN things FILTER t.tag == @tag RETURN t", bind_vars={"tag": "x"}
        )
    )["plan"]
    index_nodes = [n for n in plan["nodes"] if n["type"] == "IndexNode"]
    assert len(index_nodes) == 1
    assert index_nodes[0]["indexes"][0]["fields"] == ["tag"]
    assert "use-indexes" in plan["rules"]
    modify = (await db.aql.explain("INSERT {a: 1} INTO things"))["plan"]
    assert modify["isModificationQuery"] is True
    assert modify["collections"] == [{"name": "things", "type": "write"}]
    assert modify["nodes"][-1]["type"] == "InsertNode"


async def test_explain_errors(db: Any, raw: Any) -> None:
    status, err, _ = raw("POST", EXPLAIN, {"query": "RETURN @id"})
    assert (status, err["errorNum"]) == (400, 1551)
    assert (
        err["errorMessage"] == "no value specified for declared bind parameter 'id' (while parsing)"
    )
    with pytest.raises(AQLQueryExplainError) as exc:
        await db.aql.explain("RETURN")
    assert (exc.value.error_code, exc.value.http_code) == (1501, 400)
    status, err, _ = raw("POST", EXPLAIN, {})
    assert (status, err["errorNum"]) == (400, 1502)


async def test_rules_list(raw: Any) -> None:
    status, rules, _ = raw("GET", "/_api/query/rules")
    assert status == 200
    names = [r["name"] for r in rules]
    assert names[-1] == "splice-subqueries" and len(names) == len(set(names))
    flags = {r["name"]: r["flags"] for r in rules}
    assert list(flags["use-indexes"]) == [
        "hidden",
        "clusterOnly",
        "canBeDisabled",
        "canCreateAdditionalPlans",
        "disabledByDefault",
        "enterpriseOnly",
    ]
    assert flags["interchange-adjacent-enumerations"]["canCreateAdditionalPlans"] is True


def _prefetched(plan: dict[str, Any]) -> list[str]:
    return [n["type"] for n in plan["nodes"] if n.get("isAsyncPrefetchEnabled")]


async def test_async_prefetch_flags_main_query_nodes(db: Any, raw: Any) -> None:
    _, body, _ = raw("POST", EXPLAIN, {"query": "FOR i IN [1, 2, 3] FILTER 1 == 2 RETURN i"})
    plan = body["plan"]
    assert _prefetched(plan) == ["CalculationNode", "EnumerateListNode"]
    calc = plan["nodes"][1]
    # the flag follows the estimates, before the node's own attributes
    assert list(calc)[:6] == [
        "type",
        "dependencies",
        "id",
        "estimatedCost",
        "estimatedNrItems",
        "isAsyncPrefetchEnabled",
    ]
    assert plan["rules"] == ["async-prefetch"] and plan["asyncPrefetchNodes"] == 2

    # nothing below a LIMIT, nothing inside a subquery, no non-deterministic calculation
    await db.create_collection("items")
    query = (
        "FOR d IN items LET r = RAND() FILTER d.n > r LIMIT 5 "
        "LET s = (FOR x IN 1..2 RETURN x) LET t = d.n + 1 RETURN [s, t]"
    )
    plan = (await db.aql.explain(query))["plan"]
    kinds = [n["type"] for n in plan["nodes"]]
    limit = kinds.index("LimitNode")
    flagged = [i for i, n in enumerate(plan["nodes"]) if n.get("isAsyncPrefetchEnabled")]
    assert flagged and all(i > limit for i in flagged)
    start, end = kinds.index("SubqueryStartNode"), kinds.index("SubqueryEndNode")
    assert not any(start < i < end for i in flagged)
    assert plan["asyncPrefetchNodes"] == len(flagged)


async def test_async_prefetch_off_for_modifications_and_when_disabled(db: Any) -> None:
    await db.create_collection("items")
    plan = (await db.aql.explain("FOR i IN 1..3 INSERT {i} INTO items"))["plan"]
    assert _prefetched(plan) == [] and plan["asyncPrefetchNodes"] == 0
    assert "async-prefetch" not in plan["rules"]
    query = "FOR i IN 1..3 FILTER i > 1 RETURN i"
    assert _prefetched((await db.aql.explain(query))["plan"])
    random = (await db.aql.explain("FOR i IN 1..3 LET r = RAND() RETURN r"))["plan"]
    calcs = [n for n in random["nodes"] if n["type"] == "CalculationNode"]
    assert [c.get("isAsyncPrefetchEnabled", False) for c in calcs] == [True, False]
    off = await db.aql.explain(query, options={"optimizer": {"rules": ["-async-prefetch"]}})
    assert _prefetched(off["plan"]) == [] and "async-prefetch" not in off["plan"]["rules"]


async def test_rule_counts_follow_the_rule_table_and_options(db: Any, raw: Any) -> None:
    _, rules, _ = raw("GET", "/_api/query/rules")
    visible = [r for r in rules if not r["flags"]["hidden"]]
    by_default = [r for r in visible if not r["flags"]["disabledByDefault"]]
    _, body, _ = raw("POST", EXPLAIN, {"query": "RETURN 1"})
    assert body["stats"]["rulesExecuted"] == len(by_default)
    assert body["stats"]["rulesSkipped"] == 0
    options = {"optimizer": {"rules": ["-all", "+use-indexes"]}}
    _, body, _ = raw("POST", EXPLAIN, {"query": "RETURN 1", "options": options})
    fixed = [r for r in by_default if not r["flags"]["canBeDisabled"]]
    assert body["stats"]["rulesExecuted"] == len(fixed) + 1
    assert body["stats"]["rulesSkipped"] == len(by_default) - len(fixed) - 1
