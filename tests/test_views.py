"""Views API through arangoasync: arangosearch and search-alias views."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import (
    CollectionCreateError,
    ViewCreateError,
    ViewDeleteError,
    ViewGetError,
    ViewRenameError,
    ViewUpdateError,
)


async def test_create_arangosearch_defaults(db):
    await db.create_collection("docs")
    view = await db.create_view("v", "arangosearch", {"links": {"docs": {}}})
    assert view["name"] == "v" and view["type"] == "arangosearch"
    assert view["cleanupIntervalStep"] == 2 and view["commitIntervalMsec"] == 1000
    assert view["consolidationPolicy"]["type"] == "tier"
    assert view["primarySortCompression"] == "lz4" and view["storedValues"] == []
    assert view["links"] == {
        "docs": {
            "analyzers": ["identity"],
            "fields": {},
            "includeAllFields": False,
            "storeValues": "none",
            "trackListPositions": False,
        }
    }


async def test_properties_field_order(raw, db):
    await db.create_collection("docs")
    status, created, _ = raw("POST", "/_db/testdb/_api/view", {"name": "v", "type": "arangosearch"})
    assert status == 201
    assert list(created)[:5] == ["globallyUniqueId", "id", "name", "type", "cleanupIntervalStep"]
    assert list(created)[-1] == "links"
    status, info, _ = raw("GET", "/_db/testdb/_api/view/v")
    assert status == 200
    assert list(info) == ["error", "code", "type", "name", "id", "globallyUniqueId"]


async def test_list_get_rename_delete(db):
    await db.create_view("b_view", "arangosearch")
    await db.create_view("a_view", "search-alias")
    listed = await db.views()
    assert [v["name"] for v in listed] == ["a_view", "b_view"]
    info = await db.view_info("b_view")
    assert info["type"] == "arangosearch"
    await db.rename_view("b_view", "c_view")
    assert (await db.view("c_view"))["name"] == "c_view"
    with pytest.raises(ViewGetError) as exc:
        await db.view("b_view")
    assert exc.value.error_code == 1203 and exc.value.http_code == 404
    assert await db.delete_view("c_view") is True
    assert await db.delete_view("c_view", ignore_missing=True) is False
    with pytest.raises(ViewDeleteError) as exc:
        await db.delete_view("c_view")
    assert exc.value.error_code == 1203


async def test_update_and_replace(db):
    await db.create_collection("a")
    await db.create_collection("b")
    await db.create_view(
        "v",
        "arangosearch",
        {"commitIntervalMsec": 500, "links": {"a": {"includeAllFields": True}}},
    )
    link = {"fields": {"t": {"analyzers": ["text_en"]}}}
    patched = await db.update_view("v", {"cleanupIntervalStep": 5, "links": {"b": link}})
    assert patched["commitIntervalMsec"] == 500 and patched["cleanupIntervalStep"] == 5
    assert set(patched["links"]) == {"a", "b"}
    assert patched["links"]["b"]["fields"] == {"t": {"analyzers": ["text_en"]}}
    replaced = await db.replace_view("v", {"links": {"b": {}}})
    assert replaced["commitIntervalMsec"] == 1000 and replaced["cleanupIntervalStep"] == 2
    assert set(replaced["links"]) == {"b"}
    removed = await db.update_view("v", {"links": {"b": None}})
    assert removed["links"] == {}


async def test_errors(db):
    await db.create_collection("taken")
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("taken", "arangosearch")
    assert exc.value.error_code == 1207 and exc.value.http_code == 409
    await db.create_view("v", "arangosearch")
    with pytest.raises(CollectionCreateError) as exc:
        await db.create_collection("v")
    assert exc.value.error_code == 1207
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("w", "arangosearch", {"links": {"missing": {}}})
    assert exc.value.error_code == 1203 and exc.value.http_code == 404
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("w", "arangosearch", {"links": {"taken": {"analyzers": ["nope"]}}})
    assert exc.value.error_code == 10 and exc.value.http_code == 400
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("w", "arangosearch", {"commitIntervalMsec": -1})
    assert exc.value.error_code == 10
    with pytest.raises(ViewCreateError) as exc:
        await db.create_view("1bad", "arangosearch")
    assert exc.value.error_code == 1208
    with pytest.raises(ViewUpdateError) as exc:
        await db.update_view("nope", {})
    assert exc.value.error_code == 1203
    with pytest.raises(ViewRenameError) as exc:
        await db.rename_view("v", "taken")
    assert exc.value.error_code == 1207


async def test_search_alias_indexes(db):
    col = await db.create_collection("books")
    await col.add_index("inverted", ["title"], {"name": "inv_title"})
    await col.add_index("inverted", ["description"], {"name": "inv_descr"})
    view = await db.create_view(
        "alias", "search-alias", {"indexes": [{"collection": "books", "index": "inv_title"}]}
    )
    assert view["indexes"] == [{"collection": "books", "index": "inv_title"}]
    patched = await db.update_view(
        "alias", {"indexes": [{"collection": "books", "index": "inv_descr"}]}
    )
    assert [i["index"] for i in patched["indexes"]] == ["inv_title", "inv_descr"]
    removed = await db.update_view(
        "alias", {"indexes": [{"collection": "books", "index": "inv_title", "operation": "del"}]}
    )
    assert [i["index"] for i in removed["indexes"]] == ["inv_descr"]
    replaced = await db.replace_view("alias", {"indexes": []})
    assert replaced["indexes"] == []
    with pytest.raises(ViewUpdateError) as exc:
        await db.update_view("alias", {"indexes": [{"collection": "books", "index": "zzz"}]})
    assert exc.value.error_code == 1212


async def test_dropped_collection_leaves_links(db):
    col = await db.create_collection("gone")
    await db.create_view("v", "arangosearch", {"links": {"gone": {}}})
    await db.delete_collection(col.name)
    assert (await db.view("v"))["links"] == {}


async def test_fragment_in_path_is_ignored(raw, db):
    await db.create_view("v", "arangosearch")
    status, body, _ = raw("GET", "/_db/testdb/_api/view/v/properties#ArangoSearch")
    assert status == 200 and body["name"] == "v"
