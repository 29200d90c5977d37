"""Administration endpoints drivers call: logs, statistics, metrics, echo, license, support info,
routing reload, compaction and shutdown.

Nothing here touches the data; the answers have ArangoDB 3.12's shapes with plausible values,
and the settable parts (log levels, structured log settings) keep in-memory state per server.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import time
from datetime import datetime, timezone
from typing import Any

from ...backend import BackendResponse
from ...base.constants import VERSION
from ...base.errors import ArangoError
from .. import auth
from ..context import Context
from ..router import AUTH, route
from .server import BUILD, LICENSE, STARTED, server_mode

AREA = "admin"
_TEXT = {"content-type": "text/plain; charset=utf-8"}


def _require_admin(ctx: Context) -> None:
    if not auth.is_admin(ctx):
        raise ArangoError(11, "forbidden", 403)


def _require_system(ctx: Context) -> None:
    if not ctx.db.is_system:
        raise ArangoError(1230, "operation only allowed in system database", 403)


# ------------------------------------------------------------------------ logs
@route("GET", "/_admin/log", area=AREA, access=AUTH)
def read_log(ctx: Context) -> BackendResponse:
    """The legacy log API: parallel arrays of (no) log entries."""
    _require_admin(ctx)
    empty: list[Any] = []
    body = {"totalAmount": 0, "lid": empty, "topic": empty, "level": empty}
    body.update({"timestamp": empty, "text": empty})
    return ctx.json(200, body)


@route("GET", "/_admin/log/entries", area=AREA, access=AUTH)
def read_log_entries(ctx: Context) -> BackendResponse:
    """Log entries (the emulator writes none)."""
    _require_admin(ctx)
    return ctx.json(200, {"total": 0, "messages": []})


def _levels(ctx: Context) -> BackendResponse:
    levels = dict(ctx.server.admin.levels)
    if ctx.flag("withAppenders"):
        return ctx.json(200, {"global": levels, "appenders": {"-": {}}})
    return ctx.json(200, levels)


@route("GET", "/_admin/log/level", area=AREA, access=AUTH)
def get_log_levels(ctx: Context) -> BackendResponse:
    """Log level per topic."""
    _require_admin(ctx)
    return _levels(ctx)


@route("PUT", "/_admin/log/level", area=AREA, access=AUTH)
def set_log_levels(ctx: Context) -> BackendResponse:
    """Change log levels: ``{"topic": "LEVEL"}``, ``{"all": "LEVEL"}`` or a ``"LEVEL"`` string."""
    _require_admin(ctx)
    body = ctx.body()
    changes = {"all": body} if isinstance(body, str) else body
    if not isinstance(changes, dict):
        raise ArangoError(400, "expecting a JSON object or string", 400)
    for topic, level in changes.items():
        if isinstance(level, str):
            ctx.server.admin.set_level(topic, level)
    return _levels(ctx)


@route("DELETE", "/_admin/log/level", area=AREA, access=AUTH)
def reset_log_levels(ctx: Context) -> BackendResponse:
    """Reset every topic to its startup level."""
    _require_admin(ctx)
    ctx.server.admin.reset_levels()
    return _levels(ctx)


@route("GET|PUT", "/_admin/log/structured", area=AREA, access=AUTH)
def structured_log(ctx: Context) -> BackendResponse:
    """Structured log parameters (PUT changes the known ones)."""
    _require_admin(ctx)
    settings = ctx.server.admin.structured
    if ctx.method == "PUT":
        body = ctx.object_body()
        for key, value in body.items():
            if key in settings and isinstance(value, bool):
                settings[key] = value
    return ctx.json(200, dict(settings))


# ------------------------------------------------------------------ statistics
def _uptime() -> float:
    return time.time() - STARTED


def _distribution(cuts: list[float]) -> dict[str, Any]:
    return {"sum": 0, "count": 0, "counts": [0] * (len(cuts) + 1)}


_CUTS = [0.01, 0.05, 0.1, 0.2, 0.5, 1.0]


@route("GET", "/_admin/statistics", area=AREA, access=AUTH)
def statistics(ctx: Context) -> BackendResponse:
    """Server statistics with ArangoDB's groups (values are the emulator's own)."""
    now = time.time()
    body = {
        "time": now,
        "enabled": True,
        "system": {
            "minorPageFaults": 0,
            "majorPageFaults": 0,
            "userTime": time.process_time(),
            "systemTime": 0.0,
            "numberOfThreads": 1,
            "residentSize": 0,
            "residentSizePercent": 0.0,
            "virtualSize": 0,
        },
        "client": {
            "httpConnections": 1,
            "connectionTime": _distribution(_CONNECTION_CUTS),
            "totalTime": _distribution(_CUTS),
            "requestTime": _distribution(_CUTS),
            "queueTime": ctx.server.queue_times.distribution(),
            "ioTime": _distribution(_CUTS),
            "bytesSent": _distribution(_BYTES_CUTS),
            "bytesReceived": _distribution(_BYTES_CUTS),
        },
        "http": {
            f"requests{name}": 0
            for name in (
                "Total",
                "Async",
                "Get",
                "Head",
                "Post",
                "Put",
                "Patch",
                "Delete",
                "Options",
                "Other",
                "Superuser",
                "User",
            )
        },
        "server": {
            "uptime": _uptime(),
            "physicalMemory": 0,
            "transactions": {"started": 0, "aborted": 0, "committed": 0, "intermediateCommits": 0},
            "v8Context": {"available": 0, "busy": 0, "dirty": 0, "free": 0, "max": 0, "min": 0},
            "threads": {"scheduler-threads": 1, "in-progress": 0, "queued": 0},
        },
    }
    return ctx.ok(body)


_CONNECTION_CUTS: list[float] = [0.1, 1, 60]
_BYTES_CUTS: list[float] = [250, 1000, 2000, 5000, 10000]
_GROUPS = (
    ("system", "Process Statistics", "Statistics about the ArangoDB process"),
    ("client", "Client Connection Statistics", "Statistics about the connections."),
    (
        "clientUser",
        "Client User Connection Statistics",
        "Statistics about the connections, only user traffic (ignoring superuser JWT traffic).",
    ),
    ("http", "HTTP Request Statistics", "Statistics about the HTTP requests."),
    ("server", "Server Statistics", "Statistics about the ArangoDB server"),
)
# (group, identifier, name, description, type, units, cuts) as stats::Descriptions lists them
_FIGURES: tuple[tuple[str, str, str, str, str, str, list[float] | None], ...] = (
    ("system", "userTime", "User Time",
     "Amount of time that this process has been scheduled in user mode, measured in seconds.",
     "accumulated", "seconds", None),
    ("system", "systemTime", "System Time",
     "Amount of time that this process has been scheduled in kernel mode, measured in seconds.",
     "accumulated", "seconds", None),
    ("system", "numberOfThreads", "Number of Threads",
     "Number of threads in the arangod process.", "current", "number", None),
    ("system", "residentSize", "Resident Set Size",
     "The total size of the number of pages the process has in real memory. This is just the "
     "pages which count toward text, data, or stack space. This does not include pages which "
     "have not been demand-loaded in, or which are swapped out. The resident set size is "
     "reported in bytes.", "current", "bytes", None),
    ("system", "residentSizePercent", "Resident Set Size",
     "The percentage of physical memory used by the process as resident set size.",
     "current", "percent", None),
    ("system", "virtualSize", "Virtual Memory Size",
     "On Windows, this figure contains the total amount of memory that the memory manager has "
     "committed for the arangod process. On other systems, this figure contains The size of "
     "the virtual memory the process is using.", "current", "bytes", None),
    ("system", "minorPageFaults", "Minor Page Faults",
     "The number of minor faults the process has made which have not required loading a "
     "memory page from disk. This figure is not reported on Windows.",
     "accumulated", "number", None),
    ("system", "majorPageFaults", "Major Page Faults",
     "On Windows, this figure contains the total number of page faults. On other system, this "
     "figure contains the number of major faults the process has made which have required "
     "loading a memory page from disk.", "accumulated", "number", None),
    *(
        figure
        for group, suffix in (("client", ""), ("clientUser", " (only user traffic)"))
        for figure in (
            (group, "httpConnections", "Client Connections",
             f"The number of connections that are currently open{suffix}.",
             "current", "number", None),
            (group, "totalTime", "Total Time",
             f"Total time needed to answer a request{suffix}.", "distribution", "seconds", _CUTS),
            (group, "requestTime", "Request Time",
             f"Request time needed to answer a request{suffix}.", "distribution", "seconds",
             _CUTS),
            (group, "queueTime", "Queue Time",
             f"Queue time needed to answer a request{suffix}.", "distribution", "seconds", _CUTS),
            (group, "bytesSent", "Bytes Sent", f"Bytes sents for a request{suffix}.",
             "distribution", "bytes", _BYTES_CUTS),
            (group, "bytesReceived", "Bytes Received", f"Bytes received for a request{suffix}.",
             "distribution", "bytes", _BYTES_CUTS),
            (group, "connectionTime", "Connection Time",
             f"Total connection time of a client{suffix}.", "distribution", "seconds",
             _CONNECTION_CUTS),
        )
    ),
    ("http", "requestsTotal", "Total requests", "Total number of HTTP requests.",
     "accumulated", "number", None),
    ("http", "requestsAsync", "Async requests",
     "Number of asynchronously executed HTTP requests.", "accumulated", "number", None),
    *(
        ("http", f"requests{m.capitalize()}", f"HTTP {m} requests",
         f"Number of HTTP {m} requests.", "accumulated", "number", None)
        for m in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
    ),
    ("http", "requestsOther", "other HTTP requests", "Number of other HTTP requests.",
     "accumulated", "number", None),
    ("server", "uptime", "Server Uptime", "Number of seconds elapsed since server start.",
     "current", "seconds", None),
    ("server", "physicalMemory", "Physical Memory", "Physical memory in bytes.",
     "current", "bytes", None),
)  # fmt: skip


@route("GET", "/_admin/statistics-description", area=AREA, access=AUTH)
def statistics_description(ctx: Context) -> BackendResponse:
    """The statistics groups and figures ``/_admin/statistics`` reports, as
    ``stats::Descriptions`` lists them (``cuts`` only for distributions)."""
    groups = [{"group": g, "name": n, "description": d} for g, n, d in _GROUPS]
    figures = []
    for group, identifier, name, description, kind, units, cuts in _FIGURES:
        figure: dict[str, Any] = {
            "group": group,
            "identifier": identifier,
            "name": name,
            "description": description,
            "type": kind,
        }
        if cuts is not None:
            figure["cuts"] = cuts
        figure["units"] = units
        figures.append(figure)
    return ctx.json(200, {"groups": groups, "figures": figures, "error": False, "code": 200})


@route("GET", "/_admin/database/target-version", area=AREA, access=AUTH)
def target_version(ctx: Context) -> BackendResponse:
    """The database version this server requires: its own version as one number
    (``Version::getNumericServerVersion``, major * 10000 + minor * 100 + patch)."""
    major, minor, patch = (int(part) for part in VERSION.split(".")[:3])
    version = str(major * 10000 + minor * 100 + patch)
    return ctx.json(200, {"version": version, "error": False, "code": 200})


# --------------------------------------------------------------------- metrics
def _metric(name: str, kind: str, help_text: str, value: float) -> str:
    return f'# HELP {name} {help_text}\n# TYPE {name} {kind}\n{name}{{role="SINGLE"}} {value:g}\n'


def metrics_text(ctx: Context) -> str:
    """A Prometheus exposition of a few gauges and counters about the emulated server."""
    docs = sum(
        len(col.docs) for db in ctx.server.databases.values() for col in db.collections.values()
    )
    parts = [
        _metric("arangodb_client_connection_statistics_client_connections", "gauge",
                "The number of client connections that are currently open", 1),
        _metric("arangodb_collections_total", "gauge", "Number of collections",
                sum(len(db.collections) for db in ctx.server.databases.values())),
        _metric("arangodb_databases_total", "gauge", "Number of databases",
                len(ctx.server.databases)),
        _metric("arangodb_documents_total", "gauge", "Number of documents (emulator)", docs),
        _metric("arangodb_scheduler_low_prio_queue_last_dequeue_time", "gauge",
                "Last recorded dequeue time for a low priority queue item [ms]",
                ctx.server.queue_times.last_ms),
        _metric("arangodb_server_statistics_server_uptime_total", "counter",
                "Number of seconds elapsed since server start", _uptime()),
        _metric("arangodb_users_total", "gauge", "Number of users", len(ctx.server.users)),
    ]  # fmt: skip
    return "".join(parts)


@route("GET", "/_admin/metrics", area=AREA, access=AUTH)
def metrics(ctx: Context) -> BackendResponse:
    """Metrics in Prometheus text format: any user with access to the database may read them
    (ArangoDB asks for administrators only with ``--server.harden``, which is off)."""
    return BackendResponse(200, dict(_TEXT), metrics_text(ctx).encode("utf-8"))


@route("GET", "/_admin/metrics/v2", area=AREA, access=AUTH)
def metrics_v2(ctx: Context) -> BackendResponse:
    """Metrics in Prometheus text format (the v2 path)."""
    return metrics(ctx)


# ---------------------------------------------------------------------- misc
@route("GET|POST|PUT|PATCH|DELETE", "/_admin/echo", area=AREA, access=AUTH)
def echo(ctx: Context) -> BackendResponse:
    """Describe the request as the server received it."""
    req = ctx.request
    raw: Any = req.body
    if not isinstance(raw, bytes):  # a transport handed over an unserialised body
        raw = json.dumps(raw).encode("utf-8")
    try:
        text: Any = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = base64.b64encode(raw).decode("ascii")
    body = {
        "authorized": True,
        "user": ctx.user or "",
        "isAdminUser": auth.is_admin(ctx),
        "database": ctx.db.name,
        "url": req.path
        + ("?" + "&".join(f"{k}={v}" for k, v in req.query.items()) if req.query else ""),
        "protocol": "http",
        "portType": "tcp",
        "server": {"address": "127.0.0.1", "port": 8529, "endpoint": "http://127.0.0.1:8529"},
        "client": {"address": "127.0.0.1", "port": 0, "id": "0"},
        "internals": {},
        "prefix": "/",
        "headers": dict(req.headers),
        "requestType": req.method,
        "requestBody": text,
        "parameters": dict(req.query),
        "cookies": {},
        "suffix": [],
        "rawSuffix": [],
        "path": "/",
        "rawRequestBody": list(raw),
    }
    return ctx.json(200, body)


_LICENSE_EXPIRES = int(STARTED) + 30 * 24 * 3600


@route("GET", "/_admin/license", area=AREA, access=AUTH)
def get_license(ctx: Context) -> BackendResponse:
    """License information of the (enterprise) server."""
    installed = ctx.server.license
    info: dict[str, Any]
    if installed.key is None:
        info = {"features": {"expires": _LICENSE_EXPIRES}, "version": 1, "status": "good"}
    else:
        info = {"features": {"expires": installed.expires}, "license": installed.key}
        info.update(version=1, status="good")
    return ctx.json(200, info)


@route("PUT", "/_admin/license", area=AREA, access=AUTH)
def set_license(ctx: Context) -> BackendResponse:
    """Install a license key: the body must be a JSON string; a key is accepted only when its
    signature verifies against ArangoDB's license keys, which the emulator does not hold, so
    every key is refused as 3.12 refuses one it cannot verify (400, 9006 "invalid license")."""
    _require_admin(ctx)
    body = ctx.body()
    if not isinstance(body, str) or not body:
        raise ArangoError(37, "malformed json", 400)
    raise ArangoError(9006, "invalid license", 400)


@route("GET", "/_admin/support-info", area=AREA, access=AUTH)
def support_info(ctx: Context) -> BackendResponse:
    """Deployment information as ArangoDB collects it for support requests."""
    _require_admin(ctx)
    uname = platform.uname()
    readonly = server_mode(ctx) == "readonly"
    host = {
        "role": "SINGLE",
        "maintenance": False,
        "readOnly": readonly,
        "version": VERSION,
        "build": BUILD,
        "license": LICENSE,
        "os": f"{uname.system} version {uname.release} {uname.version}",
        "platform": uname.system.lower(),
        "physicalMemory": {"value": 0, "overridden": False},
        "numberOfCores": {"value": os.cpu_count() or 1, "overridden": False},
        "processStats": {
            "processUptime": _uptime(),
            "numberOfThreads": 1,
            "virtualSize": 0,
            "residentSetSize": 0,
            "fileDescrtors": 0,
            "fileDescrtorsLimit": 1024,
        },
        "cpuStats": {
            "userPercent": 0.0,
            "systemPercent": 0.0,
            "idlePercent": 100.0,
            "iowaitPercent": 0.0,
        },
        "engineStats": {},
    }
    date = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return ctx.json(200, {"deployment": {"type": "single"}, "host": host, "date": date})


@route("POST", "/_admin/routing/reload", area=AREA, access=AUTH)
def reload_routing(ctx: Context) -> BackendResponse:
    """Reload the routing table (nothing to do here)."""
    return ctx.json(200, {"error": False, "code": 200})


@route("PUT", "/_admin/compact", area=AREA, access=AUTH)
def compact(ctx: Context) -> BackendResponse:
    """Compact all databases (a no-op in memory)."""
    _require_admin(ctx)
    return ctx.json(200, {})


@route("DELETE", "/_admin/shutdown", area=AREA, access=AUTH)
def shutdown(ctx: Context) -> BackendResponse:
    """Acknowledge a shutdown request without stopping (tests keep their server)."""
    _require_admin(ctx)
    ctx.server.admin.soft_shutdown = ctx.flag("soft")
    return BackendResponse(
        200, {"content-type": "application/json; charset=utf-8"}, json.dumps("OK").encode()
    )


@route("GET", "/_admin/shutdown", area=AREA, access=AUTH)
def shutdown_progress(ctx: Context) -> BackendResponse:
    """Soft shutdown progress: nothing is ever pending."""
    _require_admin(ctx)
    ongoing = ctx.server.admin.soft_shutdown
    body = {
        "softShutdownOngoing": ongoing,
        "AQLcursors": 0,
        "transactions": 0,
        "pendingJobs": 0,
        "doneJobs": 0,
        "pregelConductors": 0,
        "lowPrioOngoingRequests": 0,
        "lowPrioQueuedRequests": 0,
        "allClear": True,
    }
    return ctx.json(200, body)


@route("GET", "/_api/endpoint", area=AREA, access=AUTH)
def endpoints(ctx: Context) -> BackendResponse:
    """The endpoints the server listens on (from ``_system`` only)."""
    _require_system(ctx)
    return ctx.json(200, [{"endpoint": "http://0.0.0.0:8529"}])
