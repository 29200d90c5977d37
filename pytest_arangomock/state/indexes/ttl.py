"""The ``ttl`` index: documents expire ``expireAfter`` seconds after an instant they hold."""

from __future__ import annotations

import bisect
import math
from datetime import datetime, timezone
from typing import Any

from .base import MISSING, Doc, Index, path_get
from .registry import Definition, IndexType, bad, check_expansion, register, validate_fields


def _ttl_timestamp(value: Any) -> float | None:
    """Seconds since the epoch for a TTL attribute value (number or ISO 8601 string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    return None


class TtlIndex(Index):
    """TTL index: expiry instants in a sorted list so a purge only touches expired documents."""

    type = "ttl"

    def _setup(self) -> None:
        self.expire_after = float(self.options.get("expireAfter", 0))
        self._expiry: list[tuple[float, str]] = []

    def selectivity(self) -> float | None:
        return None

    def _expires_at(self, doc: Doc) -> float | None:
        value = path_get(doc, self.fields[0].split("."))
        stamp = _ttl_timestamp(None if value is MISSING else value)
        return None if stamp is None else stamp + self.expire_after

    def insert(self, doc: Doc) -> None:
        at = self._expires_at(doc)
        if at is not None:
            bisect.insort(self._expiry, (at, doc["_key"]))

    def remove(self, doc: Doc) -> None:
        at = self._expires_at(doc)
        if at is None:
            return
        item = (at, doc["_key"])
        pos = bisect.bisect_left(self._expiry, item)
        if pos < len(self._expiry) and self._expiry[pos] == item:
            del self._expiry[pos]

    def clear(self) -> None:
        self._expiry.clear()

    def expired_keys(self, now: float) -> list[str]:
        """Keys of documents whose expiry instant has passed."""
        end = bisect.bisect_right(self._expiry, (now, "\U0010ffff"))
        return [key for _, key in self._expiry[:end]]


class _TtlType(IndexType[TtlIndex]):
    name = TtlIndex.type
    index_class = TtlIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, 1, sub_attributes=False)
        check_expansion(fields, False)
        if body.get("unique") is True:
            raise bad("a TTL index cannot be unique")
        expire = body.get("expireAfter")
        if isinstance(expire, bool) or not isinstance(expire, (int, float)):
            raise bad("expireAfter attribute must be a number")
        if expire < 0:
            raise bad("expireAfter attribute must greater equal to zero")
        options = {"expireAfter": expire, "estimates": False}
        return Definition(self.name, fields, False, True, options)

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        return math.isclose(float(existing.get("expireAfter", 0)), float(wanted["expireAfter"]))

    def added(self, index: TtlIndex) -> None:
        """The server's purge visits only the indexes registered with it."""
        index.collection.db.server.ttl.register(index)


register(_TtlType())
