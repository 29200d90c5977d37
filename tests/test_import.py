"""Bulk import (``POST /_api/import``) through arangoasync's ``import_bulk`` and raw HTTP."""

from __future__ import annotations

import json
from typing import Any

import pytest
from arangoasync.exceptions import DocumentInsertError

EDGE = 3


def _lines(*docs: Any) -> str:
    return "\n".join(json.dumps(d) for d in docs)


COUNTS = ("error", "created", "errors", "empty", "updated", "ignored")


async def test_json_lines_with_empty_lines(col):
    body = _lines({"_key": "a", "v": 1}, {"_key": "b"}) + "\n\n" + _lines({"v": 3}) + "\n"
    result = await col.import_bulk(body, doc_type="documents", details=False)
    assert list(result) == list(COUNTS)
    assert result == {
        "error": False,
        "created": 3,
        "errors": 0,
        "empty": 1,
        "updated": 0,
        "ignored": 0,
    }
    assert (await col.get("a"))["v"] == 1
    assert await col.has("b")


async def test_json_list_and_auto(col):
    result = await col.import_bulk(json.dumps([{"_key": "x"}, {"_key": "y"}]), doc_type="list")
    assert result["created"] == 2 and result["details"] == []
    result = await col.import_bulk(json.dumps([{"_key": "z"}]), doc_type="auto")
    assert result["created"] == 1
    result = await col.import_bulk(_lines({"_key": "w"}), doc_type="auto")
    assert result["created"] == 1
    assert await col.has("w")


async def test_errors_are_detailed_with_positions(col):
    await col.insert({"_key": "taken"})
    body = _lines({"_key": "new"}, {"_key": "taken", "v": 2}, [1, 2]) + "\n{broken\n"
    result = await col.import_bulk(body, doc_type="documents", complete=False)
    assert (result["created"], result["errors"]) == (1, 3)
    assert result["details"] == [
        "at position 3: invalid JSON type (expecting object), offending document: [1,2]",
        "at position 4: invalid JSON type (expecting object, probably parse error), "
        "offending context: {broken",
        "at position 1: creating document failed with error 'unique constraint violated', "
        'offending document: {"_key":"taken","v":2}',
    ]


@pytest.mark.parametrize(
    ("mode", "expected", "doc"),
    [
        ("update", {"created": 1, "updated": 1, "ignored": 0}, {"a": 1, "b": 2}),
        ("replace", {"created": 1, "updated": 1, "ignored": 0}, {"b": 2}),
        ("ignore", {"created": 1, "updated": 0, "ignored": 1}, {"a": 1}),
    ],
)
async def test_on_duplicate(col, mode, expected, doc):
    await col.insert({"_key": "k", "a": 1})
    body = _lines({"_key": "k", "b": 2}, {"_key": "fresh"})
    result = await col.import_bulk(body, doc_type="documents", on_duplicate=mode, complete=False)
    assert {k: result[k] for k in expected} == expected and result["errors"] == 0
    stored = await col.get("k")
    assert {k: v for k, v in stored.items() if not k.startswith("_")} == doc


async def test_complete_rolls_everything_back(col, raw):
    await col.insert({"_key": "dup"})
    body = _lines({"_key": "one"}, {"_key": "dup"})
    with pytest.raises(DocumentInsertError) as exc:
        await col.import_bulk(body, doc_type="documents", complete=True)
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    assert exc.value.error_message == "unique constraint violated"
    assert await col.has("dup") and not await col.has("one")
    twice = _lines({"_key": "one"}, {"_key": "one"})
    with pytest.raises(DocumentInsertError):
        await col.import_bulk(twice, doc_type="documents", complete=True, overwrite=True)
    assert await col.has("dup") and not await col.has("one")  # truncation undone too
    status, err, _ = raw(
        "POST", "/_db/testdb/_api/import?collection=c&type=list&complete=true", [{"_key": "x"}, 1]
    )
    assert (status, err["errorNum"]) == (400, 1227)
    assert not await col.has("x")


async def test_overwrite_truncates_first(col):
    await col.insert_many([{"_key": "old1"}, {"_key": "old2"}])
    result = await col.import_bulk(_lines({"_key": "n"}), doc_type="documents", overwrite=True)
    assert result["created"] == 1
    assert not await col.has("old1") and await col.has("n")


async def test_header_and_rows_format(col, raw):
    body = '[ "_key", "name", "n" ]\n[ "r1", "one", 1 ]\n\n[ "r2", null, 2 ]\n[ "r3", "x" ]\n5\n'
    result = await col.import_bulk(body, complete=False)
    assert (result["created"], result["errors"], result["empty"]) == (2, 2, 1)
    assert result["details"] == [
        "at position 4: wrong number of JSON values (got 2, expected 3)",
        "at position 5: no valid JSON array data",
    ]
    assert await col.get("r2") == {
        "_key": "r2",
        "_id": "c/r2",
        "_rev": (await col.get("r2"))["_rev"],
        "n": 2,
    }
    result = await col.import_bulk('["_key","a","b"]\n["r4", 1]', ignore_missing=True)
    assert result["created"] == 1 and (await col.get("r4"))["a"] == 1
    url = "/_db/testdb/_api/import?collection=c"
    status, err, _ = raw("POST", url, raw=b'{ "_key": "foo" }')
    assert (status, err["errorNum"], err["errorMessage"]) == (
        400,
        400,
        "no JSON array found in second line",
    )
    status, err, _ = raw("POST", url, raw=b'{"a": 1}\n[1]')
    assert (status, err["errorMessage"]) == (400, "no JSON string array found in first line")


async def test_edge_imports_and_prefixes(state, db):
    state.create_collection("e", EDGE)
    edges = db.collection("e")
    body = _lines({"_from": "1", "_to": "v/2"}, {"_from": "w/3", "_to": 4}, {"name": "no ends"})
    result = await edges.import_bulk(
        body, doc_type="documents", from_prefix="v", to_prefix="v/", complete=False
    )
    assert (result["created"], result["errors"]) == (2, 1)
    assert result["details"] == [
        "at position 3: missing '_from' or '_to' attribute, offending document: "
        '{"name":"no ends"}'
    ]
    stored = sorted((d["_from"], d["_to"]) for d in state.collection("e").docs.values())
    assert stored == [("v/1", "v/2"), ("w/3", "v/4")]
    result = await edges.import_bulk(
        _lines({"_key": "p", "_from": "w/9", "_to": "w/8"}),
        doc_type="documents",
        from_prefix="v",
        overwrite_collection_prefix=True,
    )
    assert (await edges.get("p"))["_from"] == "v/9"


async def test_missing_or_unknown_collection(db, raw):
    status, err, _ = raw("POST", "/_db/testdb/_api/import?type=documents", raw=b"{}")
    assert (status, err["errorNum"]) == (400, 1204)
    with pytest.raises(DocumentInsertError) as exc:
        await db.collection("nope").import_bulk('{"a": 1}', doc_type="documents")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)
    assert exc.value.error_message == "collection or view not found: nope"


async def test_list_body_must_be_an_array(col, raw):
    url = "/_db/testdb/_api/import?collection=c&type=list"
    status, err, _ = raw("POST", url, raw=b"{ }")
    assert (status, err["errorNum"], err["errorMessage"]) == (
        400,
        400,
        "expecting a JSON array in the request",
    )
    status, err, _ = raw("POST", url, raw=b"[{")
    assert status == 400 and err["errorMessage"].startswith("expecting a valid JSON array")
