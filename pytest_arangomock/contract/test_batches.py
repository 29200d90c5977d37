"""Batch document operations: one answer per input, errors in place, order kept."""

from __future__ import annotations

import pytest
import pytest_asyncio

from ._helpers import masked
from .facade import Collection, Database

pytestmark = pytest.mark.asyncio

DUPLICATE_A = {
    "error": True,
    "errorNum": 1210,
    "errorMessage": "unique constraint violated - in index primary of type primary over "
    "'_key'; conflicting key: a",
}
NOT_FOUND = {"error": True, "errorNum": 1202, "errorMessage": "document not found"}


@pytest_asyncio.fixture
async def items(db: Database) -> Collection:
    return await db.create_collection("items")


async def test_insert_many_reports_errors_in_place(items: Collection) -> None:
    result = await items.insert_many([{"_key": "a", "n": 1}, {"_key": "a", "n": 2}, {"_key": "b"}])
    assert masked(result) == [
        {"_id": "items/a", "_key": "a", "_rev": "<_rev>"},
        DUPLICATE_A,
        {"_id": "items/b", "_key": "b", "_rev": "<_rev>"},
    ]
    assert masked(await items.get("a")) == {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 1}
    assert await items.count() == 2


async def test_insert_many_with_overwrite_modes(items: Collection) -> None:
    await items.insert_many([{"_key": "a", "n": 1, "keep": True}])
    ignored = await items.insert_many([{"_key": "a", "n": 9}], overwrite_mode="ignore")
    assert masked(ignored) == [{"_id": "items/a", "_key": "a", "_rev": "<_rev>"}]
    updated = await items.insert_many(
        [{"_key": "a", "n": 2}, {"_key": "c", "n": 3}], overwrite_mode="update", return_new=True
    )
    assert masked(updated) == [
        {
            "_id": "items/a",
            "_key": "a",
            "_rev": "<_rev>",
            "_oldRev": "<_oldRev>",
            "new": {"_key": "a", "_id": "items/a", "_rev": "<_rev>", "n": 2, "keep": True},
        },
        {
            "_id": "items/c",
            "_key": "c",
            "_rev": "<_rev>",
            "new": {"_key": "c", "_id": "items/c", "_rev": "<_rev>", "n": 3},
        },
    ]


async def test_update_replace_delete_many(items: Collection) -> None:
    await items.insert_many([{"_key": k, "n": i} for i, k in enumerate("abc")])
    updated = await items.update_many([{"_key": "a", "m": 1}, {"_key": "zz", "m": 1}])
    assert masked(updated) == [
        {"_id": "items/a", "_key": "a", "_rev": "<_rev>", "_oldRev": "<_oldRev>"},
        NOT_FOUND,
    ]
    replaced = await items.replace_many([{"_key": "b", "x": 1}], return_old=True)
    assert masked(replaced) == [
        {
            "_id": "items/b",
            "_key": "b",
            "_rev": "<_rev>",
            "_oldRev": "<_oldRev>",
            "old": {"_key": "b", "_id": "items/b", "_rev": "<_rev>", "n": 1},
        }
    ]
    deleted = await items.delete_many(["c", "zz", "a"])
    assert masked(deleted) == [
        {"_id": "items/c", "_key": "c", "_rev": "<_rev>"},
        NOT_FOUND,
        {"_id": "items/a", "_key": "a", "_rev": "<_rev>"},
    ]
    assert masked([await items.get(k) for k in "abc"]) == [
        None,
        {"_key": "b", "_id": "items/b", "_rev": "<_rev>", "x": 1},
        None,
    ]


async def test_get_many_keeps_order(items: Collection) -> None:
    await items.insert_many([{"_key": k, "n": i} for i, k in enumerate("abc")])
    docs = await items.get_many(["c", "a", "items/b"])
    assert [(d["_key"], d["n"]) for d in docs] == [("c", 2), ("a", 0), ("b", 1)]


async def test_import_bulk(items: Collection) -> None:
    lines = [{"_key": "a", "n": 1}, {"_key": "b", "n": 2}, {"_key": "a", "n": 3}, {}]
    result = await items.import_bulk(lines, complete=False)
    assert result == {
        "error": False,
        "created": 3,
        "errors": 1,
        "empty": 0,
        "updated": 0,
        "ignored": 0,
        "details": [
            "at position 2: creating document failed with error 'unique constraint violated', "
            'offending document: {"_key":"a","n":3}'
        ],
    }
    assert await items.count() == 3
