"""Indexes: definitions as the server reports them, uniqueness, sparseness, deletion."""

from __future__ import annotations

import re
from typing import Any

import pytest
import pytest_asyncio

from .facade import Collection, Database, Driver, ServerError

pytestmark = pytest.mark.asyncio


def _definition(index: dict[str, Any]) -> dict[str, Any]:
    """The index, its generated numeric id checked and masked."""
    data = dict(index)
    collection, _, number = str(data["id"]).partition("/")
    assert number == "0" if data["type"] == "primary" else re.fullmatch(r"[1-9][0-9]*", number)
    data["id"] = f"{collection}/<id>"
    return data


@pytest_asyncio.fixture
async def items(db: Database) -> Collection:
    col = await db.create_collection("items")
    await col.insert_many([{"_key": "a", "sku": "A1"}, {"_key": "b", "sku": "B1"}, {"_key": "c"}])
    return col


async def test_persistent_unique_index(client: Driver, items: Collection) -> None:
    created = await items.add_index("persistent", ["sku"], unique=True, sparse=True, name="by_sku")
    expected = {
        "cacheEnabled": False,
        "deduplicate": True,
        "estimates": True,
        "fields": ["sku"],
        "id": "items/<id>",
        "isNewlyCreated": True,
        "name": "by_sku",
        "selectivityEstimate": 1,
        "sparse": True,
        "type": "persistent",
        "unique": True,
    }
    assert _definition(created) == client.shown(expected)
    again = await items.add_index("persistent", ["sku"], unique=True, sparse=True, name="by_sku")
    assert _definition(again) == client.shown({**expected, "isNewlyCreated": False})
    assert again["id"] == created["id"]

    with pytest.raises(ServerError) as exc:
        await items.insert({"_key": "d", "sku": "A1"})
    assert (exc.value.error_code, exc.value.http_code) == (1210, 409)
    assert exc.value.error_message == (
        "unique constraint violated - in index by_sku of type persistent over 'sku'; "
        "conflicting key: a"
    )
    await items.insert({"_key": "e"})  # sparse: documents without sku never conflict
    assert await items.count() == 4


async def test_listing_and_deleting(client: Driver, items: Collection) -> None:
    created = await items.add_index("persistent", ["sku", "n"], name="pair")
    listed = [_definition(i) for i in await items.indexes()]
    assert [(i["name"], i["type"], i["fields"], i["unique"]) for i in listed] == [
        ("primary", "primary", ["_key"], True),
        ("pair", "persistent", ["sku", "n"], False),
    ]
    assert listed[0] == client.shown(
        {
            "fields": ["_key"],
            "id": "items/<id>",
            "name": "primary",
            "selectivityEstimate": 1,
            "sparse": False,
            "type": "primary",
            "unique": True,
        }
    )
    assert await items.delete_index(created["id"]) is True
    assert [i["name"] for i in await items.indexes()] == ["primary"]
    with pytest.raises(ServerError) as exc:
        await items.delete_index(created["id"])
    assert (exc.value.error_code, exc.value.http_code) == (1212, 404)
    assert exc.value.error_message == "index not found"


async def test_unique_index_over_duplicates_fails(items: Collection) -> None:
    await items.insert({"_key": "d", "sku": "A1"})
    with pytest.raises(ServerError) as exc:
        await items.add_index("persistent", ["sku"], unique=True)
    assert (exc.value.error_code, exc.value.http_code) == (1210, 400)
    assert [i["name"] for i in await items.indexes()] == ["primary"]


async def test_index_serves_aql_lookups(db: Database, items: Collection) -> None:
    await items.add_index("persistent", ["sku"], name="by_sku")
    cursor = await db.query(
        "FOR d IN items FILTER d.sku >= 'A' && d.sku < 'C' SORT d.sku DESC RETURN d._key"
    )
    assert await cursor.rest() == ["b", "a"]
