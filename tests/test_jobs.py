"""Async jobs through arangoasync's async execution (both transports), plus raw checks of
the job API's status codes, headers and bodies."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    AsyncJobCancelError,
    AsyncJobResultError,
    AsyncJobStatusError,
    DocumentInsertError,
)

URL = "/_db/testdb/_api"


async def wait_done(job: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while await job.status() != "done":
        assert time.monotonic() < deadline, "job did not finish"
        await asyncio.sleep(0.05)


async def test_stored_job_result_is_fetched_once(col, db):
    async_db = db.begin_async_execution(return_result=True)
    job = await async_db.collection("c").insert({"_key": "a"})
    assert await job.status() == "done"
    assert job.id in await db.async_jobs("done")
    meta = await job.result()
    assert meta["_key"] == "a"
    with pytest.raises(AsyncJobResultError) as exc:
        await job.result()
    assert exc.value.http_code == 404
    with pytest.raises(AsyncJobStatusError):
        await job.status()


async def test_fire_and_forget_jobs_run_but_keep_nothing(col, db):
    async_db = db.begin_async_execution(return_result=False)
    assert await async_db.collection("c").insert({"_key": "b"}) is None
    assert await col.get("b") is not None
    assert await db.async_jobs("done") == []


async def test_a_failed_request_is_a_job_result(col, db):
    await col.insert({"_key": "dup"})
    job = await db.begin_async_execution().collection("c").insert({"_key": "dup"})
    with pytest.raises(DocumentInsertError) as exc:
        await job.result()
    assert (exc.value.http_code, exc.value.error_code) == (409, 1210)


async def test_sleeping_query_is_pending_until_cancelled(col, db):
    job = await db.begin_async_execution().aql.execute("RETURN SLEEP(10)")
    assert await job.status() == "pending"
    assert await db.async_jobs("pending") == [job.id]
    started = time.monotonic()
    await col.insert({"_key": "meanwhile"})  # the server goes on while the job sleeps
    assert time.monotonic() - started < 1
    with pytest.raises(AsyncJobResultError) as pending:
        await job.result()
    assert pending.value.http_code == 204
    assert await job.cancel() is True
    await wait_done(job)
    with pytest.raises(AQLQueryExecuteError) as exc:
        await job.result()
    assert (exc.value.http_code, exc.value.error_code) == (410, 1500)


async def test_a_short_sleep_finishes_by_itself(col, db):
    job = await db.begin_async_execution().aql.execute("RETURN SLEEP(0.1) || 7")
    await wait_done(job)
    cursor = await job.result()
    assert [v async for v in cursor] == [7]


async def test_clearing_jobs(col, db):
    async_db = db.begin_async_execution()
    first = await async_db.collection("c").count()
    assert await first.clear() is True
    assert await first.clear(ignore_missing=True) is False
    with pytest.raises(AsyncJobCancelError):
        await first.cancel()
    second = await async_db.collection("c").count()
    await db.clear_async_jobs(threshold=time.time() - 3600)  # older ones only
    assert await db.async_jobs("done") == [second.id]
    await db.clear_async_jobs()
    assert await db.async_jobs("done") == []


async def test_listing_is_newest_first_and_counted(col, db):
    async_db = db.begin_async_execution()
    ids = [(await async_db.collection("c").count()).id for _ in range(3)]
    assert await db.async_jobs("done") == ids[::-1]
    assert await db.async_jobs("done", count=2) == ids[::-1][:2]


async def test_raw_job_api(col, raw):
    status, body, headers = raw("PUT", f"{URL}/document/c", None, {"x-arango-async": "store"})
    assert (status, body, headers["content-type"]) == (202, None, "text/plain")
    jid = headers["x-arango-async-id"]
    status, body, headers = raw("GET", f"/_api/job/{jid}")
    assert (status, body) == (200, None)
    direct = raw("PUT", f"{URL}/document/c")
    status, body, headers = raw("PUT", f"/_api/job/{jid}")
    # the original response (an error here) with the job id added
    assert (status, body) == direct[:2] and status == 400
    assert headers == {**direct[2], "x-arango-async-id": jid}
    assert raw("PUT", f"/_api/job/{jid}")[0] == 404  # fetched: gone
    status, body, _ = raw("PUT", "/_api/job/notthere")
    assert (status, body) == (
        404,
        {"code": 404, "error": True, "errorMessage": "not found", "errorNum": 404},
    )
    status, body, _ = raw("GET", "/_api/job/sometimes")
    assert (status, body["errorNum"], body["errorMessage"]) == (400, 400, "bad parameter")
    status, body, _ = raw("PUT", "/_api/job/77/cancel")
    assert (status, body["errorMessage"]) == (
        404,
        "could not find job (77) in AsyncJobManager during cancel operation",
    )
    status, body, _ = raw("DELETE", "/_api/job/expired")
    assert (status, body["errorNum"]) == (400, 400)
    status, body, _ = raw("DELETE", "/_api/job/all")
    assert (status, body) == (200, {"result": True})


async def test_async_requests_are_authenticated_first(col, arango_emulator):
    from pytest_arangomock import BackendRequest

    request = BackendRequest.from_url("GET", "/_api/version", {"x-arango-async": "store"}, b"")
    response = arango_emulator.handle_sync(request)
    assert response.status == 401
    assert "x-arango-async-id" not in response.headers
