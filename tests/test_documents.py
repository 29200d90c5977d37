"""Single-document CRUD through arangoasync (both transports), plus raw checks of what
the driver hides: status codes, headers and field order."""

from __future__ import annotations

import pytest
from arangoasync.exceptions import (
    DocumentDeleteError,
    DocumentInsertError,
    DocumentReplaceError,
    DocumentRevisionError,
    DocumentUpdateError,
)

EDGE = 3


URL = "/_db/testdb/_api/document/c"


# ---------------------------------------------------------------------- insert/read
async def test_insert_then_get_round_trip(col):
    meta = await col.insert({"_key": "k1", "name": "x", "nested": {"a": [1, 2]}})
    assert list(meta) == ["_id", "_key", "_rev"]
    assert meta["_id"] == "c/k1" and meta["_key"] == "k1"
    doc = await col.get("k1")
    assert doc == {
        "_key": "k1",
        "_id": "c/k1",
        "_rev": meta["_rev"],
        "name": "x",
        "nested": {"a": [1, 2]},
    }
    assert await col.get("c/k1") == doc
    assert await col.get({"_key": "k1"}) == doc


async def test_stored_documents_start_with_system_attributes(col, raw):
    await col.insert({"z": 1, "_rev": "ignored", "_id": "other/x", "a": 2, "_key": "k"})
    status, body, headers = raw("GET", URL + "/k")
    assert status == 200
    assert list(body) == ["_key", "_id", "_rev", "z", "a"]
    assert body["_id"] == "c/k" and body["_rev"] != "ignored"
    assert headers["etag"] == f'"{body["_rev"]}"'


async def test_insert_status_headers_and_return_new(col, raw, state):
    status, body, headers = raw("POST", URL + "?returnNew=true", {"_key": "a:b", "v": 1})
    assert status == 202
    assert list(body) == ["_id", "_key", "_rev", "new"]
    assert list(body["new"]) == ["_key", "_id", "_rev", "v"]
    assert headers["etag"] == f'"{body["_rev"]}"'
    assert headers["location"] == "/_db/testdb/_api/document/c/a%3Ab"
    status, _, _ = raw("POST", URL + "?waitForSync=true", {})
    assert status == 201
    state.collection("c").properties["waitForSync"] = True
    assert raw("POST", URL, {})[0] == 201


async def test_silent_insert_returns_empty_object(col, raw):
    assert await col.insert({"_key": "s"}, silent=True) is True
    status, body, headers = raw("POST", URL + "?silent=true", {"_key": "t"})
    assert (status, body) == (202, {})
    assert "etag" not in headers
    assert await col.has("t")


async def test_generated_keys_increase(col):
    keys = [(await col.insert({}))["_key"] for _ in range(3)]
    numbers = [int(k) for k in keys]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


async def test_duplicate_key_is_a_unique_constraint_violation(col):
    await col.insert({"_key": "dup", "v": 1})
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "dup", "v": 2})
    assert exc.value.http_code == 409
    assert exc.value.error_code == 1210
    assert exc.value.error_message == (
        "unique constraint violated - in index primary of type primary over '_key'; "
        "conflicting key: dup"
    )
    assert (await col.get("dup"))["v"] == 1


@pytest.mark.parametrize("key", ["a/b", "", "with space", "ä", "x" * 255, 12, None])
async def test_illegal_keys_are_rejected(col, key):
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": key})
    assert (exc.value.http_code, exc.value.error_code) == (400, 1221)


async def test_longest_key_and_special_characters_are_accepted(col):
    key = "x" * 254
    assert (await col.insert({"_key": key}))["_key"] == key
    odd = "_-:.@()+,=;$!*'%"
    assert (await col.get((await col.insert({"_key": odd}))["_key"]))["_key"] == odd


async def test_user_keys_can_be_forbidden(state, db):
    state.create_collection("nokeys", key_options={"allowUserKeys": False})
    col = db.collection("nokeys")
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "mine"})
    assert (exc.value.http_code, exc.value.error_code) == (400, 1222)
    assert (await col.insert({}))["_key"].isdigit()


async def test_wrong_body_types(col, raw):
    for body in ('"text"', "1", "null", "true"):
        status, err, _ = raw("POST", URL, raw=body.encode())
        assert (status, err["errorNum"], err["errorMessage"]) == (
            400,
            1227,
            "invalid document type",
        )
    for text in (b'{"a": ', b'{"a": NaN}', b"[Infinity]"):
        status, err, _ = raw("POST", URL, raw=text)
        assert (status, err["errorNum"]) == (400, 600)
    status, err, _ = raw("PUT", URL + "/x", [1])
    assert (status, err["errorNum"]) == (400, 1227)
    status, err, _ = raw("PATCH", URL, {"_key": "x"})
    assert (status, err["errorNum"]) == (400, 1227)


async def test_unknown_collection(db, raw):
    with pytest.raises(DocumentInsertError) as exc:
        await db.collection("nope").insert({})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)
    assert exc.value.error_message == "collection or view not found: nope"
    status, err, _ = raw("GET", "/_db/testdb/_api/document/nope/x")
    assert (status, err["errorNum"]) == (404, 1203)


async def test_insert_by_query_parameter_and_missing_collection(col, raw):
    status, body, _ = raw("POST", "/_db/testdb/_api/document?collection=c", {"_key": "q"})
    assert (status, body["_id"]) == (202, "c/q")
    status, err, _ = raw("POST", "/_db/testdb/_api/document", {})
    assert (status, err["errorNum"]) == (400, 1204)


# ---------------------------------------------------------------------------- get
async def test_get_missing_and_has(col, raw):
    assert await col.get("missing") is None
    assert await col.has("missing") is False
    await col.insert({"_key": "here"})
    assert await col.has("here") is True
    status, err, _ = raw("GET", URL + "/missing")
    assert (status, err) == (
        404,
        {"code": 404, "error": True, "errorMessage": "document not found", "errorNum": 1202},
    )
    status, body, _ = raw("HEAD", URL + "/missing")
    assert (status, body) == (404, None)


async def test_if_none_match_and_if_match(col, raw):
    rev = (await col.insert({"_key": "k"}))["_rev"]
    status, body, headers = raw("GET", URL + "/k", headers={"If-None-Match": f'"{rev}"'})
    assert (status, body, headers["etag"]) == (304, None, f'"{rev}"')
    assert raw("GET", URL + "/k", headers={"If-None-Match": '"_other---"'})[0] == 200
    assert raw("GET", URL + "/k", headers={"If-Match": rev})[0] == 200
    status, body, headers = raw("GET", URL + "/k", headers={"If-Match": '"_aaaaaaa---"'})
    assert status == 412
    assert list(body) == ["error", "code", "errorNum", "errorMessage", "_id", "_key", "_rev"]
    assert body["errorMessage"] == "conflict" and body["_rev"] == rev
    assert headers["etag"] == f'"{rev}"'
    with pytest.raises(DocumentRevisionError) as exc:
        await col.get("k", if_match="_aaaaaaa---")
    assert (exc.value.http_code, exc.value.error_code) == (412, 1200)
    with pytest.raises(DocumentRevisionError):
        await col.has("k", if_match="garbage")
    assert await col.get("k", if_none_match="_zzz") is not None


async def test_read_without_key(col, raw):
    status, err, _ = raw("GET", URL)
    assert (status, err["errorNum"]) == (404, 1203)
    assert err["errorMessage"] == "expecting GET /_api/document/<collection>/<key>"


# ------------------------------------------------------------------ update/replace
async def test_update_merges_and_reports_old_rev(col, raw):
    old = await col.insert({"_key": "u", "a": 1, "obj": {"x": 1, "keep": None}})
    res = await col.update({"_key": "u", "b": 2, "obj": {"y": 2}}, return_old=True, return_new=True)
    assert list(res) == ["_id", "_key", "_rev", "_oldRev", "old", "new"]
    assert res["_oldRev"] == old["_rev"] and res["_rev"] != old["_rev"]
    assert res["old"]["obj"] == {"x": 1, "keep": None}
    assert res["new"] == {
        "_key": "u",
        "_id": "c/u",
        "_rev": res["_rev"],
        "a": 1,
        "obj": {"x": 1, "keep": None, "y": 2},
        "b": 2,
    }


async def test_update_keep_null_false_and_merge_objects_false(col):
    await col.insert({"_key": "n", "a": 1, "b": 2, "obj": {"x": 1, "old": None}})
    await col.update(
        {"_key": "n", "a": None, "obj": {"x": None, "z": 3}, "c": None}, keep_null=False
    )
    assert await col.get("n") == {
        "_key": "n",
        "_id": "c/n",
        "_rev": (await col.get("n"))["_rev"],
        "b": 2,
        "obj": {"old": None, "z": 3},
    }
    await col.update({"_key": "n", "obj": {"only": 1}, "d": None}, merge_objects=False)
    doc = await col.get("n")
    assert doc["obj"] == {"only": 1} and doc["d"] is None


async def test_update_without_changes_keeps_the_revision(col, raw):
    rev = (await col.insert({"_key": "same", "a": 1}))["_rev"]
    status, body, _ = raw("PATCH", URL + "/same", {})
    assert status == 202 and body["_rev"] == rev and body["_oldRev"] == rev
    assert (await col.get("same"))["_rev"] == rev


async def test_replace_keeps_system_attributes(col):
    old = await col.insert({"_key": "r", "a": 1, "b": 2})
    res = await col.replace({"_key": "r", "_rev": "bogus", "c": 3}, return_new=True)
    assert res["new"] == {"_key": "r", "_id": "c/r", "_rev": res["_rev"], "c": 3}
    assert res["_oldRev"] == old["_rev"]


async def test_if_match_on_modification(col, raw):
    rev = (await col.insert({"_key": "m"}))["_rev"]
    with pytest.raises(DocumentRevisionError) as exc:
        await col.update({"_key": "m", "a": 1}, if_match="_aaaaaaaaa-")
    assert (exc.value.http_code, exc.value.error_code) == (412, 1200)
    status, body, headers = raw("PUT", URL + "/m", {"a": 1}, headers={"If-Match": '"_abc"'})
    assert status == 412
    assert body == {
        "error": True,
        "code": 412,
        "errorNum": 1200,
        "errorMessage": "conflict, _rev values do not match",
        "_id": "c/m",
        "_key": "m",
        "_rev": rev,
    }
    assert headers["etag"] == f'"{rev}"'
    res = await col.replace({"_key": "m", "a": 2}, if_match=rev)
    assert res["_oldRev"] == rev


async def test_rev_in_body_is_checked_only_without_ignore_revs(col, raw):
    rev = (await col.insert({"_key": "b"}))["_rev"]
    assert (await col.update({"_key": "b", "_rev": "stale", "v": 1}))["_oldRev"] == rev
    with pytest.raises(DocumentRevisionError) as exc:
        await col.update({"_key": "b", "_rev": "stale", "v": 2}, ignore_revs=False)
    assert exc.value.error_code == 1200
    status, body, _ = raw("PUT", URL + "/b?ignoreRevs=false", {"_rev": "stale"})
    assert (status, body["errorNum"]) == (412, 1200)


async def test_modify_missing_document(col):
    with pytest.raises(DocumentUpdateError) as exc:
        await col.update({"_key": "ghost", "a": 1})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1202)
    with pytest.raises(DocumentReplaceError) as exc2:
        await col.replace({"_key": "ghost", "a": 1})
    assert (exc2.value.http_code, exc2.value.error_code) == (404, 1202)


async def test_version_attribute_skips_older_versions(col):
    await col.insert({"_key": "v", "version": 5, "data": "five"})
    res = await col.update(
        {"_key": "v", "version": 3, "data": "three"}, version_attribute="version"
    )
    assert res["_rev"] == res["_oldRev"]
    assert (await col.get("v"))["data"] == "five"
    await col.replace({"_key": "v", "version": 6, "data": "six"}, version_attribute="version")
    assert (await col.get("v"))["data"] == "six"


# ------------------------------------------------------------------------ delete
async def test_delete(col, raw):
    meta = await col.insert({"_key": "d", "a": 1})
    res = await col.delete("d", return_old=True)
    assert list(res) == ["_id", "_key", "_rev", "old"]
    assert res["_rev"] == meta["_rev"] and res["old"]["a"] == 1
    assert await col.delete("d", ignore_missing=True) is False
    with pytest.raises(DocumentDeleteError) as exc:
        await col.delete("d")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1202)
    await col.insert({"_key": "e"})
    status, body, _ = raw("DELETE", URL + "/e?waitForSync=true")
    assert (status, body["_key"]) == (200, "e")


async def test_conditional_delete(col, raw):
    rev = (await col.insert({"_key": "cd"}))["_rev"]
    status, body, _ = raw("DELETE", URL + "/cd", headers={"If-Match": '"_zzzzzzz---"'})
    assert (status, body["errorNum"], body["_rev"]) == (412, 1200, rev)
    with pytest.raises(DocumentRevisionError):
        await col.delete("cd", if_match="_zzzzzzz---")
    assert await col.has("cd")
    assert (await col.delete("cd", if_match=rev))["_key"] == "cd"


# --------------------------------------------------------------- overwrite modes
async def test_overwrite_modes(col, raw):
    first = await col.insert({"_key": "o", "a": 1, "n": {"x": 1}})
    res = await col.insert({"_key": "o", "b": 2}, overwrite=True, return_old=True)
    assert res["_oldRev"] == first["_rev"] and res["old"]["a"] == 1
    assert await col.get("o") == {"_key": "o", "_id": "c/o", "_rev": res["_rev"], "b": 2}

    upd = await col.insert(
        {"_key": "o", "c": None, "b": None}, overwrite_mode="update", return_new=True
    )
    # an update-insert drops null attributes unless keepNull=true is given
    assert upd["new"] == {"_key": "o", "_id": "c/o", "_rev": upd["_rev"]}
    kept = await col.insert({"_key": "o", "c": None}, overwrite_mode="update", keep_null=True)
    assert (await col.get("o"))["c"] is None and kept["_oldRev"] == upd["_rev"]

    ignored = await col.insert({"_key": "o", "zzz": 1}, overwrite_mode="ignore", return_new=True)
    assert ignored == {"_id": "c/o", "_key": "o", "_rev": kept["_rev"]}
    assert "zzz" not in await col.get("o")

    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "o"}, overwrite_mode="conflict")
    assert exc.value.error_code == 1210
    status, body, _ = raw("POST", URL + "?overwriteMode=replace&returnOld=true", {"_key": "new"})
    assert status == 202 and "old" not in body and "_oldRev" not in body


# ------------------------------------------------------------------------- edges
async def test_edges_need_valid_from_and_to(state, db, raw):
    state.create_collection("e", EDGE)
    edges = db.collection("e")
    for bad in (
        {},
        {"_from": "v/1"},
        {"_from": "v/1", "_to": "nokey"},
        {"_from": "v/1", "_to": 5},
        {"_from": "v/1", "_to": "v/a b"},
        {"_from": "/x", "_to": "v/1"},
    ):
        with pytest.raises(DocumentInsertError) as exc:
            await edges.insert(bad)
        assert (exc.value.http_code, exc.value.error_code) == (400, 1233)
    meta = await edges.insert({"x": 1, "_to": "v/2", "_key": "e1", "_from": "v/1"})
    status, body, _ = raw("GET", "/_db/testdb/_api/document/e/e1")
    assert status == 200
    assert list(body) == ["_key", "_id", "_from", "_to", "_rev", "x"]
    assert body["_rev"] == meta["_rev"]
    await edges.update({"_key": "e1", "_to": "v/3"})
    assert (await edges.get("e1"))["_to"] == "v/3"
    with pytest.raises(DocumentUpdateError) as exc:
        await edges.update({"_key": "e1", "_from": "bad"})
    assert exc.value.error_code == 1233
    with pytest.raises(DocumentReplaceError) as exc2:
        await edges.replace({"_key": "e1", "y": 1})
    assert exc2.value.error_code == 1233


async def test_overlong_key_in_url_is_simply_not_found(col, raw):
    status, body, _ = raw("GET", URL + "/" + "k" * 300)
    assert (status, body["errorNum"]) == (404, 1202)
