"""Hot backups: in-memory snapshots that can be listed, restored, deleted, uploaded, downloaded."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.auth import Auth
from arangoasync.exceptions import BackupCreateError, BackupDeleteError, BackupRestoreError
from arangoasync.typings import UserInfo

REPO = {"repository": "local://tmp/backups", "config": {"local": {"type": "local"}}}


async def test_create_list_restore_delete(sys_db: Any) -> None:
    col = await sys_db.create_collection("things")
    await col.insert({"_key": "a", "v": 1})
    created = await sys_db.backup.create(label="first")
    assert created["id"].endswith("_first")
    assert list(created) == [
        "id",
        "potentiallyInconsistent",
        "sizeInBytes",
        "datetime",
        "nrDBServers",
        "nrFiles",
    ]
    await col.delete("a")
    await col.insert({"_key": "b"})
    await sys_db.create_collection("later")

    listed = await sys_db.backup.get()
    entry = listed["list"][created["id"]]
    assert entry["available"] is True and entry["nrDBServers"] == 1
    assert listed["server"].startswith("SNGL-")

    restored = await sys_db.backup.restore(created["id"])
    assert restored == {"previous": "FAILSAFE", "isCluster": False}
    assert (await col.get("a"))["v"] == 1
    assert await col.get("b") is None
    assert not await sys_db.has_collection("later")
    # the backup survives its restore and the restored data is independent of it
    await col.insert({"_key": "c"})
    await sys_db.backup.restore(created["id"])
    assert await col.get("c") is None

    await sys_db.backup.delete(created["id"])
    assert (await sys_db.backup.get())["list"] == {}


async def test_unknown_backup(sys_db: Any) -> None:
    with pytest.raises(BackupRestoreError) as exc:
        await sys_db.backup.restore("2026-01-01T00.00.00Z_nope")
    assert (exc.value.http_code, exc.value.error_code) == (404, 7007)
    with pytest.raises(BackupDeleteError) as exc2:
        await sys_db.backup.delete("2026-01-01T00.00.00Z_nope")
    assert (exc2.value.http_code, exc2.value.error_code) == (404, 7007)


async def test_upload_then_download(sys_db: Any) -> None:
    backup_id = (await sys_db.backup.create())["id"]
    started = await sys_db.backup.upload(backup_id=backup_id, **REPO)
    progress = await sys_db.backup.upload(upload_id=started["uploadId"])
    assert progress["BackupId"] == backup_id
    assert progress["DBServers"]["SNGL"]["Status"] == "STARTED"
    again = await sys_db.backup.upload(upload_id=started["uploadId"])
    assert again["DBServers"]["SNGL"]["Status"] == "COMPLETED"
    await sys_db.backup.delete(backup_id)
    download = await sys_db.backup.download(backup_id=backup_id, **REPO)
    status = await sys_db.backup.download(download_id=download["downloadId"])
    assert list(status) == ["Timestamp", "DownloadId", "Cancelled", "BackupId", "DBServers"]
    assert backup_id in (await sys_db.backup.get())["list"]


def test_raw_statuses(raw: Any) -> None:
    status, body, _ = raw("POST", "/_admin/backup/create", {})
    assert (status, body["code"]) == (201, 201)
    status, body, _ = raw("GET", "/_admin/backup/list")
    assert (status, body["errorNum"]) == (405, 405)
    status, body, _ = raw("POST", "/_admin/backup/list", raw=b"{oops")
    assert (status, body["errorNum"]) == (400, 600)
    status, body, _ = raw("POST", "/_admin/backup/delete", {})
    assert status == 400
    status, body, _ = raw("POST", "/_db/_system/_admin/backup/list", {})
    assert status == 200 and len(body["result"]["list"]) == 1


async def test_admins_only(client: Any, sys_db: Any) -> None:
    await sys_db.create_user(UserInfo(user="reader", password="pw"))
    await sys_db.update_permission("reader", "ro", "_system")
    reader = await client.db("_system", auth=Auth("reader", "pw"))
    with pytest.raises(BackupCreateError) as exc:
        await reader.backup.create()
    assert (exc.value.http_code, exc.value.error_code) == (403, 403)
    assert exc.value.error_message == "you need admin rights for hotbackup operations"
