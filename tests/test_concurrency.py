"""Requests side by side: running queries listed, killed and logged as slow while other
requests are answered; write-write conflicts between queries and stream transactions;
interruptible regular expressions; a bounded stress test with an exact final state."""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    DocumentUpdateError,
    TransactionCommitError,
)

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.state.locking import ServerLock

POLL = 0.01
POLLS = 500  # bounded waits: a failure ends the test, never hangs it


async def _listed(db: Any, text: str) -> dict[str, Any]:
    """The running query with this text, once it is listed."""
    for _ in range(POLLS):
        for entry in await db.aql.queries():
            if entry["query"] == text:
                return dict(entry)
        await asyncio.sleep(POLL)
    raise AssertionError(f"{text!r} was never listed")


async def test_sleeping_query_is_listed_killed_and_logged_as_slow(db: Any) -> None:
    await db.aql.set_tracking(slow_query_threshold=0, max_slow_queries=5)
    text = "RETURN SLEEP(@s)"
    sleeper = asyncio.create_task(db.aql.execute(text, bind_vars={"s": 30}))
    entry = await _listed(db, text)
    assert entry["state"] == "executing"
    assert entry["bindVars"] == {"s": 30}
    assert entry["stream"] is False
    assert entry["database"] == "testdb" and entry["user"] == "root"
    assert entry["runTime"] >= 0 and entry["peakMemoryUsage"] >= 0
    assert list(entry)[:10] == [
        "id",
        "database",
        "user",
        "query",
        "bindVars",
        "started",
        "runTime",
        "peakMemoryUsage",
        "state",
        "stream",
    ]
    # other requests are answered while the query sleeps: it is still listed afterwards
    cursor = await db.aql.execute("RETURN 42")
    assert [x async for x in cursor] == [42]
    assert not sleeper.done()
    assert [q["id"] for q in await db.aql.queries()] == [entry["id"]]

    assert await db.aql.kill(entry["id"]) is True
    with pytest.raises(AQLQueryExecuteError) as exc:
        await sleeper
    assert (exc.value.http_code, exc.value.error_code) == (410, 1500)
    assert await db.aql.queries() == []
    slow = [q for q in await db.aql.slow_queries() if q["id"] == entry["id"]]
    assert len(slow) == 1
    assert slow[0]["state"] == "killed" and slow[0]["exitCode"] == 1500
    assert slow[0]["runTime"] >= entry["runTime"]
    await db.aql.clear_slow_queries()
    assert await db.aql.slow_queries() == []


async def test_unknown_query_id_and_tracking_off(db: Any) -> None:
    assert await db.aql.kill("12345", ignore_missing=True) is False
    await db.aql.set_tracking(enabled=False)
    sleeper = asyncio.create_task(db.aql.execute("RETURN SLEEP(0.2)"))
    await asyncio.sleep(0.05)
    assert await db.aql.queries() == []  # not tracked: never listed
    await sleeper


async def test_slow_log_keeps_the_newest_and_cuts_long_query_strings(db: Any) -> None:
    await db.aql.set_tracking(
        slow_query_threshold=0, max_slow_queries=2, max_query_string_length=12
    )
    for i in range(3):
        await db.aql.execute(f"RETURN {i} /* a long comment */", bind_vars={})
    slow = await db.aql.slow_queries()
    assert [q["query"] for q in slow] == ["RETURN 1 /* ...", "RETURN 2 /* ..."]
    assert all(q["state"] == "finished" and q["exitCode"] == 0 for q in slow)
    await db.aql.set_tracking(track_bind_vars=False)
    await db.aql.execute("RETURN @x", bind_vars={"x": 1})
    assert (await db.aql.slow_queries())[-1]["bindVars"] == {}


async def test_max_runtime_interrupts_a_pathological_regex(db: Any) -> None:
    query = "RETURN REGEX_TEST(CONCAT(REPEAT('a', 40), '!'), '(a|aa)+$')"
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute(query, options={"maxRuntime": 0.3})
    assert (exc.value.http_code, exc.value.error_code) == (410, 1500)


async def test_a_pathological_regex_is_killed_while_others_are_answered(db: Any) -> None:
    text = "RETURN CONCAT(REPEAT('a', 60), '!') =~ '(a|aa)+$'"
    stuck = asyncio.create_task(db.aql.execute(text))
    entry = await _listed(db, text)
    cursor = await db.aql.execute("RETURN 1")
    assert [x async for x in cursor] == [1]
    assert not stuck.done()
    assert await db.aql.kill(entry["id"]) is True
    with pytest.raises(AQLQueryExecuteError) as exc:
        await stuck
    assert exc.value.error_code == 1500


# --------------------------------------------------------------- write-write conflicts
RMW = "LET d = DOCUMENT(c, 'k') UPDATE d WITH {n: d.n + 1} IN c"


async def _retrying(attempt: Callable[[], Awaitable[Any]], retries: int) -> Any:
    """What arangojs's ``retryOnConflict`` does on the client: the request again on 1200
    (ArangoDB itself has no such query or document option)."""
    for left in range(retries, -1, -1):
        try:
            return await attempt()
        except (AQLQueryExecuteError, DocumentUpdateError) as exc:
            if exc.error_code != 1200 or not left:
                raise


async def test_concurrent_read_modify_write_queries(db: Any, col: Any) -> None:
    await col.insert({"_key": "k", "n": 0})
    outcomes = await asyncio.gather(
        *(db.aql.execute(RMW) for _ in range(1000)), return_exceptions=True
    )
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert failed, "overlapping queries must conflict"
    assert {(e.http_code, e.error_code) for e in failed} == {(409, 1200)}  # type: ignore[attr-defined]
    assert all("write-write conflict" in str(e) for e in failed)
    assert (await col.get("k"))["n"] == 1000 - len(failed)  # no update lost

    await col.update({"_key": "k", "n": 0})
    await asyncio.gather(*(_retrying(lambda: db.aql.execute(RMW), 100) for _ in range(1000)))
    assert (await col.get("k"))["n"] == 1000


async def test_stream_transactions_on_the_same_document_conflict(db: Any, col: Any) -> None:
    await col.insert({"_key": "k", "n": 0})
    first = await db.begin_transaction(write="c")
    second = await db.begin_transaction(write="c")
    await first.collection("c").update({"_key": "k", "n": 1})
    with pytest.raises(DocumentUpdateError) as exc:
        await second.collection("c").update({"_key": "k", "n": 2})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1200)
    # a query writing the document the running transaction holds conflicts too
    with pytest.raises(AQLQueryExecuteError) as exc2:
        await db.aql.execute(RMW)
    assert exc2.value.error_code == 1200
    await first.commit_transaction()
    await second.abort_transaction()
    assert (await col.get("k"))["n"] == 1


async def test_a_transaction_snapshot_conflicts_with_a_later_write(db: Any, col: Any) -> None:
    await col.insert({"_key": "k", "n": 0})
    trx = await db.begin_transaction(write="c")
    assert (await trx.collection("c").get("k"))["n"] == 0
    await col.update({"_key": "k", "n": 5})  # committed after the snapshot
    assert (await trx.collection("c").get("k"))["n"] == 0  # the snapshot stays
    with pytest.raises(DocumentUpdateError) as exc:
        await trx.collection("c").update({"_key": "k", "n": 1})
    assert exc.value.error_code == 1200
    await trx.abort_transaction()
    with pytest.raises(TransactionCommitError):
        await trx.commit_transaction()


# --------------------------------------------------------------- raw connections
def _connect(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)


_AUTH = {"Authorization": "Basic " + base64.b64encode(b"root:").decode()}


def _call(
    conn: http.client.HTTPConnection, method: str, path: str, body: Any = None
) -> tuple[int, Any, dict[str, str]]:
    data = None if body is None else json.dumps(body)
    conn.request(method, path, body=data, headers=_AUTH)
    resp = conn.getresponse()
    payload = resp.read()
    return resp.status, json.loads(payload) if payload else None, dict(resp.getheaders())


def test_raw_connections_to_serve(arango_url: str) -> None:
    """Several connections to ``arangomock serve``: one sleeps in a query, the others
    list it, get answers, kill it."""
    result: dict[str, Any] = {}

    def sleeper() -> None:
        with_conn = _connect(arango_url)
        result["sleep"] = _call(with_conn, "POST", "/_api/cursor", {"query": "RETURN SLEEP(30)"})

    thread = threading.Thread(target=sleeper, daemon=True)
    thread.start()
    lister, other = _connect(arango_url), _connect(arango_url)
    entry = None
    for _ in range(POLLS):
        status, listed, headers = _call(lister, "GET", "/_api/query/current")
        assert status == 200
        assert float(headers["x-arango-queue-time-seconds"]) >= 0
        if listed:
            entry = listed[0]
            break
        threading.Event().wait(POLL)
    assert entry is not None and entry["query"] == "RETURN SLEEP(30)"
    for _ in range(5):
        status, version, _ = _call(other, "GET", "/_api/version")
        assert status == 200 and version["server"] == "arango"
    assert thread.is_alive()  # the others were answered while it slept
    status, body, _ = _call(other, "DELETE", f"/_api/query/{entry['id']}")
    assert (status, body) == (200, {"error": False, "code": 200})
    thread.join(10)
    status, body, _ = result["sleep"]
    assert (status, body["errorNum"]) == (410, 1500)
    assert body["errorMessage"].startswith("AQL: query killed")
    status, body, _ = _call(other, "DELETE", f"/_api/query/{entry['id']}")
    assert (status, body["errorNum"], body["errorMessage"]) == (404, 1591, "query ID not found")


# --------------------------------------------------------------- stress
THREADS = 6
OPS = 40


def _request(emulator: Emulator, method: str, path: str, body: Any = None, **headers: str) -> Any:
    hdrs = {"authorization": _AUTH["Authorization"], **headers}
    data = b"" if body is None else json.dumps(body).encode()
    resp = emulator.handle_sync(BackendRequest(method, path, {}, hdrs, data))
    return resp.status, json.loads(resp.body) if resp.body else None


def test_stress_final_state_is_exact(arango_emulator: Emulator) -> None:
    """Threads insert, update with ``_rev`` preconditions, count with UPSERT, increment in
    stream transactions and read, retrying on 1200/1210/412 as clients do; nothing is
    lost or counted twice."""
    emu = arango_emulator
    db = emu.server.create_database("stress")
    db.create_collection("items")
    db.create_collection("counters")
    base = "/_db/stress"
    assert (
        _request(emu, "POST", f"{base}/_api/document/counters", {"_key": "rev", "n": 0})[0] == 202
    )
    assert (
        _request(emu, "POST", f"{base}/_api/document/counters", {"_key": "trx", "n": 0})[0] == 202
    )
    errors: list[str] = []

    def retry(step: Callable[[], tuple[int, Any]], ok: set[int]) -> None:
        for _ in range(10_000):
            status, body = step()
            if status in ok:
                return
            if status not in (409, 412):
                errors.append(f"{status} {body}")
                return
        errors.append("gave up")

    def rev_increment() -> tuple[int, Any]:
        _, doc = _request(emu, "GET", f"{base}/_api/document/counters/rev")
        return _request(
            emu,
            "PATCH",
            f"{base}/_api/document/counters/rev",
            {"n": doc["n"] + 1},
            **{"if-match": doc["_rev"]},
        )

    def upsert() -> tuple[int, Any]:
        query = "UPSERT {_key: 'up'} INSERT {_key: 'up', n: 1} UPDATE {n: OLD.n + 1} IN counters"
        return _request(emu, "POST", f"{base}/_api/cursor", {"query": query})

    def trx_increment() -> tuple[int, Any]:
        status, body = _request(
            emu, "POST", f"{base}/_api/transaction/begin", {"collections": {"write": "counters"}}
        )
        tid = body["result"]["id"]
        header = {"x-arango-trx-id": tid}
        _, doc = _request(emu, "GET", f"{base}/_api/document/counters/trx", **header)
        status, body = _request(
            emu, "PATCH", f"{base}/_api/document/counters/trx", {"n": doc["n"] + 1}, **header
        )
        if status != 201 and status != 202:
            _request(emu, "DELETE", f"{base}/_api/transaction/{tid}")
            return status, body
        return _request(emu, "PUT", f"{base}/_api/transaction/{tid}")

    def worker(t: int) -> None:
        for i in range(OPS):
            status, body = _request(
                emu, "POST", f"{base}/_api/document/items", {"_key": f"{t}-{i}", "t": t}
            )
            if status != 202:
                errors.append(f"insert {status} {body}")
            retry(rev_increment, {200, 201, 202})
            retry(upsert, {201})
            retry(trx_increment, {200})
            status, body = _request(
                emu, "POST", f"{base}/_api/cursor", {"query": "RETURN LENGTH(items)"}
            )
            if status != 201 or body["result"][0] < i + 1:
                errors.append(f"read {status} {body}")

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "stress run did not finish"
    assert errors == []
    total = THREADS * OPS
    counters = db.collection("counters").docs
    assert len(db.collection("items").docs) == total
    assert counters["rev"]["n"] == total
    assert counters["up"]["n"] == total
    assert counters["trx"]["n"] == total


# --------------------------------------------------------------- queue time
async def test_queue_time_header_and_statistics(
    sys_db: Any, raw: Any, arango_emulator: Emulator
) -> None:
    await sys_db.version()  # answered on a worker thread: one queue time recorded
    status, _, headers = raw("GET", "/_api/version")
    value = headers["x-arango-queue-time-seconds"]
    assert status == 200 and float(value) >= 0
    assert len(value.split(".")[1]) == 6  # std::to_string of a double
    status, stats, _ = raw("GET", "/_admin/statistics")
    queue = stats["client"]["queueTime"]
    assert queue["count"] >= 1 and sum(queue["counts"]) == queue["count"]
    assert len(queue["counts"]) == 7
    metrics = arango_emulator.handle_sync(
        BackendRequest("GET", "/_admin/metrics", {}, {"authorization": _AUTH["Authorization"]})
    ).body.decode()
    assert "arangodb_scheduler_low_prio_queue_last_dequeue_time" in metrics


# --------------------------------------------------------------- the lock
def test_server_lock_hands_over_in_arrival_order() -> None:
    lock = ServerLock()
    order: list[str] = []
    lock.acquire()
    lock.acquire()  # re-entrant

    def waiter(name: str) -> None:
        with lock:
            order.append(name)

    threads = []
    for name in ("first", "second"):
        thread = threading.Thread(target=waiter, args=(name,), daemon=True)
        thread.start()
        threads.append(thread)
        for _ in range(POLLS):  # queued before the next one starts
            if len(lock._queue) == len(threads):
                break
            threading.Event().wait(POLL)
    assert lock.contended
    lock.yield_turn(everyone=False)  # only the first goes, then this thread again
    assert order == ["first"]
    assert lock.owned()
    lock.yield_turn()  # everyone waiting goes first
    assert order == ["first", "second"]
    lock.release()
    assert lock.owned()  # one level still held
    lock.release()
    assert not lock.owned() and not lock.contended
    for thread in threads:
        thread.join(5)
    with pytest.raises(RuntimeError):
        lock.release()
