"""The emulator's own control routes, off ArangoDB's namespace: ``/_arangomock/faults``
sets up deterministic faults for serve mode (see ``state/faults.py``). Administrators only:
write access to ``_system`` or a superuser token (anybody when authentication is off)."""

from __future__ import annotations

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.faults import parse_fault
from .. import auth
from ..context import Context
from ..router import AUTH, route

AREA = "arangomock"


def _superuser(ctx: Context) -> None:
    if auth.is_admin(ctx) or auth.identify(ctx.server, ctx.request.headers) == "":
        return
    raise ArangoError(11, "forbidden", 403)


@route("GET", "/_arangomock/faults", area=AREA, access=AUTH)
def list_faults(ctx: Context) -> BackendResponse:
    """The fault rules still waiting for requests, in the order they are tried."""
    _superuser(ctx)
    rules = [fault.describe() for fault in ctx.server.faults.rules]
    return ctx.json(200, {"error": False, "code": 200, "result": rules})


@route("POST", "/_arangomock/faults", area=AREA, access=AUTH)
def add_fault(ctx: Context) -> BackendResponse:
    """Add a rule: ``{"kind": "conflict", "path": "/_api/cursor", "times": 2}``."""
    _superuser(ctx)
    try:
        fault = ctx.server.faults.add(**parse_fault(ctx.body()))
    except (TypeError, ValueError) as exc:
        raise ArangoError(10, str(exc), 400) from exc
    return ctx.json(201, {"error": False, "code": 201, "result": fault.describe()})


@route("DELETE", "/_arangomock/faults", area=AREA, access=AUTH)
def clear_faults(ctx: Context) -> BackendResponse:
    """Forget every rule."""
    _superuser(ctx)
    ctx.server.faults.clear()
    return ctx.json(200, {"error": False, "code": 200})
