"""The batched dump API (``/_api/dump``) that 3.12's arangodump uses on a single server.

``POST /_api/dump/start`` takes ``{batchSize, prefetchCount, parallelism, shards, ttl}``
(on a single server the shards are collection names) and answers 201 with the context's
id in ``x-arango-dump-id``. ``POST /_api/dump/next/{id}?batchId=N[&lastBatch=M]`` hands
out block ``N`` (JSON documents, one per line) with the collection in
``x-arango-dump-shard-id``; asking for ``N`` again repeats it, ``lastBatch`` releases an
earlier one, and 204 says everything was read. ``DELETE /_api/dump/{id}`` ends the context.
Contexts belong to the user who started them (RestDumpHandler, RocksDBDumpManager).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ...backend import BackendResponse
from ...base.errors import ArangoError
from ...state.replication import DumpContext, dump_lines
from ..context import dumps
from ..router import DB_RO, route
from .replication import DUMP_TYPE, MAX_CHUNK

if TYPE_CHECKING:
    from ...state import Collection
    from ..context import Context

AREA = "replication"
_DEFAULT_BATCH = 16 * 1024 * 1024
_DEFAULT_TTL = 600.0


def _bad(message: str) -> ArangoError:
    return ArangoError(10, message, 400)


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return default
    return float(value)


def _blocks(cols: list[Collection], size: int) -> Iterator[tuple[str, bytes]]:
    """Each collection's documents (as of the start) in blocks of about ``size`` bytes."""
    snapshots = [(col.name, list(col.docs.values())) for col in cols]
    for name, docs in snapshots:
        pos = 0
        while pos < len(docs):
            body, pos = dump_lines(docs, pos, size, dumps)
            yield name, body


def _user(ctx: Context) -> str:
    return ctx.user or ""


def _context(ctx: Context, cid: str) -> DumpContext:
    context = ctx.server.replication.contexts().get(cid)
    if context is None:
        raise ArangoError(1600, "requested dump context not found", 404)
    if context.database != ctx.db.name or context.user != _user(ctx):
        raise ArangoError(11, "insufficient permissions", 403)
    context.expires = time.monotonic() + context.ttl
    return context


def _readable(ctx: Context, name: str) -> Collection:
    """A collection to dump: 403 without read access (checked first, as ArangoDB does),
    404 if it does not exist."""
    try:
        ctx.require_collection(name, "ro")
    except ArangoError:
        raise ArangoError(
            11, f"insufficient permissions to access shard {name} of collection {name}", 403
        ) from None
    col = ctx.db.collections.get(name)
    if col is None:
        raise ArangoError(1203, f"collection or view not found: {name}", 404)
    return col


@route("POST", "/_api/dump/start", area=AREA, access=DB_RO)
def start(ctx: Context) -> BackendResponse:
    """Start a dump of the named collections: 201, the id in ``x-arango-dump-id``."""
    if ctx.flag("useVPack"):  # arangodump --dump-vpack: blocks in VelocyPack
        raise ArangoError(
            9,
            f"not implemented: {ctx.method} {ctx.request.path}?useVPack=true "
            "is not emulated by pytest-arangomock",
            501,
        )
    body = ctx.body()
    if not isinstance(body, dict):
        raise _bad("expecting object")
    shards = body.get("shards")
    if not isinstance(shards, list) or not all(isinstance(s, str) for s in shards):
        raise _bad("expecting 'shards' to be an array of strings")
    cols = [_readable(ctx, name) for name in shards]
    size = int(min(_number(body.get("batchSize"), _DEFAULT_BATCH), MAX_CHUNK))
    ttl = _number(body.get("ttl"), _DEFAULT_TTL)
    context = DumpContext(
        id=f"dump-{ctx.server.clock.next_id()}",
        database=ctx.db.name,
        user=_user(ctx),
        batch_size=size,
        ttl=ttl,
        expires=time.monotonic() + ttl,
        pending=_blocks(cols, size),
    )
    ctx.server.replication.contexts()[context.id] = context
    return BackendResponse(201, {"x-arango-dump-id": context.id}, b"")


@route("POST", "/_api/dump/next/{id}", area=AREA, access=DB_RO)
def next_block(ctx: Context) -> BackendResponse:
    """Block ``batchId`` of the dump (again, if it was handed out before); 204 at the end."""
    batch_id = ctx.query.get("batchId", "")
    if not batch_id.isdigit():
        raise _bad("expecting 'batchId'")
    context = _context(ctx, ctx.params["id"])
    last = ctx.query.get("lastBatch", "")
    if last.isdigit():
        context.sent.pop(int(last), None)
    number = int(batch_id)
    block = context.sent.get(number)
    if block is None:
        block = next(context.pending, None)
        if block is None:
            return BackendResponse(204, {}, b"")
        context.sent[number] = block
    shard, body = block
    headers = {
        "content-type": DUMP_TYPE,
        "x-arango-dump-shard-id": shard,
        "x-arango-dump-block-counts": "0",
    }
    return BackendResponse(200, headers, body)


@route("DELETE", "/_api/dump/{id}", area=AREA, access=DB_RO)
def finish(ctx: Context) -> BackendResponse:
    """End a dump context and free what it holds."""
    context = _context(ctx, ctx.params["id"])
    del ctx.server.replication.contexts()[context.id]
    return ctx.json(200, {"error": False, "code": 200})


@route("POST", "/_api/dump/{suffix}", area=AREA, access=DB_RO)
def bad_post(ctx: Context) -> BackendResponse:
    """Any other POST below /_api/dump is RestDumpHandler's bad parameter."""
    raise _bad("expecting POST /_api/dump/start or /_api/dump/next/<id>")
