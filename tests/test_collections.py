"""Collections API through arangoasync (both transports) plus raw checks of field order."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import (
    CollectionCreateError,
    CollectionDeleteError,
    CollectionPropertiesError,
    CollectionRenameError,
    CollectionShardsError,
)
from arangoasync.typings import CollectionType

from pytest_arangomock.emulator.api.collections import merge_order

PROPERTY_ORDER = [
    "error", "code", "writeConcern", "waitForSync", "usesRevisionsAsDocumentIds",
    "syncByRevision", "supportsRBAC", "statusString", "id", "isSmartChild", "schema",
    "name", "type", "status", "cacheEnabled", "isSystem", "internalValidatorType",
    "globallyUniqueId", "keyOptions", "computedValues", "objectId",
]  # fmt: skip


async def test_create_list_and_drop(db):
    col = await db.create_collection("products", wait_for_sync=True)
    edges = await db.create_collection("links", col_type=CollectionType.EDGE)
    props = await col.properties()
    assert props.wait_for_sync is True and props.name == "products"
    assert (await edges.properties())["type"] == 3
    names = {c.name for c in await db.collections()}
    assert {"products", "links", "_graphs", "_analyzers"} <= names
    assert {c.name for c in await db.collections(exclude_system=True)} == {"products", "links"}
    assert await db.delete_collection("products") is True
    assert not await db.has_collection("products")


async def test_create_errors(db):
    await db.create_collection("dup")
    with pytest.raises(CollectionCreateError) as exc:
        await db.create_collection("dup")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    for bad in ("1abc", "_sys", "a/b", " lead", "x" * 257):
        with pytest.raises(CollectionCreateError) as exc:
            await db.create_collection(bad)
        assert (exc.value.http_code, exc.value.error_code) == (400, 1208)
    assert (await db.create_collection("x" * 256)).name == "x" * 256
    sys_col = await db.create_collection("_mine", is_system=True)
    assert (await sys_col.properties()).is_system is True


def test_create_validation_raw(raw, arango_emulator):
    arango_emulator.server.create_database("v")
    url = "/_db/v/_api/collection"
    status, body, _ = raw("POST", url, {"name": ""})
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 1208, "illegal name")
    status, body, _ = raw("POST", url, [1])
    assert (status, body["errorNum"]) == (400, 1208)
    cases = [
        ({"type": "nope"}, "invalid key generator type"),
        ({"type": "autoincrement", "increment": 0}, "increment value must be greater than zero"),
        ({"type": "autoincrement", "offset": -1}, "offset value must be zero or greater"),
    ]
    for opts, message in cases:
        status, body, _ = raw("POST", url, {"name": "k", "keyOptions": opts})
        assert (status, body["errorNum"], body["errorMessage"]) == (400, 1232, message)
    status, body, _ = raw("POST", url, {"name": "s", "schema": {"rule": 1}})
    assert (status, body["errorNum"]) == (400, 1621)
    status, body, _ = raw("POST", url, {"name": "s", "schema": {"rule": {}, "level": "x"}})
    assert body["errorMessage"] == "Valid validation levels are: none, new, moderate, strict"
    status, body, _ = raw("POST", url, {"name": "c", "computedValues": [{"name": "a"}]})
    assert (status, body["errorNum"]) == (400, 10)
    assert "'overwrite' must be a boolean" in body["errorMessage"]
    # nothing was created by the failing requests
    status, body, _ = raw("GET", url + "?excludeSystem=true")
    assert body["result"] == []


def test_field_order_matches_arangodb(raw, arango_emulator):
    arango_emulator.server.create_database("o")
    status, body, _ = raw("POST", "/_db/o/_api/collection", {"name": "products"})
    assert status == 200 and list(body) == PROPERTY_ORDER
    _, body, headers = raw("GET", "/_db/o/_api/collection/products/count")
    assert list(body) == [*PROPERTY_ORDER[:14], "count", *PROPERTY_ORDER[14:]]
    assert headers["location"] == "/_db/o/_api/collection/products/count"
    _, body, _ = raw("GET", "/_db/o/_api/collection/products/checksum")
    assert list(body)[2:] == [
        "isSystem", "status", "type", "name", "id", "revision", "globallyUniqueId", "checksum"
    ]  # fmt: skip
    _, body, _ = raw("GET", "/_db/o/_api/collection")
    entry = next(c for c in body["result"] if c["name"] == "products")
    assert list(entry) == ["id", "name", "status", "type", "isSystem", "globallyUniqueId"]


def test_merge_order_is_hash_order_not_insertion_order():
    keys = ["id", "name", "status", "type", "isSystem", "globallyUniqueId"]
    assert sorted(merge_order(keys)) == sorted(keys)
    assert merge_order(keys) != keys
    assert merge_order(["error", "code"]) == ["code", "error"]


async def test_properties_configure_and_key_options(db):
    col = await db.create_collection(
        "auto",
        key_options={"type": "autoincrement", "increment": 5, "offset": 10, "allowUserKeys": True},
    )
    props = await col.properties()
    assert props["keyOptions"]["type"] == "autoincrement"
    assert (props["keyOptions"]["increment"], props["keyOptions"]["offset"]) == (5, 10)
    assert props["keyOptions"]["lastValue"] == 0
    schema = {"rule": {"type": "object"}, "level": "moderate", "message": "no"}
    new = await col.configure(wait_for_sync=True, schema=schema)
    assert new.wait_for_sync is True
    assert new.schema == {
        "message": "no",
        "level": "moderate",
        "type": "json",
        "rule": schema["rule"],
    }
    assert (await col.properties()).schema["level"] == "moderate"
    uuid = await db.create_collection("u", key_options={"type": "uuid", "allowUserKeys": False})
    assert "lastValue" not in (await uuid.properties())["keyOptions"]
    with pytest.raises(CollectionPropertiesError) as exc:
        await db.collection("missing").properties()
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)


async def test_count_figures_revision_checksum_truncate(db, arango_emulator):
    col = await db.create_collection("c")
    state = arango_emulator.server.database("testdb").collections["c"]
    empty_sum = await col.checksum()
    for i in range(3):
        state.store({"_key": str(i), "_id": f"c/{i}", "_rev": f"_r{i}", "v": i}, None)
    assert await col.count() == 3
    stats = await col.statistics()
    assert stats.figures["documentsSize"] > 0
    assert stats.figures["indexes"]["count"] == 1
    assert isinstance(await col.revision(), str)
    full = await col.checksum(with_data=True)
    assert full != empty_sum and full != await col.checksum()
    await col.truncate()
    assert await col.count() == 0
    assert await col.checksum() == empty_sum
    assert await col.load_indexes() is True
    await col.recalculate_count()
    with pytest.raises(CollectionShardsError) as exc:
        await col.shards()
    assert (exc.value.http_code, exc.value.error_code) == (501, 9)


async def test_rename_and_system_rules(db):
    col = await db.create_collection("old")
    await col.rename("new")
    assert await db.has_collection("new") and not await db.has_collection("old")
    other = await db.create_collection("taken")
    with pytest.raises(CollectionRenameError) as exc:
        await other.rename("new")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
    with pytest.raises(CollectionRenameError) as exc:
        await other.rename("_sys")
    assert exc.value.error_code == 1208
    await db.create_collection("_example", is_system=True)
    with pytest.raises(CollectionDeleteError) as exc:
        await db.delete_collection("_example")
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert await db.delete_collection("_example", is_system=True) is True
    with pytest.raises(CollectionDeleteError) as exc:
        await db.delete_collection("_example")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)


def test_lookup_by_id_and_unknown_action(raw, arango_emulator):
    arango_emulator.server.create_database("i")
    _, created, _ = raw("POST", "/_db/i/_api/collection", {"name": "byid"})
    status, body, _ = raw("GET", f"/_db/i/_api/collection/{created['id']}/properties")
    assert status == 200 and body["name"] == "byid"
    status, body, _ = raw("GET", "/_db/i/_api/collection/byid/nope")
    assert (status, body["errorNum"]) == (404, 404)
    status, body, _ = raw("PUT", "/_db/i/_api/collection/byid/responsibleShard", {"_key": "a"})
    assert (status, body["errorNum"]) == (501, 1471)
    status, body, _ = raw("DELETE", f"/_db/i/_api/collection/{created['id']}")
    assert status == 200 and list(body) == ["error", "code", "id"]
