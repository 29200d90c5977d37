"""Stream transactions API (``/_api/transaction``) and the ``x-arango-trx-id`` binding.

The state and isolation live in ``state/transactions.py``. :func:`bind_transaction` runs
before every handler: for the routes ArangoDB runs inside a stream transaction (documents,
import, cursor creation, collection count/truncate, graph vertices and edges) it leases the
transaction named by the header and swaps ``ctx.db`` for the transaction's view.

JavaScript transactions (``POST /_api/transaction`` with an ``action``) run in the
JavaScript engine (``emulator/js/programs.py``) as stream transactions begun and ended by
the server.
"""

from __future__ import annotations

import re
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.transactions import (
    ABORTED,
    COMMITTED,
    EXCLUSIVE,
    READ,
    RUNNING,
    WRITE,
    StreamTransaction,
    TrxDatabase,
)
from ...state.users import RO, RW
from ..context import Context
from ..js import programs
from ..router import AUTH, DB_RO, Route, route

AREA = "transaction"
HEADER = "x-arango-trx-id"
_DIGITS = re.compile(r"\d+")

# routes that run inside the transaction named by x-arango-trx-id; the value says whose
# "not found" message they use (the cursor handler quotes the id)
_GHARIAL_VERTEX = "/_api/gharial/{graph}/vertex/{collection}"
_GHARIAL_EDGE = "/_api/gharial/{graph}/edge/{collection}"
_BOUND: dict[tuple[str, str], str] = {
    ("POST", "/_api/cursor"): "cursor",
    ("POST", "/_api/import"): "document",
    ("GET", "/_api/collection/{collection}/count"): "document",
    ("PUT", "/_api/collection/{collection}/truncate"): "document",
    ("POST", _GHARIAL_VERTEX): "document",
    ("POST", _GHARIAL_EDGE): "document",
}
for _method in ("GET", "PUT", "PATCH", "DELETE"):
    _BOUND[(_method, _GHARIAL_VERTEX + "/{key}")] = "document"
    _BOUND[(_method, _GHARIAL_EDGE + "/{key}")] = "document"


def _kind(r: Route) -> str | None:
    if r.area == "document":
        return "document"
    return _BOUND.get((r.method, r.pattern))


def _leading_id(value: str) -> str:
    """ArangoDB reads ids as unsigned integers from the leading digits (0 if there are none)."""
    match = _DIGITS.match(value.strip())
    return str(int(match.group())) if match else "0"


def _is_read(ctx: Context, r: Route) -> bool:
    if r.method in ("GET", "HEAD") or r.pattern.endswith("/count"):
        return True
    return r.method == "PUT" and r.area == "document" and ctx.flag("onlyget")


def lease(ctx: Context, value: str, quoted: bool) -> StreamTransaction:
    """The running transaction ``value`` names, or ArangoDB's error for why it cannot run."""
    tid = _leading_id(value)
    if tid == "0":
        raise ArangoError(10, "invalid transaction ID", 400)
    trx = ctx.server.transactions.find(tid, ctx.db, ctx.user)
    if trx is None:
        shown = f"'{tid}'" if quoted else tid
        raise ArangoError(1655, f"transaction {shown} not found", 404)
    if trx.was_expired:
        raise ArangoError(1655, f"transaction {tid} has already expired", 404)
    if trx.status == ABORTED:
        raise ArangoError(1654, f"transaction {tid} has already been aborted", 410)
    if trx.status == COMMITTED:
        raise ArangoError(1653, f"transaction {tid} has already been committed", 400)
    trx.touch()
    return trx


def bind_transaction(ctx: Context, r: Route) -> None:
    """Emulator ``prepare`` hook: run transaction-aware routes inside the named transaction."""
    value = ctx.header(HEADER)
    if value is None:
        return
    kind = _kind(r)
    if kind is None:
        return
    trx = lease(ctx, value, quoted=kind == "cursor")
    name = ctx.params.get("collection") or ctx.query.get("collection")
    if name:
        col = ctx.db.collections.get(name)
        if col is not None:
            if _is_read(ctx, r):
                trx.check_read(col.name)
            else:
                trx.check_write(col.name)
    ctx.db = TrxDatabase.of(trx)


# ---------------------------------------------------------------------- begin
def _names(value: Any) -> list[str] | None:
    """A ``collections`` entry: absent, a name, or a list of non-empty names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


def _result(ctx: Context, trx_id: str, status: str, code: int = 200) -> BackendResponse:
    return ctx.json(
        code, {"code": code, "error": False, "result": {"id": trx_id, "status": status}}
    )


@route("POST", "/_api/transaction/begin", area=AREA, access=DB_RO)
def begin(ctx: Context) -> BackendResponse:
    """Begin a stream transaction over the declared collections."""
    body = ctx.body()
    if ctx.header(HEADER) is not None:
        raise ArangoError(
            10, "unexpected transaction ID received in begin transaction request", 400
        )
    if not isinstance(body, dict) or not isinstance(body.get("collections"), dict):
        raise ArangoError(10, "missing 'collections'", 400)
    lock_timeout: Any = body.get("lockTimeout")
    if _number(lock_timeout) and lock_timeout < 0:
        raise ArangoError(10, "<lockTimeout> needs to be positive", 400)
    declared = body["collections"]
    modes: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for mode in (EXCLUSIVE, WRITE, READ):
        names = _names(declared.get(mode))
        if names is None:
            raise ArangoError(10, "invalid 'collections' attribute", 400)
        lists[mode] = names
    for mode in (EXCLUSIVE, WRITE, READ):  # ArangoDB locks in this order
        for name in lists[mode]:
            col = ctx.db.collection(name)
            ctx.require_collection(col.name, RO if mode == READ else RW, mode)
            modes.setdefault(col.name, mode)
    options = {
        key: body[key] for key, check in _OPTIONS.items() if key in body and check(body[key])
    }
    trx = ctx.server.transactions.begin(ctx.db, ctx.user, modes, options)
    return _result(ctx, trx.id, RUNNING, 201)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _boolean(value: Any) -> bool:
    return isinstance(value, bool)


# options kept when of the right type (ArangoDB ignores them otherwise)
_OPTIONS = {
    "waitForSync": _boolean,
    "allowImplicit": _boolean,
    "lockTimeout": _number,
    "maxTransactionSize": _number,
    "skipFastLockRound": _boolean,
}


# ---------------------------------------------------------------------- manage
@route("GET", "/_api/transaction", area=AREA, access=DB_RO)
def list_transactions(ctx: Context) -> BackendResponse:
    """The running stream transactions of this database visible to the caller."""
    mgr = ctx.server.transactions
    mgr.collect()
    found = [
        {"id": trx.id, "state": RUNNING}
        for trx in mgr.running(ctx.db)
        if trx.user == ctx.user and not trx.expired()
    ]
    return ctx.json(200, {"transactions": found})


def _transaction_id(ctx: Context, message: str) -> str:
    tid = _leading_id(ctx.params["id"])
    if tid == "0":
        raise ArangoError(10, message, 400)
    return tid


@route("GET", "/_api/transaction/{id}", area=AREA, access=DB_RO)
def transaction_status(ctx: Context) -> BackendResponse:
    """The status of one transaction: running, committed or aborted."""
    tid = _transaction_id(ctx, "Illegal transaction ID")
    trx = ctx.server.transactions.find(tid, ctx.db, ctx.user)
    if trx is None:
        raise ArangoError(1655, status=404)
    status = ABORTED if trx.status == RUNNING and trx.expired() else trx.status
    return _result(ctx, tid, status)


def _end(ctx: Context, wanted: str) -> BackendResponse:
    tid = _transaction_id(ctx, "bad transaction ID")
    mgr = ctx.server.transactions
    operation = "commit" if wanted == COMMITTED else "abort"
    trx = mgr.find(tid, ctx.db, ctx.user)
    if trx is None:
        if tid not in mgr.transactions:
            mgr.remember_aborted(tid, ctx.db, ctx.user)
            raise ArangoError(1655, f"transaction {tid} not found on {operation} operation", 404)
        raise ArangoError(1655, f"transaction {tid} inaccessible on {operation} operation", 404)
    if trx.status != RUNNING:
        if trx.status == wanted:
            trx.touch()
            return _result(ctx, tid, wanted)
        was = "expired" if trx.was_expired else trx.status
        raise ArangoError(
            1653,
            f"while trying to {operation} transaction {tid}: transaction was already {was}",
            400,
        )
    if wanted == COMMITTED:
        mgr.commit(trx)
    else:
        mgr.abort(trx)
    return _result(ctx, tid, wanted)


@route("PUT", "/_api/transaction/{id}", area=AREA, access=DB_RO)
def commit(ctx: Context) -> BackendResponse:
    """Commit a running transaction: its writes become visible to everybody."""
    return _end(ctx, COMMITTED)


@route("DELETE", "/_api/transaction/{id}", area=AREA, access=DB_RO)
def abort(ctx: Context) -> BackendResponse:
    """Abort a transaction (``write``: every write transaction of the caller)."""
    if ctx.params["id"] == "write":
        mgr = ctx.server.transactions
        for trx in list(mgr.running()):
            if trx.user == ctx.user and not trx.read_only:
                mgr.abort(trx)
        return ctx.json(200, {"error": False, "code": 200, "result": {}})
    return _end(ctx, ABORTED)


@route("POST", "/_api/transaction", area=AREA, access=DB_RO)
def javascript_transaction(ctx: Context) -> BackendResponse:
    """Execute a JavaScript transaction (``action`` with ``params``) and commit it."""
    return programs.execute_transaction(ctx)


@route("POST", "/_api/transaction/{id}", area=AREA, access=AUTH)
def post_other(ctx: Context) -> BackendResponse:
    """Anything but ``begin`` after POST /_api/transaction/: bad parameter."""
    raise ArangoError(10, status=400)
