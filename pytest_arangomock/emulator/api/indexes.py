"""Indexes API: list, read, create and drop indexes (RestIndexHandler's behaviour).

Index descriptions come out with their keys sorted (velocypack order); responses that
ArangoDB builds with ``VPackCollection::merge(description, {error, code})`` get the two
envelope keys appended in the merge's map order (``code`` before ``error``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError
from ...state.indexes import EdgeIndex, PrimaryIndex, create_index, find_index
from ..router import COL_RO, DB_RO, route
from .collections import merge_order

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ...state import Collection
    from ..context import Context


def _collection(ctx: Context, name: str | None) -> Collection:
    """The collection by name (or id); 404/1203 with the plain message, as RestIndexHandler."""
    col = ctx.db.find_collection(name) if name else None
    if col is None:
        raise ArangoError(1203, "collection or view not found", 404)
    return col


def _with_envelope(description: dict[str, Any], code: int) -> dict[str, Any]:
    body = dict(description)
    envelope = {"error": False, "code": code}
    for key in merge_order(list(envelope)):
        body[key] = envelope[key]
    return body


@route("GET", "/_api/index", area="index", access=DB_RO)
def list_indexes(ctx: Context) -> BackendResponse:
    """All indexes of ``?collection=`` with an ``identifiers`` map."""
    col = _collection(ctx, ctx.query.get("collection"))
    ctx.require_collection(col.name, "ro")
    hidden = ctx.flag("withHidden")
    indexes = [ix.listed(hidden) for ix in col.indexes]
    if ctx.flag("withStats"):
        for ix, desc in zip(col.indexes, indexes, strict=True):
            desc["figures"] = ix.figures()
    body = {
        "error": False,
        "code": 200,
        "indexes": indexes,
        "identifiers": {d["id"]: d for d in indexes},
    }
    return ctx.json(200, body)


@route("POST", "/_api/index", area="index", access=DB_RO)
def post_index(ctx: Context) -> BackendResponse:
    """Create an index (or return the identical existing one with 200)."""
    body = ctx.body()
    name = ctx.query.get("collection")
    if name is None:
        raise ArangoError(1203, "collection or view not found", 404)
    col = _collection(ctx, name)
    ctx.require_database("rw")
    ctx.require_collection(col.name, "rw")
    if not isinstance(body, dict):
        raise ArangoError(10, "expecting object for index definition", 400)
    index, created = create_index(col, body)
    description = index.created(body)
    description["isNewlyCreated"] = created
    code = 201 if created else 200
    ordered = {k: description[k] for k in sorted(description, key=lambda k: k.encode())}
    return ctx.json(code, _with_envelope(ordered, code))


@route("POST", "/_api/index/{suffix}", area="index", access=DB_RO)
def post_index_suffix(ctx: Context) -> BackendResponse:
    """A suffix after /_api/index is ArangoDB's 400."""
    raise ArangoError(400, f"expecting POST {ctx.request.path}?collection=<collection-name>", 400)


@route("GET", "/_api/index/{collection}/{index}", area="index", access=COL_RO)
def get_index(ctx: Context) -> BackendResponse:
    """One index by id or name."""
    col = _collection(ctx, ctx.params["collection"])
    index = find_index(col, ctx.params["index"])
    if index is None:
        raise ArangoError(1212, "index not found", 404)
    return ctx.json(200, _with_envelope(index.describe(), 200))


@route("DELETE", "/_api/index/{collection}/{index}", area="index", access=COL_RO)
def delete_index(ctx: Context) -> BackendResponse:
    """Drop an index (primary and edge indexes cannot be dropped)."""
    col = _collection(ctx, ctx.params["collection"])
    ctx.require_database("rw")
    ctx.require_collection(col.name, "rw")
    ident = ctx.params["index"]
    handle = ident if ident.startswith(col.name + "/") else f"{col.name}/{ident}"
    index = find_index(col, handle)
    if index is None:
        raise ArangoError(1212, "index not found", 404)
    if isinstance(index, (PrimaryIndex, EdgeIndex)):
        raise ArangoError(11, "forbidden", 403)
    col.indexes.remove(index)
    return ctx.json(200, {"id": handle, "error": False, "code": 200})


@route("GET", "/_api/index/{collection}", area="index", access=COL_RO)
def get_index_bad(ctx: Context) -> BackendResponse:
    """One path segment is a bad request."""
    raise ArangoError(400, "bad parameter", 400)


@route("DELETE", "/_api/index/{collection}", area="index", access=COL_RO)
def delete_index_bad(ctx: Context) -> BackendResponse:
    """One path segment is a bad request."""
    raise ArangoError(400, "expecting DELETE /<collection-name>/<index-identifier>", 400)
