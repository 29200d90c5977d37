"""Administration settings of the server: log levels, structured logging, soft shutdown and
the installed license."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone

__all__ = ["AdminSettings", "ApiCalls", "License"]

LOG_TOPICS = (
    "agency", "agencycomm", "agencystore", "aql", "arangosearch", "audit-authentication",
    "audit-authorization", "audit-collection", "audit-database", "audit-document",
    "audit-hotbackup", "audit-service", "audit-view", "authentication", "authorization",
    "backup", "bench", "cache", "cluster", "communication", "config", "crash", "development",
    "dump", "engines", "flush", "general", "graphs", "heartbeat", "httpclient", "libiresearch",
    "license", "maintenance", "memory", "mmap", "performance", "pregel", "queries",
    "replication", "replication2", "requests", "restore", "rocksdb", "security", "ssl",
    "startup", "statistics", "supervision", "syscall", "threads", "trx", "ttl", "validation",
    "v8", "views",
)  # fmt: skip
DEFAULT_LEVEL = "INFO"
LOG_LEVELS = ("FATAL", "ERROR", "WARNING", "INFO", "DEBUG", "TRACE", "DEFAULT")
STRUCTURED_PARAMS = ("database", "hostname", "pid", "url", "user", "username")


@dataclass(slots=True)
class AdminSettings:
    """What ``/_admin/log/*`` and ``/_admin/shutdown`` set."""

    #: log level per topic
    levels: dict[str, str] = field(default_factory=lambda: dict.fromkeys(LOG_TOPICS, DEFAULT_LEVEL))
    #: structured log parameters and whether each is on
    structured: dict[str, bool] = field(
        default_factory=lambda: dict.fromkeys(STRUCTURED_PARAMS, False)
    )
    #: a soft shutdown was requested (the server keeps running)
    soft_shutdown: bool = False

    def reset_levels(self) -> None:
        self.levels = dict.fromkeys(LOG_TOPICS, DEFAULT_LEVEL)

    def set_level(self, topic: str, level: str) -> None:
        """Set ``topic`` (or ``all``) to ``level``; unknown topics and levels are ignored."""
        upper = level.upper()
        if upper not in LOG_LEVELS:
            return
        value = DEFAULT_LEVEL if upper == "DEFAULT" else upper
        if topic == "all":
            for name in self.levels:
                self.levels[name] = value
        elif topic.lower() in self.levels:
            self.levels[topic.lower()] = value


@dataclass(slots=True)
class License:
    """The installed license string and when it expires (None: the built-in one)."""

    key: str | None = None
    expires: int | None = None


class ApiCalls:
    """Recently admitted requests (``--server.api-call-recording``, on by default in 3.12),
    newest last in memory; bounded like ArangoDB's recording memory limit."""

    __slots__ = ("calls",)

    #: about ArangoDB's default 25 MB limit at roughly 1 KB per recorded call
    LIMIT = 25_000

    def __init__(self) -> None:
        self.calls: deque[tuple[float, str, str, str]] = deque(maxlen=self.LIMIT)

    def record(self, method: str, path: str, database: str) -> None:
        self.calls.append((time.time(), method, path, database))

    def listing(self) -> list[dict[str, str]]:
        """The calls, most recent first, with the fields ``/_admin/server/api-calls`` gives."""
        return [
            {
                "timeStamp": datetime.fromtimestamp(at, timezone.utc).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "requestType": method,
                "path": path,
                "database": database,
            }
            for at, method, path, database in reversed(self.calls)
        ]
