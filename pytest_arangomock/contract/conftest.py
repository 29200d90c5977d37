"""Driver and backend parametrization of the contract suite.

Every contract test takes ``db`` (a fresh database as root) or ``client``/``sys_db``: the
driver-neutral facade of :mod:`.facade` over one driver on one backend. It runs once per
``contract_backend`` parameter:

python-arango-async (the reference driver; its parameters keep the plain backend names)
    ``inprocess``: the emulator through :class:`InProcessHTTPClient` (its answers are also
    recorded into a cassette for ``replay``, by the plugin's record mode); ``aiohttp`` /
    ``httpx`` / ``aiosonic``: the emulator served on loopback (``arangomock serve``),
    reached through the driver's ``AioHTTPClient``, :class:`HttpxHTTPClient` and
    :class:`AiosonicHTTPClient`;
    ``replay``: the cassette recorded by ``inprocess`` for the same test, replayed with no
    server (skipped when that recording is missing, e.g. under ``-k replay``);
python-arango
    ``python_arango-inprocess``: :class:`InProcessSyncHTTPClient`;
    ``python_arango-requests``: its default requests client against the served emulator;
aioarango (skipped when it cannot be imported)
    ``aioarango-inprocess``: :class:`InProcessAioArangoHTTPClient`;
    ``aioarango-httpx``: its default httpx client against the served emulator;
every driver
    ``live`` / ``<driver>-live``: a real ArangoDB at ``--arango-url`` / ``ARANGO_URL``
    (root password from ``--arango-password`` / ``ARANGO_PASSWORD``); every test gets its
    own database and users, removed afterwards;
    ``custom`` / ``<driver>-custom``: ``ARANGOMOCK_CONTRACT_BACKEND=module:factory``,
    in-process.
"""

from __future__ import annotations

import functools
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

from pytest_arangomock.backend import Backend
from pytest_arangomock.backends.factory import Run, RunOptions, Settings, open_run
from pytest_arangomock.serve import SwitchBackend, serving

from .adapters import AioArangoDriver, ArangoAsyncDriver, PythonArangoDriver
from .facade import Database, Driver

CUSTOM_ENV = "ARANGOMOCK_CONTRACT_BACKEND"
_HOST = "http://arangomock:8529"


@dataclass(frozen=True)
class Target:
    """One driver on one backend: a ``contract_backend`` parameter."""

    driver: str  #: "arangoasync", "python_arango" or "aioarango"
    backend: str  #: "inprocess", "served", "replay", "live" or "custom"
    client: str = ""  #: for "served": the HTTP client ("default": the driver's own)

    @property
    def id(self) -> str:
        kind = self.client or self.backend
        return kind if self.driver == "arangoasync" else f"{self.driver}-{kind}"


#: the drivers, their import names, and their served HTTP clients
DRIVERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "arangoasync": ("arangoasync", ("aiohttp", "httpx", "aiosonic")),
    "python_arango": ("arango", ("requests",)),
    "aioarango": ("aioarango", ("httpx",)),
}
_ADAPTERS: dict[str, Callable[[str, Any], Driver]] = {
    "arangoasync": ArangoAsyncDriver,
    "python_arango": PythonArangoDriver,
    "aioarango": AioArangoDriver,
}


def _setting(config: pytest.Config, option: str, env: str) -> str:
    """A plugin option when the plugin declares it, else the environment variable."""
    value = config.getoption(option, default=None)
    return str(value or os.environ.get(env) or "")


@functools.cache
def _importable(module: str) -> bool:
    """Whether ``module`` imports (aioarango is installed without its dependencies)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


#: what a missing module's backends need installed (the package's extras)
_EXTRAS = {
    "arango": "pytest-arangomock[sync]",
    "requests": "pytest-arangomock[sync]",
    "httpx": "pytest-arangomock[httpx]",
    "aiosonic": "pytest-arangomock[aiosonic]",
    "aioarango": "--no-deps aioarango",
}


def _missing(target: Target) -> str | None:
    """Why ``target`` cannot run here (its driver or HTTP client is not installed)."""
    needed = [DRIVERS[target.driver][0]]
    if target.backend == "served":
        needed.append(target.client)
    for module in needed:
        if not _importable(module):
            extra = _EXTRAS.get(module, module)
            name = "python-arango" if module == "arango" else module
            return f"{name} cannot be imported (pip install {extra})"
    return None


def targets(config: pytest.Config) -> list[Target]:
    """The driver/backend pairs this run covers, in the order each test runs through them."""
    live = bool(_setting(config, "--arango-url", "ARANGO_URL"))
    custom = bool(os.environ.get(CUSTOM_ENV))
    out: list[Target] = []
    for driver, (_, served) in DRIVERS.items():
        out.append(Target(driver, "inprocess"))
        out.extend(Target(driver, "served", client) for client in served)
        if driver == "arangoasync" and _importable("pytest_arangomock.backends.record"):
            out.append(Target(driver, "replay"))
        if live:
            out.append(Target(driver, "live"))
        if custom:
            out.append(Target(driver, "custom"))
    return out


def backend_names(config: pytest.Config) -> list[str]:
    """The parameter ids of this run, in order."""
    return [target.id for target in targets(config)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "contract_backend" not in metafunc.fixturenames:
        return
    params = []
    for target in targets(metafunc.config):
        marks: list[pytest.MarkDecorator] = []
        missing = _missing(target)
        if missing:
            marks.append(pytest.mark.skip(reason=missing))
        params.append(pytest.param(target, id=target.id, marks=marks))
    metafunc.parametrize("contract_backend", params, scope="function")


# the driver's AioHTTPClient still uses aiohttp's deprecated BasicAuth; aioarango passes
# httpx a text body through a deprecated argument
_DRIVER_WARNINGS = (
    "ignore:BasicAuth is deprecated:DeprecationWarning",
    "ignore:The 'auth' parameter is deprecated:DeprecationWarning",
    "ignore:Use .content=:DeprecationWarning",
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


@pytest.fixture(scope="session")
def _contract_server() -> Iterator[tuple[SwitchBackend, str]]:
    switch = SwitchBackend(_emulator())
    with serving(switch) as srv:
        yield switch, srv.url


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
def names(contract_backend: Target) -> Names:
    return Names("_" + secrets.token_hex(4) if contract_backend.backend == "live" else "")


@pytest.fixture
def root_password(contract_backend: Target, request: pytest.FixtureRequest) -> str:
    if contract_backend.backend == "live":
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
    contract_backend: Target,
    request: pytest.FixtureRequest,
    _contract_cassettes: Path,
) -> Iterator[tuple[str, Callable[[], Any]]]:
    """``(hosts, make_http_client)`` for the target under test (clients that hold
    connections must be built inside the test's event loop; ``None``: the driver's own)."""
    target = contract_backend
    if target.backend == "live":
        yield _setting(request.config, "--arango-url", "ARANGO_URL"), lambda: None
        return
    if target.backend == "served":
        switch, url = request.getfixturevalue("_contract_server")
        switch.target = _emulator()
        tls = request.getfixturevalue("_tls_defaults")
        yield url, lambda: _served_client(target, tls)
        switch.target = _emulator()
        return
    run = _in_process_run(target, _cassette_path(_contract_cassettes, request.node))
    yield _HOST, lambda: _in_process_client(target.driver, run.backend)
    failure = run.finish()
    if failure:
        pytest.fail(failure, pytrace=False)


def _emulator() -> Backend:
    """A fresh emulator, as the plugin's emulate mode makes it."""
    return open_run(Settings()).backend


def _in_process_run(target: Target, cassette: Path) -> Run:
    """The plugin's run for ``target``: python-arango-async's in-process answers are
    recorded (record mode ``all``) and ``replay`` answers from that recording only, every
    interaction used; the other drivers talk to a plain emulator."""
    if target.backend == "custom":
        return Run(load_custom_backend())
    if target.backend == "replay":
        if not cassette.exists():
            pytest.skip("no recording of this test: run it with the inprocess backend first")
        return open_run(Settings(mode="replay", allow_unused=False), RunOptions(cassette))
    if target.driver == "arangoasync" and _importable("pytest_arangomock.backends.record"):
        return open_run(
            Settings(mode="record", record_mode="rewrite", record_emulator=True),
            RunOptions(cassette),
        )
    return open_run(Settings())


@pytest.fixture(scope="session")
def _tls_defaults() -> ssl.SSLContext:
    """The default verifying context, built once: loading the system CAs for every client
    costs tens of milliseconds and the loopback URLs are plain HTTP anyway."""
    return ssl.create_default_context()


def _in_process_client(driver: str, backend: Backend) -> Any:
    if driver == "python_arango":
        from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

        return InProcessSyncHTTPClient(backend)
    if driver == "aioarango":
        from pytest_arangomock.transports.aioarango import InProcessAioArangoHTTPClient

        return InProcessAioArangoHTTPClient(backend)
    from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

    return InProcessHTTPClient(backend)


def _served_client(target: Target, tls: ssl.SSLContext) -> Any:
    if target.driver != "arangoasync":
        return None  # the driver's default client
    if target.client == "httpx":
        from pytest_arangomock.transports.httpx_client import HttpxHTTPClient

        return HttpxHTTPClient(ssl_context=tls)
    if target.client == "aiosonic":
        from pytest_arangomock.transports.aiosonic_client import AiosonicHTTPClient

        return AiosonicHTTPClient(ssl_context=tls)
    from arangoasync.http import AioHTTPClient

    return AioHTTPClient(ssl_context=tls)


@pytest_asyncio.fixture
async def client(
    contract_backend: Target,
    backend_http_client: tuple[str, Callable[[], Any]],
) -> AsyncIterator[Driver]:
    """The driver under test, on the backend under test, behind the neutral facade."""
    hosts, make_http_client = backend_http_client
    driver = _ADAPTERS[contract_backend.driver](hosts, make_http_client())
    try:
        yield driver
    finally:
        await driver.close()


@pytest_asyncio.fixture
async def sys_db(client: Driver, root_password: str) -> Database:
    """``_system`` as root."""
    return await client.connect("_system", "root", root_password)


@pytest_asyncio.fixture
async def db(
    client: Driver, sys_db: Database, names: Names, root_password: str
) -> AsyncIterator[Database]:
    """A fresh database as root; dropped (with the users a test made) afterwards."""
    await sys_db.create_database(names.database)
    try:
        yield await client.connect(names.database, "root", root_password)
    finally:
        for user in names.created_users:
            await sys_db.delete_user(user, ignore_missing=True)
        await sys_db.delete_database(names.database, ignore_missing=True)
