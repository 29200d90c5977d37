"""Server information: version, engine, role, availability, time, status."""

from __future__ import annotations

import os
import time
from typing import Any

from ...backend import BackendResponse
from ..context import Context
from ..router import AUTH, PUBLIC, route

VERSION = "3.12.10"
LICENSE = "enterprise"


@route("GET", "/_api/version", area="server", access=AUTH)
def get_version(ctx: Context) -> BackendResponse:
    """Return the server version."""
    body: dict[str, Any] = {"server": "arango", "license": LICENSE, "version": VERSION}
    if ctx.flag("details"):
        body["details"] = version_details()
    body["apiVersions"] = ["v0"]
    body["deprecatedApiVersions"] = []
    body["requestedApiVersion"] = "v0"
    return ctx.json(200, body)


def version_details() -> dict[str, str]:
    return {
        "architecture": "64bit",
        "asan": "false",
        "assertions": "false",
        "build-date": "2024-11-01 00:00:00",
        "build-repository": "refs/tags/v" + VERSION,
        "compiler": "clang [16.0.6]",
        "cplusplus": "202002",
        "endianness": "little",
        "fd-client-event-handler": "poll",
        "fd-setsize": "1024",
        "full-version-string": f"ArangoDB {VERSION} [linux] 64bit, using build tags/v{VERSION}",
        "host": "arangomock",
        "icu-version": "64.2",
        "jemalloc": "true",
        "license": LICENSE,
        "maintainer-mode": "false",
        "mode": "server",
        "openssl-version-compile-time": "OpenSSL 3.0.13 30 Jan 2024",
        "openssl-version-run-time": "OpenSSL 3.0.13 30 Jan 2024",
        "pic": "true",
        "platform": "linux",
        "reactor-type": "epoll",
        "rocksdb-version": "7.2.0",
        "server-version": VERSION,
        "sizeof int": "4",
        "sizeof long": "8",
        "sizeof void*": "8",
        "tsan": "false",
        "unaligned-access": "true",
        "v8-version": "none",
        "vpack-version": "1.1.0",
        "zlib-version": "1.3.1",
    }


@route("GET", "/_api/engine", area="server", access=AUTH)
def get_engine(ctx: Context) -> BackendResponse:
    """Return the storage engine (always RocksDB in 3.12)."""
    return ctx.json(
        200,
        {
            "name": "rocksdb",
            "supports": {
                "aliases": {"indexes": {"skiplist": "persistent", "hash": "persistent"}},
                "indexes": [
                    "primary",
                    "edge",
                    "persistent",
                    "geo",
                    "geo1",
                    "geo2",
                    "fulltext",
                    "mdi",
                    "mdi-prefixed",
                    "inverted",
                    "persistent",
                    "ttl",
                    "zkd",
                ],
            },
        },
    )


@route("GET", "/_admin/server/role", area="admin", access=AUTH)
def get_role(ctx: Context) -> BackendResponse:
    """Return the server role (SINGLE)."""
    return ctx.json(200, {"error": False, "code": 200, "role": "SINGLE", "mode": "default"})


@route("GET", "/_admin/server/availability", area="admin", access=PUBLIC)
def get_availability(ctx: Context) -> BackendResponse:
    """Return whether the server accepts requests."""
    return ctx.json(200, {"mode": "default", "operationMode": "default"})


@route("GET", "/_admin/time", area="admin", access=AUTH)
def get_time(ctx: Context) -> BackendResponse:
    """Return the system time."""
    return ctx.json(200, {"error": False, "code": 200, "time": time.time()})


_STARTED = time.time()


@route("GET", "/_admin/status", area="admin", access=AUTH)
def get_status(ctx: Context) -> BackendResponse:
    """Return deployment status information."""
    return ctx.json(
        200,
        {
            "server": "arango",
            "version": VERSION,
            "pid": os.getpid(),
            "license": LICENSE,
            "mode": "server",
            "operationMode": "server",
            "foxxApi": False,
            "host": "arangomock",
            "serverInfo": {
                "progress": {"phase": "in wait", "feature": "", "recoveryTick": 0},
                "maintenance": False,
                "role": "SINGLE",
                "writeOpsEnabled": True,
                "readOnly": False,
            },
            "uptime": time.time() - _STARTED,
        },
    )
