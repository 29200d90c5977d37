"""Async jobs: ``x-arango-async`` requests and the ``/_api/job`` API.

A request with ``x-arango-async: true`` or ``store`` is authenticated and its database
checked right away (401 and 404 come back synchronously, as ArangoDB's communication layer
sends them); then it runs as a job on a thread of its own and the client gets 202 (plus
``x-arango-async-id`` for ``store``, whose response is kept until fetched with
``PUT /_api/job/{id}``).

The emulator executes requests under one server lock, so a job normally finishes before the
202 is sent, and "pending" only exists while a job waits. That is what AQL's ``SLEEP()``
does inside a job: it releases the server lock while it sleeps (other requests go on, the
job is listed as pending), and it notices ``PUT /_api/job/{id}/cancel`` (the query is
killed: 410, error 1500), like ArangoDB's kill check, a moment after the cancel request.
"""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING, Any

from ...backend import BackendRequest, BackendResponse
from ...base.errors import ArangoError
from ..context import Context, json_response
from ..router import AUTH, route

if TYPE_CHECKING:
    from ...state import Server
    from ..core import Emulator

AREA = "job"
ASYNC_HEADER = "x-arango-async"
ID_HEADER = "x-arango-async-id"
PENDING = "pending"
DONE = "done"
DEFAULT_COUNT = 100  # ids listed per call unless ?count= says otherwise
CANCEL_NOTICE = 0.2  # seconds a killed query takes to notice it
SLEEP_SLICE = 0.05
SETTLE_TIMEOUT = 30.0  # the longest a submission waits for its job to finish or sleep
_EXTENSION = "async_jobs"
_TEXT = {"content-type": "text/plain"}
_local = threading.local()


class Job:
    """One async request: pending until its response is in."""

    def __init__(self, jid: str, user: str | None, request: BackendRequest, lock: Any) -> None:
        self.id = jid
        self.user = user
        self.request = request
        self.lock = lock  # the server lock the job runs under
        self.status = PENDING
        self.response: BackendResponse | None = None
        self.stamp = time.time()
        self.cancel_at: float | None = None
        self.settled = threading.Event()  # done, or waiting (then it may be a while)

    def cancel(self) -> None:
        if self.cancel_at is None:
            self.cancel_at = time.monotonic() + CANCEL_NOTICE

    def killed(self) -> bool:
        return self.cancel_at is not None and time.monotonic() >= self.cancel_at

    def pause(self, seconds: float) -> None:
        """Sleep without holding the server lock; 410/1500 once the job is cancelled."""
        self.settled.set()
        # the lock is re-entered (the AQL executor takes it too): hand every level over,
        # the way threading.Condition does around a wait
        saved = self.lock._release_save()
        try:
            deadline = time.monotonic() + seconds
            while not self.killed():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                time.sleep(min(remaining, SLEEP_SLICE))
        finally:
            self.lock._acquire_restore(saved)
        if self.killed():
            raise ArangoError(1500, "query killed", 410)


class JobManager:
    """The server's job results (ArangoDB's AsyncJobManager)."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def visible(self, user: str | None) -> list[Job]:
        """The caller's jobs, newest first (the order ArangoDB's hash map yields)."""
        return [job for job in reversed(self.jobs.values()) if job.user == user]

    def get(self, jid: str, user: str | None) -> Job | None:
        job = self.jobs.get(jid)
        return job if job is not None and job.user == user else None

    def finish(self, job: Job, response: BackendResponse) -> None:
        job.status = DONE
        job.stamp = time.time()
        job.response = response
        job.settled.set()


def manager(server: Server) -> JobManager:
    """The server's job manager (created on first use)."""
    mgr: JobManager | None = server.extensions.get(_EXTENSION)
    if mgr is None:
        mgr = JobManager()
        server.extensions[_EXTENSION] = mgr
    return mgr


# ---------------------------------------------------------------------- execution
def async_hook(emulator: Emulator, request: BackendRequest) -> BackendResponse | None:
    """Emulator ``outer`` hook: queue ``x-arango-async`` requests as jobs, answer 202."""
    mode = request.headers.get(ASYNC_HEADER)
    if mode not in ("true", "store"):
        return None
    headers = {k: v for k, v in request.headers.items() if k != ASYNC_HEADER}
    inner = BackendRequest(request.method, request.path, dict(request.query), headers, request.body)
    server = emulator.server
    try:
        with server.lock:
            user = emulator.admit(request).user
            job = Job(server.clock.next_id(), user, inner, server.lock)
            if mode == "store":
                manager(server).jobs[job.id] = job
    except ArangoError as exc:
        return json_response(exc.status, exc.body(), exc.headers)
    threading.Thread(
        target=_run, args=(emulator, server, job), name=f"arangomock-job-{job.id}", daemon=True
    ).start()
    job.settled.wait(SETTLE_TIMEOUT)
    answer = dict(_TEXT)
    if mode == "store":
        answer[ID_HEADER] = job.id
    return BackendResponse(202, answer, b"")


def _run(emulator: Emulator, server: Server, job: Job) -> None:
    with server.lock:
        _local.job = job
        try:
            response = emulator.dispatch(job.request)
        finally:
            _local.job = None
        manager(server).finish(job, response)


def _install_cooperative_sleep() -> None:
    """Make AQL's SLEEP() hand the server lock over while it waits inside a job."""
    from ...aql.functions.library import REGISTRY, load_all

    load_all()
    spec = REGISTRY.get("SLEEP")
    if spec is None or getattr(spec.fn, "cooperative", False):
        return
    blocking = spec.fn

    def sleep(ctx: Any, seconds: Any) -> Any:
        job: Job | None = getattr(_local, "job", None)
        valid = isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and seconds >= 0
        if job is None or not valid:
            return blocking(ctx, seconds)
        job.pause(float(seconds))
        return None

    sleep.cooperative = True  # type: ignore[attr-defined]
    spec.fn = sleep


_install_cooperative_sleep()


# ---------------------------------------------------------------------- /_api/job
def _bad_parameter() -> ArangoError:
    return ArangoError(400, "bad parameter", 400)


def _number(value: str) -> str:
    """ArangoDB reads job ids as unsigned integers from their leading digits."""
    match = re.match(r"\d+", value)
    return str(int(match.group())) if match else "0"


def _jobs(ctx: Context) -> JobManager:
    return manager(ctx.server)


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
    del jobs.jobs[job.id]
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
        jobs.jobs.pop(job.id, None)
    return ctx.json(200, {"result": True})


def _decimal(value: str) -> float:
    match = re.match(r"\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", value)
    return float(match.group()) if match else 0.0


def _no_suffix(ctx: Context) -> BackendResponse:
    """``/_api/job`` without an id: bad parameter."""
    raise _bad_parameter()


for _method in ("GET", "PUT", "DELETE"):
    route(_method, "/_api/job", area=AREA, access=AUTH)(_no_suffix)
