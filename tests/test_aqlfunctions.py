"""AQL user functions: stored in _aqlfunctions as ArangoDB stores them; calls need JavaScript
(the calls themselves are tested in test_js_functions.py)."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import (
    AQLFunctionCreateError,
    AQLFunctionDeleteError,
    AQLQueryExecuteError,
)

CODE = "function (celsius) { return celsius * 1.8 + 32; }"


async def test_create_replace_and_list(db: Any) -> None:
    created = await db.aql.create_function("temp::c2f", CODE, is_deterministic=True)
    assert created == {"isNewlyCreated": True}
    replaced = await db.aql.create_function("TEMP::C2F", "function () { return 1; }")
    assert replaced == {"isNewlyCreated": False}
    await db.aql.create_function("other::f", CODE)
    listed = await db.aql.functions()
    assert sorted(f["name"] for f in listed) == ["TEMP::C2F", "other::f"]
    temp = await db.aql.functions(namespace="temp")
    assert temp == [
        {"name": "TEMP::C2F", "code": "function () { return 1; }", "isDeterministic": False}
    ]


def test_status_codes_and_storage(raw: Any) -> None:
    status, body, _ = raw("POST", "/_api/aqlfunction", {"name": "ns::sq", "code": CODE})
    assert (status, body) == (201, {"error": False, "code": 201, "isNewlyCreated": True})
    status, body, _ = raw("POST", "/_api/aqlfunction", {"name": "ns::sq", "code": CODE})
    assert (status, body["code"], body["isNewlyCreated"]) == (200, 200, False)
    status, doc, _ = raw("GET", "/_api/document/_aqlfunctions/NS::SQ")
    assert status == 200
    assert (doc["name"], doc["code"], doc["isDeterministic"]) == ("ns::sq", f"({CODE}\n)", False)
    status, body, _ = raw("GET", "/_api/aqlfunction/ns")
    assert list(body) == ["error", "code", "result"]
    assert body["result"][0]["code"] == CODE


@pytest.mark.parametrize(
    ("body", "num"),
    [
        ({"name": "nonamespace", "code": CODE}, 1580),
        ({"name": "_sys::f", "code": CODE}, 1580),
        ({"name": "a::b-c", "code": CODE}, 1580),
        ({"name": 12, "code": CODE}, 1580),
        ({"name": "a::b"}, 1581),
        ({"name": "a::b", "code": ""}, 1581),
    ],
)
def test_invalid_definitions(raw: Any, body: dict[str, Any], num: int) -> None:
    status, answer, _ = raw("POST", "/_api/aqlfunction", body)
    assert (status, answer["errorNum"]) == (400, num)


def test_body_must_be_an_object(raw: Any) -> None:
    for data in (b"[1]", b"{broken"):
        status, answer, _ = raw("POST", "/_api/aqlfunction", raw=data)
        assert (status, answer["errorNum"], answer["errorMessage"]) == (
            400,
            17,
            "expecting JSON object body",
        )


async def test_invalid_name_message(db: Any) -> None:
    with pytest.raises(AQLFunctionCreateError) as exc:
        await db.aql.create_function("plain", CODE)
    assert (exc.value.http_code, exc.value.error_code) == (400, 1580)
    assert (
        exc.value.error_message == "error creating AQL user function: 'plain' is not a valid name"
    )


async def test_delete_single_and_group(db: Any) -> None:
    for name in ("geo::a", "geo::b", "geo::sub::c", "geox::d"):
        await db.aql.create_function(name, CODE)
    assert await db.aql.delete_function("GEO::A") == {"deletedCount": 1}
    assert await db.aql.delete_function("geo", group=True) == {"deletedCount": 2}
    assert [f["name"] for f in await db.aql.functions()] == ["geox::d"]
    with pytest.raises(AQLFunctionDeleteError) as exc:
        await db.aql.delete_function("geo::a")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1582)
    assert exc.value.error_message == "no AQL user function with name 'geo::a' found"
    missing = await db.aql.delete_function("geo::a", ignore_missing=True)
    assert missing["errorNum"] == 1582


def test_delete_invalid_characters(raw: Any) -> None:
    status, body, _ = raw("DELETE", "/_api/aqlfunction/a%20b")
    assert (status, body["errorNum"]) == (400, 1580)
    assert (
        body["errorMessage"]
        == "error deleting AQL user function: 'a b' contains invalid characters"
    )


async def test_calling_a_user_function_needs_javascript(db: Any, arango_emulator: Any) -> None:
    await db.aql.create_function("temp::c2f", CODE)
    arango_emulator.server.javascript = None  # an installation without the js extra
    for query in ("RETURN temp::c2f(10)", "RETURN nothere::fn(1)"):
        with pytest.raises(AQLQueryExecuteError) as exc:
            await db.aql.execute(query)
        assert (exc.value.http_code, exc.value.error_code) == (501, 9)
