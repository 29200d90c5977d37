"""Collections: create, list, properties, truncate, drop, and their errors."""

from __future__ import annotations

import pytest

from .facade import Database, ServerError

pytestmark = pytest.mark.asyncio


async def test_create_list_and_properties(db: Database) -> None:
    await db.create_collection("items")
    await db.create_collection("links", edge=True)
    await db.create_collection(
        "autos",
        key_options={"type": "autoincrement", "increment": 5, "allowUserKeys": True},
    )
    listed = sorted(
        (c["name"], c["type"]) for c in await db.collections() if not c["name"].startswith("_")
    )
    assert listed == [("autos", 2), ("items", 2), ("links", 3)]
    assert await db.has_collection("items") is True
    assert await db.has_collection("nope") is False

    props = await db.collection("items").properties()
    assert props == {
        "name": "items",
        "type": 2,
        "waitForSync": False,
        "isSystem": False,
        "schema": None,
        "keyOptions": {"allowUserKeys": True, "type": "traditional", "lastValue": 0},
    }
    autos = await db.collection("autos").properties()
    assert autos["keyOptions"] == {
        "allowUserKeys": True,
        "type": "autoincrement",
        "offset": 0,
        "increment": 5,
        "lastValue": 0,
    }


async def test_autoincrement_keys(db: Database) -> None:
    autos = await db.create_collection(
        "autos",
        key_options={"type": "autoincrement", "increment": 5, "offset": 10, "allowUserKeys": True},
    )
    keys = [(await autos.insert({}))["_key"] for _ in range(3)]
    assert keys == ["10", "15", "20"]


async def test_truncate_and_drop(db: Database) -> None:
    items = await db.create_collection("items")
    await items.insert_many([{"_key": str(i)} for i in range(4)])
    assert await items.count() == 4
    await items.truncate()
    assert await items.count() == 0
    assert await db.delete_collection("items") is True
    assert await db.has_collection("items") is False


async def test_collection_errors(db: Database) -> None:
    await db.create_collection("items")
    with pytest.raises(ServerError) as dup:
        await db.create_collection("items")
    assert (dup.value.error_code, dup.value.http_code) == (1207, 409)
    assert dup.value.error_message == "duplicate name"
    with pytest.raises(ServerError) as bad:
        await db.create_collection("bad/name")
    assert (bad.value.error_code, bad.value.http_code) == (1208, 400)
    assert bad.value.error_message == "illegal name: collection name invalid"
    with pytest.raises(ServerError) as missing:
        await db.delete_collection("nope")
    assert (missing.value.error_code, missing.value.http_code) == (1203, 404)
    assert missing.value.error_message == "collection or view not found"
    assert await db.delete_collection("nope", ignore_missing=True) is False
