"""JavaScript transactions (``POST /_api/transaction``) and ``POST /_admin/execute``.

A JavaScript transaction runs as a stream transaction that the server begins, runs the
action in and then commits, or aborts when the action throws: its isolation, locking
conflicts and undeclared-collection errors are the stream transactions' own (both are one
transaction implementation in ArangoDB too). Input is checked in the order of ArangoDB's
``executeTransactionJS``; a thrown error becomes ArangoDB's answer by its V8 rules.
"""

from __future__ import annotations

from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.transactions import EXCLUSIVE, READ, WRITE
from ...state.users import RO, RW
from ..context import Context, dumps
from . import bad_parameter, frame_for, javascript

__all__ = ["admin_execute", "execute_transaction"]

TRX_HEADER = "x-arango-trx-id"
_ACTION = "missing/invalid action definition for transaction"
_UNKNOWN = "an unknown error occured while executing the transaction"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _declared(collections: dict[str, Any]) -> dict[str, list[str]]:
    """The read/write/exclusive lists (a name or an array of names each)."""
    problem = "invalid collection definition for transaction: "
    lists: dict[str, list[str]] = {}
    for mode in (READ, WRITE, EXCLUSIVE):
        value = collections.get(mode)
        if mode not in collections:
            lists[mode] = []
        elif isinstance(value, str):
            lists[mode] = [value]
        elif isinstance(value, list):
            for i, name in enumerate(value):
                if not isinstance(name, str):
                    raise bad_parameter(
                        f"{problem} Collection name #{i} in array '{mode}' is not a string"
                    )
            lists[mode] = list(value)
        else:
            raise bad_parameter(f"{problem} There is no array in '{mode}'")
    return lists


def _options(body: dict[str, Any], collections: dict[str, Any]) -> dict[str, Any]:
    """Transaction options as the stream transaction keeps them."""
    options: dict[str, Any] = {}
    for key in ("waitForSync", "lockTimeout", "maxTransactionSize"):
        if key in body and body[key] is not None:
            options[key] = body[key]
    implicit = collections.get("allowImplicit", body.get("allowImplicit", True))
    options["allowImplicit"] = bool(implicit)
    return options


def execute_transaction(ctx: Context) -> BackendResponse:
    """Run a JavaScript transaction: the action's return value is the answer's ``result``."""
    js = javascript(ctx)
    body = ctx.body()
    if not isinstance(body, dict):
        raise bad_parameter("expecting object")
    if "lockTimeout" in body and not _is_number(body["lockTimeout"]):
        raise bad_parameter("<lockTimeout> must be a valid numeric value")
    if "waitForSync" in body and not isinstance(body["waitForSync"], bool):
        raise bad_parameter("<waitForSync> must be a boolean value")
    if _is_number(body.get("lockTimeout")) and body["lockTimeout"] < 0:
        raise bad_parameter("<lockTimeout> needs to be positive")
    collections = body.get("collections")
    if not isinstance(collections, dict):
        raise bad_parameter("missing/invalid collections definition for transaction")
    lists = _declared(collections)
    action = body.get("action")
    if not isinstance(action, str):
        raise bad_parameter(_ACTION)
    compiled = js.engine.invoke("__arango_compile", "transaction", action)
    if compiled.error is not None:
        error = compiled.error
        raise bad_parameter(f"{_ACTION} - {error.get('text', '')} - {error.get('stack', '')}")
    modes: dict[str, str] = {}
    for mode in (EXCLUSIVE, WRITE, READ):  # ArangoDB locks in this order
        for name in lists[mode]:
            col = ctx.db.collection(name)
            ctx.require_collection(col.name, RO if mode == READ else RW, mode)
            modes.setdefault(col.name, mode)
    manager = ctx.server.transactions
    trx = manager.begin(ctx.db, ctx.user, modes, _options(body, collections))
    frame = frame_for(ctx, {TRX_HEADER: trx.id})
    frame.budget = _size_limit(body.get("maxTransactionSize"))
    try:
        with js.engine.entered(frame):
            outcome = js.engine.run("transaction", action, body.get("params"))
        outcome.raise_for(1650, _UNKNOWN)
    except BaseException:
        manager.abort(trx)
        raise
    manager.commit(trx)
    return ctx.json(200, {"error": False, "code": 200, "result": outcome.value})


def _size_limit(value: Any) -> int | None:
    return int(value) if _is_number(value) and value > 0 else None


def admin_execute(ctx: Context) -> BackendResponse:
    """Run the body as a function without arguments and answer its return value as JSON
    (an uncaught error: 500 with the stack trace as plain text)."""
    js = javascript(ctx)
    if not js.allow_admin_execute:
        raise ArangoError(404, "unknown path '/_admin/execute'", 404)
    source = ctx.request.body.decode("utf-8", "replace")
    if not source:
        return ctx.json(200, {"error": False, "code": 200})
    with js.engine.entered(frame_for(ctx)):
        outcome = js.engine.run("body", source)
    if outcome.error is not None:
        error = outcome.error
        text = error.get("stack") or error.get("text") or error.get("message", "")
        return BackendResponse(
            500, {"content-type": "text/plain; charset=utf-8"}, str(text).encode()
        )
    return BackendResponse(
        200, {"content-type": "application/json; charset=utf-8"}, dumps(outcome.value)
    )
