"""AQL user functions (``/_api/aqlfunction``): registered, listed and removed as ArangoDB does.

Functions live in the database's ``_aqlfunctions`` system collection, one document per
function keyed by the upper-cased name, with the code wrapped in ``(`` ... ``\\n)`` the way
ArangoDB stores it. Registration compiles the code in the JavaScript engine and refuses
anything that does not evaluate to a function (1581), as ``registerUserFunction`` in
``arangod/VocBase/Methods/AqlUserFunctions.cpp`` does; without the ``js`` extra any
non-empty code string is accepted (calls then answer 501).
"""

from __future__ import annotations

import re
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError, message_for
from ...state.documents import WriteOptions, insert_document, remove_document
from ...state.model import Collection
from ..context import Context
from ..router import DB_RO, DB_RW, route

AREA = "aqlfunction"
COLLECTION = "_aqlfunctions"
# a valid name: no leading underscore, at least one ``::`` namespace separator
_NAME = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_]*(::[a-zA-Z0-9_]+)+")
# names and prefixes used for lookups and deletes may be looser
_FILTER = re.compile(r"[a-zA-Z0-9_]+(::[a-zA-Z0-9_]*)*")


def _collection(ctx: Context) -> Collection:
    col = ctx.db.get_collection(COLLECTION)
    if col is None:  # dropped by hand: ArangoDB recreates system collections lazily too
        col = ctx.db.create_collection(COLLECTION, is_system=True)
    return col


def _prefix(namespace: str) -> str:
    """The upper-cased key prefix a namespace filter matches (always ending in ``::``)."""
    upper = namespace.upper()
    return upper if upper.endswith("::") else upper + "::"


def _invalid_characters(name: str) -> ArangoError:
    return ArangoError(
        1580, f"error deleting AQL user function: '{name}' contains invalid characters", 400
    )


def _describe(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The listed form of a stored function; malformed entries are skipped like ArangoDB does."""
    name, code = doc.get("name"), doc.get("code")
    if not isinstance(name, str) or not isinstance(code, str) or len(code) <= 2:
        return None
    deterministic = doc.get("isDeterministic")
    return {
        "name": name,
        "code": code[1:-1].strip(),
        "isDeterministic": deterministic if isinstance(deterministic, bool) else False,
    }


# --------------------------------------------------------------------- handlers
@route("POST", "/_api/aqlfunction", area=AREA, access=DB_RW)
def create_function(ctx: Context) -> BackendResponse:
    """Register (or replace) a user function; 201 when new, 200 when it replaced one."""
    try:
        body = ctx.body()
    except ArangoError:
        body = None
    if not isinstance(body, dict):
        raise ArangoError(17, "expecting JSON object body", 400)
    name = body.get("name")
    if not isinstance(name, str):
        raise ArangoError(1580, "function name has to be provided as a string", 400)
    if not name:
        raise ArangoError(1580, "function name has to be provided and must not be empty", 400)
    if not _NAME.fullmatch(name):
        raise ArangoError(
            1580, f"error creating AQL user function: '{name}' is not a valid name", 400
        )
    code = body.get("code")
    if not isinstance(code, str) or not code:
        raise ArangoError(1581, "expecting string with function definition", 400)
    _check_code(ctx, code)
    deterministic = body.get("isDeterministic")
    doc = {
        "_key": name.upper(),
        "name": name,
        "code": f"({code}\n)",
        "isDeterministic": deterministic if isinstance(deterministic, bool) else False,
    }
    _, old = insert_document(_collection(ctx), doc, WriteOptions(overwrite_mode="replace"))
    status = 200 if old is not None else 201
    return ctx.json(status, {"error": False, "code": status, "isNewlyCreated": old is None})


def _check_code(ctx: Context, code: str) -> None:
    """1581 unless ``code`` evaluates to a function (skipped without a JavaScript engine)."""
    js = getattr(ctx.server, "javascript", None)
    if js is None:
        return
    outcome = js.engine.check_function(code)
    if outcome.error is not None:
        detail = outcome.error.get("text") or outcome.error.get("message", "")
        raise ArangoError(1581, f"{message_for(1581)}: {detail}", 400)
    if outcome.value is not True:
        raise ArangoError(1581, status=400)


def _list(ctx: Context, namespace: str) -> BackendResponse:
    col = _collection(ctx)
    prefix = _prefix(namespace) if namespace else ""
    found = []
    for key, doc in col.docs.items():
        if key.startswith(prefix):
            described = _describe(doc)
            if described is not None:
                found.append(described)
    return ctx.result(found)


@route("GET", "/_api/aqlfunction", area=AREA, access=DB_RO)
def list_functions(ctx: Context) -> BackendResponse:
    """All user functions, or those of ``namespace`` (also accepted as ``prefix``)."""
    return _list(ctx, ctx.query.get("prefix") or ctx.query.get("namespace") or "")


@route("GET", "/_api/aqlfunction/{namespace}", area=AREA, access=DB_RO)
def list_namespace(ctx: Context) -> BackendResponse:
    """The user functions of the namespace given as path suffix."""
    return _list(ctx, ctx.params["namespace"])


@route("DELETE", "/_api/aqlfunction/{name}", area=AREA, access=DB_RW)
def delete_function(ctx: Context) -> BackendResponse:
    """Remove one function by name, or with ``group=true`` every function of a namespace."""
    name = ctx.params["name"]
    col = _collection(ctx)
    if ctx.flag("group"):
        if not name:
            raise ArangoError(10, status=400)
        if not _FILTER.fullmatch(name):
            raise _invalid_characters(name)
        prefix = _prefix(name)
        doomed = [
            doc
            for key, doc in col.docs.items()
            if doc.get("name", "").upper()[: len(prefix)] == prefix
        ]
        for doc in doomed:
            col.delete(doc)
        return ctx.ok({"deletedCount": len(doomed)})
    if not _FILTER.fullmatch(name):
        raise _invalid_characters(name)
    try:
        remove_document(col, name.upper(), WriteOptions())
    except ArangoError as exc:
        if exc.num != 1202:
            raise
        raise ArangoError(1582, f"no AQL user function with name '{name}' found", 404) from None
    return ctx.ok({"deletedCount": 1})


@route("DELETE", "/_api/aqlfunction", area=AREA, access=DB_RW)
def delete_without_name(ctx: Context) -> BackendResponse:
    """DELETE needs the function name (or namespace) as the one path suffix."""
    raise ArangoError(
        601, "superfluous suffix, expecting _api/aqlfunction/<functionname or prefix>", 400
    )
