"""The request path remembers access decisions and credentials: every change must count.

Each test first lets a request succeed (so the emulator remembers the decision), then
changes grants, passwords, the user or the database, and checks the next request answers
exactly what a fresh check answers.
"""

from __future__ import annotations

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import DocumentGetError, DocumentInsertError

from pytest_arangomock import BackendRequest, Emulator


@pytest.fixture
async def shop(sys_db, arango_emulator):
    """Database ``shop`` with collection ``orders`` holding ``o1``; user ``clerk`` (rw)."""
    arango_emulator.server.create_database("shop")
    arango_emulator.database("shop").create_collection("orders")
    await sys_db.create_user({"user": "clerk", "password": "pw"})
    await sys_db.update_permission("clerk", "rw", "shop")
    return sys_db


async def _clerk_writes(client):
    db = await client.db("shop", auth=Auth("clerk", "pw"))
    orders = db.collection("orders")
    for i in range(3):  # more than once: later requests take the remembered decision
        await orders.insert({"_key": f"k{i}"})
        assert (await orders.get(f"k{i}"))["_key"] == f"k{i}"
    return orders


async def test_collection_grant_lowered_after_writes(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_permission("clerk", "ro", "shop", "orders")
    with pytest.raises(DocumentInsertError) as exc:
        await orders.insert({"_key": "late"})
    assert (exc.value.http_code, exc.value.error_code) == (403, 1004)
    assert exc.value.error_message == "read only: orders [write]"
    assert (await orders.get("k0"))["_key"] == "k0"


async def test_collection_grant_revoked_after_reads(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_permission("clerk", "none", "shop", "orders")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "forbidden: orders [read]"


async def test_database_grant_revoked(shop, client):
    orders = await _clerk_writes(client)
    await shop.reset_permission("clerk", "shop")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


async def test_password_change_and_deactivation(shop, client):
    orders = await _clerk_writes(client)
    await shop.update_user({"user": "clerk", "password": "new"})
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    await shop.update_user({"user": "clerk", "password": "pw", "active": False})
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


async def test_user_removed_and_recreated(shop, client):
    orders = await _clerk_writes(client)
    await shop.delete_user("clerk")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    await shop.create_user({"user": "clerk", "password": "pw"})
    await shop.update_permission("clerk", "ro", "shop")
    assert (await orders.get("k0"))["_key"] == "k0"
    with pytest.raises(DocumentInsertError) as exc2:
        await orders.insert({"_key": "again"})
    assert (exc2.value.http_code, exc2.value.error_code) == (403, 1004)


async def test_database_dropped_and_recreated(shop, client, arango_emulator):
    orders = await _clerk_writes(client)
    await shop.delete_database("shop")
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)
    arango_emulator.server.create_database("shop")
    arango_emulator.database("shop").create_collection("orders")
    # the grant went with the database: a new database needs a new grant
    with pytest.raises(DocumentGetError) as exc:
        await orders.get("k0")
    assert (exc.value.http_code, exc.value.error_code) == (401, 11)


def test_without_authentication_decisions_follow_root():
    emulator = Emulator(authentication=False)
    emulator.database().create_collection("c")

    def send(method: str, path: str, body: bytes = b"") -> int:
        return emulator.handle_sync(BackendRequest(method, path, {}, {}, body)).status

    for i in range(3):
        assert send("POST", "/_api/document/c", b'{"_key":"k%d"}' % i) == 202
        assert send("GET", f"/_api/document/c/k{i}") == 200
    assert send("GET", "/_api/document/c/nope") == 404
    assert send("GET", "/_db/nowhere/_api/document/c/k0") == 404
    assert send("GET", "/_api/no/such/path") == 404
