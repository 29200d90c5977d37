"""pytest hooks and fixtures. Fixtures build backends and transports; no behaviour lives here."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from .backend import Backend, BackendRequest, BackendResponse
from .emulator import Emulator

_db_counter = itertools.count(1)

DEFAULT_HOST = "http://arangomock:8529"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("arangomock", "ArangoDB emulation (pytest-arangomock)")
    group.addoption(
        "--arango-root-password",
        default=None,
        help="root password of the emulated server (default: empty, like a fresh ArangoDB)",
    )
    parser.addini("arango_root_password", "root password of the emulated server", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "arango(**options): options for pytest-arangomock fixtures")


def _root_password(config: pytest.Config) -> str:
    value = config.getoption("--arango-root-password")
    if value is None:
        value = config.getini("arango_root_password")
    return str(value or "")


@contextlib.contextmanager
def fresh_database(emulator: Emulator) -> Iterator[str]:
    """Create a uniquely named database straight in the state (microseconds), drop it after."""
    name = f"test_{next(_db_counter)}"
    server = emulator.server
    with server.lock:
        server.create_database(name)
    try:
        yield name
    finally:
        with server.lock:
            if name in server.databases:
                server.drop_database(name)


class _Switch(Backend):
    """The served backend of the session's loopback server, pointed at the current test's."""

    def __init__(self) -> None:
        self.target: Backend | None = None

    def handle_sync(self, request: BackendRequest) -> BackendResponse:
        if self.target is None:
            raise RuntimeError("no arangomock backend is active")
        return self.target.handle_sync(request)

    async def handle(self, request: BackendRequest) -> BackendResponse:
        if self.target is None:
            raise RuntimeError("no arangomock backend is active")
        return await self.target.handle(request)


@pytest.fixture
def arango_emulator(request: pytest.FixtureRequest) -> Emulator:
    """A fresh in-memory ArangoDB 3.12 for this test: seed and inspect its state."""
    return Emulator(root_password=_root_password(request.config))


@pytest.fixture
def arango_root_password(request: pytest.FixtureRequest) -> str:
    """root's password on the emulated server."""
    return _root_password(request.config)


@pytest_asyncio.fixture
async def arango_client(arango_emulator: Emulator) -> AsyncIterator[Any]:
    """An open ``arangoasync.ArangoClient`` wired to ``arango_emulator`` in-process."""
    from arangoasync import ArangoClient

    from .transports.arangoasync import InProcessHTTPClient

    client = ArangoClient(hosts=DEFAULT_HOST, http_client=InProcessHTTPClient(arango_emulator))
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def arango_sys_db(arango_client: Any, arango_root_password: str) -> Any:
    """The ``_system`` database as root."""
    from arangoasync.auth import Auth

    return await arango_client.db("_system", auth=Auth("root", arango_root_password))


@pytest_asyncio.fixture
async def arango_db(
    arango_client: Any, arango_emulator: Emulator, arango_root_password: str
) -> AsyncIterator[Any]:
    """A fresh, uniquely named database for this test (as root), dropped afterwards."""
    from arangoasync.auth import Auth

    with fresh_database(arango_emulator) as name:
        yield await arango_client.db(name, auth=Auth("root", arango_root_password))


@pytest.fixture
def arango_sync_client(arango_emulator: Emulator) -> Iterator[Any]:
    """A python-arango ``ArangoClient`` wired to ``arango_emulator`` in-process."""
    from arango import ArangoClient

    from .transports.python_arango import InProcessSyncHTTPClient

    client = ArangoClient(hosts=DEFAULT_HOST, http_client=InProcessSyncHTTPClient(arango_emulator))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def arango_sync_db(
    arango_sync_client: Any, arango_emulator: Emulator, arango_root_password: str
) -> Iterator[Any]:
    """A fresh database through python-arango (as root), dropped afterwards."""
    with fresh_database(arango_emulator) as name:
        yield arango_sync_client.db(name, username="root", password=arango_root_password)


@pytest_asyncio.fixture
async def aioarango_client(arango_emulator: Emulator) -> AsyncIterator[Any]:
    """An aioarango ``ArangoClient`` wired to ``arango_emulator`` in-process."""
    from aioarango import ArangoClient

    from .transports.aioarango import InProcessAioArangoHTTPClient

    client = ArangoClient(
        hosts=DEFAULT_HOST, http_client=InProcessAioArangoHTTPClient(arango_emulator)
    )
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def aioarango_db(
    aioarango_client: Any, arango_emulator: Emulator, arango_root_password: str
) -> AsyncIterator[Any]:
    """A fresh database through aioarango (as root), dropped afterwards."""
    with fresh_database(arango_emulator) as name:
        yield await aioarango_client.db(name, username="root", password=arango_root_password)


@pytest.fixture(scope="session")
def _arangomock_served() -> Iterator[tuple[_Switch, str]]:
    from .serve import serve_in_thread

    switch = _Switch()
    srv = serve_in_thread(switch)
    try:
        yield switch, srv.url
    finally:
        srv.close()


@pytest.fixture
def arango_url(
    _arangomock_served: tuple[_Switch, str], arango_emulator: Emulator
) -> Iterator[str]:
    """A loopback URL serving ``arango_emulator`` over real HTTP (for code that builds clients)."""
    switch, url = _arangomock_served
    switch.target = arango_emulator
    try:
        yield url
    finally:
        switch.target = None
