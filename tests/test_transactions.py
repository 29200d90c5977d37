"""Stream transactions through arangoasync (both transports): isolation, commit, abort,
conflicts, undeclared collections, unknown and expired transactions; raw checks of the
response shapes the driver hides."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    DocumentGetError,
    DocumentInsertError,
    DocumentUpdateError,
    TransactionAbortError,
    TransactionCommitError,
    TransactionInitError,
    TransactionStatusError,
)

URL = "/_db/testdb/_api"


@pytest.fixture
def state(arango_emulator: Any, db: Any) -> Any:
    """The test database's state; collections are created directly."""
    st = arango_emulator.server.database("testdb")
    st.create_collection("c")
    st.create_collection("other")
    return st


def dump(col: Any) -> Any:
    """Everything a collection holds: documents, index definitions and index structures."""
    structures = [{k: v for k, v in vars(ix).items() if k != "collection"} for ix in col.indexes]
    return (
        copy.deepcopy(col.docs),
        [ix.describe() for ix in col.indexes],
        copy.deepcopy(structures),
        col.revision,
    )


async def keys(database: Any, name: str = "c") -> list[str]:
    cursor = await database.aql.execute(f"FOR d IN {name} SORT d._key RETURN d._key")
    return [k async for k in cursor]


# ---------------------------------------------------------------------- lifecycle
async def test_begin_commit_makes_writes_visible(state, db):
    trx = await db.begin_transaction(write="c")
    assert await trx.transaction_status() == "running"
    await trx.collection("c").insert({"_key": "a", "v": 1})
    assert await trx.collection("c").get("a") is not None
    assert await db.collection("c").get("a") is None
    await trx.commit_transaction()
    assert await trx.transaction_status() == "committed"
    assert (await db.collection("c").get("a"))["v"] == 1


async def test_abort_midway_leaves_collections_byte_identical(state, db):
    await db.collection("c").add_index(
        type="persistent", fields=["n"], options={"unique": True, "name": "by_n"}
    )
    await db.collection("c").insert_many([{"_key": f"k{i}", "n": i} for i in range(20)])
    await db.collection("other").insert({"_key": "o", "n": 1})
    before = (dump(state.collection("c")), dump(state.collection("other")))
    trx = await db.begin_transaction(write=["c", "other"])
    tc = trx.collection("c")
    await tc.insert({"_key": "new", "n": 100})
    await tc.update({"_key": "k1", "n": 101})
    await tc.replace({"_key": "k2", "n": 102})
    await tc.delete("k3")
    await trx.aql.execute("FOR d IN c FILTER d.n < 5 UPDATE d WITH {n: d.n + 1000} IN c")
    await trx.collection("other").truncate()
    with pytest.raises(DocumentInsertError) as exc:
        await tc.insert({"_key": "dup", "n": 100})  # unique index inside the transaction
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    assert await trx.collection("other").count() == 0
    await trx.abort_transaction()
    assert await trx.transaction_status() == "aborted"
    assert (dump(state.collection("c")), dump(state.collection("other"))) == before
    cursor = await db.aql.execute("FOR d IN c FILTER d.n == 3 RETURN d._key")
    assert [k async for k in cursor] == ["k3"]  # the unique index still finds it


async def test_concurrent_reader_never_sees_uncommitted_writes(state, db):
    trx = await db.begin_transaction(write="c")
    tc, outside = trx.collection("c"), db.collection("c")

    async def write(i: int) -> None:
        await tc.insert({"_key": f"w{i}"})

    async def read(i: int) -> int:
        return await outside.count()

    results = await asyncio.gather(*(f(i) for i in range(10) for f in (write, read)))
    assert [r for r in results if r is not None] == [0] * 10
    assert await keys(db) == []
    assert len(await keys(trx)) == 10
    await trx.commit_transaction()
    assert len(await keys(db)) == 10


async def test_transaction_reads_its_snapshot(state, db):
    await db.collection("c").insert({"_key": "a", "v": 1})
    trx = await db.begin_transaction(read="c")
    await db.collection("c").insert({"_key": "b"})
    await db.collection("c").update({"_key": "a", "v": 2})
    assert await keys(trx) == ["a"]
    assert (await trx.collection("c").get("a"))["v"] == 1
    assert await keys(db) == ["a", "b"]
    await trx.abort_transaction()


async def test_list_transactions(state, db):
    trx = await db.begin_transaction(read="c")
    listed = await db.list_transactions()
    assert {"id": trx.transaction_id, "state": "running"} in listed
    await trx.commit_transaction()
    assert all(t["id"] != trx.transaction_id for t in await db.list_transactions())


# ---------------------------------------------------------------------- conflicts
async def test_outside_write_to_a_key_the_transaction_holds_conflicts(state, db):
    await db.collection("c").insert({"_key": "a", "v": 1})
    trx = await db.begin_transaction(write="c")
    await trx.collection("c").update({"_key": "a", "v": 2})
    with pytest.raises(DocumentUpdateError) as exc:
        await db.collection("c").update({"_key": "a", "v": 3})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1200)
    assert "conflicting key: a" in exc.value.error_message
    await db.collection("c").insert({"_key": "free"})  # other keys are not locked
    await trx.commit_transaction()
    assert (await db.collection("c").get("a"))["v"] == 2


async def test_transaction_writing_a_key_changed_since_its_snapshot_conflicts(state, db):
    await db.collection("c").insert({"_key": "a", "v": 1})
    trx = await db.begin_transaction(write="c")
    await db.collection("c").update({"_key": "a", "v": 2})
    with pytest.raises(DocumentUpdateError) as exc:
        await trx.collection("c").update({"_key": "a", "v": 3})
    assert (exc.value.http_code, exc.value.error_code, exc.value.error_message) == (
        409,
        1200,
        "write-write conflict",
    )
    await trx.abort_transaction()
    assert (await db.collection("c").get("a"))["v"] == 2


async def test_two_transactions_on_one_key(state, db):
    first = await db.begin_transaction(write="c")
    second = await db.begin_transaction(write="c")
    await first.collection("c").insert({"_key": "k"})
    with pytest.raises(DocumentInsertError) as exc:
        await second.collection("c").insert({"_key": "k"})
    assert exc.value.error_code == 1200
    await first.commit_transaction()
    with pytest.raises(DocumentInsertError) as exc:  # committed after second's snapshot
        await second.collection("c").insert({"_key": "k"})
    assert exc.value.error_message == "write-write conflict"
    await second.abort_transaction()


async def test_commit_failing_on_a_unique_index_applies_nothing(state, db):
    await db.collection("c").add_index(type="persistent", fields=["n"], options={"unique": True})
    trx = await db.begin_transaction(write="c")
    await trx.collection("c").insert({"_key": "t1", "n": 1})
    await trx.collection("c").insert({"_key": "t2", "n": 2})
    await db.collection("c").insert({"_key": "x", "n": 2})  # a different key, same value
    with pytest.raises(TransactionCommitError) as exc:
        await trx.commit_transaction()
    assert exc.value.error_code == 1210
    assert await keys(db) == ["x"]
    assert await trx.transaction_status() == "aborted"


# ---------------------------------------------------------------------- declared collections
async def test_write_to_undeclared_collection_fails_1652(state, db):
    trx = await db.begin_transaction(read="c")
    for name in ("c", "other"):
        with pytest.raises(DocumentInsertError) as exc:
            await trx.collection(name).insert({"_key": "x"})
        assert (exc.value.http_code, exc.value.error_code) == (400, 1652)
        assert exc.value.error_message == (
            f"unregistered collection used in transaction: {name} [write]"
        )
    with pytest.raises(AQLQueryExecuteError) as aql_exc:
        await trx.aql.execute("INSERT {} INTO other")
    assert aql_exc.value.error_code == 1652
    assert await trx.collection("other").count() == 0  # implicit reads are allowed
    await trx.abort_transaction()


async def test_implicit_reads_can_be_forbidden(state, db):
    trx = await db.begin_transaction(write="c", allow_implicit=False)
    with pytest.raises(DocumentGetError) as exc:
        await trx.collection("other").get("x")
    assert (exc.value.http_code, exc.value.error_code) == (400, 1652)
    assert exc.value.error_message.endswith("other [read]")
    await trx.abort_transaction()


async def test_begin_errors(state, db, raw):
    with pytest.raises(TransactionInitError) as exc:
        await db.begin_transaction(read="nope")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1203)
    assert exc.value.error_message == "collection or view not found: nope"
    status, body, _ = raw("POST", f"{URL}/transaction/begin", {"collections": {"read": 1}})
    assert (status, body["errorNum"], body["errorMessage"]) == (
        400,
        10,
        "invalid 'collections' attribute",
    )
    status, body, _ = raw("POST", f"{URL}/transaction/begin", {})
    assert (status, body["errorMessage"]) == (400, "missing 'collections'")
    body = {"collections": {}, "lockTimeout": -1}
    status, body, _ = raw("POST", f"{URL}/transaction/begin", body)
    assert (status, body["errorNum"]) == (400, 10)


# ---------------------------------------------------------------------- unknown, ended, expired
async def test_unknown_transaction_1655(state, db):
    ghost = db.fetch_transaction("123456")
    with pytest.raises(TransactionStatusError) as exc:
        await ghost.transaction_status()
    assert (exc.value.http_code, exc.value.error_code) == (404, 1655)
    with pytest.raises(DocumentInsertError) as doc_exc:
        await ghost.collection("c").insert({})
    assert doc_exc.value.error_message == "transaction 123456 not found"
    with pytest.raises(TransactionCommitError) as commit_exc:
        await ghost.commit_transaction()
    assert commit_exc.value.error_message == "transaction 123456 not found on commit operation"
    # ArangoDB remembers an id it was asked to end as aborted
    assert await ghost.transaction_status() == "aborted"


async def test_ended_transactions(state, db):
    trx = await db.begin_transaction(write="c")
    await trx.commit_transaction()
    await trx.commit_transaction()  # same final state: fine
    with pytest.raises(TransactionAbortError) as exc:
        await trx.abort_transaction()
    assert (exc.value.http_code, exc.value.error_code) == (400, 1653)
    with pytest.raises(DocumentInsertError) as doc_exc:
        await trx.collection("c").insert({})
    assert doc_exc.value.error_code == 1653
    aborted = await db.begin_transaction(write="c")
    await aborted.abort_transaction()
    with pytest.raises(DocumentInsertError) as doc_exc:
        await aborted.collection("c").insert({})
    assert (doc_exc.value.http_code, doc_exc.value.error_code) == (410, 1654)


async def test_idle_transactions_expire(state, db, arango_emulator):
    now = [1000.0]
    arango_emulator.server.transactions.clock = lambda: now[0]
    trx = await db.begin_transaction(write="c")
    await trx.collection("c").insert({"_key": "lost"})
    now[0] += 59
    await trx.collection("c").insert({"_key": "kept-alive"})  # every use restarts the clock
    now[0] += 61
    assert await trx.transaction_status() == "aborted"
    with pytest.raises(DocumentInsertError) as exc:
        await trx.collection("c").insert({})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1655)
    with pytest.raises(TransactionCommitError) as commit_exc:
        await trx.commit_transaction()
    assert commit_exc.value.error_code == 1653
    assert commit_exc.value.error_message.endswith("transaction was already expired")
    assert await keys(db) == []
    await db.collection("c").insert({"_key": "lost"})  # its locks are gone


# ---------------------------------------------------------------------- raw shapes
async def test_raw_shapes(state, db, raw):
    status, body, _ = raw("POST", f"{URL}/transaction/begin", {"collections": {"write": ["c"]}})
    assert status == 201
    assert list(body) == ["code", "error", "result"] and list(body["result"]) == ["id", "status"]
    tid = body["result"]["id"]
    status, body, _ = raw("GET", f"{URL}/transaction")
    assert body == {"transactions": [{"id": tid, "state": "running"}]}
    status, body, _ = raw("GET", f"{URL}/transaction/abc")
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 10, "Illegal transaction ID")
    trx_header = {"x-arango-trx-id": tid}
    status, body, _ = raw("POST", f"{URL}/cursor", {"query": "RETURN 1"}, {"x-arango-trx-id": "x"})
    assert (status, body["errorNum"]) == (400, 10)
    status, body, _ = raw("POST", f"{URL}/cursor", {"query": "RETURN 1"}, {"x-arango-trx-id": "9"})
    assert body["errorMessage"] == "transaction '9' not found"
    status, _, _ = raw("POST", f"{URL}/document/c", {"_key": "r"}, trx_header)
    assert status == 202
    status, body, _ = raw("GET", f"{URL}/collection/c/count", None, trx_header)
    assert body["count"] == 1
    status, body, _ = raw("GET", f"{URL}/collection/c/count")
    assert body["count"] == 0
    status, body, _ = raw("DELETE", f"{URL}/transaction/{tid}")
    assert (status, body) == (
        200,
        {"code": 200, "error": False, "result": {"id": tid, "status": "aborted"}},
    )


async def test_javascript_transactions_need_the_js_extra(state, db, raw, arango_emulator):
    arango_emulator.server.javascript = None  # an installation without quickjs
    body = {"collections": {"read": "c"}, "action": "function () { return 1; }"}
    status, body, _ = raw("POST", f"{URL}/transaction", body)
    assert (status, body["errorNum"]) == (501, 9)
    assert "pytest-arangomock[js]" in body["errorMessage"]
