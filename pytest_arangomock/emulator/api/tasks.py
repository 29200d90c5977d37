"""Server tasks (``/_api/tasks``): JavaScript run once or periodically inside the emulator.

Registration, listing and removal follow ``RestTasksHandler`` (``arangod/RestHandler``):
the body is parsed first, then the id suffix, write access, period, runAsUser and the
command (which must compile); the answer is the task as ``Task::toVelocyPack`` writes it.
Scheduling and running live in ``emulator/js/tasks.py``. Without the ``js`` extra
registering answers 501 naming it; listing shows no tasks.
"""

from __future__ import annotations

from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.users import RW
from .. import auth
from ..context import Context
from ..js import Task, bad_parameter, frame_for, javascript
from ..router import DB_RO, route

AREA = "tasks"


def _task_not_found() -> ArangoError:
    return ArangoError(1852, status=404)


def _require_write(ctx: Context, what: str) -> None:
    """Registering and unregistering need write access to the database."""
    if auth.database_level(ctx) != RW:
        raise ArangoError(11, f"{what} needs db RW permissions", 403)


def _store(ctx: Context) -> Any:
    js = getattr(ctx.server, "javascript", None)
    return None if js is None else js.tasks(ctx.server)


@route("GET", "/_api/tasks", area=AREA, access=DB_RO)
def list_tasks(ctx: Context) -> BackendResponse:
    """All registered tasks."""
    store = _store(ctx)
    tasks = [] if store is None else [t.describe() for t in store.tasks.values()]
    return ctx.json(200, tasks)


@route("GET", "/_api/tasks/{id}", area=AREA, access=DB_RO)
def get_task(ctx: Context) -> BackendResponse:
    """One task by id."""
    store = _store(ctx)
    if store is None:
        raise _task_not_found()
    return ctx.json(200, store.get(ctx.params["id"]).describe())


@route("GET", "/_api/tasks/{id}/{extra}", area=AREA, access=DB_RO)
def get_task_superfluous(ctx: Context) -> BackendResponse:
    """More than one suffix: ArangoDB's handler rejects it before any lookup."""
    raise ArangoError(601, "superfluous parameter, expecting /_api/tasks[/<id>]", 400)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@route("POST", "/_api/tasks", area=AREA, access=DB_RO)
@route("POST|PUT", "/_api/tasks/{id}", area=AREA, access=DB_RO)
@route("PUT", "/_api/tasks", area=AREA, access=DB_RO)
def register_task(ctx: Context) -> BackendResponse:
    """Create a task (PUT: with the id in the path)."""
    body = ctx.body()
    if not isinstance(body, dict):
        body = {}
    task_id = ctx.params.get("id")
    if ctx.method == "PUT" and not task_id:
        raise bad_parameter("expected PUT /_api/tasks/<task-id>")
    _require_write(ctx, "registering a task")
    if ctx.method != "PUT":
        given = body.get("id")
        task_id = given if isinstance(given, str) else ctx.server.clock.next_id()
    given_name = body.get("name")
    name = given_name if isinstance(given_name, str) else "user-defined task"
    offset = float(body["offset"]) if _number(body.get("offset")) else 0.0
    period: float | None = None
    if _number(body.get("period")):
        period = float(body["period"])
        if period <= 0:
            raise bad_parameter("task period must be specified and positive")
    run_as = body.get("runAsUser")
    if isinstance(run_as, str) and run_as and run_as != ctx.user:
        raise ArangoError(11, "cannot run task as a different user", 403)
    command = body.get("command")
    if not isinstance(command, str):
        raise bad_parameter("command must be specified")
    js = javascript(ctx)
    if js.engine.invoke("__arango_compile", "task", command, pure=True).error is not None:
        raise bad_parameter("cannot compile command")
    task = Task(
        str(task_id),
        name,
        command,
        body.get("params"),
        offset,
        period,
        ctx.db.name,
        frame_for(ctx),
    )
    js.tasks(ctx.server).register(task)
    return ctx.json(200, task.describe())


@route("DELETE", "/_api/tasks/{id}", area=AREA, access=DB_RO)
def delete_task(ctx: Context) -> BackendResponse:
    """Unregister a task: write access first, then the lookup."""
    _require_write(ctx, "unregister task")
    store = _store(ctx)
    if store is None:
        raise _task_not_found()
    store.remove(ctx.params["id"])
    return ctx.json(200, {"error": False, "code": 200})


@route("DELETE", "/_api/tasks", area=AREA, access=DB_RO)
@route("DELETE", "/_api/tasks/{id}/{extra}", area=AREA, access=DB_RO)
def delete_task_bad_suffix(ctx: Context) -> BackendResponse:
    """DELETE needs exactly one suffix, the task id."""
    raise ArangoError(601, "bad parameter, expecting /_api/tasks/<id>", 400)
