"""Server tasks: registered, listed, run and removed like ArangoDB's RestTasksHandler."""

from __future__ import annotations

import time
from typing import Any

import pytest
from arangoasync.exceptions import TaskCreateError, TaskDeleteError, TaskGetError

pytest.importorskip("quickjs")


def _wait_for(predicate: Any, seconds: float = 10.0) -> None:
    """Poll until ``predicate()`` holds (tasks run on their own timer threads)."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the task did not run in time"
        time.sleep(0.02)


async def test_no_tasks_are_listed(db: Any) -> None:
    assert await db.tasks() == []


async def test_unknown_task_is_not_found(db: Any) -> None:
    with pytest.raises(TaskGetError) as exc:
        await db.task("nightly")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1852)
    assert exc.value.error_message == "task not found"


async def test_register_get_list_and_delete(db: Any) -> None:
    task = await db.create_task(
        "require('@arangodb').print(params);",
        name="printer",
        params={"a": 1},
        offset=60,
        period=30,
        task_id="t1",
    )
    assert task == {
        "id": "t1",
        "name": "printer",
        "created": task["created"],
        "type": "periodic",
        "period": 30,
        "offset": 60,
        "command": "(function (params) { require('@arangodb').print(params); } )(params);",
        "database": "testdb",
    }
    assert await db.task("t1") == task
    assert await db.tasks() == [task]
    with pytest.raises(TaskCreateError) as exc:
        await db.create_task("1", task_id="t1")
    assert (exc.value.http_code, exc.value.error_code) == (409, 1851)
    assert await db.delete_task("t1") is True
    assert await db.delete_task("t1", ignore_missing=True) is False
    with pytest.raises(TaskDeleteError) as exc:
        await db.delete_task("t1")
    assert (exc.value.http_code, exc.value.error_code) == (404, 1852)


async def test_one_off_task_runs_against_the_state(db: Any, state: Any) -> None:
    state.create_collection("log")
    task = await db.create_task(
        "require('@arangodb').db.log.save({n: params.n});", params={"n": 7}, offset=0.05
    )
    assert task["type"] == "timed" and "period" not in task
    _wait_for(lambda: len(state.collections["log"].docs) == 1)
    assert [d["n"] for d in state.collections["log"].docs.values()] == [7]
    assert await db.tasks() == []  # a one-off task is gone after its run


async def test_periodic_task_runs_three_times(db: Any, state: Any) -> None:
    state.create_collection("ticks")
    await db.create_task(
        "const db = require('internal').db; db.ticks.save({at: require('internal').time()});",
        period=0.05,
        task_id="ticker",
    )
    _wait_for(lambda: len(state.collections["ticks"].docs) >= 3)
    await db.delete_task("ticker")
    seen = len(state.collections["ticks"].docs)
    time.sleep(0.2)
    assert len(state.collections["ticks"].docs) <= seen + 1


def test_input_errors(raw: Any) -> None:
    status, body, _ = raw("POST", "/_api/tasks", raw=b"{nope")
    assert (status, body["errorNum"]) == (400, 600)
    cases = [
        ("PUT", "/_api/tasks", {"command": "1"}, "expected PUT /_api/tasks/<task-id>"),
        (
            "POST",
            "/_api/tasks",
            {"command": "1", "period": 0},
            "task period must be specified and positive",
        ),
        ("POST", "/_api/tasks", {"period": 1}, "command must be specified"),
        ("POST", "/_api/tasks", {"command": "var ;"}, "cannot compile command"),
    ]
    for method, url, body, message in cases:
        status, answer, _ = raw(method, url, body)
        assert (status, answer["errorNum"], answer["errorMessage"]) == (400, 10, message)
    status, body, _ = raw("POST", "/_api/tasks", {"command": "1", "runAsUser": "other"})
    assert (status, body["errorNum"]) == (403, 11)


def test_superfluous_suffixes(raw: Any) -> None:
    status, body, _ = raw("GET", "/_api/tasks/a/b")
    assert (status, body["errorNum"]) == (400, 601)
    status, body, _ = raw("DELETE", "/_api/tasks")
    assert (status, body["errorNum"]) == (400, 601)


def test_write_access_is_needed(raw: Any, arango_emulator: Any) -> None:
    raw("POST", "/_api/user", {"user": "reader", "passwd": "pw"})
    raw("PUT", "/_api/user/reader/database/_system", {"grant": "ro"})
    reader = type(raw)(arango_emulator, "reader", "pw")
    status, body, _ = reader("DELETE", "/_api/tasks/nightly")
    assert (status, body["errorNum"]) == (403, 11)
    assert body["errorMessage"] == "unregister task needs db RW permissions"
    status, body, _ = reader("POST", "/_api/tasks", {"command": "1"})
    assert (status, body["errorMessage"]) == (403, "registering a task needs db RW permissions")
    status, body, _ = reader("GET", "/_api/tasks")
    assert (status, body) == (200, [])


def test_tasks_stop_with_the_emulator(raw: Any, arango_emulator: Any) -> None:
    status, _, _ = raw("POST", "/_api/tasks", {"command": "1", "period": 100, "id": "p"})
    assert status == 200
    store = arango_emulator.javascript.tasks(arango_emulator.server)
    timer = store.tasks["p"].timer
    arango_emulator.reset()
    assert store.closed and store.tasks == {}
    timer.join(1)
    assert not timer.is_alive()
    status, body, _ = raw("GET", "/_api/tasks")
    assert body == []


def test_without_javascript_registering_names_the_extra(raw: Any, arango_emulator: Any) -> None:
    arango_emulator.server.javascript = None
    status, body, _ = raw("POST", "/_api/tasks", {"command": "1"})
    assert (status, body["errorNum"]) == (501, 9)
    assert "pytest-arangomock[js]" in body["errorMessage"]
