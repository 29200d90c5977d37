"""Backend parametrization of the contract suite.

Every contract test takes ``db`` (a fresh database as root) or ``client``/``sys_db`` and
runs once per backend:

``inprocess``
    the emulator through :class:`InProcessHTTPClient` (its answers are also recorded into a
    cassette for ``replay``);
``aiohttp`` / ``httpx`` / ``aiosonic``
    the emulator served on loopback (``arangomock serve``), reached through the driver's
    ``AioHTTPClient``, :class:`HttpxHTTPClient` and :class:`AiosonicHTTPClient`;
``replay``
    the cassette recorded by ``inprocess`` for the same test, replayed with no server
    (skipped when that recording is missing, e.g. under ``-k replay``);
``live``
    a real ArangoDB at ``--arango-url`` / ``ARANGO_URL`` (root password from
    ``--arango-password`` / ``ARANGO_PASSWORD``); every test gets its own database and
    users, removed afterwards;
``custom``
    ``ARANGOMOCK_CONTRACT_BACKEND=module:factory``, in-process.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import secrets
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock.backend import Backend, BackendRequest, BackendResponse
from pytest_arangomock.emulator import Emulator
from pytest_arangomock.serve import serve_in_thread
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

SERVED = ("aiohttp", "httpx", "aiosonic")
CUSTOM_ENV = "ARANGOMOCK_CONTRACT_BACKEND"
_HOST = "http://arangomock:8529"


def _setting(config: pytest.Config, option: str, env: str) -> str:
    """A plugin option when the plugin declares it, else the environment variable."""
    value = config.getoption(option, default=None)
    return str(value or os.environ.get(env) or "")


def _replay_available() -> bool:
    try:
        importlib.import_module("pytest_arangomock.backends.record")
    except ImportError:
        return False
    return True


def backend_names(config: pytest.Config) -> list[str]:
    """The backends this run covers, in the order each test runs through them."""
    names = ["inprocess", *SERVED]
    if _replay_available():
        names.append("replay")
    if _setting(config, "--arango-url", "ARANGO_URL"):
        names.append("live")
    if os.environ.get(CUSTOM_ENV):
        names.append("custom")
    return names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "contract_backend" in metafunc.fixturenames:
        metafunc.parametrize("contract_backend", backend_names(metafunc.config), scope="function")


# the driver's AioHTTPClient still uses aiohttp's deprecated BasicAuth
_DRIVER_WARNINGS = (
    "ignore:BasicAuth is deprecated:DeprecationWarning",
    "ignore:The 'auth' parameter is deprecated:DeprecationWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            for spec in _DRIVER_WARNINGS:
                item.add_marker(pytest.mark.filterwarnings(spec))


def load_custom_backend() -> Backend:
    """Call the ``module:factory`` named by ``ARANGOMOCK_CONTRACT_BACKEND``."""
    spec = os.environ[CUSTOM_ENV]
    module_name, _, attr = spec.partition(":")
    factory: Callable[[], Backend] = getattr(importlib.import_module(module_name), attr)
    backend = factory()
    if not isinstance(backend, Backend):
        raise TypeError(f"{spec} returned {type(backend).__name__}, not a Backend")
    return backend


class _Switch(Backend):
    """What the session's loopback server serves: the current test's emulator."""

    def __init__(self) -> None:
        self.target: Backend = Emulator()

    async def handle(self, request: BackendRequest) -> BackendResponse:
        return await self.target.handle(request)


@pytest.fixture(scope="session")
def _contract_server() -> Iterator[tuple[_Switch, str]]:
    switch = _Switch()
    srv = serve_in_thread(switch)
    try:
        yield switch, srv.url
    finally:
        srv.close()


@pytest.fixture(scope="session")
def _contract_cassettes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("contract-cassettes")


@dataclass
class Names:
    """Database and user names of one test: fixed on emulators (so a recording replays),
    suffixed on a live server (so runs never collide)."""

    suffix: str = ""
    created_users: list[str] = field(default_factory=list)

    @property
    def database(self) -> str:
        return f"contract{self.suffix}"

    def user(self, base: str) -> str:
        return f"contract_{base}{self.suffix}"


@pytest.fixture
def names(contract_backend: str) -> Names:
    return Names("_" + secrets.token_hex(4) if contract_backend == "live" else "")


@pytest.fixture
def root_password(contract_backend: str, request: pytest.FixtureRequest) -> str:
    if contract_backend == "live":
        return _setting(request.config, "--arango-password", "ARANGO_PASSWORD")
    return ""


def _cassette_path(directory: Path, node: Any) -> Path:
    """One cassette per test and per parameter set, shared by every backend."""
    params = dict(getattr(getattr(node, "callspec", None), "params", {}))
    params.pop("contract_backend", None)
    name = f"{node.path.stem}.{node.originalname}"
    if params:
        digest = hashlib.sha1(repr(sorted((k, repr(v)) for k, v in params.items())).encode())
        name += "-" + digest.hexdigest()[:12]
    return directory / f"{name}.yaml"


@pytest.fixture
def backend_http_client(
    contract_backend: str,
    request: pytest.FixtureRequest,
    _contract_cassettes: Path,
) -> Iterator[tuple[str, Callable[[], Any]]]:
    """``(hosts, make_http_client)`` for the backend under test (clients that hold
    connections must be built inside the test's event loop)."""
    if contract_backend == "live":
        yield _setting(request.config, "--arango-url", "ARANGO_URL"), lambda: None
        return
    if contract_backend in SERVED:
        switch, url = request.getfixturevalue("_contract_server")
        switch.target = Emulator()
        tls = request.getfixturevalue("_tls_defaults")
        yield url, lambda: _served_client(contract_backend, tls)
        switch.target = Emulator()
        return
    backend: Backend
    cassette = _cassette_path(_contract_cassettes, request.node)
    if contract_backend == "custom":
        backend = load_custom_backend()
    elif contract_backend == "replay":
        if not cassette.exists():
            pytest.skip("no recording of this test: run it with the inprocess backend first")
        backend = _cassette(cassette, "none", None)
    else:
        backend = Emulator()
        if _replay_available():
            backend = _cassette(cassette, "all", backend)
    yield _HOST, lambda: InProcessHTTPClient(backend)
    save = getattr(backend, "save", None)
    if save is not None and contract_backend == "inprocess":
        save()
    check = getattr(backend, "check_unused", None)
    if check is not None and contract_backend == "replay":
        check()


@pytest.fixture(scope="session")
def _tls_defaults() -> ssl.SSLContext:
    """The default verifying context, built once: loading the system CAs for every client
    costs tens of milliseconds and the loopback URLs are plain HTTP anyway."""
    return ssl.create_default_context()


def _served_client(kind: str, tls: ssl.SSLContext) -> Any:
    if kind == "httpx":
        from pytest_arangomock.transports.httpx_client import HttpxHTTPClient

        return HttpxHTTPClient(ssl_context=tls)
    if kind == "aiosonic":
        from pytest_arangomock.transports.aiosonic_client import AiosonicHTTPClient

        return AiosonicHTTPClient(ssl_context=tls)
    from arangoasync.http import AioHTTPClient

    return AioHTTPClient(ssl_context=tls)


def _cassette(path: Path, mode: str, inner: Backend | None) -> Backend:
    from pytest_arangomock.backends.record import CassetteBackend

    return CassetteBackend(path, record_mode=mode, inner=inner)


@pytest_asyncio.fixture
async def client(
    backend_http_client: tuple[str, Callable[[], Any]],
) -> AsyncIterator[ArangoClient]:
    """An ``ArangoClient`` on the backend under test."""
    hosts, make_http_client = backend_http_client
    async with ArangoClient(hosts=hosts, http_client=make_http_client()) as c:
        yield c


@pytest_asyncio.fixture
async def sys_db(client: ArangoClient, root_password: str) -> Any:
    """``_system`` as root."""
    return await client.db("_system", auth=Auth("root", root_password))


@pytest_asyncio.fixture
async def db(
    client: ArangoClient, sys_db: Any, names: Names, root_password: str
) -> AsyncIterator[Any]:
    """A fresh database as root; dropped (with the users a test made) afterwards."""
    await sys_db.create_database(names.database)
    try:
        yield await client.db(names.database, auth=Auth("root", root_password))
    finally:
        for user in names.created_users:
            await sys_db.delete_user(user, ignore_missing=True)
        await sys_db.delete_database(names.database, ignore_missing=True)
