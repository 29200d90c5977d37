"""Async jobs: the server's job results (ArangoDB's AsyncJobManager) and the job a thread
is running, so that a query in a job notices a cancel."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

__all__ = ["DONE", "PENDING", "Job", "JobStore", "StoredResponse", "current_job"]

PENDING = "pending"
DONE = "done"
CANCEL_NOTICE = 0.2  # seconds a killed query takes to notice it
_local = threading.local()
T = TypeVar("T")


class StoredResponse(Protocol):
    """A job's response, kept until it is fetched."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> dict[str, str]: ...

    @property
    def body(self) -> bytes: ...


class Job:
    """One async request: pending until its response is in."""

    def __init__(self, jid: str, user: str | None) -> None:
        self.id = jid
        self.user = user
        self.status = PENDING
        self.response: StoredResponse | None = None
        self.stamp = time.time()
        self.cancel_at: float | None = None
        self.settled = threading.Event()  # done, or waiting (then it may be a while)

    def cancel(self) -> None:
        if self.cancel_at is None:
            self.cancel_at = time.monotonic() + CANCEL_NOTICE

    def killed(self) -> bool:
        return self.cancel_at is not None and time.monotonic() >= self.cancel_at

    def run(self, work: Callable[[], T]) -> T:
        """Call ``work()`` as this thread's current job."""
        _local.job = self
        try:
            return work()
        finally:
            _local.job = None


def current_job() -> Job | None:
    """The job the calling thread runs, if any."""
    job: Job | None = getattr(_local, "job", None)
    return job


class JobStore:
    """The server's stored jobs by id (those submitted with ``x-arango-async: store``)."""

    __slots__ = ("jobs",)

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}

    def add(self, job: Job) -> None:
        self.jobs[job.id] = job

    def visible(self, user: str | None) -> list[Job]:
        """The caller's jobs, newest first (the order ArangoDB's hash map yields)."""
        return [job for job in reversed(self.jobs.values()) if job.user == user]

    def get(self, jid: str, user: str | None) -> Job | None:
        job = self.jobs.get(jid)
        return job if job is not None and job.user == user else None

    def forget(self, jid: str) -> None:
        self.jobs.pop(jid, None)

    def finish(self, job: Job, response: StoredResponse) -> None:
        job.status = DONE
        job.stamp = time.time()
        job.response = response
        job.settled.set()
