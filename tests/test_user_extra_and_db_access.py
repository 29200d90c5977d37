"""PATCH merges a user's extra data, PUT replaces it; metrics and replication logger reads
need access to the database only (ArangoDB without ``--server.harden``)."""

from __future__ import annotations

from typing import Any

import pytest
from arangoasync.auth import Auth


def _make_user(raw: Any, name: str, extra: dict[str, Any]) -> None:
    status, _, _ = raw("POST", "/_api/user", {"user": name, "passwd": "pw", "extra": extra})
    assert status == 201


def test_patch_merges_extra(raw: Any) -> None:
    _make_user(raw, "merger", {"foo": "bar", "nested": {"a": 1, "b": 2}, "gone": 1})
    patch = {"extra": {"bar": "baz", "nested": {"b": 3, "c": 4}, "gone": None}}
    status, body, _ = raw("PATCH", "/_api/user/merger", patch)
    assert status == 200
    expected = {"foo": "bar", "bar": "baz", "nested": {"a": 1, "b": 3, "c": 4}, "gone": None}
    assert body["extra"] == expected
    assert raw("GET", "/_api/user/merger")[1]["extra"] == expected


def test_patch_with_empty_or_missing_extra_keeps_it(raw: Any) -> None:
    _make_user(raw, "keeper", {"foo": "bar"})
    for patch in ({"extra": {}}, {"active": False}, {"extra": "text"}):
        status, body, _ = raw("PATCH", "/_api/user/keeper", patch)
        assert (status, body["extra"]) == (200, {"foo": "bar"}), patch


def test_put_replaces_extra(raw: Any) -> None:
    _make_user(raw, "replacer", {"foo": "bar"})
    status, body, _ = raw("PUT", "/_api/user/replacer", {"passwd": "pw", "extra": {"baz": 1}})
    assert (status, body["extra"]) == (200, {"baz": 1})
    status, body, _ = raw("PUT", "/_api/user/replacer", {"passwd": "pw"})
    assert (status, body["extra"]) == (200, {})


async def test_driver_update_merges_and_replace_replaces(sys_db: Any) -> None:
    await sys_db.create_user({"user": "drv", "password": "pw", "extra": {"foo": "bar"}})
    updated = await sys_db.update_user({"user": "drv", "password": "pw", "extra": {"x": 1}})
    assert updated["extra"] == {"foo": "bar", "x": 1}
    replaced = await sys_db.replace_user({"user": "drv", "password": "pw", "extra": {"y": 2}})
    assert replaced["extra"] == {"y": 2}


_READS = (
    "/_admin/metrics",
    "/_admin/metrics/v2",
    "/_api/replication/logger-state",
    "/_api/replication/logger-first-tick",
    "/_api/replication/logger-tick-ranges",
    "/_api/replication/server-id",
)


@pytest.mark.parametrize("level", ["rw", "ro"])
def test_database_user_reads_metrics_and_logger(raw: Any, arango_emulator: Any, level: str) -> None:
    arango_emulator.server.create_database("appdb")
    _make_user(raw, "app", {})
    assert raw("PUT", "/_api/user/app/database/appdb", {"grant": level})[0] == 200
    app = type(raw)(arango_emulator, "app", "pw")
    for url in _READS:
        status, body, _ = app("GET", f"/_db/appdb{url}")
        assert status == 200, (url, body)
    status, body, _ = app("GET", "/_db/appdb/_api/replication/logger-state")
    assert body["state"]["running"] is True
    status, body, headers = app("GET", "/_db/appdb/_admin/metrics/v2")
    assert headers["content-type"].startswith("text/plain")
    assert b"arangodb_databases_total" in body
    # no rights on _system: the same reads there are refused as unauthorized
    for url in _READS:
        assert app("GET", url)[0] == 401, url


def test_user_without_database_access_is_unauthorized(raw: Any, arango_emulator: Any) -> None:
    arango_emulator.server.create_database("appdb")
    _make_user(raw, "stranger", {})
    assert raw("PUT", "/_api/user/stranger/database/appdb", {"grant": "none"})[0] == 200
    stranger = type(raw)(arango_emulator, "stranger", "pw")
    for url in _READS:
        status, body, _ = stranger("GET", f"/_db/appdb{url}")
        assert status == 401, (url, body)


async def test_driver_database_user_metrics_and_logger_state(sys_db: Any, client: Any) -> None:
    await sys_db.create_database("drvdb", users=[{"username": "dbu", "password": "pw"}])
    db = await client.db("drvdb", auth=Auth(username="dbu", password="pw"))
    assert "arangodb_databases_total" in await db.metrics()
    assert (await db.replication.logger_state())["state"]["running"] is True
