"""Write-ahead log endpoints (``/_admin/wal/*``, ``/_api/wal/*``), answered read-only.

The emulator keeps no log of operations, so these report plausible RocksDB-engine state: the
last tick is the server clock's, the log is always flushed, no transactions are running and
tailing never finds new entries (204 with ArangoDB's replication headers).
"""

from __future__ import annotations

import time
from typing import Any

from ...backend import BackendResponse
from ...base.constants import VERSION
from ...base.errors import ArangoError
from .. import auth
from ..context import Context
from ..router import AUTH, route

AREA = "wal"
# RocksDB-engine WAL settings as a 3.12 single server reports them
_PROPERTIES = {
    "allowOversizeEntries": True,
    "logfileSize": 33554432,
    "historicLogfiles": 10,
    "reserveLogfiles": 3,
    "syncInterval": 100,
    "throttleWait": 15000,
    "throttleWhenPending": 0,
}


def current_tick(ctx: Context) -> int:
    """The server's last assigned tick (the clock is never advanced by reading it)."""
    return ctx.server.clock.last_tick


def server_id(ctx: Context) -> str:
    """A stable, numeric server id per emulated server."""
    return ctx.server.replication.server_id


def now_string() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def server_info(ctx: Context, *, engine: bool = False) -> dict[str, Any]:
    info = {"version": VERSION, "serverId": server_id(ctx)}
    if engine:
        info["engine"] = "rocksdb"
    return info


def _require_admin(ctx: Context) -> None:
    if not auth.is_admin(ctx):
        raise ArangoError(11, "forbidden", 403)


# ------------------------------------------------------------------ /_admin/wal
@route("PUT", "/_admin/wal/flush", area=AREA, access=AUTH)
def flush(ctx: Context) -> BackendResponse:
    """Flush the WAL: nothing is ever pending."""
    _require_admin(ctx)
    return ctx.result({})


@route("GET|PUT", "/_admin/wal/properties", area=AREA, access=AUTH)
def properties(ctx: Context) -> BackendResponse:
    """WAL settings (PUT is accepted and changes nothing, as with the RocksDB engine)."""
    _require_admin(ctx)
    if ctx.method == "PUT" and not isinstance(ctx.body(), dict):
        raise ArangoError(400, "invalid body value. expecting object", 400)
    return ctx.ok(dict(_PROPERTIES))


@route("GET", "/_admin/wal/transactions", area=AREA, access=AUTH)
def transactions(ctx: Context) -> BackendResponse:
    """Transactions holding WAL files: none."""
    _require_admin(ctx)
    return ctx.json(
        200, {"runningTransactions": 0, "minLastCollected": None, "minLastSealed": None}
    )


# -------------------------------------------------------------------- /_api/wal
@route("GET", "/_api/wal/lastTick", area=AREA, access=AUTH)
def last_tick(ctx: Context) -> BackendResponse:
    """The last tick the server assigned."""
    _require_admin(ctx)
    body = {"time": now_string(), "tick": str(current_tick(ctx)), "server": server_info(ctx)}
    return ctx.json(200, body)


@route("GET", "/_api/wal/range", area=AREA, access=AUTH)
def tick_range(ctx: Context) -> BackendResponse:
    """The range of ticks still available in the WAL."""
    _require_admin(ctx)
    tick = str(current_tick(ctx))
    body = {"time": now_string(), "tickMin": "5", "tickMax": tick, "server": server_info(ctx)}
    return ctx.json(200, body)


@route("GET|PUT", "/_api/wal/tail", area=AREA, access=AUTH)
def tail(ctx: Context) -> BackendResponse:
    """Tail the WAL from ``from``: the emulator logs nothing, so there is never anything new."""
    _require_admin(ctx)
    tick = current_tick(ctx)
    start = ctx.int_param("from", 0) or 0
    headers = {
        "content-type": "application/x-arango-dump",
        "x-arango-replication-checkmore": "false",
        "x-arango-replication-frompresent": "true",
        "x-arango-replication-lastincluded": "0",
        "x-arango-replication-lastscanned": str(max(tick - 1, start)),
        "x-arango-replication-lasttick": str(tick),
    }
    return BackendResponse(204, headers, b"")
