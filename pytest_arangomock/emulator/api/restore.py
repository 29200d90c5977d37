"""arangorestore's routes (``/_api/replication/restore-*``) and the functions behind them.

arangorestore sends a collection's structure (``{parameters, indexes}``) to
``restore-collection``, its documents (one JSON object per line, plain or in a
``{type, data}`` envelope) to ``restore-data``, then the indexes to ``restore-indexes``
and every view to ``restore-view``. Each answers ``{"result": true}`` on success.
:mod:`..dumpdir` reads arangodump's directory format and calls the same functions, so a
dump seeded from Python and one restored over HTTP end in the same state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ...aql.writes import undo
from ...base.errors import ArangoError, message_for
from ...state import views as V
from ...state.documents import WriteOptions, insert_document, remove_document
from ...state.indexes import create_index
from ...state.model import DOCUMENT, EDGE
from ..context import (
    MAX_NESTING,
    NumberOutOfRange,
    nesting_depth,
    parse_json,
    vpack_error_message,
)
from ..router import DB_RW, route
from .collections import (
    check_collection_name,
    normalize_computed_values,
    normalize_key_options,
    normalize_schema,
)

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ...state import Collection, Database
    from ..context import Context

AREA = "replication"
# replication marker types in a ``{type, data}`` envelope (2301: pre-3.0 edges)
_INSERT = (2300, 2301)
_REMOVE = 2302
_OPTIONS = WriteOptions(is_restore=True, validate=False, overwrite=True)


def _bad(message: str) -> ArangoError:
    return ArangoError(400, message, 400)


def _parts(spec: Any) -> tuple[dict[str, Any], list[Any], str]:
    """``parameters``, ``indexes`` and the name of a collection structure, checked in
    ArangoDB's order and with its messages."""
    if not isinstance(spec, dict):
        raise _bad("collection declaration is invalid")
    parameters = spec.get("parameters")
    if not isinstance(parameters, dict):
        raise _bad("collection parameters declaration is invalid")
    indexes = spec.get("indexes", [])
    if not isinstance(indexes, list):
        raise _bad("collection indexes declaration is invalid")
    name = parameters.get("name")
    if not isinstance(name, str) or not name:
        raise _bad("collection name is missing")
    return parameters, indexes, name


def restore_collection(db: Database, spec: Any, *, overwrite: bool) -> Collection | None:
    """Create a collection from its dumped structure (indexes come later); an existing one
    is dropped first with ``overwrite`` (system collections are truncated instead), else
    1207. None for a structure marked ``deleted``."""
    parameters, _, name = _parts(spec)
    if parameters.get("deleted") is True:
        return None
    existing = db.collections.get(name)
    if existing is not None:
        if not overwrite:
            if name.startswith("_"):
                return existing  # ArangoDB accepts system collections that already exist
            raise ArangoError(1207, f"unable to create collection '{name}': duplicate name", 409)
        if existing.is_system:
            existing.truncate()
            return existing
        db.drop_collection(name)
    is_system = name.startswith("_")
    check_collection_name(name, is_system)
    ctype = EDGE if parameters.get("type") in (EDGE, "edge") else DOCUMENT
    keys = normalize_key_options(parameters.get("keyOptions"))
    props: dict[str, Any] = {
        "schema": normalize_schema(parameters.get("schema")),
        "computedValues": normalize_computed_values(parameters.get("computedValues")),
    }
    for flag in ("waitForSync", "cacheEnabled"):
        if isinstance(parameters.get(flag), bool):
            props[flag] = parameters[flag]
    last = keys.pop("lastValue", 0)
    col = db.create_collection(name, ctype, is_system=is_system, properties=props, key_options=keys)
    col.last_value = last
    return col


def restore_indexes(db: Database, spec: Any) -> None:
    """Create the structure's indexes on the existing collection, as processRestoreIndexes
    does: definitions without a string ``type`` are skipped, primary and edge indexes exist
    already, ``geo1``/``geo2`` become ``geo``, an identical index is kept, and a failure
    stops at that index with "could not create index: " before its message."""
    if isinstance(spec, dict) and isinstance(spec.get("parameters"), dict):
        if not isinstance(spec.get("indexes"), list):
            raise _bad("collection indexes declaration is invalid")
        if not spec["indexes"]:
            return
    _, indexes, name = _parts(spec)
    if spec["parameters"].get("deleted") is True:
        return
    col = db.collections.get(name)
    if col is None:
        raise ArangoError(1203, status=404)
    for definition in indexes:
        if not isinstance(definition, dict):
            raise _bad("index definition is invalid")
        itype = definition.get("type")
        if not isinstance(itype, str) or itype in ("primary", "edge"):
            continue
        body = {k: v for k, v in definition.items() if k not in ("id", "figures")}
        if itype in ("geo1", "geo2"):
            body["type"] = "geo"
        try:
            create_index(col, body)
        except ArangoError as exc:
            if exc.num == 9:  # not implemented: skipped
                continue
            message = f"could not create index: {exc.message}"
            raise ArangoError(exc.num, message, exc.status) from None


def _lines(text: str) -> list[tuple[int, str]]:
    """The lines parseBatch reads, with the number it gives each: the count of newlines
    up to and including the line's own (a last line without one keeps the number before
    it); lines of one character or none are skipped, though still counted."""
    out = []
    number = 0
    parts = text.split("\n")
    for i, line in enumerate(parts):
        if i < len(parts) - 1:
            number += 1
        if len(line) > 1:
            out.append((number, line))
    return out


def _corrupt(name: str, number: int, line: str, why: str) -> ArangoError:
    """restoreDataParser's 600 for one line; parseBatch quotes the line after it."""
    return ArangoError(
        600,
        f"received invalid JSON data for collection '{name}' on line {number}: {why} "
        f"in message '{line}'",
        400,
    )


def _parse(lines: list[tuple[int, str]], name: str) -> list[Any]:
    """Every line's JSON value, parsed as strictly as velocypack (no NaN, numbers that fit
    a double, bounded nesting); a bad line is ArangoDB's 600 naming it."""
    try:
        values: list[Any] = parse_json("[" + ",".join(line for _, line in lines) + "]")
    except (ValueError, RecursionError):
        pass
    else:
        if all(type(v) is dict and nesting_depth(v) <= MAX_NESTING for v in values):
            return values
    out = []
    for number, line in lines:
        try:
            value = parse_json(line)
        except NumberOutOfRange:
            raise _corrupt(name, number, line, "Number out of range") from None
        except json.JSONDecodeError as exc:
            why = vpack_error_message(exc, line).removeprefix("VPackError error: ")
            raise _corrupt(name, number, line, why) from None
        except RecursionError:
            raise _corrupt(name, number, line, "Nesting too deep") from None
        if nesting_depth(value) > MAX_NESTING:
            raise _corrupt(name, number, line, "Nesting too deep")
        if not isinstance(value, dict):
            raise _corrupt(name, number, line, "data is no object")
        out.append(value)
    return out


def parse_data(name: str, text: str) -> list[Any]:
    """A dump data file's lines for collection ``name``, parsed (ArangoDB's 600 for a bad
    line), so that a loader can check every file before it writes anything."""
    return _parse(_lines(text), name)


def restore_data(col: Collection, text: str) -> int:
    """Write the documents of a dump data file into ``col`` (existing keys are replaced,
    ``_rev`` values kept); the number of lines applied."""
    return restore_documents(col, parse_data(col.name, text))


def restore_documents(col: Collection, values: Iterable[Any]) -> int:
    """Apply parsed dump lines: plain documents, or ``{type, data}`` envelopes (2300
    writes a document, 2302 removes one). All or nothing, as ArangoDB runs a batch in one
    transaction: every line is checked before anything is written, and a write that fails
    undoes the ones before it."""
    operations = _operations(col.name, values)
    written: list[tuple[Collection, str, Any]] = []
    try:
        for removal, key, doc in operations:
            if removal:
                old = col.docs.get(key)
                if old is not None:
                    remove_document(col, key, _OPTIONS)
                    written.append((col, key, old))
            else:
                new, old = insert_document(col, doc, _OPTIONS)
                written.append((col, new["_key"], old))
    except BaseException:
        undo(written)
        raise
    return len(operations)


def _operations(name: str, values: Iterable[Any]) -> list[tuple[bool, str, Any]]:
    """Each line as ``(removal, key, document)``, or the first line's error (parseBatch's
    checks, made before the transaction writes anything)."""
    out: list[tuple[bool, str, Any]] = []
    for number, value in enumerate(values, 1):
        if not isinstance(value, dict):
            raise ArangoError(
                600,
                f"received invalid JSON data for collection '{name}' on line {number}: "
                "data is no object",
                400,
            )
        data = value.get("data")
        kind = value.get("type")
        if isinstance(data, dict) and kind in (*_INSERT, _REMOVE):
            if kind == _REMOVE:
                key = data.get("_key", value.get("key"))
                out.append((True, key if isinstance(key, str) else "", None))
                continue
            value = data
        key = value.get("_key")
        if not isinstance(key, str) or not key:
            raise _bad(
                f"received invalid JSON data for collection '{name}' on line {number}: empty key"
            )
        out.append((False, key, value))
    return out


def restore_view(db: Database, definition: Any, *, overwrite: bool) -> None:
    """Create a view from its dumped definition (an existing one is replaced with
    ``overwrite``, else 1207)."""
    if not isinstance(definition, dict):
        raise _bad("invalid JSON")
    name = definition.get("name")
    vtype = definition.get("type")
    if not isinstance(name, str) or not isinstance(vtype, str):
        raise _bad("expecting name and type parameters")
    existing = V.find(db, name)
    if existing is not None:
        if not overwrite:
            raise ArangoError(1207, "duplicate name", 409)
        V.drop(db, existing)
    body = {k: v for k, v in definition.items() if k not in ("id", "globallyUniqueId")}
    V.create(db, body)


# ------------------------------------------------------------------- routes
def _done(ctx: Context) -> BackendResponse:
    return ctx.json(200, {"result": True})


@route("PUT", "/_api/replication/restore-collection", area=AREA, access=DB_RW)
def restore_collection_route(ctx: Context) -> BackendResponse:
    """Create one collection from its dumped structure."""
    restore_collection(ctx.db, ctx.body(), overwrite=ctx.flag("overwrite"))
    return _done(ctx)


@route("PUT", "/_api/replication/restore-indexes", area=AREA, access=DB_RW)
def restore_indexes_route(ctx: Context) -> BackendResponse:
    """Create a restored collection's indexes."""
    restore_indexes(ctx.db, ctx.body())
    return _done(ctx)


@route("PUT", "/_api/replication/restore-data", area=AREA, access=DB_RW)
def restore_data_route(ctx: Context) -> BackendResponse:
    """Write a data file's documents into ``?collection=``."""
    name = ctx.query.get("collection", "")
    if not name:
        raise _bad("invalid collection parameter, not given")
    col = ctx.db.collections.get(name)
    if col is None:
        raise ArangoError(1203, status=404)
    ctx.require_collection(col.name, "rw")
    try:
        restore_data(col, ctx.request.body.decode("utf-8", errors="replace"))
    except ArangoError as exc:
        # handleCommandRestoreData puts the error's own text before the details
        message = f"{message_for(exc.num)}: {exc.message}"
        raise ArangoError(exc.num, message, exc.status) from None
    return _done(ctx)


@route("PUT", "/_api/replication/restore-view", area=AREA, access=DB_RW)
def restore_view_route(ctx: Context) -> BackendResponse:
    """Create one view from its dumped definition."""
    restore_view(ctx.db, ctx.body(), overwrite=ctx.flag("overwrite"))
    return _done(ctx)
