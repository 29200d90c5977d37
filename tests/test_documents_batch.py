"""Batch document operations: per-item errors, the error-codes header, silent mode."""

from __future__ import annotations

import json
from typing import Any

URL = "/_db/testdb/_api/document/c"


def _error(num: int, message: str) -> dict[str, Any]:
    return {"error": True, "errorNum": num, "errorMessage": message}


async def test_insert_many_reports_errors_per_item(col, raw):
    result = await col.insert_many([{"_key": "a"}, {"_key": "a"}, {"v": 1}], return_new=True)
    assert result[0]["_key"] == "a" and result[0]["new"]["_key"] == "a"
    assert result[1]["error"] is True and result[1]["errorNum"] == 1210
    assert result[2]["new"]["v"] == 1
    status, body, headers = raw("POST", URL, [{"_key": "a"}, 7, {"_key": "b/c"}, {"_key": "d"}])
    assert status == 202
    assert body[1] == _error(1227, "invalid document type")
    assert body[2] == _error(1221, "illegal document key")
    assert body[3]["_key"] == "d"
    assert json.loads(headers["x-arango-error-codes"]) == {"1210": 1, "1227": 1, "1221": 1}


async def test_get_many(col, raw):
    await col.insert_many([{"_key": "x", "v": 1}, {"_key": "y", "v": 2}])
    docs = await col.get_many(["x", "c/y", {"_key": "x"}, "missing"])
    assert [d["_key"] for d in docs] == ["x", "y", "x"]
    status, body, headers = raw("PUT", URL + "?onlyget=true", ["nope", 3, {"_id": "c/x"}, "x"])
    assert status == 200
    assert body[:3] == [
        _error(1202, "document not found"),
        _error(1205, "illegal document identifier"),
        _error(1205, "illegal document identifier"),
    ]
    assert body[3]["_key"] == "x" and "x-arango-error-codes" not in headers
    rev = body[3]["_rev"]
    _, body, _ = raw("PUT", URL + "?onlyget=true&ignoreRevs=false", [{"_key": "x", "_rev": "_bad"}])
    assert body == [_error(1200, "conflict")]
    _, body, _ = raw("PUT", URL + "?onlyget=true&ignoreRevs=false", [{"_key": "x", "_rev": rev}])
    assert body[0]["v"] == 1


async def test_update_and_replace_many(col):
    await col.insert_many([{"_key": "a", "v": 1, "o": {"p": 1}}, {"_key": "b", "v": 2}])
    res = await col.update_many(
        [{"_key": "a", "o": {"q": 2}}, {"_key": "zz"}, {"v": 3}], return_old=True
    )
    assert res[0]["old"]["o"] == {"p": 1} and "_oldRev" in res[0]
    assert res[1]["errorNum"] == 1202
    assert res[2]["errorNum"] == 1205
    assert (await col.get("a"))["o"] == {"p": 1, "q": 2}
    res = await col.replace_many([{"_key": "b", "w": 1}], return_new=True)
    assert res[0]["new"] == {"_key": "b", "_id": "c/b", "_rev": res[0]["_rev"], "w": 1}


async def test_batch_rev_conflicts_need_ignore_revs_false(col):
    metas = await col.insert_many([{"_key": "1"}, {"_key": "2"}])
    stale = [{"_key": "1", "_rev": "stale"}, {"_key": "2", "_rev": metas[1]["_rev"]}]
    res = await col.update_many(stale, ignore_revs=False)
    assert res[0] == _error(1200, "conflict, _rev values do not match")
    assert res[1]["_oldRev"] == metas[1]["_rev"]
    res = await col.delete_many([{"_key": "1", "_rev": "stale"}], ignore_revs=False)
    assert res == [_error(1200, "conflict, _rev values do not match")]
    assert await col.has("1")
    assert (await col.delete_many([{"_key": "1", "_rev": "stale"}]))[0]["_key"] == "1"


async def test_delete_many(col, raw):
    await col.insert_many([{"_key": str(i)} for i in range(4)])
    res = await col.delete_many(["0", "c/1", {"_key": "2"}, "9"], return_old=True)
    assert [r.get("_key") for r in res[:3]] == ["0", "1", "2"]
    assert res[0]["old"]["_key"] == "0"
    assert res[3] == _error(1202, "document not found")
    status, body, headers = raw("DELETE", URL, [5, {"x": 1}, "3"])
    assert status == 202
    assert body[:2] == [_error(1205, "illegal document identifier")] * 2
    assert json.loads(headers["x-arango-error-codes"]) == {"1205": 2}
    status, err, _ = raw("DELETE", URL, "text")
    assert (status, err["errorNum"], err["errorMessage"]) == (
        400,
        400,
        "Request body not parseable",
    )


async def test_silent_batches(col, raw):
    status, body, _ = raw("POST", URL + "?silent=true", [{"_key": "a"}, {"_key": "b"}])
    assert (status, body) == (202, {})
    status, body, _ = raw("POST", URL + "?silent=true", [{"_key": "a"}, {"_key": "c"}])
    assert body == [_error(1210, body[0]["errorMessage"])]
    assert await col.has("c")
    assert await col.insert_many([{}], silent=True) == {}


async def test_wait_for_sync_status_needs_a_successful_write(col, raw, state):
    state.collection("c").properties["waitForSync"] = True
    status, _, _ = raw("POST", URL, [{"_key": "a"}])
    assert status == 201
    status, _, _ = raw("DELETE", URL, ["missing"])
    assert status == 202
    status, _, _ = raw("DELETE", URL, ["a"])
    assert status == 200
    status, _, _ = raw("PATCH", URL + "?waitForSync=true", [{"_key": "missing"}])
    assert status == 201


async def test_batch_body_must_be_an_array(col, raw):
    status, err, _ = raw("PUT", URL, {"_key": "a"})
    assert (status, err["errorNum"]) == (400, 1227)
    status, err, _ = raw("PATCH", "/_db/testdb/_api/document", [])
    assert (status, err["errorNum"]) == (400, 400)
