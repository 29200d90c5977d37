"""Explain after ArangoDB's optimizer rules: calculations moved, merged, inlined and
dropped, index lookups that replace FILTERs and SORTs, projections with their own
variables, the rules list, estimates and rule counts (through arangoasync and raw HTTP)."""

from __future__ import annotations

import math
from typing import Any

import pytest

EXPLAIN = "/_db/testdb/_api/explain"
QUERY = (
    "FOR p IN products LET a = p.id FILTER a == 4 LET name = p.name SORT p.id LIMIT 1 RETURN name"
)


async def _products(db: Any, index: bool = True) -> None:
    col = await db.create_collection("products")
    if index:
        await col.add_index(type="persistent", fields=["id"])
    await col.insert_many([{"id": i} for i in range(10)])


def _kinds(plan: dict[str, Any]) -> list[str]:
    return [n["type"] for n in plan["nodes"]]


async def test_index_replaces_filter_and_sort_and_projects_the_result(db: Any, raw: Any) -> None:
    await _products(db)
    status, body, _ = raw("POST", EXPLAIN, {"query": QUERY})
    assert status == 200
    plan = body["plan"]
    assert _kinds(plan) == ["SingletonNode", "IndexNode", "LimitNode", "ReturnNode"]
    assert plan["rules"] == [
        "move-calculations-up",
        "remove-redundant-calculations",
        "remove-unnecessary-calculations",
        "move-calculations-up-2",
        "use-indexes",
        "remove-filter-covered-by-index",
        "use-index-for-sort",
        "remove-unnecessary-calculations-2",
        "move-calculations-down",
        "reduce-extraction-to-projection",
        "optimize-projections",
        "remove-unnecessary-calculations-4",
    ]
    index = plan["nodes"][1]
    assert index["id"] == 11  # a new node, numbered after the ten of the initial plan
    assert [n["dependencies"] for n in plan["nodes"]] == [[], [1], [11], [9]]
    projected = {"id": 5, "name": "5", "isFullDocumentFromCollection": False}
    assert index["projections"] == [{"path": ["name"], "variable": projected}]
    assert plan["nodes"][3]["inVariable"] == projected
    assert index["sorted"] is True and index["ascending"] is True
    assert index["sortElements"] == [
        {"inVariable": index["outVariable"], "ascending": True, "path": ["id"]}
    ]
    condition = index["condition"]["subNodes"][0]["subNodes"]
    assert condition[0]["type"] == "compare =="  # LET a = p.id is resolved: p.id == 4
    assert condition[0]["subNodes"][0]["type"] == "attribute access"
    assert condition[0]["subNodes"][0]["subNodes"][0]["name"] == "p"
    # one equality lookup in ten documents: log2(10) + 0.05 per document found
    lookup = math.log2(10) + 0.05
    assert [n["estimatedCost"] for n in plan["nodes"]] == pytest.approx(
        [1, 1 + lookup, 2 + lookup, 3 + lookup]
    )
    assert [v["id"] for v in plan["variables"]] == [5, 4, 3, 2, 1, 0]
    # remove-unnecessary-calculations runs again after each pass that removed something
    # and left calculations behind: twice here, on top of every enabled visible rule
    _, plain, _ = raw("POST", EXPLAIN, {"query": "RETURN 1"})
    assert body["stats"]["rulesExecuted"] == plain["stats"]["rulesExecuted"] + 2


async def test_query_uses_the_index_through_a_let(db: Any) -> None:
    await _products(db)
    cursor = await db.aql.execute(QUERY.replace("RETURN name", "RETURN p.id"))
    assert [x async for x in cursor] == [4]
    assert (cursor.statistics.scanned_full, cursor.statistics.scanned_index) == (0, 1)


async def test_without_index_the_filter_stays_and_projections_cover_the_reads(db: Any) -> None:
    await _products(db, index=False)
    plan = (await db.aql.explain(QUERY))["plan"]
    assert _kinds(plan) == [
        "SingletonNode",
        "EnumerateCollectionNode",
        "CalculationNode",
        "FilterNode",
        "SortNode",
        "LimitNode",
        "ReturnNode",
    ]
    scan = plan["nodes"][1]
    assert [p["path"] for p in scan["projections"]] == [["id"], ["name"]]
    variables = {tuple(p["path"]): p["variable"]["id"] for p in scan["projections"]}
    # the FILTER's calculation reads the projected id instead of p.id
    calc = plan["nodes"][2]
    assert calc["expression"]["subNodes"][0]["id"] == variables[("id",)]
    assert plan["nodes"][-1]["inVariable"]["id"] == variables[("name",)]
    assert "use-indexes" not in plan["rules"]


async def test_rules_can_be_switched_off(db: Any) -> None:
    await _products(db)
    options = {"optimizer": {"rules": ["-use-indexes", "-reduce-extraction-to-projection"]}}
    plan = (await db.aql.explain(QUERY, options=options))["plan"]
    assert "IndexNode" not in _kinds(plan) and "SortNode" in _kinds(plan)
    assert plan["nodes"][1]["projections"] == []
    assert "use-indexes" not in plan["rules"] and "use-index-for-sort" not in plan["rules"]


async def test_descending_sort_reads_the_index_backwards(db: Any) -> None:
    await _products(db)
    query = "FOR p IN products FILTER p.id == 4 SORT p.id DESC RETURN p"
    plan = (await db.aql.explain(query))["plan"]
    assert _kinds(plan) == ["SingletonNode", "IndexNode", "ReturnNode"]
    index = plan["nodes"][1]
    assert index["ascending"] is False and index["projections"] == []
    assert index["estimatedNrItems"] == 1
    other = "FOR p IN products FILTER p.id == 4 SORT p.name RETURN p"
    assert "SortNode" in _kinds((await db.aql.explain(other))["plan"])


async def test_calculations_fold_into_their_single_reader(db: Any) -> None:
    await db.create_collection("items")
    query = "FOR d IN items LET x = d.n LET y = x * 2 RETURN y + 1"
    plan = (await db.aql.explain(query))["plan"]
    calcs = [n for n in plan["nodes"] if n["type"] == "CalculationNode"]
    assert len(calcs) == 1  # x and y are folded into the RETURN's calculation
    assert calcs[0]["expression"]["type"] == "plus"
    assert calcs[0]["expression"]["subNodes"][0]["type"] == "times"


async def test_non_deterministic_calculations_stay(db: Any) -> None:
    plan = (await db.aql.explain("FOR i IN 1..3 LET r = RAND() LET s = 1 + 1 RETURN i"))["plan"]
    calcs = [n["expression"] for n in plan["nodes"] if n["type"] == "CalculationNode"]
    assert any(c.get("name") == "RAND" for c in calcs)
    assert not any(c.get("type") == "plus" for c in calcs)  # unused and deterministic: gone
    assert "remove-unnecessary-calculations" in plan["rules"]


async def test_index_cursors_are_created_once_and_rearmed_per_outer_row(db: Any) -> None:
    await _products(db)
    cursor = await db.aql.execute(
        "FOR i IN [1, 2, 3] FOR p IN products FILTER p.id == i RETURN p.id"
    )
    assert [x async for x in cursor] == [1, 2, 3]
    stats = cursor.statistics
    assert (stats.scanned_index, stats.scanned_full) == (3, 0)
    assert (stats.cursors_created, stats.cursors_rearmed) == (1, 2)


async def test_index_hints(db: Any, raw: Any) -> None:
    col = await db.create_collection("pairs")
    first = await col.add_index(type="persistent", fields=["a"], options={"name": "by_a"})
    await col.add_index(type="persistent", fields=["b"], options={"name": "by_b"})
    await col.insert_many([{"a": i, "b": i % 3} for i in range(9)])
    query = (
        "FOR d IN pairs OPTIONS {indexHint: @hint, forceIndexHint: @force} "
        "FILTER d.a == 1 AND d.b == 1 RETURN d.a"
    )

    def used(hint: Any, force: bool = False) -> str:
        body = {"query": query.replace("@hint", repr(hint)).replace("@force", str(force).lower())}
        _, answer, _ = raw("POST", EXPLAIN, body)
        index = next(n for n in answer["plan"]["nodes"] if n["type"] == "IndexNode")
        return str(index["indexes"][0]["name"])

    assert first.name == "by_a" and used("by_a") == "by_a"
    assert used("by_b") == "by_b" and used(["nope", "by_b"]) == "by_b"
    assert used("nope") == "by_a"  # an unknown hint is only a hint
    body = {"query": query.replace("@hint", "'nope'").replace("@force", "true")}
    status, err, _ = raw("POST", EXPLAIN, body)
    assert (status, err["errorNum"]) == (400, 1577)
    assert err["errorMessage"] == (
        "could not use index hint to serve query; "
        '{"indexHint":{"forced":true,"lookahead":1,"type":"simple","hint":["nope"]}}'
    )
    cursor = await db.aql.execute(query.replace("@hint", "'by_b'").replace("@force", "true"))
    assert [x async for x in cursor] == [1]


async def test_sort_limit_constrains_large_sorts(db: Any) -> None:
    big = await db.create_collection("big")
    await big.insert_many([{"n": i} for i in range(200)])
    query = "FOR d IN big SORT d.n LET x = d.n * 2 LIMIT 2, 3 RETURN x"
    plan = (await db.aql.explain(query))["plan"]
    assert "sort-limit" in plan["rules"]
    kinds = _kinds(plan)
    sort = plan["nodes"][kinds.index("SortNode")]
    assert (sort["limit"], sort["strategy"]) == (5, "constrained-heap")
    assert kinds[kinds.index("SortNode") + 1] == "LimitNode"  # the LIMIT moves up to the SORT
    cursor = await db.aql.execute(query)
    assert [x async for x in cursor] == [4, 6, 8]
    small = await db.create_collection("small")
    await small.insert_many([{"n": i} for i in range(50)])
    plan = (await db.aql.explain("FOR d IN small SORT d.n LIMIT 5 RETURN d"))["plan"]
    sort = next(n for n in plan["nodes"] if n["type"] == "SortNode")
    assert (sort["limit"], sort["strategy"]) == (0, "standard")
    assert "sort-limit" not in plan["rules"]


async def test_filters_move_out_of_inner_loops(db: Any) -> None:
    await db.create_collection("left")
    await db.create_collection("right")
    query = "FOR a IN left FOR b IN right FILTER a.v == 1 RETURN [a, b]"
    plan = (await db.aql.explain(query))["plan"]
    assert _kinds(plan) == [
        "SingletonNode",
        "EnumerateCollectionNode",
        "CalculationNode",
        "FilterNode",
        "EnumerateCollectionNode",
        "CalculationNode",
        "ReturnNode",
    ]
    assert plan["rules"][:2] == ["move-calculations-up", "move-filters-up"]
    assert plan["nodes"][4]["collection"] == "right"


async def test_explain_reports_folding_warnings(db: Any, raw: Any) -> None:
    _, body, _ = raw("POST", EXPLAIN, {"query": "FOR i IN 1..3 RETURN i + 1 / 0"})
    assert body["warnings"] == [{"code": 1562, "message": "division by zero"}]
    strict = {"query": "RETURN 1 / 0", "options": {"failOnWarning": True}}
    status, err, _ = raw("POST", EXPLAIN, strict)
    assert (status, err["errorNum"], err["errorMessage"]) == (400, 1562, "division by zero")
    _, body, _ = raw("POST", EXPLAIN, {"query": "FOR i IN 1..100000000000 RETURN i"})
    assert body["warnings"] == []  # a range stays a range


async def test_collect_groups_read_projections_and_keep_their_variables(db: Any) -> None:
    await _products(db, index=False)
    query = "FOR p IN products COLLECT g = p.id % 2 WITH COUNT INTO n LET m = n + 1 RETURN [g, m]"
    plan = (await db.aql.explain(query))["plan"]
    kinds = _kinds(plan)
    collect = kinds.index("CollectNode")
    # m = n + 1 is fused into its only reader, which stays below the COLLECT setting n
    last = max(i for i, k in enumerate(kinds) if k == "CalculationNode")
    assert last > collect
    assert plan["nodes"][last]["expression"]["subNodes"][1]["type"] == "plus"
    cursor = await db.aql.execute(query)
    assert [x async for x in cursor] == [[0, 6], [1, 6]]


async def test_sort_rand_limit_1_becomes_a_random_scan(db: Any) -> None:
    await _products(db, index=False)
    plan = (await db.aql.explain("FOR p IN products SORT RAND() LIMIT 1 RETURN p"))["plan"]
    assert _kinds(plan) == ["SingletonNode", "EnumerateCollectionNode", "LimitNode", "ReturnNode"]
    assert plan["nodes"][1]["random"] is True
    assert "remove-sort-rand-limit-1" in plan["rules"]
    two = (await db.aql.explain("FOR p IN products SORT RAND() LIMIT 2 RETURN p"))["plan"]
    assert "SortNode" in _kinds(two) and two["nodes"][1]["random"] is False
