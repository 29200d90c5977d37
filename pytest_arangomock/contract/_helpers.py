"""Small helpers for exact assertions on values a server generates."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["REV", "masked", "revs"]

#: what a document revision looks like (ArangoDB's hybrid logical clock, base64-ish)
REV = re.compile(r"^_[A-Za-z0-9_-]{10}$")


def masked(value: Any, *fields: str) -> Any:
    """``value`` with each of ``fields`` (default ``_rev``/``_oldRev``) replaced by "<...>"
    after checking it has the shape of a revision, recursively through lists and dicts.

    Revisions differ between servers and runs; everything else must match exactly.
    """
    fields = fields or ("_rev", "_oldRev")
    if isinstance(value, list):
        return [masked(item, *fields) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in fields:
            assert isinstance(item, str) and REV.match(item), f"{key}={item!r} is no revision"
            out[key] = f"<{key}>"
        else:
            out[key] = masked(item, *fields)
    return out


def revs(*values: Any) -> list[str]:
    """The ``_rev`` of each document or meta dict (to compare revisions among themselves)."""
    return [str(value["_rev"]) for value in values]
