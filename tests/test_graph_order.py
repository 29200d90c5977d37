"""Traversal neighbour order as a single RocksDB server gives it (see docs/GRAPH_ORDER.md)."""

from __future__ import annotations

from arangoasync.typings import CollectionType


async def _rows(db, query, bind=None):
    cursor = await db.aql.execute(query, bind_vars=bind or {})
    async with cursor:
        return [row async for row in cursor]


async def _setup(db):
    await db.create_collection("v")
    edges = await db.create_collection("e", col_type=CollectionType.EDGE)
    verts = db.collection("v")
    await verts.insert_many([{"_key": k} for k in "abcdefg"])
    await edges.insert_many(
        [
            {"_key": "ac", "_from": "v/a", "_to": "v/c"},
            {"_key": "ab", "_from": "v/a", "_to": "v/b"},
            {"_key": "ad", "_from": "v/a", "_to": "v/d"},
            {"_key": "ce", "_from": "v/c", "_to": "v/e"},
            {"_key": "bf", "_from": "v/b", "_to": "v/f"},
            {"_key": "ga", "_from": "v/g", "_to": "v/a"},
        ]
    )
    return edges


async def test_neighbours_come_in_write_order_and_updates_move_last(db):
    edges = await _setup(db)
    bfs = "FOR x IN 1..2 OUTBOUND 'v/a' e OPTIONS {order: 'bfs'} RETURN x._key"
    assert await _rows(db, bfs) == ["c", "b", "d", "e", "f"]  # write order, not key order
    # depth-first expands the last written edge first
    dfs = "FOR x IN 1..2 OUTBOUND 'v/a' e RETURN x._key"
    assert await _rows(db, dfs) == ["d", "b", "f", "c", "e"]
    await edges.update({"_key": "ac", "note": "touched"})
    assert await _rows(db, bfs) == ["b", "d", "c", "f", "e"]
    assert await _rows(db, dfs) == ["c", "e", "d", "b", "f"]


async def test_any_reads_outbound_before_inbound(db):
    await _setup(db)
    got = await _rows(db, "FOR x IN 1..1 ANY 'v/a' e OPTIONS {order: 'bfs'} RETURN x._key")
    assert got == ["c", "b", "d", "g"]
    got = await _rows(db, "FOR x IN 1..1 ANY 'v/a' e RETURN x._key")
    assert got == ["g", "d", "b", "c"]
    got = await _rows(db, "FOR x IN 1..1 INBOUND 'v/a' e RETURN x._key")
    assert got == ["g"]


async def test_shortest_path_takes_the_first_discovered_tie(db):
    edges = await _setup(db)
    await edges.insert_many(
        [
            {"_key": "eh", "_from": "v/e", "_to": "v/h"},
            {"_key": "fh", "_from": "v/f", "_to": "v/h"},
        ]
    )
    await db.collection("v").insert({"_key": "h"})
    query = "FOR x IN OUTBOUND SHORTEST_PATH 'v/a' TO 'v/h' e RETURN x._key"
    assert await _rows(db, query) == ["a", "c", "e", "h"]
    await edges.update({"_key": "ac", "note": "touched"})
    assert await _rows(db, query) == ["a", "b", "f", "h"]


async def test_named_graph_reads_edge_collections_by_name(db):
    await db.create_collection("p")
    await db.collection("p").insert_many([{"_key": k} for k in "abc"])
    zeta = await db.create_collection("zeta", col_type=CollectionType.EDGE)
    alpha = await db.create_collection("alpha", col_type=CollectionType.EDGE)
    await zeta.insert({"_from": "p/a", "_to": "p/b"})
    await alpha.insert({"_from": "p/a", "_to": "p/c"})
    await db.create_graph(
        "g",
        edge_definitions=[
            {"collection": "zeta", "from": ["p"], "to": ["p"]},
            {"collection": "alpha", "from": ["p"], "to": ["p"]},
        ],
    )
    named = "FOR x IN 1..1 OUTBOUND 'p/a' GRAPH 'g' OPTIONS {order: 'bfs'} RETURN x._key"
    assert await _rows(db, named) == ["c", "b"]
    listed = "FOR x IN 1..1 OUTBOUND 'p/a' zeta, alpha OPTIONS {order: 'bfs'} RETURN x._key"
    assert await _rows(db, listed) == ["b", "c"]
