"""AQL queries end to end through arangoasync (both transports)."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError


async def test_queries_through_the_driver(db: Any) -> None:
    col = await db.create_collection("items")
    await col.insert_many([{"_key": str(i), "v": i} for i in range(5)])
    cursor = await db.aql.execute(
        "FOR d IN @@c FILTER d.v >= @min SORT d.v RETURN d.v", bind_vars={"@c": "items", "min": 2}
    )
    assert [x async for x in cursor] == [2, 3, 4]
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("FOR d IN items RETURN d d")
    assert (exc.value.error_code, exc.value.http_code) == (1501, 400)


async def test_modification_and_graph_through_the_driver(db: Any) -> None:
    await db.create_collection("v")
    await db.create_collection("e", col_type=3)
    cursor = await db.aql.execute(
        "LET made = (FOR k IN ['a', 'b', 'c'] INSERT {_key: k} INTO v RETURN NEW._id) "
        "FOR i IN 0..1 INSERT {_from: made[i], _to: made[i + 1]} INTO e"
    )
    assert [x async for x in cursor] == []
    cursor = await db.aql.execute("FOR x IN 1..2 OUTBOUND 'v/a' e RETURN x._key")
    assert [x async for x in cursor] == ["b", "c"]
