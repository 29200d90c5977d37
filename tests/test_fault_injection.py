"""Deterministic faults: from Python (``emulator.faults``) and over HTTP
(``/_arangomock/faults``), for the next N matching requests, visible in the request log."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    ClientConnectionAbortedError,
    DocumentGetError,
    DocumentInsertError,
)

from pytest_arangomock import Emulator


async def test_conflict_for_the_next_two_queries(db: Any, arango_emulator: Emulator) -> None:
    arango_emulator.faults.add("conflict", path="/_api/cursor", times=2)
    for _ in range(2):
        with pytest.raises(AQLQueryExecuteError) as exc:
            await db.aql.execute("RETURN 1")
        assert (exc.value.http_code, exc.value.error_code) == (409, 1200)
        assert exc.value.error_message == "write-write conflict"
    cursor = await db.aql.execute("RETURN 1")
    assert [x async for x in cursor] == [1]
    assert arango_emulator.faults.rules == []
    hit = [r for r in arango_emulator.requests if "x-arangomock-fault" in r.headers]
    assert [r.headers["x-arangomock-fault"] for r in hit] == ["conflict", "conflict"]


async def test_any_error_by_collection_and_query_text(
    db: Any, col: Any, arango_emulator: Emulator
) -> None:
    faults = arango_emulator.faults
    faults.add("error", collection="c", method="POST", error_num=1210, status=409)
    faults.add("error", query="FOR d IN c", error_num=32, status=500, message="resource limit")
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "a"})
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)
    assert "unique constraint violated" in exc.value.error_message
    await col.insert({"_key": "a"})  # spent: the next insert goes through
    cursor = await db.aql.execute("RETURN 2")  # another query text: untouched
    assert [x async for x in cursor] == [2]
    with pytest.raises(AQLQueryExecuteError) as exc2:
        await db.aql.execute("FOR d IN c RETURN d")
    assert (exc2.value.http_code, exc2.value.error_code) == (500, 32)
    assert exc2.value.error_message == "resource limit"


async def test_delay_drop_and_unavailable(db: Any, col: Any, arango_emulator: Emulator) -> None:
    await col.insert({"_key": "a"})
    faults = arango_emulator.faults
    faults.add("delay", path="/_api/document/", seconds=0.3)
    slow = asyncio.create_task(col.get("a"))
    await asyncio.sleep(0.05)
    assert not slow.done()
    cursor = await db.aql.execute("RETURN 3")  # answered while the other one waits
    assert [x async for x in cursor] == [3]
    assert (await slow)["_key"] == "a"
    faults.add("drop", path="/_api/document/", times=50)  # the driver retries a drop
    with pytest.raises(ClientConnectionAbortedError):
        await col.get("a")
    faults.clear()
    faults.add("unavailable", path="/_api/document/")
    with pytest.raises(DocumentGetError) as exc:
        await col.get("a")
    assert (exc.value.http_code, exc.value.error_code) == (503, 503)
    assert (await col.get("a"))["_key"] == "a"


def test_faults_over_http(raw: Any, arango_emulator: Emulator) -> None:
    status, body, _ = raw(
        "POST", "/_arangomock/faults", {"kind": "conflict", "method": "GET", "times": 1}
    )
    assert status == 201
    assert body["result"] == {"kind": "conflict", "times": 1, "method": "GET"}
    status, body, _ = raw("GET", "/_arangomock/faults")  # the control route is never hit
    assert body["result"] == [{"kind": "conflict", "times": 1, "method": "GET"}]
    status, body, _ = raw("GET", "/_api/version")
    assert (status, body["errorNum"]) == (409, 1200)
    assert raw("GET", "/_api/version")[0] == 200
    assert raw("POST", "/_arangomock/faults", {"kind": "flood"})[0] == 400
    assert raw("POST", "/_arangomock/faults", {"kind": "delay", "speed": 1})[0] == 400
    assert (
        raw("POST", "/_arangomock/faults", {"kind": "error", "errorNum": 1203, "status": 404})[0]
        == 201
    )
    assert raw("DELETE", "/_arangomock/faults")[0] == 200
    assert raw("GET", "/_arangomock/faults")[1]["result"] == []
    # a user without superuser rights is refused
    status, _, _ = raw("POST", "/_api/user", {"user": "reader", "passwd": "pw"})
    assert status == 201
    assert raw("PUT", "/_api/user/reader/database/_system", {"grant": "ro"})[0] == 200
    reader = type(raw)(arango_emulator, "reader", "pw")
    status, body, _ = reader("GET", "/_arangomock/faults")
    assert (status, body["errorNum"]) == (403, 11)


@pytest.mark.arango_fault("error", path="/_api/document/", error_num=1202, status=404)
async def test_fault_from_a_marker(col: Any, arango_emulator: Emulator) -> None:
    with pytest.raises(DocumentInsertError) as exc:
        await col.insert({"_key": "a"})
    assert (exc.value.http_code, exc.value.error_code) == (404, 1202)
    assert exc.value.error_message == "document not found"
    await col.insert({"_key": "a"})
    assert arango_emulator.faults.rules == []
