"""Server tasks (``/_api/tasks``): JavaScript run once after ``offset`` seconds or every
``period`` seconds, inside the emulator, against its state.

A task's command is the body of a function of ``params`` (ArangoDB stores and lists it as
``(function (params) { <command> } )(params);``). It runs on a timer thread that takes the
server lock, acting as the user who registered it in the task's database; what it throws
goes to the log. One-off tasks disappear after their run; every task stops when the
emulator is reset or closed.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from ...base.errors import ArangoError
from .engine import Frame
from .errors import response_code

__all__ = ["Task", "TaskStore"]

log = logging.getLogger("pytest_arangomock.js")
DEFAULT_NAME = "user-defined task"


@dataclass
class Task:
    """One registered task and its timer."""

    id: str
    name: str
    command: str
    params: Any
    offset: float
    period: float | None
    database: str
    frame: Frame
    created: float = field(default_factory=time.time)
    runs: int = 0
    timer: threading.Timer | None = None

    def describe(self) -> dict[str, Any]:
        """The task as ArangoDB lists it (``Task::toVelocyPack``)."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "created": self.created}
        if self.period is not None:
            out["type"] = "periodic"
            out["period"] = self.period
        else:
            out["type"] = "timed"
        out["offset"] = self.offset
        out["command"] = "(function (params) { " + self.command + " } )(params);"
        out["database"] = self.database
        return out


class TaskStore:
    """The registered tasks of one emulator; runs them with ``run(task)`` under ``lock``."""

    def __init__(self, lock: Any, run: Any) -> None:
        self.lock = lock
        self._run = run
        self.tasks: dict[str, Task] = {}
        self.closed = False

    def register(self, task: Task) -> None:
        if task.id in self.tasks:
            raise ArangoError(1851, status=response_code(1851))
        self.tasks[task.id] = task
        self._schedule(task, task.offset)

    def get(self, task_id: str) -> Task:
        task = self.tasks.get(task_id)
        if task is None:
            raise ArangoError(1852, status=response_code(1852))
        return task

    def remove(self, task_id: str) -> None:
        task = self.get(task_id)
        del self.tasks[task_id]
        if task.timer is not None:
            task.timer.cancel()

    def close(self) -> None:
        """Stop every task (the emulator is reset or ends)."""
        self.closed = True
        for task in list(self.tasks.values()):
            if task.timer is not None:
                task.timer.cancel()
        self.tasks.clear()

    def _schedule(self, task: Task, delay: float) -> None:
        timer = threading.Timer(max(0.0, delay), self._fire, args=(task,))
        timer.daemon = True
        task.timer = timer
        timer.start()

    def _fire(self, task: Task) -> None:
        with self.lock:
            if self.closed or self.tasks.get(task.id) is not task:
                return
            try:
                self._run(task)
            except Exception as exc:  # a failing task is logged, as ArangoDB does
                log.warning("task %s (%s) failed: %s", task.id, task.name, exc)
            task.runs += 1
            if task.period is None:
                self.tasks.pop(task.id, None)
            elif not self.closed and self.tasks.get(task.id) is task:
                self._schedule(task, task.period)
