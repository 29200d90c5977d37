"""Server information: version, engine, role, availability, time, status."""

from __future__ import annotations

import os
import time
from typing import Any

from ...backend import BackendResponse
from ...base.constants import VERSION
from ...base.errors import ArangoError
from ...state.users import DEFAULT_MODE, READ_ONLY_MODE, RW, User
from .. import auth
from ..context import Context
from ..router import AUTH, PUBLIC, route

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


BUILD = "refs/" + VERSION


def version_details() -> dict[str, str]:
    """``details=true`` fields of a 3.12 enterprise single server (values are the emulator's)."""
    openssl = "OpenSSL 3.0.13 30 Jan 2024"
    return {
        "architecture": "64bit",
        "arm": "false",
        "asan": "false",
        "assertions": "false",
        "avx": "true",
        "avx2": "false",
        "boost-version": "1.78.0",
        "build-date": "2025-01-01 00:00:00",
        "build-id": "0" * 40,
        "build-repository": BUILD,
        "compiler": "clang [16.0.6]",
        "coverage": "false",
        "cplusplus": "202002",
        "curl-version": "none",
        "debug": "false",
        "endianness": "little",
        "enterprise-build-repository": BUILD,
        "enterprise-version": "enterprise",
        "failure-tests": "false",
        "faiss": "1.14.2",
        "fd-client-event-handler": "poll",
        "fd-setsize": "1024",
        "full-version-string": (
            f"ArangoDB {VERSION} enterprise [linux] 64bit, using jemalloc, build {BUILD}, "
            f"VPack 0.2.1, RocksDB 9.6.0, ICU 64.2, V8 12.1.165, {openssl}"
        ),
        "icu-version": "64.2",
        "ipo": "false",
        "iresearch-version": "1.3.0.0",
        "jemalloc": "true",
        "libunwind": "true",
        "license": LICENSE,
        "maintainer-mode": "false",
        "memory-profiler": "true",
        "ndebug": "true",
        "openmp": "5.1",
        "openssl-version-compile-time": openssl,
        "openssl-version-run-time": openssl,
        "optimization-flags": "-mfxsr -mmmx -msse -msse2 -mcx16 -msahf -mpopcnt -msse3",
        "pic": "2",
        "pie": "2",
        "platform": "linux",
        "reactor-type": "epoll",
        "replication2-enabled": "false",
        "rocksdb-version": "9.6.0",
        "server-version": VERSION,
        "sizeof int": "4",
        "sizeof long": "8",
        "sizeof void*": "8",
        "sse42": "true",
        "tsan": "false",
        "unaligned-access": "false",
        "v8-version": "12.1.165",
        "vpack-version": "0.2.1",
        "zlib-version": "1.2.13",
        "mode": "server",
        "role": "SINGLE",
        "host": "arangomock",
    }


# The order ``IndexFactory::supportedIndexes`` lists them in; ``vector`` is
# appended only when the server runs with ``--vector-index``.
ENGINE_INDEX_TYPES = (
    "primary",
    "edge",
    "hash",
    "skiplist",
    "ttl",
    "persistent",
    "geo",
    "fulltext",
    "mdi",
    "mdi-prefixed",
    "inverted",
)
# ``RocksDBIndexFactory::indexAliases``: deprecated names and what they create.
ENGINE_INDEX_ALIASES = {"hash": "persistent", "skiplist": "persistent", "zkd": "mdi"}


@route("GET", "/_api/engine", area="server", access=AUTH)
def get_engine(ctx: Context) -> BackendResponse:
    """Return the storage engine's capabilities as ``StorageEngine::getCapabilities`` does."""
    return ctx.json(
        200,
        {
            "name": "rocksdb",
            "supports": {
                "indexes": [*ENGINE_INDEX_TYPES, *(["vector"] if ctx.server.vector_index else [])],
                "aliases": {"indexes": dict(ENGINE_INDEX_ALIASES)},
            },
        },
    )


@route("GET", "/_admin/server/role", area="admin", access=AUTH)
def get_role(ctx: Context) -> BackendResponse:
    """Return the server role (SINGLE)."""
    return ctx.json(200, {"error": False, "code": 200, "role": "SINGLE", "mode": "default"})


def server_mode(ctx: Context) -> str:
    """``default`` or ``readonly`` (set with ``PUT /_admin/server/mode``)."""
    return ctx.server.security.mode


def _mode_result(ctx: Context) -> BackendResponse:
    return ctx.ok({"mode": server_mode(ctx)})


@route("GET", "/_admin/server/availability", area="admin", access=PUBLIC)
def get_availability(ctx: Context) -> BackendResponse:
    """Return whether the server accepts requests (and its mode)."""
    return _mode_result(ctx)


@route("GET", "/_admin/server/mode", area="admin", access=AUTH)
def get_mode(ctx: Context) -> BackendResponse:
    """Return whether the server is read-only."""
    return _mode_result(ctx)


@route("PUT", "/_admin/server/mode", area="admin", access=AUTH)
def set_mode(ctx: Context) -> BackendResponse:
    """Switch between ``default`` and ``readonly`` (configured rw on ``_system`` needed)."""
    user = ctx.server.users.get(ctx.user or "")
    if isinstance(user, User) and user.configured_database_level("_system") != RW:
        raise ArangoError(11, "forbidden", 403)
    try:
        body = ctx.body()
    except ArangoError:
        raise ArangoError(400, "invalid JSON", 400) from None
    if not isinstance(body, dict):
        raise ArangoError(400, "body must be an object", 400)
    mode = body.get("mode")
    if not isinstance(mode, str):
        raise ArangoError(400, "mode must be a string", 400)
    if mode not in (DEFAULT_MODE, READ_ONLY_MODE):
        raise ArangoError(400, "mode invalid", 400)
    ctx.server.security.set_mode(mode)
    return _mode_result(ctx)


@route("GET", "/_admin/server/id", area="admin", access=AUTH)
def get_server_id(ctx: Context) -> BackendResponse:
    """Only cluster servers have an id; a single server answers 500 as ArangoDB does."""
    raise ArangoError(500, "internal server error", 500)


@route("GET|POST", "/_admin/server/tls", area="admin", access=AUTH)
def server_tls(ctx: Context) -> BackendResponse:
    """TLS data: none, the emulator serves plain HTTP (reloading needs a superuser)."""
    if ctx.method == "POST" and auth.identify(ctx.server, ctx.request.headers) != "":
        raise ArangoError(11, "only superusers may reload TLS data", 403)
    return ctx.result({})


@route("GET|POST", "/_admin/server/jwt", area="admin", access=AUTH)
def server_jwt(ctx: Context) -> BackendResponse:
    """Hashes of the loaded JWT secrets (superuser JWT only); POST reloads them."""
    if auth.identify(ctx.server, ctx.request.headers) != "":
        raise ArangoError(11, "forbidden", 403)
    return ctx.result(auth.secret_info(ctx.server))


@route("GET", "/_api/key-generators", area="server", access=AUTH)
def get_key_generators(ctx: Context) -> BackendResponse:
    """The key generator types collections can use."""
    return ctx.json(
        200, {"keyGenerators": ["upgrade", "padded", "uuid", "autoincrement", "traditional"]}
    )


@route("GET", "/_admin/time", area="admin", access=AUTH)
def get_time(ctx: Context) -> BackendResponse:
    """Return the system time."""
    return ctx.json(200, {"error": False, "code": 200, "time": time.time()})


STARTED = time.time()


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
                "writeOpsEnabled": not ctx.server.security.read_only,
                "readOnly": ctx.server.security.read_only,
            },
            "uptime": time.time() - STARTED,
        },
    )
