"""``GET /_api/edges/{collection}`` through arangoasync and raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import EdgeListError

ROADS = [{"collection": "roads", "from": ["cities"], "to": ["cities"]}]


async def _roads(db: Any) -> Any:
    """a -> b, c -> a, a -> a (a loop), b -> c."""
    graph = await db.create_graph("map", edge_definitions=ROADS, orphan_collections=["notes"])
    for key in "abc":
        await graph.insert_vertex("cities", {"_key": key})
    for key, src, dst in [("ab", "a", "b"), ("ca", "c", "a"), ("aa", "a", "a"), ("bc", "b", "c")]:
        await graph.insert_edge(
            "roads", {"_key": key, "_from": f"cities/{src}", "_to": f"cities/{dst}"}
        )
    return graph


def _keys(result: Any) -> list[str]:
    return [e["_key"] for e in result["edges"]]


async def test_directions(db: Any) -> None:
    graph = await _roads(db)
    assert _keys(await graph.edges("roads", "cities/a", direction="out")) == ["ab", "aa"]
    assert _keys(await graph.edges("roads", "cities/a", direction="in")) == ["ca", "aa"]
    # any: outbound first, the loop only once
    assert _keys(await graph.edges("roads", "cities/a")) == ["ab", "aa", "ca"]
    assert _keys(await graph.edges("roads", {"_id": "cities/b"}, direction="in")) == ["ab"]
    assert (await graph.edges("roads", "cities/zzz"))["edges"] == []


async def test_edges_follow_writes(db: Any) -> None:
    graph = await _roads(db)
    await graph.replace_edge({"_id": "roads/ab", "_from": "cities/b", "_to": "cities/c"})
    assert _keys(await graph.edges("roads", "cities/a", direction="out")) == ["aa"]
    assert _keys(await graph.edges("roads", "cities/c", direction="in")) == ["bc", "ab"]
    await graph.delete_vertex("cities/c")
    assert _keys(await graph.edges("roads", "cities/b")) == []


async def test_response_shape_and_stats(db: Any, raw: Any) -> None:
    await _roads(db)
    status, body, _ = raw("GET", "/_db/testdb/_api/edges/roads?vertex=cities/b&direction=in")
    assert status == 200
    assert list(body) == ["edges", "error", "code", "stats"]
    assert body["edges"][0]["_id"] == "roads/ab"
    assert list(body["edges"][0])[:5] == ["_key", "_id", "_from", "_to", "_rev"]
    stats = body["stats"]
    assert stats["scannedIndex"] == stats["documentLookups"] == 1
    assert stats["scannedFull"] == 0
    assert list(stats)[-4:] == [
        "httpRequests",
        "executionTime",
        "peakMemoryUsage",
        "intermediateCommits",
    ]
    status, body, _ = raw("GET", "/_db/testdb/_api/edges/roads?vertex=cities/a&direction=outbound")
    assert [e["_key"] for e in body["edges"]] == ["ab", "aa"]


@pytest.mark.parametrize(
    ("url", "status", "errnum"),
    [
        ("/_api/edges/nope?vertex=cities/a", 404, 1203),
        ("/_api/edges/cities?vertex=cities/a", 400, 1218),
        ("/_api/edges/roads?vertex=cities/a&direction=sideways", 400, 400),
        ("/_api/edges/roads", 400, 1205),
        ("/_api/edges/roads?vertex=", 400, 1205),
    ],
)
async def test_errors(db: Any, raw: Any, url: str, status: int, errnum: int) -> None:
    await _roads(db)
    got, body, _ = raw("GET", "/_db/testdb" + url)
    assert (got, body["errorNum"], body["code"]) == (status, errnum, status)


async def test_errors_through_driver(db: Any) -> None:
    graph = await _roads(db)
    with pytest.raises(EdgeListError) as exc:
        await graph.edges("cities", "cities/a")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1218)
    with pytest.raises(EdgeListError) as exc:
        await graph.edges("missing", "cities/a")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)
    message = "<direction> must by any, in, or out, not: up"
    with pytest.raises(EdgeListError) as exc:
        await graph.edges("roads", "cities/a", direction="up")
    assert exc.value.error_message == message
