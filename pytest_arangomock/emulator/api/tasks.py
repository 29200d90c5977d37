"""Server tasks (``/_api/tasks``): listed and looked up as ArangoDB does, never run.

Tasks execute JavaScript, which the emulator has none of. The answers are those of a 3.12
server started with ``--javascript.tasks false``: listing works (there are never any tasks),
looking one up or deleting it answers 404/1852, and registering one is refused with
403/11 once the body has been parsed.
"""

from __future__ import annotations

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.users import RW
from .. import auth
from ..context import Context
from ..router import DB_RO, route

AREA = "tasks"
TASKS_DISABLED = "JavaScript tasks are disabled"


def _task_not_found() -> ArangoError:
    return ArangoError(1852, status=404)


def _require_write(ctx: Context, what: str) -> None:
    """Registering and unregistering need write access to the database."""
    if auth.database_level(ctx) != RW:
        raise ArangoError(11, f"{what} needs db RW permissions", 403)


@route("GET", "/_api/tasks", area=AREA, access=DB_RO)
def list_tasks(ctx: Context) -> BackendResponse:
    """All registered tasks: none can ever be registered."""
    return ctx.json(200, [])


@route("GET", "/_api/tasks/{id}", area=AREA, access=DB_RO)
def get_task(ctx: Context) -> BackendResponse:
    """One task by id: always unknown."""
    raise _task_not_found()


@route("GET", "/_api/tasks/{id}/{extra}", area=AREA, access=DB_RO)
def get_task_superfluous(ctx: Context) -> BackendResponse:
    """More than one suffix: ArangoDB's handler rejects it before any lookup."""
    raise ArangoError(601, "superfluous parameter, expecting /_api/tasks[/<id>]", 400)


@route("POST", "/_api/tasks", area=AREA, access=DB_RO)
@route("POST|PUT", "/_api/tasks/{id}", area=AREA, access=DB_RO)
@route("PUT", "/_api/tasks", area=AREA, access=DB_RO)
def register_task(ctx: Context) -> BackendResponse:
    """Create a task (with or without id): the body is parsed, then JavaScript is refused."""
    ctx.body()
    raise ArangoError(11, TASKS_DISABLED, 403)


@route("DELETE", "/_api/tasks/{id}", area=AREA, access=DB_RO)
def delete_task(ctx: Context) -> BackendResponse:
    """Unregister a task: write access first, then the (always failing) lookup."""
    _require_write(ctx, "unregister task")
    raise _task_not_found()


@route("DELETE", "/_api/tasks", area=AREA, access=DB_RO)
@route("DELETE", "/_api/tasks/{id}/{extra}", area=AREA, access=DB_RO)
def delete_task_bad_suffix(ctx: Context) -> BackendResponse:
    """DELETE needs exactly one suffix, the task id."""
    raise ArangoError(601, "bad parameter, expecting /_api/tasks/<id>", 400)
