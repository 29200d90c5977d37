"""The cursor API: batches, key order, retries, options, errors, and cursors inside stream
transactions (through arangoasync, and raw HTTP where the driver hides the details)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from arangoasync.exceptions import AQLQueryExecuteError

CURSOR = "/_db/testdb/_api/cursor"


async def _numbers(db: Any, n: int = 5) -> None:
    col = await db.create_collection("nums")
    await col.insert_many([{"_key": str(i), "n": i} for i in range(n)])


# ---------------------------------------------------------------- batches and key order
async def test_single_batch_keys_and_order(db: Any, raw: Any) -> None:
    await _numbers(db)
    status, body, _ = raw(
        "POST", CURSOR, {"query": "FOR d IN nums SORT d.n RETURN d.n", "count": True}
    )
    assert status == 201
    assert list(body) == ["result", "hasMore", "count", "cached", "extra", "error", "code"]
    assert body["result"] == [0, 1, 2, 3, 4] and body["count"] == 5
    assert list(body["extra"]) == ["warnings", "stats"]
    assert body["extra"]["stats"]["scannedFull"] == 5


async def test_multi_batch_cursor(db: Any, raw: Any) -> None:
    await _numbers(db)
    query = {"query": "FOR d IN nums SORT d.n RETURN d.n", "count": True, "batchSize": 2}
    status, first, _ = raw("POST", CURSOR, query)
    assert status == 201
    assert list(first) == [
        "result",
        "hasMore",
        "id",
        "count",
        "extra",
        "cached",
        "nextBatchId",
        "error",
        "code",
    ]
    assert (first["result"], first["hasMore"], first["nextBatchId"]) == ([0, 1], True, "2")
    cid = first["id"]
    status, second, _ = raw("POST", f"{CURSOR}/{cid}")
    assert (status, second["result"], second["nextBatchId"]) == (200, [2, 3], "3")
    status, last, _ = raw("PUT", f"{CURSOR}/{cid}")
    assert (status, last["result"], last["hasMore"]) == (200, [4], False)
    assert "id" not in last and "nextBatchId" not in last
    status, gone, _ = raw("POST", f"{CURSOR}/{cid}")
    assert (status, gone["errorNum"]) == (404, 1600)


async def test_driver_reads_every_batch(db: Any) -> None:
    await _numbers(db, 25)
    cursor = await db.aql.execute("FOR d IN nums SORT d.n RETURN d.n", batch_size=4, count=True)
    assert cursor.count == 25
    assert [n async for n in cursor] == list(range(25))


async def test_retry_and_batch_ids(db: Any, raw: Any) -> None:
    await _numbers(db)
    body = {"query": "FOR d IN nums SORT d.n RETURN d.n", "batchSize": 2}
    _, first, _ = raw("POST", CURSOR, {**body, "options": {"allowRetry": True}})
    cid = first["id"]
    _, second, _ = raw("POST", f"{CURSOR}/{cid}/2")  # the next batch by its id
    assert second["result"] == [2, 3]
    status, again, _ = raw("POST", f"{CURSOR}/{cid}/2")  # the same batch again
    assert (status, again["result"]) == (200, [2, 3])
    _, last, _ = raw("POST", f"{CURSOR}/{cid}")
    assert (last["result"], last["hasMore"]) == ([4], False)
    assert "id" not in last and "nextBatchId" not in last
    status, again, _ = raw("POST", f"{CURSOR}/{cid}/3")  # the last batch survives
    assert (status, again["result"], "id" in again) == (200, [4], False)
    for wanted in ("4", "9", "0", "2"):  # after the last, unknown, before the first, older
        status, missing, _ = raw("POST", f"{CURSOR}/{cid}/{wanted}")
        assert (status, missing["errorNum"], missing["errorMessage"]) == (
            404,
            1600,
            "batch id not found",
        )
    # the kept cursor has nothing more: an empty last batch, which a retry repeats
    status, empty, _ = raw("POST", f"{CURSOR}/{cid}")
    assert (status, empty["result"], empty["hasMore"], "id" in empty) == (200, [], False, False)
    status, again, _ = raw("POST", f"{CURSOR}/{cid}/4")
    assert (status, again["result"]) == (200, [])
    status, deleted, _ = raw("DELETE", f"{CURSOR}/{cid}")
    assert (status, deleted) == (202, {"id": cid, "error": False, "code": 202})
    # without allowRetry: the next batch by id works, the current one again does not
    _, plain, _ = raw("POST", CURSOR, body)
    status, err, _ = raw("POST", f"{CURSOR}/{plain['id']}/1")
    assert (status, err["errorNum"]) == (400, 400)
    status, nxt, _ = raw("POST", f"{CURSOR}/{plain['id']}/2")
    assert (status, nxt["result"]) == (200, [2, 3])


async def test_ttl_expiry_and_delete(db: Any, raw: Any) -> None:
    await _numbers(db)
    body = {"query": "FOR d IN nums RETURN d", "batchSize": 1, "ttl": 0.05}
    _, first, _ = raw("POST", CURSOR, body)
    time.sleep(0.1)
    status, err, _ = raw("POST", f"{CURSOR}/{first['id']}")
    assert (status, err["errorNum"]) == (404, 1600)
    status, err, _ = raw("DELETE", f"{CURSOR}/{first['id']}")
    assert (status, err["errorNum"]) == (404, 1600)


async def test_stream_cursor(db: Any, raw: Any) -> None:
    await _numbers(db)
    body = {
        "query": "FOR d IN nums SORT d.n RETURN d.n",
        "batchSize": 3,
        "options": {"stream": True},
    }
    _, first, _ = raw("POST", CURSOR, body)
    assert "extra" not in first and "count" not in first and first["hasMore"] is True
    _, last, _ = raw("POST", f"{CURSOR}/{first['id']}")
    assert last["result"] == [3, 4] and "extra" in last
    # count and fullCount are dropped for streaming queries, not refused
    options = {"stream": True, "fullCount": True, "count": True}
    status, again, _ = raw("POST", CURSOR, {**body, "count": True, "options": options})
    assert status == 201 and "count" not in again and again["result"] == [0, 1, 2]


# ---------------------------------------------------------------- options
@pytest.mark.parametrize(
    ("body", "num"),
    [
        ({"query": "RETURN 1", "batchSize": 0}, 17),
        ({"query": "RETURN 1", "batchSize": -3}, 17),
        ({"query": "RETURN 1", "bindVars": [1]}, 17),
        ({"query": ""}, 1502),
        ({}, 600),
    ],
)
async def test_request_errors(db: Any, raw: Any, body: Any, num: int) -> None:
    status, err, _ = raw("POST", CURSOR, body)
    assert (status, err["errorNum"]) == (400, num)


async def test_full_count_in_stats(db: Any) -> None:
    await _numbers(db, 12)
    cursor = await db.aql.execute(
        "FOR d IN nums FILTER d.n >= 2 LIMIT 3 RETURN d", options={"fullCount": True}
    )
    assert len([d async for d in cursor]) == 3
    assert cursor.statistics.full_count == 10


async def test_memory_limit(db: Any, raw: Any) -> None:
    status, err, _ = raw(
        "POST", CURSOR, {"query": "FOR i IN 1..100000 SORT i RETURN i", "memoryLimit": 100000}
    )
    assert (status, err["errorNum"]) == (500, 32)
    assert err["errorMessage"].startswith("AQL: query would use more memory than allowed [node #")
    assert err["errorMessage"].endswith("(while executing)")
    status, _, _ = raw(
        "POST", CURSOR, {"query": "FOR i IN 1..10 SORT i RETURN i", "memoryLimit": 100000}
    )
    assert status == 201


async def test_max_runtime_kills_the_query(db: Any) -> None:
    started = time.monotonic()
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN SLEEP(5)", options={"maxRuntime": 0.05})
    assert (exc.value.error_code, exc.value.http_code) == (1500, 410)
    assert time.monotonic() - started < 2


async def test_warnings_fail_on_warning_and_max_warning_count(db: Any) -> None:
    cursor = await db.aql.execute("FOR i IN 1..5 RETURN i / 0", options={"maxWarningCount": 2})
    assert [x async for x in cursor] == [None] * 5
    warnings = cursor.warnings
    assert len(warnings) == 2 and warnings[0]["code"] == 1562
    with pytest.raises(AQLQueryExecuteError) as exc:
        await db.aql.execute("RETURN 1 / 0", options={"failOnWarning": True})
    assert (exc.value.error_code, exc.value.http_code) == (1562, 400)


async def test_profile_levels(db: Any, raw: Any) -> None:
    await _numbers(db)
    query = "FOR d IN nums FILTER d.n > 1 RETURN d.n"
    _, one, _ = raw("POST", CURSOR, {"query": query, "options": {"profile": 1}})
    assert "profile" in one["extra"] and "plan" not in one["extra"]
    assert "executing" in one["extra"]["profile"]
    _, two, _ = raw("POST", CURSOR, {"query": query, "options": {"profile": 2}})
    plan_ids = [node["id"] for node in two["extra"]["plan"]["nodes"]]
    assert [node["id"] for node in two["extra"]["stats"]["nodes"]] == plan_ids


PHASES = [
    "initializing",
    "parsing",
    "optimizing ast",
    "loading collections",
    "instantiating plan",
    "optimizing plan",
    "instantiating executors",
    "executing",
    "finalizing",
]


@pytest.mark.parametrize("level", [1, 2])
async def test_profile_phases_are_timed(db: Any, level: int) -> None:
    await _numbers(db)
    cursor = await db.aql.execute(
        "FOR d IN nums FILTER d.n > 1 SORT d.n RETURN d.n",
        batch_size=1,
        options={"profile": level},
    )
    phases = cursor.profile.to_dict()
    assert list(phases) == PHASES
    # every phase is measured: each one spans the time since the one before it ended
    assert all(isinstance(v, float) and v > 0 for v in phases.values()), phases
    total = cursor.statistics.execution_time
    assert total > 0
    assert sum(phases.values()) <= total * 1.01 + 1e-6
    # later batches repeat the first batch's figures
    first = dict(phases)
    assert [x async for x in cursor] == [2, 3, 4]
    assert cursor.profile.to_dict() == first


async def test_profile_times_write_queries_and_execution(db: Any) -> None:
    await _numbers(db, 3)
    cursor = await db.aql.execute(
        "FOR d IN nums UPDATE d WITH {m: 1} IN nums RETURN NEW.m",
        options={"profile": 1},
    )
    assert [x async for x in cursor] == [1, 1, 1]
    phases = cursor.profile.to_dict()
    assert phases["initializing"] > 0 and phases["parsing"] > 0 and phases["executing"] > 0
    assert cursor.statistics.execution_time > 0
    assert cursor.statistics.writes_executed == 3
    # a slow query spends its time executing
    slow = await db.aql.execute("RETURN SLEEP(0.05)", options={"profile": 1})
    timed = slow.profile.to_dict()
    assert timed["executing"] >= 0.05
    assert timed["parsing"] < timed["executing"]
    assert slow.statistics.execution_time >= timed["executing"]


async def test_no_profile_without_option(db: Any, raw: Any) -> None:
    _, body, _ = raw("POST", CURSOR, {"query": "RETURN 1"})
    assert "profile" not in body["extra"]
    cursor = await db.aql.execute("RETURN 1")
    assert cursor.statistics.execution_time > 0


async def test_error_messages_name_phase_and_node(db: Any, raw: Any) -> None:
    await db.create_collection("products")
    status, err, _ = raw("POST", CURSOR, {"query": "REMOVE 'foo' IN products"})
    assert (status, err["errorNum"]) == (404, 1202)
    assert err["errorMessage"] == "AQL: document not found [node #3: RemoveNode] (while executing)"
    status, err, _ = raw("POST", CURSOR, {"query": "RETURN @x"})
    assert (status, err["errorNum"]) == (400, 1551)
    assert err["errorMessage"].endswith("(while parsing)")
    assert err["errorMessage"].startswith("AQL: no value specified for declared bind parameter")
    # a failed write query leaves the collection as it was
    status, _, _ = raw(
        "POST", CURSOR, {"query": "FOR k IN ['a', 'b', 'a'] INSERT {_key: k} INTO products"}
    )
    assert status == 409
    assert await db.collection("products").count() == 0


async def test_cursor_inside_stream_transaction(db: Any) -> None:
    col = await db.create_collection("inside")
    trx = await db.begin_transaction(write=["inside"])
    try:
        await trx.aql.execute("INSERT {_key: 'x'} INTO inside")
        cursor = await trx.aql.execute("FOR d IN inside RETURN d._key")
        assert [k async for k in cursor] == ["x"]
        assert await col.count() == 0  # not visible outside before the commit
    finally:
        await trx.commit_transaction()
    assert await col.count() == 1
