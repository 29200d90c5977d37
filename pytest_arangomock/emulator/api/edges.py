"""edges API: ``GET /_api/edges/{collection}``, the in/out/any edges of one vertex.

ArangoDB answers it with an AQL query over the edge index; we read the collection's
:class:`EdgeIndex` directly and report the statistics such a query would.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError
from ..router import COL_RO, route

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ..context import Context

AREA = "edges"

# direction parameter -> (look in by_from, look in by_to)
_DIRECTIONS = {
    "": (True, True),
    "any": (True, True),
    "out": (True, False),
    "outbound": (True, False),
    "in": (False, True),
    "inbound": (False, True),
}


def _stats(found: int, lookups: int, started: float) -> dict[str, Any]:
    """The ``stats`` of the edge-index query ArangoDB runs (one cursor per lookup)."""
    return {
        "writesExecuted": 0,
        "writesIgnored": 0,
        "documentLookups": found,
        "seeks": 0,
        "scannedFull": 0,
        "scannedIndex": found,
        "searchParallelism": 1,
        "cursorsCreated": lookups,
        "cursorsRearmed": 0,
        "cacheHits": 0,
        "cacheMisses": lookups,
        "filtered": 0,
        "httpRequests": 0,
        "executionTime": time.perf_counter() - started,
        "peakMemoryUsage": 0,
        "intermediateCommits": 0,
    }


@route("GET", "/_api/edges/{collection}", area=AREA, access=COL_RO)
def read_edges(ctx: Context) -> BackendResponse:
    """Get the inbound, outbound or all edges of a vertex."""
    started = time.perf_counter()
    col = ctx.db.get_collection(ctx.params["collection"])
    if col is None:
        raise ArangoError(1203, status=404)
    index = col.edge_index
    if not col.is_edge or index is None:
        raise ArangoError(1218, status=400)
    direction = ctx.query.get("direction", "")
    if direction not in _DIRECTIONS:
        raise ArangoError(400, f"<direction> must by any, in, or out, not: {direction}", 400)
    vertex = ctx.query.get("vertex", "")
    if not vertex:
        raise ArangoError(1205, "illegal document handle", 400)
    use_from, use_to = _DIRECTIONS[direction]
    keys: dict[str, None] = {}
    if use_from:
        keys.update(index.by_from.get(vertex, {}))
    if use_to:
        keys.update(index.by_to.get(vertex, {}))
    edges = [col.docs[k] for k in keys]
    lookups = int(use_from) + int(use_to)
    return ctx.json(
        200,
        {
            "edges": edges,
            "error": False,
            "code": 200,
            "stats": _stats(len(edges), lookups, started),
        },
    )
