"""Level-2 profiles measure every execution node: calls, rows, filtered rows, runtime."""

from __future__ import annotations

from typing import Any

QUERY = "FOR d IN c FILTER d.n % 3 == 0 LET x = d.n * 2 SORT x DESC LIMIT 10 RETURN x"


async def test_level_two_profile_measures_each_node(db: Any, col: Any) -> None:
    await db.aql.execute("FOR i IN 1..2500 INSERT {_key: TO_STRING(i), n: i} INTO c")
    cursor = await db.aql.execute(QUERY, options={"profile": 2})
    assert [row async for row in cursor][:2] == [4998, 4992]
    extra = cursor.extra["stats"]
    plan = {node["id"]: node["type"] for node in cursor.extra["plan"]["nodes"]}
    nodes = {node["id"]: node for node in extra["nodes"]}
    assert list(nodes) == list(plan)
    kinds = {plan[i]: nodes[i] for i in nodes}
    scan = kinds["EnumerateCollectionNode"]
    assert (scan["items"], scan["calls"]) == (2500, 3)  # 1000 rows per call
    assert (kinds["FilterNode"]["items"], kinds["FilterNode"]["filtered"]) == (833, 1667)
    assert kinds["ReturnNode"]["items"] == 10
    assert kinds["SingletonNode"]["items"] == 1
    runtimes = [node["runtime"] for node in nodes.values()]
    assert all(r >= 0 for r in runtimes) and scan["runtime"] > 0
    assert sum(runtimes) <= extra["executionTime"]
