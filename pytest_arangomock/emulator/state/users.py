"""Users and their permissions (database and collection level)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Server

RW, RO, NONE = "rw", "ro", "none"
_LEVEL_RANK = {NONE: 0, RO: 1, RW: 2}


@dataclass
class User:
    """A user: password hash, active flag, extra data and granted access levels."""

    name: str
    password_hash: str
    active: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    # database name (or "*") -> level
    databases: dict[str, str] = field(default_factory=dict)
    # (database name or "*", collection name or "*") -> level
    collections: dict[tuple[str, str], str] = field(default_factory=dict)

    def check_password(self, password: str) -> bool:
        return hmac.compare_digest(self.password_hash, hash_password(password))

    def database_level(self, db: str) -> str:
        """Effective access to database ``db``: explicit grant, else the ``*`` grant, else none."""
        level = self.databases.get(db)
        if level is None:
            level = self.databases.get("*", NONE)
        return level

    def collection_level(self, db: str, col: str) -> str:
        """Effective collection access, falling back as ArangoDB does: db/col, db/*, */*, db."""
        for probe in ((db, col), (db, "*"), ("*", "*")):
            level = self.collections.get(probe)
            if level is not None:
                return level
        return self.database_level(db)


def hash_password(password: str) -> str:
    return hashlib.sha256(password.encode("utf-8")).hexdigest()


def at_least(level: str, wanted: str) -> bool:
    return _LEVEL_RANK.get(level, 0) >= _LEVEL_RANK[wanted]


def ensure_root(server: Server, password: str) -> None:
    """Create ``root`` with full access to everything, as a fresh server has it."""
    server.users["root"] = User(
        "root",
        hash_password(password),
        databases={"*": RW, "_system": RW},
        collections={("*", "*"): RW},
    )
