"""TTL purging: expired documents really disappear, as ArangoDB's background thread does it.

The purge runs as an emulator ``before`` hook, i.e. before every request, instead of on a
timer. It is cheap when nothing can expire: the server keeps no TTL work unless some
collection has a TTL index, and each TTL index keeps its expiry instants sorted, so a purge
only looks at documents that are already due.

``Server.extensions["ttl_clock"]`` may hold a zero-argument callable returning the current
time in seconds (tests use it to move time forward); the default is ``time.time``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from .indexes import TtlIndex

if TYPE_CHECKING:
    from ..backend import BackendRequest, BackendResponse
    from .server import Server

__all__ = ["REGISTRY", "now", "purge_expired", "purge_hook", "register"]

#: ``Server.extensions`` key of the live TTL indexes: no entry, no purge work at all
REGISTRY = "ttl_indexes"
_REGISTRY = REGISTRY


def now(server: Server) -> float:
    """The TTL clock: ``extensions["ttl_clock"]`` if set, else wall-clock time."""
    clock: Callable[[], float] | None = server.extensions.get("ttl_clock")
    return clock() if clock is not None else time.time()


def register(index: TtlIndex) -> None:
    """Remember a new TTL index so purges only ever visit TTL indexes."""
    server = index.collection.db.server
    server.extensions.setdefault(_REGISTRY, []).append(index)


def _alive(index: TtlIndex) -> bool:
    col = index.collection
    db = col.db
    return (
        db.server.databases.get(db.name) is db
        and db.collections.get(col.name) is col
        and any(ix is index for ix in col.indexes)
    )


def purge_expired(server: Server) -> int:
    """Remove every expired document from every collection with a TTL index; the count."""
    registry: list[TtlIndex] | None = server.extensions.get(_REGISTRY)
    if not registry:
        return 0
    removed = 0
    instant = now(server)
    for index in list(registry):
        if not _alive(index):
            registry.remove(index)
            continue
        col = index.collection
        for key in index.expired_keys(instant):
            doc = col.docs.get(key)
            if doc is None:
                continue
            try:
                col.delete(doc)
            except ArangoError:
                # locked by a running stream transaction: ArangoDB's TTL thread skips it too
                continue
            removed += 1
    return removed


def purge_hook(emulator: Any, request: BackendRequest) -> BackendResponse | None:
    """Emulator ``before`` hook: purge, then let the request through."""
    purge_expired(emulator.server)
    return None
