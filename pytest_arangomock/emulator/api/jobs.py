"""Async jobs: ``x-arango-async`` requests and the ``/_api/job`` API.

A request with ``x-arango-async: true`` or ``store`` is authenticated and its database
checked right away (401 and 404 come back synchronously, as ArangoDB's communication layer
sends them); then it runs as a job on a thread of its own and the client gets 202 (plus
``x-arango-async-id`` for ``store``, whose response is kept until fetched with
``PUT /_api/job/{id}``).

The submission waits until its job finished or settled into a wait (AQL's ``SLEEP()``, which
runs without the server lock), so a short job is done when the 202 arrives and a sleeping
one is listed as pending. A query in a job notices ``PUT /_api/job/{id}/cancel`` at its
interruption points (it is killed: 410, error 1500), a moment after the cancel request.
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

from ...backend import BackendRequest, BackendResponse
from ...base.errors import ArangoError
from ...state import Server
from ...state.jobs import DONE, PENDING, Job, JobStore
from ..context import Context, json_response
from ..router import AUTH, route

AREA = "job"
ASYNC_HEADER = "x-arango-async"
ID_HEADER = "x-arango-async-id"
DEFAULT_COUNT = 100  # ids listed per call unless ?count= says otherwise
SETTLE_TIMEOUT = 30.0  # the longest a submission waits for its job to finish or sleep
_TEXT = {"content-type": "text/plain"}


class Admitted(Protocol):
    """A request past the communication layer, as far as a job needs it."""

    @property
    def user(self) -> str | None: ...


class Host(Protocol):
    """The backend that runs jobs: its server, its admission checks and its dispatch."""

    server: Server

    def admit(self, request: BackendRequest) -> Admitted: ...

    def dispatch(self, request: BackendRequest) -> BackendResponse: ...


# ---------------------------------------------------------------------- execution
def async_hook(host: Host, request: BackendRequest) -> BackendResponse | None:
    """``outer`` hook: queue ``x-arango-async`` requests as jobs, answer 202."""
    mode = request.headers.get(ASYNC_HEADER)
    if mode not in ("true", "store"):
        return None
    headers = {k: v for k, v in request.headers.items() if k != ASYNC_HEADER}
    inner = BackendRequest(request.method, request.path, dict(request.query), headers, request.body)
    server = host.server
    try:
        with server.lock:
            user = host.admit(request).user
            job = Job(server.clock.next_id(), user)
            if mode == "store":
                server.jobs.add(job)
    except ArangoError as exc:
        return json_response(exc.status, exc.body(), exc.headers)
    threading.Thread(
        target=_run,
        args=(host, server, job, inner),
        name=f"arangomock-job-{job.id}",
        daemon=True,
    ).start()
    job.settled.wait(SETTLE_TIMEOUT)
    answer = dict(_TEXT)
    if mode == "store":
        answer[ID_HEADER] = job.id
    return BackendResponse(202, answer, b"")


def _run(host: Host, server: Server, job: Job, request: BackendRequest) -> None:
    with server.lock:
        response = job.run(lambda: host.dispatch(request))
        server.jobs.finish(job, response)


# ---------------------------------------------------------------------- /_api/job
def _bad_parameter() -> ArangoError:
    return ArangoError(400, "bad parameter", 400)


def _number(value: str) -> str:
    """ArangoDB reads job ids as unsigned integers from their leading digits."""
    match = re.match(r"\d+", value)
    return str(int(match.group())) if match else "0"


def _jobs(ctx: Context) -> JobStore:
    return ctx.server.jobs


@route("GET", "/_api/job/{id}", area=AREA, access=AUTH)
def job_status(ctx: Context) -> BackendResponse:
    """A job's status (200 done, 204 pending), or the ids of done/pending jobs."""
    value = ctx.params["id"]
    if value[:1] in "123456789" and value:
        job = _jobs(ctx).get(_number(value), ctx.user)
        if job is None:
            raise ArangoError(404, "not found", 404)
        return BackendResponse(200 if job.status == DONE else 204, dict(_TEXT), b"")
    if value not in (DONE, PENDING):
        raise _bad_parameter()
    count = ctx.query.get("count")
    limit = max(int(_number(count)), 1) if count is not None else DEFAULT_COUNT
    ids = [job.id for job in _jobs(ctx).visible(ctx.user) if job.status == value]
    return ctx.json(200, ids[:limit])


@route("PUT", "/_api/job/{id}", area=AREA, access=AUTH)
def fetch_result(ctx: Context) -> BackendResponse:
    """The stored response of a finished job (then it is gone), 204 while pending."""
    jobs = _jobs(ctx)
    job = jobs.get(_number(ctx.params["id"]), ctx.user)
    if job is None:
        raise ArangoError(404, "not found", 404)
    if job.status == PENDING or job.response is None:
        return BackendResponse(204, dict(_TEXT), b"")
    jobs.forget(job.id)
    headers = dict(job.response.headers)
    headers[ID_HEADER] = ctx.params["id"]
    return BackendResponse(job.response.status, headers, job.response.body)


@route("PUT", "/_api/job/{id}/cancel", area=AREA, access=AUTH)
@route("PUT", "/_api/job/{id}/{method}", area=AREA, access=AUTH)
def cancel(ctx: Context) -> BackendResponse:
    """Cancel a job: a running query is killed a moment later."""
    if ctx.params.get("method", "cancel") != "cancel":
        raise _bad_parameter()
    jid = _number(ctx.params["id"])
    job = _jobs(ctx).get(jid, ctx.user)
    if job is None:
        raise ArangoError(
            404, f"could not find job ({jid}) in AsyncJobManager during cancel operation", 404
        )
    job.cancel()
    return ctx.json(200, {"result": True})


@route("DELETE", "/_api/job/{id}", area=AREA, access=AUTH)
def delete_results(ctx: Context) -> BackendResponse:
    """Forget one job, ``all`` of them, or those ``expired`` before ``?stamp=``."""
    jobs = _jobs(ctx)
    value = ctx.params["id"]
    if value == "all":
        doomed = jobs.visible(ctx.user)
    elif value == "expired":
        stamp = ctx.query.get("stamp")
        if stamp is None:
            raise _bad_parameter()
        limit = _decimal(stamp)
        doomed = [job for job in jobs.visible(ctx.user) if job.stamp < limit]
    else:
        job = jobs.get(_number(value), ctx.user)
        if job is None:
            raise ArangoError(404, "not found", 404)
        doomed = [job]
    for job in doomed:
        jobs.forget(job.id)
    return ctx.json(200, {"result": True})


def _decimal(value: str) -> float:
    match = re.match(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value)
    return float(match.group()) if match else 0.0


def _no_suffix(ctx: Context) -> BackendResponse:
    """``/_api/job`` without an id: bad parameter."""
    raise _bad_parameter()


for _method in ("GET", "PUT", "DELETE"):
    route(_method, "/_api/job", area=AREA, access=AUTH)(_no_suffix)
