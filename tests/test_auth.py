"""Authentication (Basic, JWT, superuser JWT, /_open/auth) and permission enforcement."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from arangoasync.auth import Auth, JwtToken
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    CollectionCreateError,
    DatabaseCreateError,
    DocumentGetError,
    DocumentInsertError,
    JWTRefreshError,
    ServerVersionError,
    TransactionInitError,
)

from pytest_arangomock import BackendRequest, Emulator

SECRET = "unit-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def arango_emulator() -> Emulator:
    """This module's emulator accepts superuser tokens signed with ``SECRET``."""
    return Emulator(jwt_secret=SECRET)


def _send(emulator, method, url, body=None, headers=None):
    data = json.dumps(body) if body is not None else None
    resp = emulator.handle_sync(BackendRequest.from_url(method, url, headers or {}, data))
    return resp.status, (json.loads(resp.body) if resp.body else None), resp.headers


def _basic(user, password):
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


async def test_user_jwt(client):
    db = await client.db("_system", auth_method="jwt", auth=Auth("root", ""))
    assert (await db.version())["server"] == "arango"


async def test_user_jwt_wrong_password(client):
    db = await client.db("_system", auth_method="jwt", auth=Auth("root", "bad"))
    with pytest.raises(JWTRefreshError):
        await db.version()


async def test_superuser_token(client):
    token = JwtToken.generate_token(SECRET)
    db = await client.db("_system", auth_method="superuser", token=token)
    assert "_system" in await db.databases()
    assert (await db.jwt_secrets())["result"]["active"]["sha256"]


async def test_token_with_other_secret_is_rejected(arango_emulator):
    token = jwt.encode(
        {"iss": "arangodb", "server_id": "x"},
        "another-secret-that-is-long-enough-too",
        algorithm="HS256",
    )
    status, body, _ = _send(
        arango_emulator, "GET", "/_api/version", headers={"authorization": f"bearer {token}"}
    )
    assert (status, body["errorNum"]) == (401, 11)


async def test_expired_token_is_rejected(arango_emulator):
    past = int(time.time()) - 10
    payload = {"iss": "arangodb", "server_id": "x", "iat": past - 100, "exp": past}
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    status, body, _ = _send(
        arango_emulator, "GET", "/_api/version", headers={"authorization": f"bearer {token}"}
    )
    assert (status, body["errorNum"]) == (401, 11)


async def test_open_auth(arango_emulator):
    for url in ("/_open/auth", "/_db/_system/_open/auth"):
        status, body, _ = _send(arango_emulator, "POST", url, {"username": "root", "password": ""})
        assert status == 200 and list(body) == ["jwt"]
        claims = jwt.decode(body["jwt"], SECRET, algorithms=["HS256"])
        assert (claims["preferred_username"], claims["iss"]) == ("root", "arangodb")
        bearer = {"authorization": "bearer " + body["jwt"]}
        assert _send(arango_emulator, "GET", "/_api/version", headers=bearer)[0] == 200
    status, body, headers = _send(
        arango_emulator, "POST", "/_open/auth", {"username": "root", "password": "x"}
    )
    assert (status, body["errorNum"], body["errorMessage"]) == (401, 401, "Wrong credentials")
    assert "www-authenticate" in headers
    status, body, _ = _send(arango_emulator, "POST", "/_open/auth", {"username": "root"})
    assert (status, body["errorNum"]) == (400, 400)


async def test_missing_and_wrong_credentials(arango_emulator):
    for headers in ({}, _basic("root", "nope"), _basic("ghost", ""), {"authorization": "Digest x"}):
        status, body, hdrs = _send(arango_emulator, "GET", "/_api/version", headers=headers)
        assert status == 401
        assert list(body) == ["error", "errorNum", "errorMessage", "code"]
        assert body == {
            "error": True,
            "errorNum": 11,
            "errorMessage": "not authorized to execute this request",
            "code": 401,
        }
        assert hdrs["www-authenticate"].startswith("Basic")
    _, _, hdrs = _send(
        arango_emulator, "GET", "/_api/version", headers={"x-omit-www-authenticate": "1"}
    )
    assert "www-authenticate" not in hdrs


async def test_availability_needs_no_credentials(arango_emulator):
    status, body, _ = _send(arango_emulator, "GET", "/_admin/server/availability")
    assert (status, body["mode"]) == (200, "default")


async def test_unknown_database(arango_emulator):
    status, body, _ = _send(
        arango_emulator, "GET", "/_db/nowhere/_api/version", headers=_basic("root", "")
    )
    assert (status, body["errorNum"]) == (404, 1228)
    assert list(body) == ["error", "errorNum", "errorMessage", "code"]
    status, body, _ = _send(arango_emulator, "GET", "/_db/nowhere/_api/version")
    assert (status, body["errorNum"]) == (401, 11)


async def test_inactive_user_is_rejected(sys_db, client):
    await sys_db.create_user({"user": "off", "password": "pw", "active": False})
    await sys_db.update_permission("off", "rw", "_system")
    off = await client.db("_system", auth=Auth("off", "pw"))
    with pytest.raises(ServerVersionError) as exc:
        await off.version()
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


@pytest.fixture
async def shop(sys_db, arango_emulator):
    """A database ``shop`` with collections ``orders`` and ``secret`` and three users."""
    arango_emulator.server.create_database("shop")
    for name in ("orders", "secret"):
        arango_emulator.database("shop").create_collection(name)
    for user, level in (("writer", "rw"), ("reader", "ro"), ("stranger", "none")):
        await sys_db.create_user({"user": user, "password": "pw"})
        await sys_db.update_permission(user, level, "shop")
    await sys_db.update_permission("reader", "none", "shop", "secret")


async def test_rw_user_can_write(shop, client):
    db = await client.db("shop", auth=Auth("writer", "pw"))
    meta = await db.collection("orders").insert({"_key": "1"})
    assert meta["_key"] == "1"
    assert await db.create_collection("more")


async def test_ro_user_cannot_write(shop, client):
    db = await client.db("shop", auth=Auth("reader", "pw"))
    with pytest.raises(DocumentInsertError) as exc:
        await db.collection("orders").insert({"_key": "1"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 1004)
    assert exc.value.error_message == "read only: orders [write]"
    with pytest.raises(CollectionCreateError) as exc2:
        await db.create_collection("more")
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 11)
    assert await db.collection("orders").get("1") is None


async def test_collection_grant_denies_reading(shop, client):
    db = await client.db("shop", auth=Auth("reader", "pw"))
    with pytest.raises(DocumentGetError) as exc:
        await db.collection("secret").get("1")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "forbidden: secret [read]"


async def test_collection_grant_allows_writing(shop, sys_db, client):
    await sys_db.update_permission("reader", "rw", "shop", "orders")
    db = await client.db("shop", auth=Auth("reader", "pw"))
    assert (await db.collection("orders").insert({"_key": "2"}))["_key"] == "2"


async def test_user_without_access_is_rejected(shop, client):
    db = await client.db("shop", auth=Auth("stranger", "pw"))
    with pytest.raises(DocumentGetError) as exc:
        await db.collection("orders").get("1")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    with pytest.raises(ServerVersionError) as exc2:
        await db.version()
    assert (exc2.value.http_code, exc2.value.error_code) == (401, 11)


async def test_aql_checks_collection_grants(shop, client):
    db = await client.db("shop", auth=Auth("reader", "pw"))
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("INSERT {_key: 'x'} INTO orders")
    assert (exc.value.http_code, exc.value.error_code) == (403, 1004)
    assert exc.value.error_message == "AQL: read only: orders [write] (while parsing)"
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("FOR d IN @@c RETURN d", bind_vars={"@c": "secret"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "AQL: forbidden: secret [read] (while parsing)"
    cursor = await db.aql.execute("FOR d IN orders RETURN d")  # reading is allowed
    assert [d async for d in cursor] == []
    writer = await client.db("shop", auth=Auth("writer", "pw"))
    await writer.aql.execute("FOR i IN 1..2 INSERT {_key: TO_STRING(i)} INTO orders")
    assert await writer.collection("orders").count() == 2


async def test_a_repeated_query_sees_every_grant_change(shop, sys_db, client):
    query = "FOR d IN orders FILTER d._key == @k RETURN d"
    reader = await client.db("shop", auth=Auth("reader", "pw"))
    stranger = await client.db("shop", auth=Auth("stranger", "pw"))
    for _ in range(2):  # the second run reuses the first's compilation and permission
        assert [d async for d in await reader.aql.execute(query, bind_vars={"k": "1"})] == []
    with pytest.raises(AQLQueryExecuteError) as exc:  # another user: checked for itself
        await stranger.aql.execute(query, bind_vars={"k": "1"})
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    await sys_db.update_permission("reader", "none", "shop", "orders")
    with pytest.raises(AQLQueryExecuteError) as exc:
        await reader.aql.execute(query, bind_vars={"k": "1"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "AQL: forbidden: orders [read] (while parsing)"
    await sys_db.update_permission("reader", "ro", "shop", "orders")
    assert [d async for d in await reader.aql.execute(query, bind_vars={"k": "1"})] == []


async def test_read_only_mode_blocks_writes_until_switched_back(shop, sys_db, client):
    writer = await client.db("shop", auth=Auth("writer", "pw"))
    orders = writer.collection("orders")
    await orders.insert({"_key": "before"})  # the decision to admit writes is remembered
    assert await sys_db.set_mode("readonly") == "readonly"

    with pytest.raises(DocumentInsertError) as exc:
        await orders.insert({"_key": "during"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 1004)
    assert exc.value.error_message == "read only: orders [write]"
    with pytest.raises(AQLQueryExecuteError) as exc2:
        await writer.aql.execute("INSERT {} INTO orders")
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 1004)
    with pytest.raises(CollectionCreateError) as exc3:
        await sys_db.create_collection("more")  # root too
    assert (exc3.value.http_code, exc3.value.error_code) == (403, 11)
    with pytest.raises(DatabaseCreateError) as exc4:
        await sys_db.create_database("more")
    assert (exc4.value.http_code, exc4.value.error_code) == (403, 11)
    assert (await orders.get("before"))["_key"] == "before"  # reads still work

    token = JwtToken.generate_token(SECRET)  # a superuser token keeps its rights
    superuser = await client.db("shop", auth_method="superuser", token=token)
    assert (await superuser.collection("orders").insert({"_key": "su"}))["_key"] == "su"

    assert await sys_db.set_mode("default") == "default"
    assert (await orders.insert({"_key": "after"}))["_key"] == "after"
    assert await orders.count() == 3


async def test_stream_transactions_check_declared_collections(shop, client):
    db = await client.db("shop", auth=Auth("reader", "pw"))
    for declared, num, message in (
        ({"write": "orders"}, 1004, "read only: orders [write]"),
        ({"exclusive": "orders"}, 1004, "read only: orders [exclusive]"),
        ({"read": "secret"}, 11, "forbidden: secret [read]"),
    ):
        with pytest.raises(TransactionInitError) as exc:
            await db.begin_transaction(**declared)
        assert (exc.value.http_code, exc.value.error_code) == (403, num)
        assert exc.value.error_message == message
    trx = await db.begin_transaction(read="orders")
    await trx.abort_transaction()
