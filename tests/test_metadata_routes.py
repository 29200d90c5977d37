"""Server metadata as ArangoDB answers it: the statistics descriptions and the required
database version."""

from __future__ import annotations

import json
from typing import Any

from pytest_arangomock.backend import BackendRequest
from pytest_arangomock.emulator import Emulator


async def test_statistics_description_lists_every_figure(raw: Any) -> None:
    status, body, _ = raw("GET", "/_admin/statistics-description")
    assert status == 200 and list(body) == ["groups", "figures", "error", "code"]
    assert [g["group"] for g in body["groups"]] == [
        "system",
        "client",
        "clientUser",
        "http",
        "server",
    ]
    figures = {(f["group"], f["identifier"]): f for f in body["figures"]}
    assert len(figures) == len(body["figures"]) == 34
    total = figures[("client", "totalTime")]
    assert list(total) == ["group", "identifier", "name", "description", "type", "cuts", "units"]
    assert total["type"] == "distribution" and total["units"] == "seconds"
    assert figures[("clientUser", "bytesSent")]["cuts"] == [250, 1000, 2000, 5000, 10000]
    assert "cuts" not in figures[("server", "uptime")]
    assert figures[("http", "requestsPatch")]["name"] == "HTTP PATCH requests"
    # every figure the statistics report carries is described
    _, stats, _ = raw("GET", "/_admin/statistics")
    for group in ("system", "http"):
        assert {i for g, i in figures if g == group} <= set(stats[group])


async def test_target_version_is_the_numeric_server_version(raw: Any) -> None:
    status, body, _ = raw("GET", "/_admin/database/target-version")
    assert (status, body) == (200, {"version": "31210", "error": False, "code": 200})


async def test_figures_with_details_report_the_engine(db: Any, raw: Any) -> None:
    col = await db.create_collection("things")
    await col.add_index(type="persistent", fields=["tags[*]"])
    await col.add_index(type="persistent", fields=["x"], options={"sparse": True})
    await col.insert_many([{"tags": ["a", "b"], "x": 1}, {"tags": ["c"]}])
    base = "/_db/testdb/_api/collection/things/figures"
    _, plain, _ = raw("GET", base)
    assert "engine" not in plain["figures"]
    status, body, _ = raw("GET", base + "?details=true")
    assert status == 200
    engine = body["figures"]["engine"]
    assert engine["documents"] == 2
    assert [(i["type"], i["count"]) for i in engine["indexes"]] == [
        ("primary", 2),
        ("persistent", 3),
        ("persistent", 1),
    ]
    assert all(isinstance(i["id"], int) for i in engine["indexes"])


async def test_engine_lists_each_index_type_once_with_its_aliases(raw: Any) -> None:
    status, body, _ = raw("GET", "/_api/engine")
    assert status == 200 and list(body) == ["name", "supports"]
    assert body["name"] == "rocksdb" and list(body["supports"]) == ["indexes", "aliases"]
    indexes = body["supports"]["indexes"]
    assert indexes == [
        "primary",
        "edge",
        "hash",
        "skiplist",
        "ttl",
        "persistent",
        "geo",
        "fulltext",
        "mdi",
        "mdi-prefixed",
        "inverted",
        "vector",
    ]
    assert body["supports"]["aliases"] == {
        "indexes": {"hash": "persistent", "skiplist": "persistent", "zkd": "mdi"}
    }


def test_engine_leaves_vector_out_without_the_vector_index_option() -> None:
    emulator = Emulator(vector_index=False, authentication=False)
    resp = emulator.handle_sync(BackendRequest.from_url("GET", "/_api/engine", {}, b""))
    assert json.loads(resp.body)["supports"]["indexes"][-1] == "inverted"
