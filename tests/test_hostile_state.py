"""Hostile state: graph drops that overlap, drops that must be all-or-nothing, and memory
that has to come back (dropped databases, truncated collections, insert/delete cycles)."""

from __future__ import annotations

import base64
import gc
import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from arangoasync.exceptions import EdgeDefinitionDeleteError, GraphDeleteError

from pytest_arangomock import BackendRequest, Emulator

KiB = 1024
MiB = 1024 * KiB

# e1 is an edge collection and, in e2's definition, a vertex collection too
OVERLAPPING = [
    {"collection": "e1", "from": ["v"], "to": ["v"]},
    {"collection": "e2", "from": ["e1"], "to": ["v"]},
]


def _names(emulator: Emulator, db: str = "testdb") -> set[str]:
    return {n for n in emulator.server.database(db).collections if not n.startswith("_")}


# -------------------------------------------------------------- graph drops
async def test_drop_graph_whose_edge_collection_is_also_a_vertex_collection(
    db: Any, arango_emulator: Emulator
) -> None:
    await db.create_graph("g", edge_definitions=OVERLAPPING)
    assert _names(arango_emulator) == {"e1", "e2", "v"}
    assert await db.delete_graph("g", drop_collections=True) is True
    assert _names(arango_emulator) == set()
    assert not await db.has_graph("g")


def test_drop_overlapping_graph_over_raw_http(raw: Any, arango_emulator: Emulator) -> None:
    arango_emulator.server.create_database("testdb")
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/gharial", {"name": "g", "edgeDefinitions": OVERLAPPING}
    )
    assert status == 202
    status, body, _ = raw("DELETE", "/_db/testdb/_api/gharial/g?dropCollections=true")
    assert (status, body) == (202, {"error": False, "code": 202, "removed": True})
    assert _names(arango_emulator) == set()
    status, body, _ = raw("DELETE", "/_db/testdb/_api/gharial/g?dropCollections=true")
    assert (status, body["errorNum"], body["errorMessage"]) == (404, 1924, "graph 'g' not found")


async def test_collections_another_graph_uses_are_kept(db: Any, arango_emulator: Emulator) -> None:
    await db.create_graph("g", edge_definitions=OVERLAPPING, orphan_collections=["lonely"])
    # the other graph uses e1 as a vertex collection only
    await db.create_graph(
        "other", edge_definitions=[{"collection": "x", "from": ["e1"], "to": ["w"]}]
    )
    assert await db.delete_graph("g", drop_collections=True) is True
    assert _names(arango_emulator) == {"e1", "x", "w"}
    assert await db.delete_graph("other", drop_collections=True) is True
    assert _names(arango_emulator) == set()


def _as(raw: Any, user: str) -> Any:
    """``raw`` with another user's credentials."""
    token = base64.b64encode(f"{user}:pw".encode()).decode()

    def call(method: str, url: str, body: Any = None) -> Any:
        return raw(method, url, body, headers={"authorization": f"Basic {token}"})

    return call


def _user(raw: Any, name: str, grants: dict[str, str]) -> None:
    assert raw("POST", "/_api/user", {"user": name, "passwd": "pw"})[0] == 201
    for target, level in grants.items():
        path = "/".join(["/_api/user", name, "database", *target.split(".")])
        assert raw("PUT", path, {"grant": level})[0] == 200


def test_drop_graph_without_rights_on_one_collection_changes_nothing(
    raw: Any, arango_emulator: Emulator
) -> None:
    arango_emulator.server.create_database("testdb")
    raw("POST", "/_db/testdb/_api/gharial", {"name": "g", "edgeDefinitions": OVERLAPPING})
    raw("POST", "/_db/testdb/_api/document/v", {"_key": "a"})
    _user(raw, "u", {"testdb": "rw", "testdb.v": "ro"})
    as_u = _as(raw, "u")
    status, body, _ = as_u("DELETE", "/_db/testdb/_api/gharial/g?dropCollections=true")
    assert (status, body["errorNum"], body["errorMessage"]) == (403, 11, "forbidden")
    # all or nothing: the graph, its collections and their documents are all still there
    assert raw("GET", "/_db/testdb/_api/gharial/g")[0] == 200
    assert _names(arango_emulator) == {"e1", "e2", "v"}
    assert raw("GET", "/_db/testdb/_api/document/v/a")[0] == 200
    # without dropCollections the same user may drop the graph itself
    status, body, _ = as_u("DELETE", "/_db/testdb/_api/gharial/g")
    assert (status, body["removed"]) == (202, True)
    assert _names(arango_emulator) == {"e1", "e2", "v"}


async def test_remove_edge_definition_without_rights_changes_nothing(
    db: Any, raw: Any, arango_emulator: Emulator
) -> None:
    graph = await db.create_graph("g", edge_definitions=OVERLAPPING)
    _user(raw, "u", {"testdb": "rw", "testdb.e2": "ro"})
    as_u = _as(raw, "u")
    status, body, _ = as_u("DELETE", "/_db/testdb/_api/gharial/g/edge/e2?dropCollections=true")
    assert (status, body["errorNum"]) == (403, 11)
    assert await graph.has_edge_definition("e2")
    assert "e2" in _names(arango_emulator)
    with pytest.raises(EdgeDefinitionDeleteError) as exc:
        await graph.delete_edge_definition("nope", drop_collections=True)
    assert exc.value.error_code == 1930
    await graph.delete_edge_definition("e2", drop_collections=True)
    assert _names(arango_emulator) == {"e1", "v"}


async def test_drop_missing_graph(db: Any) -> None:
    with pytest.raises(GraphDeleteError) as exc:
        await db.delete_graph("nope", drop_collections=True)
    assert exc.value.error_code == 1924


# --------------------------------------------------------- memory release
class Server:
    """A standalone emulator (no request log: only the state's memory is measured)."""

    def __init__(self) -> None:
        self.emulator = Emulator(authentication=False, keep_requests=0)
        # the AQL parser's tables are built once per process: not what is measured
        self("POST", "/_api/cursor", {"query": "FOR d IN [] RETURN d"})

    def __call__(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        data = b"" if body is None else json.dumps(body).encode()
        request = BackendRequest.from_url(method, url, dict(headers), data)
        resp = self.emulator.handle_sync(request)
        assert resp.status < 300, (method, url, resp.status, resp.body[:300])
        return json.loads(resp.body) if resp.body else None

    def fill(self, prefix: str, collection: str, count: int, start: int = 0) -> None:
        step = 5_000
        for first in range(start, start + count, step):
            docs = [
                {"_key": f"k{i}", "n": i, "s": f"value {i % 97}", "pad": "x" * 40}
                for i in range(first, min(first + step, start + count))
            ]
            self(
                "POST",
                f"{prefix}/_api/document/{collection}?silent=true",
                docs,
            )


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


def _in_use() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _indexed(server: Server, prefix: str, name: str) -> None:
    server("POST", f"{prefix}/_api/collection", {"name": name})
    server(
        "POST", f"{prefix}/_api/index?collection={name}", {"type": "persistent", "fields": ["s"]}
    )


def _cursor_and_transactions(server: Server, prefix: str, name: str) -> None:
    """What else may hold a database's data: an open cursor over ``name``, a finished
    stream transaction (its tombstone) and a running one (on a small collection: a
    transaction's own copy of what it writes is not what is measured here)."""
    server("POST", f"{prefix}/_api/cursor", {"query": f"FOR d IN {name} RETURN d", "batchSize": 2})
    server("POST", f"{prefix}/_api/collection", {"name": "small"})
    for finish in ("PUT", None):
        trx = server(
            "POST", f"{prefix}/_api/transaction/begin", {"collections": {"write": ["small"]}}
        )
        tid = trx["result"]["id"]
        server(
            "POST",
            f"{prefix}/_api/cursor",
            {"query": f"FOR d IN {name} LIMIT 2 INSERT {{n: d.n}} INTO small"},
            **{"x-arango-trx-id": tid},
        )
        if finish:
            server(finish, f"{prefix}/_api/transaction/{tid}")


def test_dropping_a_database_gives_its_memory_back(traced: None) -> None:
    server = Server()
    before = _in_use()
    server("POST", "/_api/database", {"name": "big"})
    _indexed(server, "/_db/big", "c")
    server.fill("/_db/big", "c", 50_000)
    _cursor_and_transactions(server, "/_db/big", "c")
    taken = _in_use() - before
    assert taken > 20 * MiB  # the measurement sees the data
    server("DELETE", "/_api/database/big")
    server("GET", "/_api/version")
    left = _in_use() - before
    assert left < taken // 20, (taken, left)
    # the database is gone for good, cursors and transactions included
    assert server.emulator.server.transactions.transactions == {}


def test_truncate_and_drop_collection_give_memory_back(traced: None) -> None:
    server = Server()
    server("POST", "/_api/collection", {"name": "keep"})
    _indexed(server, "", "c")
    before = _in_use()
    server.fill("", "c", 20_000)
    taken = _in_use() - before
    assert taken > 8 * MiB
    server("PUT", "/_api/collection/c/truncate")
    assert _in_use() - before < taken // 20
    server.fill("", "c", 20_000)
    # a running stream transaction that read the collection does not keep it alive
    trx = server("POST", "/_api/transaction/begin", {"collections": {"write": ["keep"]}})
    tid = trx["result"]["id"]
    server(
        "POST",
        "/_api/cursor",
        {"query": "FOR d IN c LIMIT 1 INSERT {n: d.n} INTO keep"},
        **{"x-arango-trx-id": tid},
    )
    server("DELETE", "/_api/collection/c")
    server("DELETE", f"/_api/transaction/{tid}")
    left = _in_use() - before
    assert left < taken // 20, (taken, left)


def test_insert_delete_cycles_reach_a_steady_state(traced: None) -> None:
    server = Server()
    _indexed(server, "", "c")
    base = _in_use()
    after: list[int] = []
    for cycle in range(3):
        server.fill("", "c", 20_000)
        if cycle % 2:
            keys = [f"k{i}" for i in range(20_000)]
            server("DELETE", "/_api/document/c?silent=true", keys)
            del keys
        else:
            server("POST", "/_api/cursor", {"query": "FOR d IN c REMOVE d IN c"})
        after.append(_in_use() - base)
    assert server("GET", "/_api/collection/c/count")["count"] == 0
    growth = after[2] - after[0]
    assert growth < 256 * KiB, after


def test_remove_orphan_without_rights_changes_nothing(raw: Any, arango_emulator: Emulator) -> None:
    arango_emulator.server.create_database("testdb")
    body = {"name": "g", "edgeDefinitions": OVERLAPPING, "orphanCollections": ["lonely"]}
    assert raw("POST", "/_db/testdb/_api/gharial", body)[0] == 202
    _user(raw, "u", {"testdb": "rw", "testdb.lonely": "ro"})
    as_u = _as(raw, "u")
    for query in ("", "?dropCollection=true"):
        status, body, _ = as_u("DELETE", "/_db/testdb/_api/gharial/g/vertex/lonely" + query)
        assert (status, body["errorNum"]) == (403, 11)
    assert raw("GET", "/_db/testdb/_api/gharial/g")[1]["graph"]["orphanCollections"] == ["lonely"]
    status, body, _ = raw("DELETE", "/_db/testdb/_api/gharial/g/vertex/lonely?dropCollection=true")
    assert (status, body["graph"]["orphanCollections"]) == (202, [])
    assert _names(arango_emulator) == {"e1", "e2", "v"}


def test_deleting_every_document_frees_the_collections_table(traced: None) -> None:
    server = Server()
    server("POST", "/_api/collection", {"name": "c"})
    server.fill("", "c", 1)
    server("DELETE", "/_api/document/c/k0")
    before = _in_use()
    server.fill("", "c", 20_000)
    keys = [f"k{i}" for i in range(20_000)]
    server("DELETE", "/_api/document/c?silent=true", keys)
    del keys
    left = _in_use() - before
    assert left < 64 * KiB, left  # the emptied dict's table alone was about 400 KiB


async def test_renamed_collection_documents_carry_the_new_id(arango_db, arango_emulator) -> None:
    """After a rename every document reads back with the new collection name in its _id, by
    key, through AQL and through an index lookup."""
    col = await arango_db.create_collection("before")
    await col.add_index(type="persistent", fields=["n"])
    await col.insert_many([{"_key": f"k{i}", "n": i} for i in range(3)])
    await col.rename("after")
    renamed = arango_db.collection("after")
    assert (await renamed.get("k1"))["_id"] == "after/k1"
    cursor = await arango_db.aql.execute("FOR d IN after FILTER d.n == 2 RETURN d._id")
    assert [x async for x in cursor] == ["after/k2"]
    cursor = await arango_db.aql.execute("FOR d IN after SORT d.n RETURN d._id")
    assert [x async for x in cursor] == ["after/k0", "after/k1", "after/k2"]
