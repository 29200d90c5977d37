"""Collection-level rules applied to document writes: key generators, schema validation
and computed values, through arangoasync on both transports."""

from __future__ import annotations

import re
from typing import Any

import pytest
from arangoasync.exceptions import DocumentInsertError, DocumentReplaceError, DocumentUpdateError


# ---------------------------------------------------------------- key generators
async def test_autoincrement_uses_offset_and_increment(state, db):
    col = state.create_collection(
        "auto", key_options={"type": "autoincrement", "offset": 10, "increment": 5}
    )
    c = db.collection("auto")
    assert [(await c.insert({}))["_key"] for _ in range(3)] == ["10", "15", "20"]
    await c.insert({"_key": "42"})
    assert (await c.insert({}))["_key"] == "45"
    assert col.last_value == 45
    with pytest.raises(DocumentInsertError) as exc:
        await c.insert({"_key": "abc"})
    assert (exc.value.http_code, exc.value.error_code) == (400, 1221)


async def test_padded_keys_sort_lexicographically(state, db):
    state.create_collection("pad", key_options={"type": "padded"})
    c = db.collection("pad")
    keys = [(await c.insert({}))["_key"] for _ in range(3)]
    assert all(re.fullmatch(r"[0-9a-f]{16}", k) for k in keys)
    assert keys == sorted(keys) and len(set(keys)) == 3


async def test_uuid_keys(state, db):
    state.create_collection("uu", key_options={"type": "uuid"})
    key = (await db.collection("uu").insert({}))["_key"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", key)


async def test_traditional_generator_stays_above_numeric_user_keys(state, db):
    col = state.create_collection("trad")
    c = db.collection("trad")
    high = col.db.server.clock.next_tick() + 1000
    await c.insert({"_key": str(high)})
    assert col.last_value == high
    assert int((await c.insert({}))["_key"]) > high


# ----------------------------------------------------------------------- schema
SCHEMA = {
    "rule": {
        "type": "object",
        "properties": {"n": {"type": "integer", "maximum": 5}},
        "required": ["n"],
        "additionalProperties": False,
    },
    "level": "strict",
    "message": "n must be a small integer",
}


def _schema_collection(state: Any, level: str) -> Any:
    schema = dict(SCHEMA, level=level)
    return state.create_collection("s", properties={"schema": schema})


async def test_strict_schema_rejects_invalid_documents(state, db):
    _schema_collection(state, "strict")
    c = db.collection("s")
    await c.insert({"_key": "ok", "n": 3})  # system attributes are not validated
    for bad in ({"n": 9}, {"m": 1}, {"n": "x"}):
        with pytest.raises(DocumentInsertError) as exc:
            await c.insert(bad)
        assert (exc.value.http_code, exc.value.error_code) == (400, 1620)
        assert exc.value.error_message == "n must be a small integer"
    with pytest.raises(DocumentUpdateError) as exc2:
        await c.update({"_key": "ok", "n": 7})
    assert exc2.value.error_code == 1620
    assert (await c.get("ok"))["n"] == 3


async def test_skip_document_validation(state, db, raw):
    _schema_collection(state, "strict")
    url = "/_db/testdb/_api/document/s"
    status, _body, _ = raw("POST", url + "?skipDocumentValidation=true", {"n": 100})
    assert status == 202
    assert raw("POST", url, {"n": 100})[0] == 400


async def test_schema_levels(state, db, arango_emulator):
    col = _schema_collection(state, "new")
    c = db.collection("s")
    await c.insert({"_key": "a", "n": 1})
    await c.update({"_key": "a", "n": 50})  # level new: modifications pass
    col.properties["schema"] = dict(SCHEMA, level="moderate")
    await c.update({"_key": "a", "n": 60})  # already invalid: accepted
    await c.insert({"_key": "b", "n": 1})
    with pytest.raises(DocumentReplaceError) as exc:
        await c.replace({"_key": "b", "n": 70})
    assert exc.value.error_code == 1620
    col.properties["schema"] = dict(SCHEMA, level="none")
    await c.insert({"n": "anything"})


# --------------------------------------------------------------- computed values
async def test_computed_values(state, db):
    state.create_collection(
        "cv",
        properties={
            "computedValues": [
                {
                    "name": "const",
                    "expression": "RETURN 42",
                    "overwrite": True,
                    "computeOn": ["insert"],
                    "keepNull": True,
                    "failOnWarning": False,
                },
                {
                    "name": "copy",
                    "expression": "RETURN @doc.src",
                    "overwrite": False,
                    "computeOn": ["insert", "update", "replace"],
                    "keepNull": False,
                    "failOnWarning": False,
                },
            ]
        },
    )
    c = db.collection("cv")
    new = (await c.insert({"_key": "k", "const": 1, "src": "s"}, return_new=True))["new"]
    assert new == {
        "_key": "k",
        "_id": "cv/k",
        "_rev": new["_rev"],
        "src": "s",
        "const": 42,
        "copy": "s",
    }
    new = (await c.insert({"_key": "u", "copy": "mine", "src": "t"}, return_new=True))["new"]
    assert new["copy"] == "mine"  # overwrite false keeps the user's value
    new = (await c.replace({"_key": "k", "other": 1}, return_new=True))["new"]
    assert "const" not in new and "copy" not in new  # null with keepNull false: left out


async def test_computed_value_with_an_aql_expression(state, db):
    state.create_collection(
        "full",
        properties={
            "computedValues": [
                {
                    "name": "full",
                    "expression": 'RETURN CONCAT(@doc.first, " ", UPPER(@doc.last))',
                    "overwrite": True,
                    "computeOn": ["insert", "update"],
                    "keepNull": True,
                    "failOnWarning": False,
                }
            ]
        },
    )
    c = db.collection("full")
    await c.insert({"_key": "p", "first": "ada", "last": "lovelace"})
    assert (await c.get("p"))["full"] == "ada LOVELACE"
    await c.update({"_key": "p", "last": "byron"})
    assert (await c.get("p"))["full"] == "ada BYRON"
