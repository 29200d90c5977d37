"""documents API: ``/_api/document`` single and batch CRUD, as ArangoDB's RestDocumentHandler.

Single operations answer the document identity (``_id, _key, _rev[, _oldRev, old, new]``)
with ``ETag`` and ``Location`` headers; batch operations answer an array with per-item
errors plus the ``x-arango-error-codes`` header. 201/200 versus 202 follows waitForSync
(the request's, or the collection's once at least one write succeeded).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple
from urllib.parse import quote

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state import Collection
from ...state.clock import decode_rev
from ...state.documents import (
    RevisionConflict,
    WriteOptions,
    get_document,
    insert_document_ex,
    modify_key_from_body,
    remove_document,
    replace_document,
    update_document,
)
from ...state.users import RW
from ..context import JSON_TYPE, Context, dumps
from ..router import COL_RO, COL_RW, DB_RO, route

Doc = dict[str, Any]
AREA = "document"
_INVALID_REV = "\x00invalid"  # an If-Match value that can never match (ArangoDB: max rev)


# ----------------------------------------------------------------------- helpers
def _header_rev(ctx: Context, name: str) -> str | None:
    """An ``If-Match``/``If-None-Match`` revision, quotes and blanks stripped.

    A value that is not a revision stands for an impossible one, as in ArangoDB.
    """
    value = ctx.request.headers.get(name)
    if value is None:
        return None
    value = value.strip(" \t")
    if value[:1] in ('"', "'"):
        value = value[1:]
    value = value.rstrip(" \t")
    if value[-1:] in ('"', "'"):
        value = value[:-1]
    if not value or (decode_rev(value) is None and not value.isdigit()):
        return _INVALID_REV
    return value


def _body_rev(body: Doc) -> str | None:
    rev = body.get("_rev")
    if isinstance(rev, bool):
        return None
    if isinstance(rev, str):
        return rev or None
    if isinstance(rev, int) and rev:
        return str(rev)
    return None


def _identity(
    col: Collection,
    key: str,
    rev: str,
    old_rev: str | None = None,
    old: Doc | None = None,
    new: Doc | None = None,
) -> Doc:
    out: Doc = {"_id": f"{col.name}/{key}", "_key": key, "_rev": rev}
    if old_rev is not None:
        out["_oldRev"] = old_rev
    if old is not None:
        out["old"] = old
    if new is not None:
        out["new"] = new
    return out


def _error_item(exc: ArangoError) -> Doc:
    return {"error": True, "errorNum": exc.num, "errorMessage": exc.message}


def _conflict(exc: RevisionConflict, col: Collection, precondition: bool) -> BackendResponse:
    """409 (or 412 when a revision was given) with the stored document's identity."""
    code = 412 if precondition else 409
    current = exc.current
    body = {
        "error": True,
        "code": code,
        "errorNum": 1200,
        "errorMessage": exc.message,
        "_id": f"{col.name}/{current['_key']}",
        "_key": current["_key"],
        "_rev": current["_rev"],
    }
    headers = {"etag": f'"{current["_rev"]}"'}
    return BackendResponse(
        code, {"content-type": "application/json; charset=utf-8", **headers}, dumps(body)
    )


_DEFAULTS = WriteOptions()  # what a request naming no option writes with


def _write_options(
    ctx: Context,
    overwrite_mode: str | None = None,
    keep_null: bool = True,
    merge_objects: bool = True,
) -> WriteOptions:
    """The write options every document write reads from the query string (plus an
    insert's overwrite mode and, for mode update, its keepNull/mergeObjects)."""
    query = ctx.query
    if not query:  # the usual request names no option: every flag has its default
        return _DEFAULTS
    key = (
        ctx.flag("ignoreRevs", True),
        ctx.flag("isRestore"),
        not ctx.flag("skipDocumentValidation"),
        query.get("versionAttribute") or None,
        overwrite_mode,
        keep_null,
        merge_objects,
    )
    opts = _OPTIONS.get(key)
    if opts is None:
        if len(_OPTIONS) >= _MAX_OPTIONS:
            _OPTIONS.clear()
        opts = _OPTIONS[key] = WriteOptions(
            ignore_revs=key[0],
            is_restore=key[1],
            validate=key[2],
            version_attribute=key[3],
            overwrite_mode=overwrite_mode,
            keep_null=keep_null,
            merge_objects=merge_objects,
        )
    return opts


# WriteOptions is frozen: one instance per combination serves every request naming it
# (drivers name the same few options on every write); bounded, as versionAttribute is free text
_OPTIONS: dict[tuple[Any, ...], WriteOptions] = {}
_MAX_OPTIONS = 256


def _patch_options(ctx: Context, opts: WriteOptions) -> WriteOptions:
    """``opts`` with an update's ``keepNull``/``mergeObjects`` (both default true)."""
    return replace(
        opts, keep_null=ctx.flag("keepNull", True), merge_objects=ctx.flag("mergeObjects", True)
    )


def _sync_status(
    ctx: Context, col: Collection, opts: WriteOptions, wrote: bool, sync_code: int
) -> int:
    """ArangoDB answers ``sync_code`` once a write had to be synced, else 202."""
    wait = bool(ctx.query) and ctx.flag("waitForSync")
    return _written_status(col, opts, wrote, wait, sync_code)


def _written_status(
    col: Collection, opts: WriteOptions, wrote: bool, wait_for_sync: bool, sync_code: int
) -> int:
    """:func:`_sync_status` with the request's ``waitForSync`` already read."""
    if wait_for_sync:
        return sync_code
    if wrote and col.properties.get("waitForSync") and not opts.is_restore:
        return sync_code
    return 202


class _Batch:
    """Collects per-item results and error counts for one (possibly array) operation."""

    def __init__(self, silent: bool) -> None:
        self.silent = silent
        self.results: list[Any] = []
        self.errors: dict[str, int] = {}
        self.wrote = False

    def run(self, items: list[Any], op: Callable[[Any], Doc | None]) -> None:
        for item in items:
            try:
                result = op(item)
            except ArangoError as exc:
                self.results.append(_error_item(exc))
                self.errors[str(exc.num)] = self.errors.get(str(exc.num), 0) + 1
                continue
            if result is not None and not self.silent:
                self.results.append(result)

    def response(self, ctx: Context, status: int) -> BackendResponse:
        headers: dict[str, str] = {}
        if self.errors:
            headers["x-arango-error-codes"] = dumps(self.errors).decode("utf-8")
        body: Any = self.results if (self.errors or not self.silent) else {}
        return ctx.json(status, body, headers)


# what ``quote(text, safe="")`` leaves as it is: most names and keys need no quoting
_unquoted = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _single_response(
    ctx: Context, cname: str, status: int, result: Doc | None, silent: bool
) -> BackendResponse:
    if silent or result is None:
        return ctx.json(status, {})
    # Location: /_db/<db>/_api/document/<collection>/<key>, database and key percent-encoded
    key, rev = result["_key"], result["_rev"]
    db = ctx.db.name
    location = f"/_db/{db if _unquoted(db) else quote(db, safe='')}/_api/document/{cname}/"
    location += key if _unquoted(key) else quote(key, safe="")
    headers = {"content-type": JSON_TYPE, "etag": f'"{rev}"', "location": location}
    return BackendResponse(status, headers, dumps(result))


def _collection_from_query(ctx: Context, missing: ArangoError) -> str:
    cname = ctx.query.get("collection")
    if not cname:
        raise missing
    ctx.require_collection(cname, RW)
    return cname


# ------------------------------------------------------------------------ insert
def _insert_one(
    col: Collection, doc: Any, opts: WriteOptions, return_old: bool, return_new: bool
) -> tuple[Doc, bool]:
    """One item's answer, and whether it wrote (mode ignore on an existing key does not)."""
    outcome = insert_document_ex(col, doc, opts)
    new, old = outcome.new, outcome.old
    if outcome.ignored:
        return _identity(col, new["_key"], new["_rev"]), False
    return _identity(
        col,
        new["_key"],
        new["_rev"],
        old["_rev"] if old is not None else None,
        old if return_old else None,
        new if return_new else None,
    ), True


class _InsertQuery(NamedTuple):
    """What an insert's query string asks for."""

    opts: WriteOptions
    return_new: bool
    return_old: bool
    silent: bool
    wait_for_sync: bool


_PLAIN_INSERT = _InsertQuery(_DEFAULTS, False, False, False, False)
# a driver sends the same query string with every insert: its reading per query string
_INSERT_QUERIES: dict[tuple[tuple[str, str], ...], _InsertQuery] = {}


def _insert_query(ctx: Context) -> _InsertQuery:
    """The insert options of ``ctx``'s query string, read once per distinct query string
    (bounded, as option values are free text)."""
    query = ctx.query
    if not query:  # every option has its default
        return _PLAIN_INSERT
    key = tuple(query.items())
    found = _INSERT_QUERIES.get(key)
    if found is not None:
        return found
    mode = "replace" if ctx.flag("overwrite") else None
    if query.get("overwriteMode") in ("ignore", "replace", "update", "conflict"):
        mode = query["overwriteMode"]
    if mode == "update":
        keep_null = ctx.flag("keepNull", False)
        opts = _write_options(ctx, mode, keep_null, ctx.flag("mergeObjects", True))
    else:
        opts = _write_options(ctx, mode)
    found = _InsertQuery(
        opts,
        ctx.flag("returnNew"),
        ctx.flag("returnOld") and mode in ("update", "replace"),
        ctx.flag("silent"),
        ctx.flag("waitForSync"),
    )
    if len(_INSERT_QUERIES) >= _MAX_OPTIONS:
        _INSERT_QUERIES.clear()
    _INSERT_QUERIES[key] = found
    return found


def _insert(ctx: Context, cname: str) -> BackendResponse:
    """Create one document (object body) or many (array body) in ``cname``."""
    body = ctx.body()
    col = ctx.db.collection(cname)
    opts, return_new, return_old, silent, wait_for_sync = _insert_query(ctx)
    if isinstance(body, list):
        batch = _Batch(silent)

        def item(doc: Any) -> Doc:
            result, wrote = _insert_one(col, doc, opts, return_old, return_new)
            batch.wrote = batch.wrote or wrote
            return result

        batch.run(body, item)
        status = _written_status(col, opts, batch.wrote, wait_for_sync, 201)
        return batch.response(ctx, status)
    try:
        result, wrote = _insert_one(col, body, opts, return_old, return_new)
    except RevisionConflict as exc:
        return _conflict(exc, col, False)
    status = _written_status(col, opts, wrote, wait_for_sync, 201)
    return _single_response(ctx, cname, status, result, silent)


@route("POST", "/_api/document/{collection}", area=AREA, access=COL_RW)
def insert_documents(ctx: Context) -> BackendResponse:
    """Create one document (object body) or many (array body)."""
    return _insert(ctx, ctx.params["collection"])


@route("POST", "/_api/document", area=AREA, access=DB_RO)
def insert_documents_by_query(ctx: Context) -> BackendResponse:
    """Create documents in the collection named by the ``collection`` query parameter."""
    missing = ArangoError(
        1204,
        "'collection' is missing, expecting /_api/document POST /_api/document/<collection> "
        "or query parameter 'collection'",
        400,
    )
    return _insert(ctx, _collection_from_query(ctx, missing))


@route("POST", "/_api/document/{collection}/{key}", area=AREA, access=DB_RO)
def insert_superfluous_suffix(ctx: Context) -> BackendResponse:
    """ArangoDB rejects a key in the path of a create."""
    raise ArangoError(
        601, "superfluous suffix, expecting /_api/document?collection=<identifier>", 400
    )


# -------------------------------------------------------------------------- read
@route("GET", "/_api/document/{collection}/{key}", area=AREA, access=COL_RO)
def read_document(ctx: Context) -> BackendResponse:
    """Return one document (``If-None-Match`` answers 304, ``If-Match`` 412)."""
    cname, key = ctx.params["collection"], ctx.params["key"]
    col = ctx.db.collection(cname)
    headers = ctx.request.headers
    if "if-match" in headers or "if-none-match" in headers:
        return _read_conditional(ctx, col, key)
    doc = get_document(col, key)
    return BackendResponse(200, {"content-type": JSON_TYPE, "etag": f'"{doc["_rev"]}"'}, dumps(doc))


def _read_conditional(ctx: Context, col: Collection, key: str) -> BackendResponse:
    """A read with ``If-Match`` (412 on another revision) or ``If-None-Match`` (304)."""
    if_none_match = _header_rev(ctx, "if-none-match")
    try:
        doc = get_document(col, key, _header_rev(ctx, "if-match"))
    except RevisionConflict as exc:
        return _conflict(exc, col, True)
    etag = f'"{doc["_rev"]}"'
    if if_none_match is not None and if_none_match == doc["_rev"]:
        return BackendResponse(304, {"content-type": "text/plain", "etag": etag}, b"")
    return BackendResponse(200, {"content-type": JSON_TYPE, "etag": etag}, dumps(doc))


@route("HEAD", "/_api/document/{collection}/{key}", area=AREA, access=COL_RO)
def check_document(ctx: Context) -> BackendResponse:
    """Like GET without a body."""
    return read_document(ctx)


@route("GET", "/_api/document/{collection}", area=AREA, access=DB_RO)
def read_without_key(ctx: Context) -> BackendResponse:
    """ArangoDB's answer to a read without a key."""
    raise ArangoError(1203, "expecting GET /_api/document/<collection>/<key>", 404)


@route("GET", "/_api/document", area=AREA, access=DB_RO)
def read_without_collection(ctx: Context) -> BackendResponse:
    """ArangoDB's answer to a read without collection and key."""
    raise ArangoError(1203, "expecting GET /_api/document/<collection>/<key>", 404)


@route("HEAD", "/_api/document/{collection}", area=AREA, access=DB_RO)
def check_without_key(ctx: Context) -> BackendResponse:
    """ArangoDB's answer to HEAD without a key."""
    raise ArangoError(400, "expecting HEAD /_api/document/<collection>/<key>", 400)


def _read_many(ctx: Context, cname: str) -> BackendResponse:
    """``PUT ?onlyget``: look documents up by key, id or ``{_key[, _rev]}``."""
    col = ctx.db.collection(cname)
    body = ctx.body()
    ignore_revs = ctx.flag("ignoreRevs", True)

    def one(item: Any) -> Doc:
        key = ""
        if isinstance(item, dict):
            value = item.get("_key")
            key = value if isinstance(value, str) else ""
        elif isinstance(item, str):
            key = item.partition("/")[2] if "/" in item else item
        expected = _body_rev(item) if isinstance(item, dict) and not ignore_revs else None
        return get_document(col, key, expected)

    if isinstance(body, list):
        batch = _Batch(False)
        batch.run(body, one)
        return ctx.json(200, batch.results)
    try:
        doc = one(body)
    except RevisionConflict as exc:
        return _conflict(exc, col, False)
    return ctx.json(200, doc, {"etag": f'"{doc["_rev"]}"'})


# ------------------------------------------------------------- replace / update
def _modify_single(ctx: Context, is_patch: bool) -> BackendResponse:
    cname, key = ctx.params["collection"], ctx.params["key"]
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(1227, status=400)
    opts = _write_options(ctx)
    expected = _header_rev(ctx, "if-match")
    if expected is not None:
        opts = replace(opts, ignore_revs=False)
    elif not opts.ignore_revs:
        expected = _body_rev(body)
    col = ctx.db.collection(cname)
    if is_patch:
        opts = _patch_options(ctx, opts)
    operation = update_document if is_patch else replace_document
    try:
        new, old = operation(col, key, body, opts, expected)
    except RevisionConflict as exc:
        return _conflict(exc, col, expected is not None)
    result = _identity(
        col,
        key,
        new["_rev"],
        old["_rev"],
        old if ctx.flag("returnOld") else None,
        new if ctx.flag("returnNew") else None,
    )
    status = _sync_status(ctx, col, opts, True, 201)
    return _single_response(ctx, cname, status, result, ctx.flag("silent"))


def _modify_many(ctx: Context, cname: str, is_patch: bool) -> BackendResponse:
    body = ctx.body()
    if not isinstance(body, list):
        raise ArangoError(1227, status=400)
    col = ctx.db.collection(cname)
    opts = _write_options(ctx)
    if is_patch:
        opts = _patch_options(ctx, opts)
    return_old, return_new = ctx.flag("returnOld"), ctx.flag("returnNew")
    operation = update_document if is_patch else replace_document
    batch = _Batch(ctx.flag("silent"))

    def one(item: Any) -> Doc:
        if not isinstance(item, dict):
            raise ArangoError(1227, status=400)
        key = modify_key_from_body(item)
        expected = None if opts.ignore_revs else _body_rev(item)
        new, old = operation(col, key, item, opts, expected)
        batch.wrote = True
        return _identity(
            col,
            key,
            new["_rev"],
            old["_rev"],
            old if return_old else None,
            new if return_new else None,
        )

    batch.run(body, one)
    return batch.response(ctx, _sync_status(ctx, col, opts, batch.wrote, 201))


@route("PUT", "/_api/document/{collection}/{key}", area=AREA, access=COL_RW)
def replace_single(ctx: Context) -> BackendResponse:
    """Replace one document."""
    return _modify_single(ctx, False)


@route("PATCH", "/_api/document/{collection}/{key}", area=AREA, access=COL_RW)
def update_single(ctx: Context) -> BackendResponse:
    """Partially update one document."""
    return _modify_single(ctx, True)


def _collection_param_missing() -> ArangoError:
    return ArangoError(
        400,
        "collection must be given in URL path or query parameter 'collection' must be specified",
        400,
    )


@route("PUT", "/_api/document/{collection}", area=AREA, access=COL_RO)
def replace_many(ctx: Context) -> BackendResponse:
    """Replace many documents, or read many with ``onlyget``."""
    cname = ctx.params["collection"]
    if "onlyget" in ctx.query:
        return _read_many(ctx, cname)
    ctx.require_collection(cname, RW)
    return _modify_many(ctx, cname, False)


@route("PATCH", "/_api/document/{collection}", area=AREA, access=COL_RW)
def update_many(ctx: Context) -> BackendResponse:
    """Partially update many documents."""
    return _modify_many(ctx, ctx.params["collection"], True)


@route("PUT", "/_api/document", area=AREA, access=DB_RO)
def replace_many_by_query(ctx: Context) -> BackendResponse:
    """Replace many documents of the ``collection`` query parameter."""
    cname = _collection_from_query(ctx, _collection_param_missing())
    return _modify_many(ctx, cname, False)


@route("PATCH", "/_api/document", area=AREA, access=DB_RO)
def update_many_by_query(ctx: Context) -> BackendResponse:
    """Partially update many documents of the ``collection`` query parameter."""
    cname = _collection_from_query(ctx, _collection_param_missing())
    return _modify_many(ctx, cname, True)


# ------------------------------------------------------------------------ remove
def _remove_key(item: Any) -> str:
    """The key a remove item names: a key or id string, or an object's ``_key``."""
    if isinstance(item, str):
        return item.partition("/")[2] if "/" in item else item
    if isinstance(item, dict) and isinstance(item.get("_key"), str):
        return str(item["_key"])
    raise ArangoError(1205, status=400)


@route("DELETE", "/_api/document/{collection}/{key}", area=AREA, access=COL_RW)
def remove_single(ctx: Context) -> BackendResponse:
    """Remove one document (``If-Match`` makes it conditional: 412)."""
    cname, key = ctx.params["collection"], ctx.params["key"]
    expected = _header_rev(ctx, "if-match")
    opts = _write_options(ctx)
    col = ctx.db.collection(cname)
    try:
        old = remove_document(col, key, opts, expected)
    except RevisionConflict as exc:
        return _conflict(exc, col, expected is not None)
    result = _identity(col, key, old["_rev"], old=old if ctx.flag("returnOld") else None)
    status = _sync_status(ctx, col, opts, True, 200)
    return _single_response(ctx, cname, status, result, ctx.flag("silent"))


@route("DELETE", "/_api/document/{collection}", area=AREA, access=COL_RW)
def remove_many(ctx: Context) -> BackendResponse:
    """Remove the documents an array body names (keys, ids or objects with ``_key``)."""
    cname = ctx.params["collection"]
    body = ctx.body()
    if not isinstance(body, list | dict):
        raise ArangoError(400, "Request body not parseable", 400)
    col = ctx.db.collection(cname)
    opts = _write_options(ctx)
    return_old = ctx.flag("returnOld")
    silent = ctx.flag("silent")
    batch = _Batch(silent)

    def one(item: Any) -> Doc:
        key = _remove_key(item)
        expected = _body_rev(item) if isinstance(item, dict) and not opts.ignore_revs else None
        old = remove_document(col, key, opts, expected)
        batch.wrote = True
        return _identity(col, key, old["_rev"], old=old if return_old else None)

    if isinstance(body, list):
        batch.run(body, one)
        return batch.response(ctx, _sync_status(ctx, col, opts, batch.wrote, 200))
    try:
        result = one(body)
    except RevisionConflict as exc:
        return _conflict(exc, col, False)
    status = _sync_status(ctx, col, opts, batch.wrote, 200)
    return _single_response(ctx, cname, status, result, silent)


@route("DELETE", "/_api/document", area=AREA, access=DB_RO)
def remove_without_collection(ctx: Context) -> BackendResponse:
    """ArangoDB's answer to a remove without a collection."""
    raise ArangoError(
        400,
        "expecting DELETE /_api/document/<collection>/<key> or /_api/document/<collection> "
        "with a body",
        400,
    )
