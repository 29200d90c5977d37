"""Server-side AQL cursors: the rows a query produced, handed out batch by batch."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Cursor", "CursorStore"]


@dataclass(slots=True)
class Cursor:
    """A server-side cursor: the remaining rows plus what the next batch needs."""

    id: str
    db_name: str
    user: str | None
    rows: list[Any]
    batch_size: int
    ttl: float
    count: int | None
    extra: dict[str, Any]
    allow_retry: bool
    stream: bool = False
    position: int = 0
    batch_id: int = 1  # the id of the batch handed out last
    #: the batch handed out last, as it was rendered (``allowRetry`` sends it again)
    last_batch: dict[str, Any] | None = None
    expires: float = field(default=0.0)

    def touch(self) -> None:
        self.expires = time.monotonic() + self.ttl

    def cut(self) -> tuple[list[Any], bool]:
        """The next batch of rows and whether more remain after it."""
        chunk = self.rows[self.position : self.position + self.batch_size]
        self.position += len(chunk)
        return chunk, self.position < len(self.rows)

    @property
    def exhausted(self) -> bool:
        return self.position >= len(self.rows)


class CursorStore:
    """The server's live cursors by id; expired ones disappear on the next access."""

    __slots__ = ("_cursors",)

    def __init__(self) -> None:
        self._cursors: dict[str, Cursor] = {}

    def _live(self) -> dict[str, Cursor]:
        store = self._cursors
        now = time.monotonic()
        for cid in [cid for cid, c in store.items() if c.expires < now]:
            del store[cid]
        return store

    def get(self, cid: str) -> Cursor | None:
        return self._live().get(cid)

    def keep(self, cursor: Cursor, has_more: bool) -> None:
        """Keep a cursor while it has more (or, with ``allowRetry``, until it is deleted)."""
        store = self._live()
        if has_more or cursor.allow_retry:
            cursor.touch()
            store[cursor.id] = cursor
        else:
            store.pop(cursor.id, None)

    def drop(self, cid: str) -> None:
        self._live().pop(cid, None)

    def drop_database(self, db_name: str) -> None:
        """Forget every cursor of a dropped database (and the rows it holds)."""
        store = self._cursors
        for cid in [cid for cid, c in store.items() if c.db_name == db_name]:
            del store[cid]
