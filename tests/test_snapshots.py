"""Repeatable reads: a query and a stream transaction read the snapshot taken when they
began, although other clients write in between (RocksDB's isolation)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from arangoasync.exceptions import DocumentUpdateError, TransactionInitError

from pytest_arangomock import BackendRequest, Emulator

POLL = 0.01
POLLS = 500  # bounded waits: a failure ends the test, never hangs it


async def _until_listed(db: Any, text: str) -> None:
    for _ in range(POLLS):
        if any(entry["query"] == text for entry in await db.aql.queries()):
            return
        await asyncio.sleep(POLL)
    raise AssertionError(f"{text!r} was never listed")


async def _rows(cursor: Any) -> list[Any]:
    return [row async for row in cursor]


# two reads of the same collection (a full scan, an index lookup, a key lookup) with a
# sleep in between, during which other clients write
TWICE = """
LET scan1 = (FOR d IN c SORT d._key RETURN [d._key, d.n])
LET hits1 = (FOR d IN c FILTER d.n == 1 SORT d._key RETURN d._key)
LET one1 = DOCUMENT(c, 'a').n
LET pause = SLEEP(@s)
LET scan2 = (FOR d IN c SORT d._key RETURN [d._key, d.n])
LET hits2 = (FOR d IN c FILTER d.n == 1 SORT d._key RETURN d._key)
LET one2 = DOCUMENT(c, 'a').n
RETURN {scan1, scan2, hits1, hits2, one1, one2, count: LENGTH(c)}
"""


async def test_a_query_reads_its_snapshot_across_other_writes(db: Any, col: Any) -> None:
    await col.add_index(type="persistent", fields=["n"])
    await col.insert_many([{"_key": "a", "n": 1}, {"_key": "b", "n": 1}, {"_key": "c", "n": 2}])
    before = [["a", 1], ["b", 1], ["c", 2]]
    running = asyncio.create_task(db.aql.execute(TWICE, bind_vars={"s": 0.3}))
    await _until_listed(db, TWICE)
    # the query holds the server lock until it sleeps: these land between its two reads
    await col.update({"_key": "a", "n": 7})
    await col.delete("b")
    await col.insert({"_key": "d", "n": 1})
    (result,) = await _rows(await running)
    assert result["scan1"] == result["scan2"] == before
    assert result["hits1"] == result["hits2"] == ["a", "b"]
    assert result["one1"] == result["one2"] == 1
    assert result["count"] == 3
    # a query started afterwards reads the new state, the index included
    cursor = await db.aql.execute("FOR d IN c FILTER d.n == 1 SORT d._key RETURN d._key")
    assert await _rows(cursor) == ["d"]
    assert (await col.get("a"))["n"] == 7


async def test_a_writing_query_reads_its_snapshot_and_its_own_writes(
    db: Any, col: Any, state: Any
) -> None:
    state.create_collection("log")
    await col.insert_many([{"_key": "a", "n": 1}, {"_key": "b", "n": 2}])
    text = """
    LET pause = SLEEP(@s)
    FOR d IN c
      INSERT {_key: d._key, n: d.n} INTO log
      UPDATE d WITH {seen: true} IN c
      RETURN d._key
    """
    running = asyncio.create_task(db.aql.execute(text, bind_vars={"s": 0.3}))
    await _until_listed(db, text)
    await col.insert({"_key": "z", "n": 9})  # after the snapshot: not visited
    assert sorted(await _rows(await running)) == ["a", "b"]
    log = await _rows(await db.aql.execute("FOR d IN log SORT d._key RETURN [d._key, d.n]"))
    assert log == [["a", 1], ["b", 2]]
    seen = await _rows(await db.aql.execute("FOR d IN c SORT d._key RETURN [d._key, d.seen]"))
    assert seen == [["a", True], ["b", True], ["z", None]]


async def test_a_stream_transaction_reads_its_snapshot_and_its_own_writes(
    db: Any, col: Any, state: Any
) -> None:
    state.create_collection("other")
    await col.insert({"_key": "a", "n": 1})
    trx = await db.begin_transaction(write="c")
    count = "RETURN [LENGTH(c), LENGTH(other), DOCUMENT(c, 'a').n]"
    await col.update({"_key": "a", "n": 2})
    await col.insert({"_key": "b", "n": 2})
    await db.collection("other").insert({"_key": "x"})  # read implicitly, also a snapshot
    assert await _rows(await trx.aql.execute(count)) == [[1, 0, 1]]
    await trx.collection("c").insert({"_key": "mine", "n": 3})
    assert await _rows(await trx.aql.execute(count)) == [[2, 0, 1]]
    assert (await trx.collection("c").get("mine"))["n"] == 3
    assert await trx.collection("c").get("b") is None
    await trx.commit_transaction()
    assert await _rows(await db.aql.execute(count)) == [[3, 1, 2]]


def test_a_write_without_a_live_snapshot_copies_nothing(arango_emulator: Emulator) -> None:
    """The common case costs nothing: with no reader alive, a write keeps the collection's
    structures (a copy is made only for a snapshot that still shares them)."""
    db = arango_emulator.server.create_database("snapdb")
    col = db.create_collection("c")
    docs = col.docs
    query = {"query": "INSERT {_key: 'a'} INTO c"}
    assert (
        arango_emulator.handle_sync(_request("POST", "/_db/snapdb/_api/cursor", query)).status
        == 201
    )
    assert col.docs is docs and "a" in docs
    assert arango_emulator.server.transactions.readers == {}


def _request(method: str, path: str, body: Any) -> BackendRequest:
    headers = {"authorization": "Basic cm9vdDo="}
    return BackendRequest(method, path, {}, headers, json.dumps(body).encode())


# --------------------------------------------------------------- locks and their waits
async def test_an_exclusive_transaction_makes_writers_wait(db: Any, col: Any) -> None:
    await col.insert({"_key": "a", "n": 1})
    owner = await db.begin_transaction(exclusive="c")
    # another transaction asking for the collection waits up to its lockTimeout
    with pytest.raises(TransactionInitError) as exc:
        await db.begin_transaction(write="c", lock_timeout=0.2)
    assert (exc.value.http_code, exc.value.error_code) == (500, 18)
    assert exc.value.error_message == (
        f"timed out after 0.200000 s waiting for write-lock on collection {db.name}/c on single"
    )
    # reads take no lock
    assert (await col.get("a"))["n"] == 1
    assert await _rows(await db.aql.execute("RETURN LENGTH(c)")) == [1]
    # a single document write waits for the lock, then goes on
    writer = asyncio.create_task(col.insert({"_key": "b"}))
    await asyncio.sleep(0.2)
    assert not writer.done()
    await owner.collection("c").update({"_key": "a", "n": 2})
    await owner.commit_transaction()
    await writer
    assert await _rows(await db.aql.execute("FOR d IN c SORT d._key RETURN d.n")) == [2, None]


async def test_an_exclusive_lock_waits_for_a_writing_transaction(db: Any, col: Any) -> None:
    writer = await db.begin_transaction(write="c")
    with pytest.raises(TransactionInitError) as exc:
        await db.begin_transaction(exclusive="c", lock_timeout=0.05)
    assert exc.value.error_code == 18 and exc.value.error_message == "lock timeout"
    shared = await db.begin_transaction(write="c", lock_timeout=0.05)  # shared: no wait
    await shared.abort_transaction()
    await writer.abort_transaction()
    owner = await db.begin_transaction(exclusive="c", lock_timeout=0.05)
    await owner.abort_transaction()


async def test_a_write_to_a_locked_key_waits_for_its_holder(db: Any, col: Any) -> None:
    await col.insert({"_key": "k", "n": 0})
    holder = await db.begin_transaction(write="c")
    await holder.collection("c").update({"_key": "k", "n": 1})
    waiting = asyncio.create_task(col.update({"_key": "k", "n": 5}))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # RocksDB's lock timeout is a second
    await holder.abort_transaction()
    await waiting
    assert (await col.get("k"))["n"] == 5
    # past the lock timeout the writer gives up with 1200
    holder = await db.begin_transaction(write="c")
    await holder.collection("c").update({"_key": "k", "n": 6})
    with pytest.raises(DocumentUpdateError) as exc:
        await col.update({"_key": "k", "n": 7})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1200)
    assert "timeout waiting to lock key" in exc.value.error_message
    await holder.commit_transaction()
    assert (await col.get("k"))["n"] == 6


async def test_ttl_indexes_keep_working_across_a_snapshot(
    db: Any, col: Any, arango_emulator: Emulator
) -> None:
    """A write next to a live snapshot moves the collection onto copies of its indexes;
    the TTL index copy is the live one and keeps expiring documents, and the TTL purge
    skips what a running transaction has locked instead of waiting for it."""
    await col.add_index(type="ttl", fields=["at"], options={"expireAfter": 0})
    now = [1_000_000.0]
    arango_emulator.server.ttl.clock = lambda: now[0]
    reader = await db.begin_transaction(read="c")  # its snapshot shares c's structures
    await col.insert({"_key": "a", "at": now[0] + 10})  # the write moves c onto copies
    holder = await db.begin_transaction(write="c")
    await holder.collection("c").update({"_key": "a", "x": 1})  # "a" is locked
    now[0] += 100
    assert (await col.get("a"))["at"] == 1_000_010.0  # skipped, not waited for
    await holder.abort_transaction()
    assert await col.get("a") is None  # expired once nobody holds it
    await reader.abort_transaction()
