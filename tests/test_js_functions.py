"""User-defined AQL functions run in the JavaScript engine: registration checks the code,
calls convert values both ways, thrown errors become warnings."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import AQLFunctionCreateError, AQLQueryExecuteError

pytest.importorskip("quickjs")

C2F = "function (celsius) { return celsius * 1.8 + 32; }"


async def test_invalid_code_is_refused(db: Any) -> None:
    for code in ("function (celsius) { invalid syntax }", "42", "'text'"):
        with pytest.raises(AQLFunctionCreateError) as exc:
            await db.aql.create_function("temp::bad", code)
        assert (exc.value.http_code, exc.value.error_code) == (400, 1581)
        assert exc.value.error_message.startswith("invalid user function code")
    assert await db.aql.functions() == []


async def test_call_from_aql_converts_values(db: Any) -> None:
    await db.aql.create_function("temp::c2f", C2F, is_deterministic=True)
    await db.aql.create_function(
        "shape::describe",
        "function (v) { return {type: typeof v, isArray: Array.isArray(v), v: v,"
        " nothing: undefined, nan: NaN, fn: function () {}}; }",
    )
    cursor = await db.aql.execute("FOR c IN [0, 100] RETURN TEMP::C2F(c)")
    assert [x async for x in cursor] == [32, 212]
    cursor = await db.aql.execute(
        "RETURN [shape::describe([1, 'a', null, {x: true}]), shape::describe(null)]"
    )
    (row,) = [x async for x in cursor]
    assert row[0] == {
        "type": "object",
        "isArray": True,
        "v": [1, "a", None, {"x": True}],
        "nan": None,
    }
    assert row[1] == {"type": "object", "isArray": False, "v": None, "nan": None}


async def test_thrown_error_is_a_warning_and_null(db: Any) -> None:
    await db.aql.create_function("bad::fn", "function () { throw new Error('broken'); }")
    cursor = await db.aql.execute("RETURN bad::fn()")
    assert [x async for x in cursor] == [None]
    (warning,) = cursor.warnings
    assert warning["code"] == 1583
    assert warning["message"].startswith(
        "in function 'BAD::FN()': user function runtime error: Error: broken"
    )


async def test_unknown_function_is_not_found(db: Any) -> None:
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN nothere::fn(1)")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1582)
    assert "user function 'NOTHERE::FN()' not found" in exc.value.error_message


async def test_endless_function_is_canceled(db: Any, arango_emulator: Any) -> None:
    arango_emulator.javascript.engine.time_limit = 0.2
    await db.aql.create_function("slow::fn", "function () { while (true) {} }")
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN slow::fn()")
    assert (exc.value.http_code, exc.value.error_code) == (410, 21)


def test_functions_run_inside_a_javascript_transaction(raw: Any, state: Any) -> None:
    state.create_collection("c")
    twice = {"name": "util::twice", "code": "function (x) { return 2 * x; }"}
    raw("POST", "/_db/testdb/_api/aqlfunction", twice)
    action = """function () {
      const db = require('@arangodb').db;
      db.c.save({n: 21});
      return db._query('FOR d IN c RETURN UTIL::TWICE(d.n)').toArray();
    }"""
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/transaction", {"collections": {"write": "c"}, "action": action}
    )
    assert (status, body["result"]) == (200, [42])


def test_namespaces_and_group_removal(raw: Any, db: Any) -> None:
    for name in ("geo::a", "geo::sub::b", "geography::c"):
        status, _, _ = raw("POST", "/_db/testdb/_api/aqlfunction", {"name": name, "code": C2F})
        assert status == 201
    status, body, _ = raw("GET", "/_db/testdb/_api/aqlfunction?namespace=geo")
    assert sorted(f["name"] for f in body["result"]) == ["geo::a", "geo::sub::b"]
    status, body, _ = raw("DELETE", "/_db/testdb/_api/aqlfunction/geo?group=true")
    assert (status, body["deletedCount"]) == (200, 2)
    status, body, _ = raw("POST", "/_db/testdb/_api/cursor", {"query": "RETURN GEOGRAPHY::C(0)"})
    assert body["result"] == [32]
