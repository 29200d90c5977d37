"""Hot backups: in-memory snapshots of the whole server, local and in "remote repositories"
keyed by their URL, and the upload/download transfers between them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from .users import Users

__all__ = ["BackupStore", "Snapshot", "Transfer"]


@dataclass
class Snapshot:
    """One hot backup: deep copies of the databases and users, plus its listing metadata."""

    id: str
    datetime: str
    databases: dict[str, Any]
    users: Users
    size: int
    files: int
    inconsistent: bool = False


@dataclass
class Transfer:
    """An upload or download job; reports ``STARTED`` once, then ``COMPLETED``."""

    id: str
    backup: str
    kind: str  # "Upload" | "Download"
    timestamp: str
    cancelled: bool = False
    polled: bool = False

    def poll(self) -> str:
        """The status to report now (being asked once is what moves it on)."""
        status = "CANCELLED" if self.cancelled else ("COMPLETED" if self.polled else "STARTED")
        self.polled = True
        return status


@dataclass
class BackupStore:
    """The server's backups: local ones, remote repositories and transfer jobs."""

    server_id: str = field(default_factory=lambda: f"SNGL-{uuid.uuid4()}")
    local: dict[str, Snapshot] = field(default_factory=dict)
    remote: dict[str, dict[str, Snapshot]] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
