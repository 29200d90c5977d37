"""Replication endpoints (``/_api/replication/*``) with ArangoDB's shapes, read-only.

A single server's replication logger is always running; its state, first tick and tick
ranges come from the server clock. The inventory lists the database's collections with their
properties and (non-primary, non-edge) indexes, its views and the database's properties;
``clusterInventory`` is coordinator-only, the applier is configured but never running. Dump
batches can be created, extended and deleted, and ``dump`` reads a collection through one:
one JSON document per line, in blocks of ``chunkSize`` bytes, with the
``x-arango-replication-*`` headers arangodump follows.
The logger reads and the server id need no more than access to the database: ArangoDB's
replication handler checks further rights only for batches, inventory, dump and restore.
"""

from __future__ import annotations

import time
from typing import Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state import views as V
from ...state.model import Collection
from ...state.replication import DumpBatch, dump_lines
from .. import auth
from ..context import Context, dumps
from ..router import AUTH, DB_RO, route
from .collections import properties
from .wal import current_tick, now_string, server_id, server_info

AREA = "replication"
_DEFAULT_TTL = 300.0
# RestReplicationHandler's chunk sizes for dump: the default and the largest accepted
DEFAULT_CHUNK = 128 * 1024
MAX_CHUNK = 128 * 1024 * 1024
DUMP_TYPE = "application/x-arango-dump; charset=utf-8"
# the applier configuration a fresh 3.12 database reports
_APPLIER_CONFIG: dict[str, Any] = {
    "requestTimeout": 600,
    "connectTimeout": 10,
    "ignoreErrors": 0,
    "maxConnectRetries": 100,
    "lockTimeoutRetries": 0,
    "sslProtocol": 0,
    "chunkSize": 0,
    "skipCreateDrop": False,
    "autoStart": False,
    "adaptivePolling": True,
    "autoResync": False,
    "autoResyncRetries": 2,
    "maxPacketSize": 536870912,
    "includeSystem": True,
    "includeFoxxQueues": False,
    "requireFromPresent": True,
    "verbose": False,
    "incremental": False,
    "restrictType": "",
    "restrictCollections": [],
    "connectionRetryWaitTime": 15,
    "initialSyncMaxWaitTime": 300,
    "idleMinWaitTime": 1,
    "idleMaxWaitTime": 2.5,
}


def _batches(ctx: Context) -> dict[str, DumpBatch]:
    return ctx.server.replication.batches()


def _require_admin(ctx: Context) -> None:
    if not auth.is_admin(ctx):
        raise ArangoError(11, "forbidden", 403)


def _logger_state(ctx: Context) -> dict[str, Any]:
    tick = str(current_tick(ctx))
    return {
        "running": True,
        "lastLogTick": tick,
        "lastUncommittedLogTick": tick,
        "totalEvents": current_tick(ctx),
        "time": now_string(),
    }


def _ttl(ctx: Context) -> float:
    body = ctx.body(allow_empty=True)
    if body is None:
        return _DEFAULT_TTL
    if not isinstance(body, dict):
        raise ArangoError(400, "invalid JSON", 400)
    ttl = body.get("ttl", _DEFAULT_TTL)
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl <= 0:
        return _DEFAULT_TTL
    return float(ttl)


def _inventory_entry(col: Collection) -> dict[str, Any]:
    indexes = [ix.describe() for ix in col.indexes if ix.type not in ("primary", "edge")]
    return {"indexes": indexes, "parameters": properties(col)}


# ------------------------------------------------------------------- handlers
@route("GET", "/_api/replication/logger-state", area=AREA, access=AUTH)
def logger_state(ctx: Context) -> BackendResponse:
    """The replication logger's state: always running."""
    body = {"state": _logger_state(ctx), "server": server_info(ctx, engine=True), "clients": []}
    return ctx.json(200, body)


@route("GET", "/_api/replication/logger-first-tick", area=AREA, access=AUTH)
def logger_first_tick(ctx: Context) -> BackendResponse:
    """The oldest tick still available."""
    return ctx.json(200, {"firstTick": "5"})


@route("GET", "/_api/replication/logger-tick-ranges", area=AREA, access=AUTH)
def logger_tick_ranges(ctx: Context) -> BackendResponse:
    """The WAL files and their tick ranges: one live file."""
    entry = {
        "datafile": "/var/lib/arangodb3/engine-rocksdb/journals/000003.log",
        "status": "open",
        "tickMin": "5",
        "tickMax": str(current_tick(ctx)),
    }
    return ctx.json(200, [entry])


@route("GET", "/_api/replication/inventory", area=AREA, access=DB_RO)
def inventory(ctx: Context) -> BackendResponse:
    """The database's properties, its collections (document collections before edge
    collections, each by name; system ones with ``includeSystem``, default true) with
    their indexes, and its views."""
    include_system = ctx.flag("includeSystem", True)
    batch_id = ctx.query.get("batchId")
    if batch_id is not None and batch_id not in _batches(ctx):
        raise ArangoError(1600, "replication context not found", 404)
    foxx_queues = ctx.flag("includeFoxxQueues")
    cols = [
        _inventory_entry(col)
        for col in sorted(ctx.db.collections.values(), key=lambda c: (c.type, c.name))
        if not excluded(col.name, include_system, foxx_queues)
    ]
    views = [v.properties(ctx.db) for v in sorted(V.views(ctx.db).values(), key=lambda v: v.name)]
    tick = str(current_tick(ctx))
    body = {
        "properties": database_properties(ctx),
        "collections": cols,
        "views": views,
        "state": _logger_state(ctx),
        "tick": tick,
    }
    return ctx.json(200, body)


def excluded(name: str, include_system: bool, foxx_queues: bool) -> bool:
    """Collections replication leaves out (TRI_ExcludeCollectionReplication): system
    collections unless asked for, never the statistics, Foxx queues only when asked."""
    if not name.startswith("_"):
        return False
    if not include_system or name.startswith("_statistics") or name == "_routing":
        return True
    return not foxx_queues and name in ("_jobs", "_queues")


def database_properties(ctx: Context) -> dict[str, Any]:
    """The database's properties as the inventory (and arangodump's ``dump.json``) hold them."""
    db = ctx.db
    return {
        "id": db.id,
        "name": db.name,
        "isSystem": db.is_system,
        "sharding": db.options.get("sharding", ""),
        "replicationFactor": db.options.get("replicationFactor", 1),
        "writeConcern": db.options.get("writeConcern", 1),
    }


def chunk_size(ctx: Context) -> int:
    """``chunkSize`` in bytes: the default when absent, at most 128 MiB."""
    size = ctx.int_param("chunkSize", DEFAULT_CHUNK) or DEFAULT_CHUNK
    return min(max(size, 1), MAX_CHUNK)


@route("GET", "/_api/replication/dump", area=AREA, access=DB_RO)
def dump(ctx: Context) -> BackendResponse:
    """The next block of a collection's documents as of the batch's first read of it; 204
    once none are left. ``x-arango-replication-checkmore`` says whether more follow and
    ``x-arango-replication-lastincluded`` grows with every block (0 for an empty one)."""
    name = ctx.query.get("collection", "")
    if not name:
        raise ArangoError(400, "invalid collection parameter", 400)
    batch_id = ctx.query.get("batchId")
    if batch_id is None:
        raise ArangoError(400, "replication dump - request misses batchId", 404)
    batch = _batches(ctx).get(batch_id)
    if batch is None:
        raise ArangoError(
            400, "replication dump - unable to find context (it could be expired)", 404
        )
    col = ctx.db.find_collection(name)
    if col is None:
        raise ArangoError(1203, f"collection or view not found: {name}", 404)
    ctx.require_collection(col.name, "ro")
    docs, start = batch.cursors.get(col.name) or (list(col.docs.values()), 0)
    body, pos = dump_lines(docs, start, chunk_size(ctx), dumps)
    batch.cursors[col.name] = (docs, pos)
    headers = {
        "content-type": DUMP_TYPE,
        "x-arango-replication-checkmore": "true" if pos < len(docs) else "false",
        "x-arango-replication-lastincluded": str(batch.tick + pos) if body else "0",
    }
    return BackendResponse(200 if body else 204, headers, body)


@route("GET", "/_api/replication/clusterInventory", area=AREA, access=DB_RO)
def cluster_inventory(ctx: Context) -> BackendResponse:
    """Only coordinators have a cluster inventory."""
    raise ArangoError(1471, status=403)


@route("GET", "/_api/replication/server-id", area=AREA, access=AUTH)
def get_server_id(ctx: Context) -> BackendResponse:
    """The server's id as a string."""
    return ctx.json(200, {"serverId": server_id(ctx)})


@route("GET", "/_api/replication/applier-config", area=AREA, access=AUTH)
def applier_config(ctx: Context) -> BackendResponse:
    """The applier configuration: no leader endpoint configured."""
    _require_admin(ctx)
    body = {"endpoint": "", "database": ctx.db.name}
    body.update(_APPLIER_CONFIG)
    return ctx.json(200, body)


@route("GET", "/_api/replication/applier-state", area=AREA, access=AUTH)
def applier_state(ctx: Context) -> BackendResponse:
    """The applier's state: created, never started."""
    _require_admin(ctx)
    stamp = now_string()
    state = {
        "started": None,
        "running": False,
        "phase": "inactive",
        "lastAppliedContinuousTick": None,
        "lastProcessedContinuousTick": None,
        "lastAvailableContinuousTick": None,
        "safeResumeTick": None,
        "progress": {
            "time": stamp,
            "message": f"applier initially created for database '{ctx.db.name}'",
            "failedConnects": 0,
        },
        "totalRequests": 0,
        "totalFailedConnects": 0,
        "totalEvents": 0,
        "totalDocuments": 0,
        "totalRemovals": 0,
        "totalResyncs": 0,
        "totalOperationsExcluded": 0,
        "totalApplyTime": 0,
        "averageApplyTime": 0,
        "totalFetchTime": 0,
        "averageFetchTime": 0,
        "lastError": {"errorNum": 0},
        "time": stamp,
    }
    body = {"state": state, "server": server_info(ctx), "endpoint": "", "database": ctx.db.name}
    return ctx.json(200, body)


@route("POST", "/_api/replication/batch", area=AREA, access=DB_RO)
def create_batch(ctx: Context) -> BackendResponse:
    """Create a dump batch that holds the current tick for ``ttl`` seconds."""
    ttl = _ttl(ctx)
    batch = DumpBatch(ctx.server.clock.next_id(), current_tick(ctx), time.monotonic() + ttl)
    _batches(ctx)[batch.id] = batch
    body = {"id": batch.id, "lastTick": str(batch.tick), "state": _logger_state(ctx)}
    return ctx.json(200, body)


def _batch(ctx: Context) -> DumpBatch:
    batch = _batches(ctx).get(ctx.params["id"])
    if batch is None:
        raise ArangoError(1600, "replication context not found", 404)
    return batch


@route("PUT", "/_api/replication/batch/{id}", area=AREA, access=DB_RO)
def extend_batch(ctx: Context) -> BackendResponse:
    """Extend a batch's lifetime by ``ttl`` seconds: 204 with no body."""
    batch = _batch(ctx)
    batch.expires = time.monotonic() + _ttl(ctx)
    return BackendResponse(204, {}, b"")


@route("DELETE", "/_api/replication/batch/{id}", area=AREA, access=DB_RO)
def delete_batch(ctx: Context) -> BackendResponse:
    """Delete a batch: 204 with no body."""
    batch = _batch(ctx)
    del _batches(ctx)[batch.id]
    return BackendResponse(204, {}, b"")
