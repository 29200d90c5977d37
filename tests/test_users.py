"""Users, permissions and access tokens through arangoasync (both transports) and raw HTTP."""

from __future__ import annotations

import time

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import (
    PermissionGetError,
    PermissionListError,
    PermissionUpdateError,
    UserCreateError,
    UserDeleteError,
    UserGetError,
    UserListError,
    UserReplaceError,
    UserUpdateError,
)


async def _user(sys_db, name="jane", password="pw", **extra):
    return await sys_db.create_user({"user": name, "password": password, **extra})


async def test_create_get_list(sys_db):
    created = await _user(sys_db, extra={"team": "a"})
    assert (created.user, created.active, created.extra) == ("jane", True, {"team": "a"})
    fetched = await sys_db.user("jane")
    assert fetched.extra == {"team": "a"}
    names = [u.user for u in await sys_db.users()]
    assert {"root", "jane"} <= set(names)
    assert await sys_db.has_user("jane") and not await sys_db.has_user("nobody")


async def test_user_response_shape(raw):
    status, body, _ = raw("POST", "/_api/user", {"user": "shape", "passwd": "x"})
    assert status == 201
    assert body == {"user": "shape", "active": True, "extra": {}, "code": 201, "error": False}
    assert list(body) == ["user", "active", "extra", "code", "error"]
    status, body, _ = raw("DELETE", "/_api/user/shape")
    assert (status, body) == (202, {"error": False, "code": 202})


async def test_update_and_replace(sys_db, client):
    await _user(sys_db, extra={"a": 1})
    updated = await sys_db.update_user({"user": "jane", "active": False})
    assert (updated.active, updated.extra) == (False, {"a": 1})
    replaced = await sys_db.replace_user({"user": "jane", "password": "new"})
    assert (replaced.active, replaced.extra) == (True, {})
    jane = await client.db("_system", auth=Auth("jane", "new"))
    assert (await jane.user("jane")).user == "jane"


async def test_errors(sys_db):
    await _user(sys_db)
    with pytest.raises(UserCreateError) as exc:
        await _user(sys_db)
    assert (exc.value.http_code, exc.value.error_code) == (409, 1702)
    for call, error in (
        (sys_db.user("ghost"), UserGetError),
        (sys_db.update_user({"user": "ghost", "active": True}), UserUpdateError),
        (sys_db.replace_user({"user": "ghost", "password": "x"}), UserReplaceError),
        (sys_db.delete_user("ghost"), UserDeleteError),
    ):
        with pytest.raises(error) as exc2:
            await call
        assert (exc2.value.http_code, exc2.value.error_code) == (404, 1703)
    assert await sys_db.delete_user("ghost", ignore_missing=True) is False
    with pytest.raises(UserDeleteError) as exc3:
        await sys_db.delete_user("root")
    assert (exc3.value.http_code, exc3.value.error_code) == (403, 11)


async def test_empty_name_is_invalid(raw):
    status, body, _ = raw("POST", "/_api/user", {"passwd": "x"})
    assert (status, body["errorNum"]) == (400, 1700)


async def test_grant_read_and_reset(sys_db, arango_emulator):
    arango_emulator.server.create_database("shop")
    arango_emulator.database("shop").create_collection("orders")
    await _user(sys_db)
    assert await sys_db.permission("jane", "shop") == "none"
    await sys_db.update_permission("jane", "ro", "shop")
    await sys_db.update_permission("jane", "rw", "shop", "orders")
    assert await sys_db.permission("jane", "shop") == "ro"
    assert await sys_db.permission("jane", "shop", "orders") == "rw"
    assert await sys_db.permissions("jane", full=False) == {"shop": "ro"}
    full = await sys_db.permissions("jane")
    assert full["shop"]["permission"] == "ro"
    assert full["shop"]["collections"]["orders"] == "rw"
    assert full["_system"]["permission"] == "undefined"
    assert full["*"] == {"permission": "none"}
    await sys_db.reset_permission("jane", "shop", "orders")
    assert await sys_db.permission("jane", "shop", "orders") == "ro"
    await sys_db.reset_permission("jane", "shop")
    assert await sys_db.permission("jane", "shop") == "none"


async def test_wildcard_and_system_fallback(sys_db, arango_emulator):
    arango_emulator.server.create_database("other")
    await _user(sys_db)
    await sys_db.update_permission("jane", "ro", "*")
    assert await sys_db.permission("jane", "other") == "ro"
    await sys_db.update_permission("jane", "rw", "_system")
    assert await sys_db.permission("jane", "other") == "rw"
    await sys_db.update_permission("jane", "none", "other")
    assert await sys_db.permission("jane", "other") == "none"


async def test_grant_response_and_errors(raw, arango_emulator):
    raw("POST", "/_api/user", {"user": "g", "passwd": ""})
    status, body, _ = raw("PUT", "/_api/user/g/database/_system", {"grant": "rw"})
    assert status == 200
    assert list(body.items()) == [("_system", "rw"), ("code", 200), ("error", False)]
    status, body, _ = raw("PUT", "/_api/user/g/database/_system/missing", {"grant": "ro"})
    assert (status, body["errorNum"]) == (404, 1203)
    status, body, _ = raw("PUT", "/_api/user/g/database/nodb/c", {"grant": "ro"})
    assert (status, body["errorNum"]) == (404, 1228)
    status, body, _ = raw("PUT", "/_api/user/g/database/_system/_users", {"grant": "ro"})
    assert (status, body["errorNum"]) == (400, 10)
    status, body, _ = raw("PUT", "/_api/user/g/database/_system", {"grant": "admin"})
    assert (status, body["errorNum"]) == (400, 10)
    status, body, _ = raw("PUT", "/_api/user/root/database/_system", {"grant": "ro"})
    assert (status, body["errorNum"]) == (403, 11)
    status, body, _ = raw("PUT", "/_api/user/ghost/database/_system", {"grant": "ro"})
    assert (status, body["errorNum"]) == (404, 1703)
    status, body, _ = raw("GET", "/_api/user/ghost/database/_system")
    assert (status, body["result"]) == (200, "none")


async def test_non_admin_sees_only_itself(sys_db, client):
    await _user(sys_db)
    await _user(sys_db, "other")
    await sys_db.update_permission("jane", "ro", "_system")
    jane = await client.db("_system", auth=Auth("jane", "pw"))
    assert (await jane.user("jane")).user == "jane"
    assert await jane.permission("jane", "_system") == "ro"
    with pytest.raises(UserListError) as exc:
        await jane.users()
    assert (exc.value.http_code, exc.value.error_code) == (403, 403)
    with pytest.raises(UserGetError) as exc2:
        await jane.user("other")
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 403)
    with pytest.raises(PermissionGetError):
        await jane.permission("other", "_system")
    with pytest.raises(PermissionListError):
        await jane.permissions("other")
    with pytest.raises(PermissionUpdateError) as exc3:
        await jane.update_permission("jane", "rw", "_system")
    assert (exc3.value.http_code, exc3.value.error_code) == (403, 11)
    changed = await jane.update_user({"user": "jane", "extra": {"theme": "dark"}})
    assert changed.extra == {"theme": "dark"}


async def test_user_without_database_access_can_still_read_itself(sys_db, client):
    await _user(sys_db)
    jane = await client.db("_system", auth=Auth("jane", "pw"))
    assert (await jane.user("jane")).active is True
    with pytest.raises(UserListError) as exc:
        await jane.users()
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


async def test_access_tokens(sys_db, client):
    await _user(sys_db)
    expires = int(time.time()) + 3600
    token = await sys_db.create_access_token("jane", "ci", expires)
    assert token.token.startswith("v1.") and token.active
    listed = await sys_db.list_access_tokens("jane")
    assert [t["name"] for t in listed] == ["ci"]
    assert "token" not in listed[0]
    assert listed[0]["fingerprint"] == "v1..." + token.token[-6:]
    await sys_db.update_permission("jane", "ro", "_system")
    via_token = await client.db("_system", auth=Auth("jane", token.token))
    assert (await via_token.user("jane")).user == "jane"
    await sys_db.delete_access_token("jane", token.id)
    assert await sys_db.list_access_tokens("jane") == []
    revoked = await client.db("_system", auth=Auth("jane", token.token))
    with pytest.raises(UserGetError) as exc:
        await revoked.user("jane")
    assert exc.value.http_code == 401


async def test_user_config(raw):
    raw("POST", "/_api/user", {"user": "cfg", "passwd": ""})
    status, _, _ = raw("PUT", "/_api/user/cfg/config/graphs", {"value": {"x": 1}})
    assert status == 200
    assert raw("GET", "/_api/user/cfg/config/graphs")[1]["result"] == {"x": 1}
    raw("DELETE", "/_api/user/cfg/config/graphs")
    assert raw("GET", "/_api/user/cfg/config")[1]["result"] == {}
