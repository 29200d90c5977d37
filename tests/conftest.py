"""Shared test fixtures: the same test body runs in-process and over loopback HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

pytest_plugins = ["pytester"]  # user-shaped projects run by pytest itself (cassette tests)

TRANSPORTS = ["inprocess", "http"]


@pytest_asyncio.fixture(params=TRANSPORTS)
async def client(request: pytest.FixtureRequest, arango_emulator: Emulator) -> AsyncIterator[Any]:
    """An ArangoClient on the test's emulator: in-process, or AioHTTPClient over loopback."""
    if request.param == "inprocess":
        c = ArangoClient(
            hosts="http://arangomock:8529", http_client=InProcessHTTPClient(arango_emulator)
        )
    else:
        url = request.getfixturevalue("arango_url")
        c = ArangoClient(hosts=url)
    try:
        yield c
    finally:
        await c.close()


@pytest_asyncio.fixture
async def sys_db(client: Any) -> Any:
    """``_system`` as root, over both transports."""
    return await client.db("_system", auth=Auth("root", ""))


@pytest_asyncio.fixture
async def db(client: Any, arango_emulator: Emulator) -> Any:
    """A fresh database as root, over both transports."""
    arango_emulator.server.create_database("testdb")
    return await client.db("testdb", auth=Auth("root", ""))


class Raw:
    """Raw HTTP against the emulator (for checks a driver hides: status, headers, body)."""

    def __init__(self, emulator: Emulator, user: str = "root", password: str = "") -> None:
        self.emulator = emulator
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.auth = {"authorization": f"Basic {token}"}

    def __call__(
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any, dict[str, str]]:
        hdrs = dict(self.auth)
        hdrs.update(headers or {})
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        resp = self.emulator.handle_sync(BackendRequest.from_url(method, url, hdrs, data))
        try:
            parsed = json.loads(resp.body) if resp.body else None
        except ValueError:
            parsed = resp.body
        return resp.status, parsed, resp.headers


@pytest.fixture
def raw(arango_emulator: Emulator) -> Raw:
    """``raw("GET", "/_api/version")`` -> (status, parsed body, headers)."""
    return Raw(arango_emulator)


@pytest.fixture
def state(arango_emulator: Emulator, db: Any) -> Any:
    """The test database's state (collections are created directly, not via HTTP)."""
    return arango_emulator.server.database("testdb")


@pytest.fixture
def col(state: Any, db: Any) -> Any:
    """Collection ``c`` of the test database, created directly, as the driver sees it."""
    state.create_collection("c")
    return db.collection("c")
