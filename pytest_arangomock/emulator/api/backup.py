"""Hot backups (``/_admin/backup/*``): in-memory snapshots of the whole server.

The emulated server reports an Enterprise licence (like the 3.12 servers the examples were
recorded on), so hot backups work: ``create`` snapshots every database and user, ``restore``
puts a snapshot back, ``list``/``delete`` manage them, and ``upload``/``download`` move them to
and from in-memory "remote repositories" keyed by their URL, with progress reports shaped like
ArangoDB's (``STARTED`` on the first status query, ``COMPLETED`` afterwards). Drivers call these
endpoints without a database prefix; every operation needs admin rights and ``POST``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from ...backend import BackendResponse
from ...base.constants import VERSION
from ...base.errors import ArangoError
from ...state import Server
from ...state.backups import Snapshot, Transfer
from .. import auth
from ..context import Context
from ..router import AUTH, route

AREA = "admin/backup"
_OPERATIONS = ("create", "delete", "list", "restore", "upload", "download")


def _describe(snap: Snapshot) -> dict[str, Any]:
    """A backup as ``list`` reports it."""
    return {
        "id": snap.id,
        "version": VERSION,
        "datetime": snap.datetime,
        "keys": [],
        "sizeInBytes": snap.size,
        "nrFiles": snap.files,
        "nrDBServers": 1,
        "available": True,
        "nrPiecesPresent": 1,
        "potentiallyInconsistent": snap.inconsistent,
        "countIncludesFilesOnly": True,
    }


def _report(job: Transfer) -> dict[str, Any]:
    """A transfer's progress report (asking moves it from STARTED to COMPLETED)."""
    return {
        "Timestamp": job.timestamp,
        f"{job.kind}Id": job.id,
        "Cancelled": job.cancelled,
        "BackupId": job.backup,
        "DBServers": {"SNGL": {"Status": job.poll()}},
    }


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _size(server: Server) -> tuple[int, int]:
    """A plausible size: the JSON size of every document, and one file per collection."""
    size = files = 0
    for db in server.databases.values():
        for col in db.collections.values():
            files += 1
            size += sum(len(json.dumps(doc, default=str)) for doc in col.docs.values())
    return size, files


def _missing(backup_id: str) -> ArangoError:
    return ArangoError(7007, f"no such hot backup set can be found: {backup_id}", 404)


def _string(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise ArangoError(400, f"'{name}' must be a non-empty string", 400)
    return value


# ------------------------------------------------------------------ operations
def _create(ctx: Context, body: dict[str, Any]) -> BackendResponse:
    label = body.get("label")
    if label is not None and not isinstance(label, str):
        raise ArangoError(400, "'label' must be a string", 400)
    stamp = _now()
    backup_id = f"{stamp.replace(':', '.')}_{label or uuid.uuid4()}"
    size, files = _size(ctx.server)
    inconsistent = False  # an in-memory snapshot is always consistent
    databases, users = ctx.server.copy_data()
    snap = Snapshot(backup_id, stamp, databases, users, size, files, inconsistent)
    ctx.server.backups.local[backup_id] = snap
    result = {
        "id": backup_id,
        "potentiallyInconsistent": inconsistent,
        "sizeInBytes": size,
        "datetime": stamp,
        "nrDBServers": 1,
        "nrFiles": files,
    }
    return ctx.json(201, {"error": False, "code": 201, "result": result})


def _list(ctx: Context, body: dict[str, Any]) -> BackendResponse:
    state = ctx.server.backups
    wanted = body.get("id")
    if wanted is None:
        chosen = list(state.local.values())
    else:
        ids = [wanted] if isinstance(wanted, str) else wanted
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ArangoError(400, "'id' must be a string or an array of strings", 400)
        missing = [i for i in ids if i not in state.local]
        if missing:
            raise _missing(missing[0])
        chosen = [state.local[i] for i in ids]
    listing = {snap.id: _describe(snap) for snap in chosen}
    return ctx.result({"server": state.server_id, "list": listing})


def _delete(ctx: Context, body: dict[str, Any]) -> BackendResponse:
    backup_id = _string(body, "id")
    if ctx.server.backups.local.pop(backup_id, None) is None:
        raise _missing(backup_id)
    return ctx.result({})


def _restore(ctx: Context, body: dict[str, Any]) -> BackendResponse:
    backup_id = _string(body, "id")
    snap = ctx.server.backups.local.get(backup_id)
    if snap is None:
        raise _missing(backup_id)
    ctx.server.restore_data(snap.databases, snap.users)
    return ctx.result({"previous": "FAILSAFE", "isCluster": False})


def _transfer(ctx: Context, body: dict[str, Any], kind: str) -> BackendResponse:
    state = ctx.server.backups
    job_key = f"{kind.lower()}Id"
    if job_key in body:
        job_id = body[job_key]
        job = state.transfers.get(job_id) if isinstance(job_id, str) else None
        if job is None or job.kind != kind:
            raise ArangoError(404, f"no such {kind.lower()} job: {job_id}", 404)
        if body.get("abort") is True:
            job.cancelled = True
        return ctx.result(_report(job))
    backup_id = _string(body, "id")
    repository = _string(body, "remoteRepository")
    if not isinstance(body.get("config"), dict):
        raise ArangoError(400, "'config' must be an object", 400)
    remote = state.remote.setdefault(repository, {})
    if kind == "Upload":
        snap = state.local.get(backup_id)
        if snap is None:
            raise _missing(backup_id)
        remote[backup_id] = snap
    else:
        snap = remote.get(backup_id)
        if snap is None:
            raise _missing(backup_id)
        state.local[backup_id] = snap
    job = Transfer(ctx.server.clock.next_id(), backup_id, kind, _now())
    state.transfers[job.id] = job
    return ctx.json(202, {"error": False, "code": 202, "result": {job_key: job.id}})


# -------------------------------------------------------------------- handlers
def hot_backup(ctx: Context) -> BackendResponse:
    """Dispatch one hot backup operation (admin rights needed, body must be JSON)."""
    if not auth.is_admin(ctx):
        raise ArangoError(403, "you need admin rights for hotbackup operations", 403)
    operation = ctx.request.path.rstrip("/").rsplit("/", 1)[-1]
    try:
        body = ctx.body(allow_empty=True)
    except ArangoError:
        raise ArangoError(600, "failed to parse backup body", 400) from None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ArangoError(400, "backup body must be an object", 400)
    if operation == "create":
        return _create(ctx, body)
    if operation == "list":
        return _list(ctx, body)
    if operation == "delete":
        return _delete(ctx, body)
    if operation == "restore":
        return _restore(ctx, body)
    return _transfer(ctx, body, "Upload" if operation == "upload" else "Download")


def hot_backup_wrong_method(ctx: Context) -> BackendResponse:
    """Every hot backup operation is a POST."""
    raise ArangoError(405, "backup endpoint only handles POST requests", 405)


def _register() -> None:
    """One static route per operation (documented paths would otherwise shadow a pattern)."""
    for operation in _OPERATIONS:
        path = f"/_admin/backup/{operation}"
        route("POST", path, area=AREA, access=AUTH)(hot_backup)
        route("GET|PUT|DELETE|PATCH", path, area=AREA, access=AUTH)(hot_backup_wrong_method)


_register()
