"""Database management through arangoasync (both transports) and raw HTTP."""

from __future__ import annotations

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    DatabaseCreateError,
    DatabaseDeleteError,
    DatabaseListError,
)


async def test_create_list_and_delete(sys_db):
    assert await sys_db.create_database("shop") is True
    assert "shop" in await sys_db.databases()
    assert await sys_db.has_database("shop")
    assert await sys_db.delete_database("shop") is True
    assert not await sys_db.has_database("shop")
    assert await sys_db.delete_database("shop", ignore_missing=True) is False


async def test_databases_are_sorted_and_include_system(sys_db):
    for name in ("zeta", "alpha"):
        await sys_db.create_database(name)
    names = await sys_db.databases()
    assert names == sorted(names)
    assert {"_system", "alpha", "zeta"} <= set(names)


async def test_properties_of_new_database(sys_db, client):
    await sys_db.create_database("props", replication_factor=3, write_concern=2, sharding="single")
    db = await client.db("props", auth=Auth("root", ""))
    props = await db.properties()
    assert props.name == "props"
    assert props.is_system is False
    assert props.sharding == "single"
    assert props.replication_factor == 3
    assert props.write_concern == 2
    system = await sys_db.properties()
    assert (system.name, system.id, system.is_system) == ("_system", "1", True)


async def test_current_field_order(raw):
    status, body, _ = raw("GET", "/_api/database/current")
    assert status == 200
    assert list(body) == ["error", "code", "result"]
    keys = ["name", "id", "isSystem", "path", "sharding", "replicationFactor", "writeConcern"]
    assert list(body["result"]) == keys


async def test_duplicate_name(sys_db):
    await sys_db.create_database("twice")
    with pytest.raises(DatabaseCreateError) as exc:
        await sys_db.create_database("twice")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    assert "twice" in exc.value.error_message


@pytest.mark.parametrize("name", ["", "1abc", "_hidden", "a/b", "a:b", " lead", "x" * 129])
async def test_invalid_names(sys_db, name):
    with pytest.raises(DatabaseCreateError) as exc:
        await sys_db.create_database(name)
    assert (exc.value.http_code, exc.value.error_code) == (400, 1229)


async def test_extended_unicode_names_are_allowed(sys_db):
    assert await sys_db.create_database("Ünïcødé 数据库")
    assert "Ünïcødé 数据库" in await sys_db.databases()


async def test_non_nfc_name_is_rejected(raw):
    status, body, _ = raw("POST", "/_api/database", {"name": "cafe\u0301"})
    assert (status, body["errorNum"]) == (400, 1229)
    assert "NFC" in body["errorMessage"]


async def test_only_from_system(db):
    with pytest.raises(DatabaseListError) as exc:
        await db.databases()
    assert (exc.value.http_code, exc.value.error_code) == (403, 1230)
    with pytest.raises(DatabaseCreateError) as exc2:
        await db.create_database("nested")
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 1230)
    with pytest.raises(DatabaseDeleteError) as exc3:
        await db.delete_database("testdb")
    assert (exc3.value.http_code, exc3.value.error_code) == (403, 1230)


async def test_cannot_drop_system_or_missing(sys_db):
    with pytest.raises(DatabaseDeleteError) as exc:
        await sys_db.delete_database("_system")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    with pytest.raises(DatabaseDeleteError) as exc2:
        await sys_db.delete_database("nowhere")
    assert (exc2.value.http_code, exc2.value.error_code) == (404, 1228)


async def test_users_option_creates_and_grants(sys_db, client):
    users = [{"username": "alice", "password": "pw"}, {"username": "root", "password": ""}]
    await sys_db.create_database("team", users=users)
    assert await sys_db.permission("alice", "team") == "rw"
    assert await sys_db.permission("alice", "team", "anything") == "rw"
    alice = await client.db("team", auth=Auth("alice", "pw"))
    assert (await alice.properties()).name == "team"
    assert await alice.databases_accessible_to_user() == ["team"]


async def test_drop_removes_grants(sys_db):
    await sys_db.create_user({"user": "bob", "password": "pw"})
    await sys_db.create_database("gone")
    await sys_db.update_permission("bob", "rw", "gone")
    await sys_db.delete_database("gone")
    await sys_db.create_database("gone")
    assert await sys_db.permission("bob", "gone") == "none"


async def test_non_admin_cannot_create(sys_db, client):
    await sys_db.create_user({"user": "reader", "password": "pw"})
    await sys_db.update_permission("reader", "ro", "_system")
    reader = await client.db("_system", auth=Auth("reader", "pw"))
    with pytest.raises(DatabaseCreateError) as exc:
        await reader.create_database("nope")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert await reader.databases_accessible_to_user() == ["_system"]


async def test_unknown_database_suffix_and_bad_body(raw):
    status, body, _ = raw("GET", "/_api/database/other")
    assert (status, body["errorNum"]) == (400, 10)
    status, body, _ = raw("POST", "/_api/database", {"name": 5})
    assert (status, body["errorNum"]) == (400, 1229)
    status, body, _ = raw("POST", "/_api/database", {"name": "u", "users": "x"})
    assert (status, body["errorNum"]) == (400, 400)
