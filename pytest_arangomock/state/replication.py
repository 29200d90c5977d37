"""Replication state: the server id the WAL and replication APIs report, and dump batches
that hold a snapshot tick until they expire."""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["DumpBatch", "Replication"]


@dataclass(slots=True)
class DumpBatch:
    """A dump batch: holds a snapshot tick until it expires."""

    id: str
    tick: int
    expires: float


class Replication:
    """The server id plus the live dump batches (expired ones go on the next access)."""

    __slots__ = ("_batches", "server_id")

    def __init__(self, server_id: str) -> None:
        self.server_id = server_id
        self._batches: dict[str, DumpBatch] = {}

    def batches(self) -> dict[str, DumpBatch]:
        """The live batches by id (the dict itself: add and delete through it)."""
        batches = self._batches
        now = time.monotonic()
        for bid in [b for b, batch in batches.items() if batch.expires < now]:
            del batches[bid]
        return batches
