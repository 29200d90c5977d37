"""Replication and WAL endpoints: ArangoDB's shapes, read-only state of a single server."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import ReplicationClusterInventoryError


async def test_logger_state(sys_db: Any, raw: Any) -> None:
    state = await sys_db.replication.logger_state()
    assert state["state"]["running"] is True
    assert state["server"]["engine"] == "rocksdb"
    assert state["clients"] == []
    _, body, _ = raw("GET", "/_api/replication/logger-state")
    assert list(body) == ["state", "server", "clients"]
    assert list(body["state"]) == [
        "running",
        "lastLogTick",
        "lastUncommittedLogTick",
        "totalEvents",
        "time",
    ]


async def test_ticks_follow_writes(sys_db: Any, raw: Any) -> None:
    before = int((await sys_db.replication.logger_state())["state"]["lastLogTick"])
    await sys_db.create_collection("ticks")
    after = int((await sys_db.replication.logger_state())["state"]["lastLogTick"])
    assert after > before
    _, last, _ = raw("GET", "/_api/wal/lastTick")
    assert int(last["tick"]) >= after
    assert list(last) == ["time", "tick", "server"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_server_id_and_applier(sys_db: Any) -> None:
    server_id = await sys_db.replication.server_id()
    assert isinstance(server_id, str) and server_id.isdigit()
    config = await sys_db.replication.applier_config()
    assert config["endpoint"] == "" and config["database"] == "_system"
    assert config["autoStart"] is False
    state = await sys_db.replication.applier_state()
    assert state["state"]["running"] is False
    assert state["state"]["phase"] == "inactive"
    assert state["server"]["serverId"] == server_id


def test_inventory_raw(raw: Any, arango_emulator: Any) -> None:
    raw("POST", "/_api/collection", {"name": "inv"})
    raw("POST", "/_api/index?collection=inv", {"type": "persistent", "fields": ["a"]})
    status, batch, _ = raw("POST", "/_api/replication/batch", {"ttl": 30})
    assert status == 200 and list(batch) == ["id", "lastTick", "state"]
    status, inv, _ = raw(
        "GET", f"/_api/replication/inventory?batchId={batch['id']}&includeSystem=false"
    )
    assert status == 200
    assert [c["parameters"]["name"] for c in inv["collections"]] == ["inv"]
    assert [i["type"] for i in inv["collections"][0]["indexes"]] == ["persistent"]
    # TRI_vocbase_t::inventory writes the database's properties before collections and views
    assert list(inv) == ["properties", "collections", "views", "state", "tick"]
    assert inv["properties"]["name"] == "_system" and inv["properties"]["isSystem"] is True
    with_system = raw("GET", "/_api/replication/inventory")[1]
    assert any(c["parameters"]["name"] == "_users" for c in with_system["collections"])
    assert raw("PUT", f"/_api/replication/batch/{batch['id']}", {"ttl": 10})[0] == 204
    assert raw("DELETE", f"/_api/replication/batch/{batch['id']}")[0] == 204
    status, err, _ = raw("DELETE", f"/_api/replication/batch/{batch['id']}")
    assert (status, err["errorNum"]) == (404, 1600)
    status, err, _ = raw("GET", f"/_api/replication/inventory?batchId={batch['id']}")
    assert (status, err["errorNum"]) == (404, 1600)


async def test_cluster_inventory_is_coordinator_only(sys_db: Any) -> None:
    with pytest.raises(ReplicationClusterInventoryError) as exc:
        await sys_db.replication.cluster_inventory()
    assert (exc.value.http_code, exc.value.error_code) == (403, 1471)


def test_logger_ticks(raw: Any) -> None:
    _, first, _ = raw("GET", "/_api/replication/logger-first-tick")
    _, ranges, _ = raw("GET", "/_api/replication/logger-tick-ranges")
    assert int(first["firstTick"]) <= int(ranges[0]["tickMax"])
    assert list(ranges[0]) == ["datafile", "status", "tickMin", "tickMax"]


def test_wal_admin(raw: Any) -> None:
    assert raw("PUT", "/_admin/wal/flush")[:2] == (200, {"error": False, "code": 200, "result": {}})
    status, props, _ = raw("GET", "/_admin/wal/properties")
    assert status == 200 and props["historicLogfiles"] == 10
    _, trx, _ = raw("GET", "/_admin/wal/transactions")
    assert trx == {"runningTransactions": 0, "minLastCollected": None, "minLastSealed": None}
    status, rng, _ = raw("GET", "/_api/wal/range")
    assert status == 200 and int(rng["tickMin"]) <= int(rng["tickMax"])


def test_wal_tail_has_nothing_new(raw: Any) -> None:
    tick = raw("GET", "/_api/wal/lastTick")[1]["tick"]
    status, body, headers = raw("GET", f"/_api/wal/tail?from={tick}")
    assert (status, body) == (204, None)
    assert headers["content-type"] == "application/x-arango-dump"
    assert headers["x-arango-replication-checkmore"] == "false"
    assert headers["x-arango-replication-lasttick"] == tick


def test_replication_admin_only(raw: Any, arango_emulator: Any) -> None:
    raw("POST", "/_api/user", {"user": "reader", "passwd": "pw"})
    raw("PUT", "/_api/user/reader/database/_system", {"grant": "ro"})
    reader = type(raw)(arango_emulator, "reader", "pw")
    for url in ("/_api/wal/lastTick", "/_admin/wal/properties"):
        status, body, _ = reader("GET", url)
        assert (status, body["errorNum"]) == (403, 11), url
