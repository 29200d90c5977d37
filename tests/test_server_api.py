"""Server information routes through arangoasync, in-process and over loopback HTTP."""

from __future__ import annotations

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import ServerConnectionError, ServerVersionError


async def test_version_in_process(arango_sys_db):
    info = await arango_sys_db.version()
    assert info["server"] == "arango"
    assert info["version"].startswith("3.12.")
    details = await arango_sys_db.version(details=True)
    assert details["details"]["mode"] == "server"


async def test_engine_and_role(arango_sys_db):
    engine = await arango_sys_db.engine()
    assert engine["name"] == "rocksdb"
    status = await arango_sys_db.status()
    assert status["serverInfo"]["role"] == "SINGLE"
    assert (await arango_sys_db.time()).year >= 2024


async def test_version_over_http(arango_url):
    async with ArangoClient(hosts=arango_url) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        info = await db.version()
        assert info["version"].startswith("3.12.")


async def test_wrong_password_is_401(arango_client):
    db = await arango_client.db("_system", auth=Auth("root", "wrong"))
    with pytest.raises(ServerVersionError) as exc:
        await db.version()
    assert exc.value.http_code == 401
    assert exc.value.error_code == 11


async def test_verify_rejects_bad_credentials(arango_client):
    with pytest.raises(ServerConnectionError):
        await arango_client.db("_system", auth=Auth("root", "wrong"), verify=True)


async def test_server_mode_round_trip(sys_db):
    assert await sys_db.mode() == "default"
    assert await sys_db.set_mode("readonly") == "readonly"
    assert (await sys_db.status())["serverInfo"]["readOnly"] is True
    assert await sys_db.set_mode("default") == "default"


async def test_server_mode_errors(raw):
    status, body, _ = raw("PUT", "/_admin/server/mode", {"mode": "sleepy"})
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 400, "mode invalid")
    status, body, _ = raw("GET", "/_admin/server/mode")
    assert body == {"error": False, "code": 200, "mode": "default"}


async def test_server_id_is_cluster_only(raw):
    status, body, _ = raw("GET", "/_admin/server/id")
    assert (status, body["errorNum"]) == (500, 500)


async def test_log_levels(sys_db):
    levels = await sys_db.log_levels()
    assert levels["queries"] == "INFO"
    changed = await sys_db.set_log_levels(queries="DEBUG")
    assert changed["queries"] == "DEBUG"
    assert (await sys_db.log_levels())["queries"] == "DEBUG"
    entries = await sys_db.read_log_entries()
    assert entries["total"] == 0


async def test_admin_misc(sys_db):
    echoed = await sys_db.echo({"ping": 1})
    assert echoed["requestType"] == "POST"
    assert echoed["database"] == "_system"
    assert (await sys_db.license())["status"] == "good"
    info = await sys_db.support_info()
    assert info["deployment"] == {"type": "single"}
    assert info["host"]["role"] == "SINGLE"
    metrics = await sys_db.metrics()
    assert "# TYPE arangodb_databases_total gauge" in metrics
    await sys_db.compact()
    await sys_db.reload_routing()
    progress = await sys_db.shutdown_progress()
    assert progress["softShutdownOngoing"] is False


async def test_shutdown_answers_but_keeps_serving(raw):
    status, body, _ = raw("DELETE", "/_admin/shutdown")
    assert (status, body) == (200, "OK")
    assert raw("GET", "/_api/version")[0] == 200


async def test_endpoint_and_statistics(raw):
    status, body, _ = raw("GET", "/_api/endpoint")
    assert status == 200 and body[0]["endpoint"].startswith("http")
    status, body, _ = raw("GET", "/_db/testdb/_api/endpoint")
    assert status in (401, 404)
    status, body, _ = raw("GET", "/_admin/statistics")
    assert status == 200 and {"system", "client", "http", "server"} <= set(body)
    status, body, _ = raw("GET", "/_admin/statistics-description")
    assert status == 200 and body["groups"][0]["group"] == "system"
