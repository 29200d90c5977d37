"""Server tasks: listed and looked up like ArangoDB, creation refused (no JavaScript)."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.exceptions import TaskCreateError, TaskDeleteError, TaskGetError


async def test_no_tasks_are_listed(db: Any) -> None:
    assert await db.tasks() == []


async def test_unknown_task_is_not_found(db: Any) -> None:
    with pytest.raises(TaskGetError) as exc:
        await db.task("nightly")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1852)
    assert exc.value.error_message == "task not found"


@pytest.mark.parametrize("task_id", [None, "with-id"])
async def test_creating_a_task_is_refused_without_javascript(db: Any, task_id: str | None) -> None:
    with pytest.raises(TaskCreateError) as exc:
        await db.create_task("(function (params) { return 1; })(params)", task_id=task_id, period=2)
    assert (exc.value.http_code, exc.value.error_code) == (403, 11)
    assert exc.value.error_message == "JavaScript tasks are disabled"
    assert await db.tasks() == []


async def test_deleting_an_unknown_task(db: Any) -> None:
    assert await db.delete_task("nightly", ignore_missing=True) is False
    with pytest.raises(TaskDeleteError) as exc:
        await db.delete_task("nightly")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1852)


def test_malformed_body_is_rejected_before_javascript(raw: Any) -> None:
    status, body, _ = raw("POST", "/_api/tasks", raw=b"{nope")
    assert (status, body["errorNum"]) == (400, 600)


def test_superfluous_suffixes(raw: Any) -> None:
    status, body, _ = raw("GET", "/_api/tasks/a/b")
    assert (status, body["errorNum"]) == (400, 601)
    status, body, _ = raw("DELETE", "/_api/tasks")
    assert (status, body["errorNum"]) == (400, 601)


def test_delete_needs_write_access(raw: Any, arango_emulator: Any) -> None:
    raw("POST", "/_api/user", {"user": "reader", "passwd": "pw"})
    raw("PUT", "/_api/user/reader/database/_system", {"grant": "ro"})
    reader = type(raw)(arango_emulator, "reader", "pw")
    status, body, _ = reader("DELETE", "/_api/tasks/nightly")
    assert (status, body["errorNum"]) == (403, 11)
    assert body["errorMessage"] == "unregister task needs db RW permissions"
    status, body, _ = reader("GET", "/_api/tasks")
    assert (status, body) == (200, [])
