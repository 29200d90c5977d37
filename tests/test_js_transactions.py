"""JavaScript transactions and /_admin/execute through python-arango-async and raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import ServerExecuteError, TransactionExecuteError

pytest.importorskip("quickjs")
# the drivers warn that ArangoDB deprecates JavaScript transactions (removed in 4.0)
pytestmark = pytest.mark.filterwarnings("ignore:JavaScript Transactions:DeprecationWarning")

SAVE = """function (params) {
  var db = require('internal').db;
  db.c.save({_key: params.key, val: 1});
  return db.c.count();
}"""


async def test_action_result_and_commit(db: Any, col: Any) -> None:
    result = await db.execute_transaction(SAVE, params={"key": "a"}, write=["c"])
    assert result == 1
    assert (await col.get("a"))["val"] == 1


async def test_thrown_error_rolls_back_everything(db: Any, col: Any) -> None:
    action = """function () {
      const db = require('@arangodb').db;
      db.c.save({_key: 'one'});
      db.c.save({_key: 'two'});
      throw new Error('changed my mind');
    }"""
    with pytest.raises(TransactionExecuteError) as exc:
        await db.execute_transaction(action, write=["c"])
    assert (exc.value.http_code, exc.value.error_code) == (500, 1650)
    assert exc.value.error_message == "Error: changed my mind"
    assert await col.count() == 0


async def test_arango_errors_keep_their_number(db: Any, col: Any) -> None:
    action = "function () { return require('@arangodb').db.c.document('missing'); }"
    with pytest.raises(TransactionExecuteError) as exc:
        await db.execute_transaction(action, read=["c"])
    assert (exc.value.http_code, exc.value.error_code) == (404, 1202)
    thrown = """function () {
      const {ArangoError, errors} = require('@arangodb');
      const e = new ArangoError();
      e.errorNum = errors.ERROR_BAD_PARAMETER.code;
      e.errorMessage = 'custom';
      throw e;
    }"""
    with pytest.raises(TransactionExecuteError) as exc:
        await db.execute_transaction(thrown, read=["c"])
    assert (exc.value.http_code, exc.value.error_code, exc.value.error_message) == (
        400,
        10,
        "custom",
    )


def test_thrown_values_and_type_errors(raw: Any, state: Any) -> None:
    state.create_collection("c")
    cases = [
        ("function () { throw 'plain'; }", (500, 1650, "plain")),
        ("function () { null.x; }", (400, 17)),
        (
            "function () { throw {}; }",
            (500, 1650, "an unknown error occured while executing the transaction"),
        ),
    ]
    for action, expected in cases:
        status, body, _ = raw(
            "POST", "/_db/testdb/_api/transaction", {"collections": {}, "action": action}
        )
        assert (status, body["errorNum"], body["errorMessage"])[: len(expected)] == expected


def test_undeclared_write_is_refused_and_reads_are_lazy(raw: Any, state: Any) -> None:
    state.create_collection("c")
    state.create_collection("other")
    write = "function () { require('@arangodb').db.other.save({}); }"
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/transaction", {"collections": {"write": "c"}, "action": write}
    )
    assert (status, body["errorNum"]) == (400, 1652)
    read = "function () { return require('@arangodb').db.other.count(); }"
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/transaction", {"collections": {"write": "c"}, "action": read}
    )
    assert (status, body["result"]) == (200, 0)
    status, body, _ = raw(
        "POST",
        "/_db/testdb/_api/transaction",
        {"collections": {"write": "c", "allowImplicit": False}, "action": read},
    )
    assert (status, body["errorNum"]) == (400, 1652)


def test_conflicting_concurrent_write(raw: Any, state: Any) -> None:
    col = state.create_collection("c")
    col.insert({"_key": "k", "v": 0}) if hasattr(col, "insert") else None
    raw("POST", "/_db/testdb/_api/document/c", {"_key": "k2", "v": 0})
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/transaction/begin", {"collections": {"write": ["c"]}}
    )
    trx = body["result"]["id"]
    raw("PATCH", "/_db/testdb/_api/document/c/k2", {"v": 1}, headers={"x-arango-trx-id": trx})
    action = "function () { require('@arangodb').db.c.update('k2', {v: 2}); }"
    status, body, _ = raw(
        "POST", "/_db/testdb/_api/transaction", {"collections": {"write": "c"}, "action": action}
    )
    assert (status, body["errorNum"]) == (409, 1200)
    raw("PUT", f"/_db/testdb/_api/transaction/{trx}")
    status, body, _ = raw("GET", "/_db/testdb/_api/document/c/k2")
    assert body["v"] == 1


def test_input_errors_in_arangodb_order(raw: Any, state: Any) -> None:
    state.create_collection("c")
    cases = [
        ({"lockTimeout": "x", "collections": {}}, "<lockTimeout> must be a valid numeric value"),
        ({"waitForSync": 1, "collections": {}}, "<waitForSync> must be a boolean value"),
        ({"lockTimeout": -1, "collections": {}}, "<lockTimeout> needs to be positive"),
        ({"action": "function () {}"}, "missing/invalid collections definition for transaction"),
        (
            {"collections": {"read": 5}},
            "invalid collection definition for transaction:  There is no array in 'read'",
        ),
        (
            {"collections": {"write": ["c", 1]}},
            "invalid collection definition for transaction:  Collection name #1 in array "
            "'write' is not a string",
        ),
        ({"collections": {}}, "missing/invalid action definition for transaction"),
    ]
    for body, message in cases:
        status, answer, _ = raw("POST", "/_db/testdb/_api/transaction", body)
        assert (status, answer["errorNum"], answer["errorMessage"]) == (400, 10, message)
    status, answer, _ = raw(
        "POST", "/_db/testdb/_api/transaction", {"collections": {}, "action": "function ( {"}
    )
    assert (status, answer["errorNum"]) == (400, 10)
    assert answer["errorMessage"].startswith(
        "missing/invalid action definition for transaction - SyntaxError"
    )
    status, answer, _ = raw(
        "POST",
        "/_db/testdb/_api/transaction",
        {"collections": {"write": "nope"}, "action": "function () {}"},
    )
    assert (status, answer["errorNum"]) == (404, 1203)


def test_max_transaction_size(raw: Any, state: Any) -> None:
    state.create_collection("c")
    action = (
        "function () { for (let i = 0; i < 100; i++) { require('@arangodb').db.c.save({i}); } }"
    )
    status, body, _ = raw(
        "POST",
        "/_db/testdb/_api/transaction",
        {"collections": {"write": "c"}, "action": action, "maxTransactionSize": 500},
    )
    assert (status, body["errorNum"]) == (500, 32)
    assert state.collections["c"].docs == {}


def test_queries_cursors_and_aql_template(raw: Any, state: Any) -> None:
    state.create_collection("c")
    action = """function (params) {
      const {db, aql, query} = require('@arangodb');
      for (let i = 0; i < params.n; i++) { db.c.insert({_key: 'k' + i, i: i}); }
      const c = db._collection('c');
      const keys = db._query(
        aql`FOR d IN ${c} FILTER d.i >= ${params.n - 2} SORT d.i RETURN d._key`).toArray();
      const cursor = db._query('FOR d IN c RETURN d', {}, {batchSize: 2});
      const first = query`RETURN LENGTH(FOR d IN ${c} RETURN 1)`.next();
      return {keys, count: cursor.count(), all: cursor.toArray().length, first,
              exists: db._exists('c/k1') !== false, missing: db.c.exists('nope'),
              example: db.c.firstExample({i: 3})._key, name: db._name(),
              byEx: db.c.byExample({i: 4}).toArray().length};
    }"""
    status, body, _ = raw(
        "POST",
        "/_db/testdb/_api/transaction",
        {"collections": {"write": "c"}, "action": action, "params": {"n": 5}},
    )
    assert status == 200, body
    assert body["result"] == {
        "keys": ["k3", "k4"],
        "count": 5,
        "all": 5,
        "first": 5,
        "exists": True,
        "missing": False,
        "example": "k3",
        "name": "testdb",
        "byEx": 1,
    }


def test_print_goes_to_the_server_log(raw: Any, arango_emulator: Any) -> None:
    action = "function () { print('hello', {a: 1}); console.log('from console'); }"
    status, body, _ = raw("POST", "/_api/transaction", {"collections": {}, "action": action})
    assert (status, body["result"]) == (200, None)
    messages = arango_emulator.javascript.engine.messages
    assert ("info", 'hello {"a":1}') in messages and ("info", "from console") in messages


async def test_admin_execute_is_off_unless_allowed(sys_db: Any, arango_emulator: Any) -> None:
    with pytest.raises(ServerExecuteError) as exc:
        await sys_db.execute("return 1")
    assert exc.value.http_code == 404
    arango_emulator.javascript.allow_admin_execute = True
    assert await sys_db.execute("return 1") == 1
    assert await sys_db.execute("return {a: [1, 2]}") == {"a": [1, 2]}


def test_admin_execute_errors_are_plain_text(raw: Any, arango_emulator: Any) -> None:
    arango_emulator.javascript.allow_admin_execute = True
    status, body, headers = raw("POST", "/_admin/execute", raw=b"throw new Error('bad')")
    assert status == 500 and body.startswith(b"Error: bad")
    assert headers["content-type"].startswith("text/plain")
    status, body, _ = raw("POST", "/_admin/execute", raw=b"")
    assert (status, body) == (200, {"error": False, "code": 200})


def test_time_limit_cancels_a_script(raw: Any, arango_emulator: Any) -> None:
    engine = arango_emulator.javascript.engine
    engine.time_limit = 0.2
    action = "function () { require('internal').sleep(5); return 1; }"
    status, body, _ = raw("POST", "/_api/transaction", {"collections": {}, "action": action})
    assert (status, body["errorNum"]) == (410, 21)


def test_memory_limit_answers_out_of_memory(raw: Any, arango_emulator: Any) -> None:
    engine = arango_emulator.javascript.engine
    action = "function () { const s = 'x'.repeat(256 * 1024 * 1024); return s.length; }"
    engine.context.set_memory_limit(64 * 1024 * 1024)
    status, body, _ = raw("POST", "/_api/transaction", {"collections": {}, "action": action})
    assert (status, body["errorNum"]) == (500, 3), body
    status, body, _ = raw(
        "POST", "/_api/transaction", {"collections": {}, "action": "function () { return 2; }"}
    )
    assert (status, body["result"]) == (200, 2)
