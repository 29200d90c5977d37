"""Replication state: the server id the WAL and replication APIs report, dump batches that
hold a snapshot tick until they expire, and the contexts of the batched dump API."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

__all__ = ["DumpBatch", "DumpContext", "Replication", "dump_lines"]

Doc = dict[str, Any]


@dataclass(slots=True)
class DumpBatch:
    """A dump batch: holds a snapshot tick until it expires. ``cursors`` keeps, per
    collection, the documents as they were at the first dump call and how many were sent."""

    id: str
    tick: int
    expires: float
    cursors: dict[str, tuple[list[Doc], int]] = field(default_factory=dict)


@dataclass(slots=True)
class DumpContext:
    """A context of the batched dump API (``/_api/dump``): the collections' documents as
    they were at its start, read in blocks of about ``batch_size`` bytes. The last block
    handed out is kept so that a client can fetch it again."""

    id: str
    database: str
    user: str
    batch_size: int
    ttl: float
    expires: float
    pending: Iterator[tuple[str, bytes]]
    sent: dict[int, tuple[str, bytes]] = field(default_factory=dict)


def dump_lines(docs: list[Doc], start: int, limit: int, encode: Any) -> tuple[bytes, int]:
    """Documents from ``start`` as one JSON document per line, stopping once ``limit`` bytes
    are reached (at least one document); the bytes and the position after the last one."""
    parts: list[bytes] = []
    size = 0
    pos = start
    end = len(docs)
    while pos < end and (size < limit or not parts):
        line = encode(docs[pos])
        parts.append(line)
        size += len(line) + 1
        pos += 1
    if not parts:
        return b"", pos
    return b"\n".join(parts) + b"\n", pos


class Replication:
    """The server id, the live dump batches and dump contexts (expired ones go on access)."""

    __slots__ = ("_batches", "_contexts", "server_id")

    def __init__(self, server_id: str) -> None:
        self.server_id = server_id
        self._batches: dict[str, DumpBatch] = {}
        self._contexts: dict[str, DumpContext] = {}

    def batches(self) -> dict[str, DumpBatch]:
        """The live batches by id (the dict itself: add and delete through it)."""
        return _live(self._batches)

    def contexts(self) -> dict[str, DumpContext]:
        """The live dump contexts by id (the dict itself: add and delete through it)."""
        return _live(self._contexts)


class _Expiring(Protocol):
    expires: float


_T = TypeVar("_T", bound=_Expiring)


def _live(items: dict[str, _T]) -> dict[str, _T]:
    now = time.monotonic()
    for key in [k for k, item in items.items() if item.expires < now]:
        del items[key]
    return items
