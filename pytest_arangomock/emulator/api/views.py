"""The views API (``/_api/view``): arangosearch and search-alias views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError
from ...state import views as V
from ..router import DB_RO, DB_RW, route

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ..context import Context

AREA = "view"


def _envelope(ctx: Context, fields: dict[str, Any]) -> BackendResponse:
    """``generateOk`` with an object: ArangoDB emits its keys in reverse byte order."""
    ordered = {k: fields[k] for k in sorted(fields, key=lambda k: k.encode("utf-8"), reverse=True)}
    return ctx.ok(ordered)


def _object(ctx: Context) -> dict[str, Any]:
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(10, "request body is not an object", 400)
    return body


@route("GET", "/_api/view", area=AREA, access=DB_RO)
def list_views(ctx: Context) -> BackendResponse:
    """All views of the database, sorted by name (case-insensitively)."""
    found = sorted(V.views(ctx.db).values(), key=lambda v: v.name.lower())
    return ctx.result([v.summary() for v in found])


@route("POST", "/_api/view", area=AREA, access=DB_RW)
def create_view(ctx: Context) -> BackendResponse:
    """Create a view and answer its full definition (201, no envelope)."""
    body = _object(ctx)
    if not body:
        raise ArangoError(600, "corrupted JSON", 400)
    if not isinstance(body.get("name"), str):
        raise ArangoError(10, 'expecting name parameter to be of the form of "name: <string>"', 400)
    if not isinstance(body.get("type"), str):
        raise ArangoError(10, 'expecting type parameter to be of the form of "type: <string>"', 400)
    view = V.create(ctx.db, body)
    return ctx.json(201, view.properties(ctx.db))


@route("GET", "/_api/view/{name}", area=AREA, access=DB_RO)
def get_view(ctx: Context) -> BackendResponse:
    """Name, id, type and globally unique id of one view."""
    view = V.require(ctx.db, ctx.params["name"])
    return _envelope(ctx, view.summary())


@route("GET", "/_api/view/{name}/properties", area=AREA, access=DB_RO)
def get_view_properties(ctx: Context) -> BackendResponse:
    """The full definition of one view."""
    view = V.require(ctx.db, ctx.params["name"])
    return _envelope(ctx, view.properties(ctx.db))


def _modify(ctx: Context, partial: bool) -> BackendResponse:
    view = V.require(ctx.db, ctx.params["name"])
    body = _object(ctx)
    V.update(ctx.db, view, body, partial=partial)
    return ctx.json(200, view.properties(ctx.db))


@route("PUT", "/_api/view/{name}/properties", area=AREA, access=DB_RW)
def replace_view_properties(ctx: Context) -> BackendResponse:
    """Replace the mutable properties (omitted ones reset) and the links or indexes."""
    return _modify(ctx, False)


@route("PATCH", "/_api/view/{name}/properties", area=AREA, access=DB_RW)
def update_view_properties(ctx: Context) -> BackendResponse:
    """Update the given properties; links are merged (null removes one)."""
    return _modify(ctx, True)


@route("PUT", "/_api/view/{name}/rename", area=AREA, access=DB_RW)
def rename_view(ctx: Context) -> BackendResponse:
    """Rename a view (1207 if the name is taken by a view or a collection)."""
    view = V.require(ctx.db, ctx.params["name"])
    body = ctx.body()
    new_name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(new_name, str):
        raise ArangoError(10, 'expecting "name" parameter to be a string', 400)
    V.rename(ctx.db, view, new_name)
    return ctx.json(200, view.properties(ctx.db))


@route("DELETE", "/_api/view/{name}", area=AREA, access=DB_RW)
def drop_view(ctx: Context) -> BackendResponse:
    """Drop a view; its links go with it."""
    view = V.require(ctx.db, ctx.params["name"])
    V.drop(ctx.db, view)
    return ctx.result(True)
