"""Single-document CRUD: metadata, merge rules, revisions and the errors users meet."""

from __future__ import annotations

import pytest
import pytest_asyncio

from ._helpers import masked
from .facade import Collection, Database, ServerError

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def items(db: Database) -> Collection:
    return await db.create_collection("items")


async def test_insert_returns_metadata_and_new(items: Collection) -> None:
    meta = await items.insert({"_key": "a", "n": 1, "tags": ["x"]})
    assert masked(meta) == {"_id": "items/a", "_key": "a", "_rev": "<_rev>"}
    both = await items.insert({"_key": "b", "n": 2}, return_new=True)
    assert masked(both) == {
        "_id": "items/b",
        "_key": "b",
        "_rev": "<_rev>",
        "new": {"_key": "b", "_id": "items/b", "_rev": "<_rev>", "n": 2},
    }
    assert both["new"]["_rev"] == both["_rev"]
    assert list(both["new"]) == ["_key", "_id", "_rev", "n"]


async def test_get_has_and_count(items: Collection) -> None:
    meta = await items.insert({"_key": "a", "nested": {"x": [1, 2.5, None, True]}})
    doc = await items.get("a")
    assert doc == {
        "_key": "a",
        "_id": "items/a",
        "_rev": meta["_rev"],
        "nested": {"x": [1, 2.5, None, True]},
    }
    assert await items.get("items/a") == doc
    assert await items.get("missing") is None
    assert (await items.has("a"), await items.has("missing")) == (True, False)
    assert await items.count() == 1


async def test_update_merges_and_keep_null(items: Collection) -> None:
    first = await items.insert({"_key": "a", "n": 1, "obj": {"x": 1, "y": 2}, "gone": 0})
    meta = await items.update({"_key": "a", "obj": {"y": 3, "z": 4}, "gone": None, "m": 2})
    assert masked(meta) == {"_id": "items/a", "_key": "a", "_rev": "<_rev>", "_oldRev": "<_oldRev>"}
    assert meta["_oldRev"] == first["_rev"] != meta["_rev"]
    assert masked(await items.get("a")) == {
        "_key": "a",
        "_id": "items/a",
        "_rev": "<_rev>",
        "n": 1,
        "obj": {"x": 1, "y": 3, "z": 4},
        "gone": None,
        "m": 2,
    }
    await items.update(
        {"_key": "a", "gone": None, "obj": {"w": 0}}, keep_null=False, merge_objects=False
    )
    assert masked(await items.get("a")) == {
        "_key": "a",
        "_id": "items/a",
        "_rev": "<_rev>",
        "n": 1,
        "obj": {"w": 0},
        "m": 2,
    }


async def test_replace_keeps_only_the_new_body(items: Collection) -> None:
    await items.insert({"_key": "a", "n": 1, "old": True})
    result = await items.replace({"_key": "a", "n": 2}, return_old=True, return_new=True)
    assert masked(result) == {
        "_id": "items/a",
        "_key": "a",
        "_rev": "<_rev>",
        "_oldRev": "<_oldRev>",
        "old": {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 1, "old": True},
        "new": {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 2},
    }


async def test_delete_returns_metadata(items: Collection) -> None:
    await items.insert({"_key": "a"})
    meta = await items.delete("a", return_old=True)
    assert masked(meta) == {
        "_id": "items/a",
        "_key": "a",
        "_rev": "<_rev>",
        "old": {"_key": "a", "_id": "items/a", "_rev": "<_rev>"},
    }
    assert await items.count() == 0


async def test_duplicate_key(items: Collection) -> None:
    await items.insert({"_key": "a", "n": 1})
    with pytest.raises(ServerError) as exc:
        await items.insert({"_key": "a", "n": 2})
    assert (exc.value.error_code, exc.value.http_code) == (1210, 409)
    assert exc.value.error_message == (
        "unique constraint violated - in index primary of type primary over '_key'; "
        "conflicting key: a"
    )
    assert masked(await items.get("a")) == {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 1}


@pytest.mark.parametrize(
    "key", ["has space", "a/b", "", "x" * 255], ids=["space", "slash", "empty", "too-long"]
)
async def test_illegal_keys(items: Collection, key: str) -> None:
    with pytest.raises(ServerError) as exc:
        await items.insert({"_key": key})
    assert (exc.value.error_code, exc.value.http_code) == (1221, 400)
    assert exc.value.error_message == "illegal document key"
    assert await items.count() == 0


async def test_revision_preconditions(items: Collection) -> None:
    meta = await items.insert({"_key": "a", "n": 1})
    stale = {"_key": "a", "_rev": "_aaaaaaaaaa", "n": 2}
    with pytest.raises(ServerError) as upd:
        await items.update(stale, check_rev=True)
    assert (upd.value.error_code, upd.value.http_code) == (1200, 412)
    assert upd.value.error_message == "conflict, _rev values do not match"
    with pytest.raises(ServerError) as rep:
        await items.replace(stale, check_rev=True)
    assert (rep.value.error_code, rep.value.http_code) == (1200, 412)
    ok = await items.update({"_key": "a", "_rev": meta["_rev"], "n": 3}, check_rev=True)
    assert ok["_oldRev"] == meta["_rev"]
    assert masked(await items.get("a")) == {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 3}


async def test_missing_documents_and_collections(db: Database, items: Collection) -> None:
    with pytest.raises(ServerError) as delete:
        await items.delete("missing")
    assert (delete.value.error_code, delete.value.http_code) == (1202, 404)
    assert delete.value.error_message == "document not found"
    with pytest.raises(ServerError) as update:
        await items.update({"_key": "missing", "n": 1})
    assert (update.value.error_code, update.value.http_code) == (1202, 404)
    with pytest.raises(ServerError) as get:
        await db.collection("nope").get("a")
    assert (get.value.error_code, get.value.http_code) == (1203, 404)
    assert get.value.error_message == "collection or view not found: nope"
    with pytest.raises(ServerError) as insert:
        await db.collection("nope").insert({"_key": "a"})
    assert (insert.value.error_code, insert.value.http_code) == (1203, 404)


async def test_edges_need_from_and_to(db: Database) -> None:
    edges = await db.create_collection("links", edge=True)
    meta = await edges.insert({"_key": "e", "_from": "items/a", "_to": "items/b", "w": 1})
    assert masked(meta) == {"_id": "links/e", "_key": "e", "_rev": "<_rev>"}
    edge = await edges.get("e")
    assert edge is not None
    assert list(edge) == ["_key", "_id", "_from", "_to", "_rev", "w"]
    with pytest.raises(ServerError) as exc:
        await edges.insert({"_key": "f", "_from": "items/a"})
    assert (exc.value.error_code, exc.value.http_code) == (1233, 400)
    with pytest.raises(ServerError) as bad:
        await edges.insert({"_key": "g", "_from": "nocollection", "_to": "items/b"})
    assert (bad.value.error_code, bad.value.http_code) == (1233, 400)
