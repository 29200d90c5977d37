"""Live mode: LiveBackend forwards to a real server (``arangomock serve`` stands in for one),
from asynchronous and synchronous drivers; ``--arango-mode=live`` fixtures use fresh databases."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from test_cassette_acceptance import run_pytest

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.backends import LiveBackend, LiveConnectionError
from pytest_arangomock.backends.live import create_database, drop_database
from pytest_arangomock.serve import ServerThread, free_port, serving
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient
from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

PASSWORD = "live-root-pw"


@pytest.fixture
def server() -> Iterator[tuple[Emulator, ServerThread]]:
    emulator = Emulator(root_password=PASSWORD)
    with serving(emulator) as srv:
        yield emulator, srv


@pytest.fixture
def live(server: tuple[Emulator, ServerThread]) -> Iterator[LiveBackend]:
    backend = LiveBackend(server[1].url)
    try:
        yield backend
    finally:
        backend.close()


def root(method: str, url: str, body: Any = None) -> BackendRequest:
    import base64

    token = base64.b64encode(f"root:{PASSWORD}".encode()).decode()
    data = b"" if body is None else json.dumps(body).encode()
    return BackendRequest.from_url(method, url, {"authorization": f"Basic {token}"}, data)


async def test_async_forwarding(live: LiveBackend, server: tuple[Emulator, ServerThread]) -> None:
    emulator, _ = server
    resp = await live.handle(root("GET", "/_api/version?details=true"))
    assert resp.status == 200
    assert "details" in json.loads(resp.body)
    made = await live.handle(root("POST", "/_api/collection", {"name": "c"}))
    assert made.status == 200 and json.loads(made.body)["name"] == "c"
    assert "c" in emulator.server.database("_system").collections
    seen = emulator.requests[-1]
    assert seen.method == "POST" and seen.path == "/_api/collection"
    assert seen.query == {}


def test_sync_forwarding_keeps_the_path_encoding(
    live: LiveBackend, server: tuple[Emulator, ServerThread]
) -> None:
    emulator, _ = server
    live.handle_sync(root("POST", "/_api/collection", {"name": "c"}))
    live.handle_sync(root("POST", "/_api/document/c", {"_key": "a:b@c"}))
    got = live.handle_sync(root("GET", "/_api/document/c/a%3Ab%40c"))
    assert got.status == 200 and json.loads(got.body)["_key"] == "a:b@c"
    assert emulator.requests[-1].path == "/_api/document/c/a%3Ab%40c"
    missing = live.handle_sync(root("GET", "/_api/collection/nope"))
    assert (missing.status, json.loads(missing.body)["errorNum"]) == (404, 1203)


def test_compressed_answers_arrive_decoded(live: LiveBackend) -> None:
    live.handle_sync(root("POST", "/_api/collection", {"name": "big"}))
    docs = [{"_key": f"k{i}", "text": "x" * 50} for i in range(40)]
    # a large answer: the server gzips it (aiohttp asks for it), the backend hands it over plain
    resp = live.handle_sync(root("POST", "/_api/document/big?returnNew=true", docs))
    assert resp.status == 202
    assert "content-encoding" not in resp.headers
    assert [d["new"]["text"] for d in json.loads(resp.body)] == ["x" * 50] * 40


async def test_unreachable_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    backend = LiveBackend(url, timeout=5)
    try:
        with pytest.raises(LiveConnectionError) as exc:
            await backend.handle(root("GET", "/_api/version"))
        assert f"cannot reach ArangoDB at {url}" in str(exc.value)
        with pytest.raises(ConnectionError):
            backend.handle_sync(root("GET", "/_api/version"))
    finally:
        backend.close()


async def test_drivers_through_the_live_backend(
    live: LiveBackend, server: tuple[Emulator, ServerThread]
) -> None:
    emulator, _ = server
    create_database(live, "shop", PASSWORD)
    client = ArangoClient(hosts="http://ignored:8529", http_client=InProcessHTTPClient(live))
    try:
        db = await client.db("shop", auth=Auth("root", PASSWORD))
        col = await db.create_collection("orders")
        await col.insert({"_key": "o1", "total": 3})
    finally:
        await client.close()

    from arango.client import ArangoClient as SyncClient

    sync = SyncClient(hosts="http://ignored:8529", http_client=InProcessSyncHTTPClient(live))
    try:
        # python-arango blocks: run it off the event loop, as a sync test would
        def read() -> Any:
            return (
                sync.db("shop", username="root", password=PASSWORD).collection("orders").get("o1")
            )

        assert (await asyncio.to_thread(read))["total"] == 3
        assert read()["total"] == 3  # and straight from the loop's thread
    finally:
        sync.close()
    assert "o1" in emulator.server.database("shop").collection("orders").docs


def test_database_helpers_replace_leftovers(
    live: LiveBackend, server: tuple[Emulator, ServerThread]
) -> None:
    emulator, _ = server
    create_database(live, "left", PASSWORD)
    live.handle_sync(root("POST", "/_db/left/_api/collection", {"name": "stale"}))
    create_database(live, "left", PASSWORD)  # a leftover of an interrupted run
    assert "stale" not in emulator.server.database("left").collections
    drop_database(live, "left", PASSWORD)
    drop_database(live, "left", PASSWORD)  # already gone: fine
    assert "left" not in emulator.server.databases
    with pytest.raises(RuntimeError, match="could not create database"):
        create_database(live, "left", "wrong password")


LIVE_TESTS = """
    import pytest

    async def test_fresh_database(arango_db, arango_sys_db):
        assert arango_db.name.startswith("t_test_fresh_database_")
        await arango_db.create_collection("c")
        assert arango_db.name in await arango_sys_db.databases()

    def test_sync_driver(arango_sync_db):
        arango_sync_db.create_collection("c")  # the same name: another fresh database
        assert arango_sync_db.has_collection("c")

    def test_url_is_the_server(arango_url):
        assert arango_url == "{url}"

    def test_no_emulator(arango_emulator):
        pass
"""


def test_live_mode_fixtures(tmp_path: Path, server: tuple[Emulator, ServerThread]) -> None:
    emulator, srv = server
    code, out = run_pytest(
        tmp_path,
        LIVE_TESTS.replace("{url}", srv.url),
        "--arango-mode=live",
        f"--arango-url={srv.url}",
        f"--arango-password={PASSWORD}",
    )
    assert code == 0, out
    assert "3 passed, 1 skipped" in out
    assert "arango_emulator is not available in --arango-mode=live" in out
    created = [
        json.loads(r.body)["name"]
        for r in emulator.requests
        if r.path == "/_api/database" and r.method == "POST"
    ]
    assert len(created) == 2
    assert sorted(emulator.server.databases) == ["_system"]  # dropped afterwards


def test_live_mode_needs_a_url(tmp_path: Path) -> None:
    code, out = run_pytest(tmp_path, "def test_x(): pass\n", "--arango-mode=live")
    assert code == 4, out
    assert "--arango-mode=live needs --arango-url (or ARANGO_URL)" in out
