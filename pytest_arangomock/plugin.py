"""pytest hooks and fixtures. Fixtures build backends and transports; no behaviour lives here.

``--arango-mode`` picks what answers the drivers:

``emulate`` (default)
    a fresh in-memory emulator per test.
``live``
    the real server at ``--arango-url``; every test gets a fresh database there.
``record``
    a cassette per test: what the live server (or, without a URL, the emulator) answers is
    written under ``--arango-cassette-dir`` following ``--arango-record-mode``.
``replay``
    answers come from the cassettes only; no server is needed.
``verify``
    each request goes to the live server and to the emulator; differences fail the test
    (or warn, ``--arango-verify=warn``). The test sees the live answers.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import pytest_asyncio

from .backend import Backend
from .emulator import Emulator

if TYPE_CHECKING:
    from .backends.redact import RedactionRules
    from .serve import SwitchBackend

pytest_plugins = ["pytest_arangomock.fixtures_intercept"]  # interception, coordinators

_db_counter = itertools.count(1)

DEFAULT_HOST = "http://arangomock:8529"
MODES = ("emulate", "live", "record", "replay", "verify")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("arangomock", "ArangoDB emulation (pytest-arangomock)")
    group.addoption(
        "--arango-root-password",
        default=None,
        help="root password of the emulated server (default: empty, like a fresh ArangoDB)",
    )
    parser.addini("arango_root_password", "root password of the emulated server", default="")

    def option(name: str, ini: str, help: str, **kwargs: Any) -> None:
        group.addoption(name, default=None, help=help, **kwargs)
        parser.addini(ini, help, default="")

    option(
        "--arango-mode",
        "arango_mode",
        "what answers the drivers: emulate (default), live, record, replay or verify",
        choices=MODES,
    )
    option("--arango-url", "arango_url", "URL of the live ArangoDB server (or ARANGO_URL)")
    option(
        "--arango-password",
        "arango_password",
        "root password of the live server (or ARANGO_PASSWORD)",
    )
    option(
        "--arango-cassette-dir",
        "arango_cassette_dir",
        "where cassettes live (default: cassettes/ under the rootdir)",
    )
    option(
        "--arango-record-mode",
        "arango_record_mode",
        "vcrpy record mode in --arango-mode=record: once (default), new_episodes, all, none",
    )
    option(
        "--arango-allow-unused",
        "arango_allow_unused",
        "true (default) or false: fail a replayed test that leaves recorded interactions unused",
    )
    option(
        "--arango-verify",
        "arango_verify",
        "in --arango-mode=verify: fail (default) or warn when the emulator differs",
    )
    option(
        "--arango-match-on",
        "arango_match_on",
        "comma-separated request matchers (default: method,path,query,body; also: headers)",
    )
    option(
        "--arango-cassette-format",
        "arango_cassette_format",
        "yaml (default) or json",
    )
    parser.addini(
        "arango_redact_headers", "extra header names to redact in cassettes", type="linelist"
    )
    parser.addini(
        "arango_redact_fields", "extra JSON field names to redact in cassettes", type="linelist"
    )
    parser.addini(
        "arango_redact_patterns",
        "extra regular expressions to redact in cassettes",
        type="linelist",
    )
    parser.addini(
        "arango_verify_ignore",
        "extra JSON field names whose values verify mode does not compare",
        type="linelist",
    )


# ------------------------------------------------------------------ settings


@dataclass
class Settings:
    """The resolved ``--arango-*`` options (command line, then environment, then ini)."""

    mode: str = "emulate"
    url: str = ""
    password: str = ""
    root_password: str = ""
    cassette_dir: Path = Path("cassettes")
    record_mode: str = "once"
    allow_unused: bool = True
    verify: str = "fail"
    match_on: tuple[str, ...] = ("method", "path", "query", "body")
    cassette_format: str = "yaml"
    redact_headers: list[str] = field(default_factory=list)
    redact_fields: list[str] = field(default_factory=list)
    redact_patterns: list[str] = field(default_factory=list)
    verify_ignore: list[str] = field(default_factory=list)

    @property
    def emulator_password(self) -> str:
        """root's password on an emulator standing in for (or beside) the live server."""
        return self.password if self.mode != "emulate" else self.root_password

    def rules(self) -> RedactionRules:
        from .backends.redact import RedactionRules

        return RedactionRules().extended(
            self.redact_headers, self.redact_fields, self.redact_patterns
        )


def _value(config: pytest.Config, opt: str, ini: str, env: str | None = None) -> str:
    value = config.getoption(opt)
    if value is None and env:
        value = os.environ.get(env)
    if value is None or value == "":
        value = config.getini(ini)
    return str(value or "")


def _flag(text: str, name: str) -> bool:
    low = text.strip().lower()
    if low in ("", "1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise pytest.UsageError(f"{name} takes true or false, not {text!r}")


def _settings(config: pytest.Config) -> Settings:
    cached = getattr(config, "_arangomock_settings", None)
    if isinstance(cached, Settings):
        return cached
    from .backends.record import RECORD_MODES

    mode = _value(config, "--arango-mode", "arango_mode") or "emulate"
    if mode not in MODES:
        raise pytest.UsageError(f"arango_mode must be one of {', '.join(MODES)}, not {mode!r}")
    root_password = config.getoption("--arango-root-password")
    if root_password is None:
        root_password = config.getini("arango_root_password")
    cassette_dir = _value(config, "--arango-cassette-dir", "arango_cassette_dir") or "cassettes"
    record_mode = _value(config, "--arango-record-mode", "arango_record_mode") or "once"
    if record_mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"--arango-record-mode must be one of {', '.join(RECORD_MODES)}, not {record_mode!r}"
        )
    verify = _value(config, "--arango-verify", "arango_verify") or "fail"
    if verify not in ("fail", "warn"):
        raise pytest.UsageError(f"--arango-verify must be fail or warn, not {verify!r}")
    fmt = _value(config, "--arango-cassette-format", "arango_cassette_format") or "yaml"
    if fmt not in ("yaml", "json"):
        raise pytest.UsageError(f"--arango-cassette-format must be yaml or json, not {fmt!r}")
    match_on = _value(config, "--arango-match-on", "arango_match_on")
    settings = Settings(
        mode=mode,
        url=_value(config, "--arango-url", "arango_url", "ARANGO_URL"),
        password=_value(config, "--arango-password", "arango_password", "ARANGO_PASSWORD"),
        root_password=str(root_password or ""),
        cassette_dir=Path(config.rootpath, cassette_dir),
        record_mode=record_mode,
        allow_unused=_flag(
            _value(config, "--arango-allow-unused", "arango_allow_unused"), "--arango-allow-unused"
        ),
        verify=verify,
        cassette_format=fmt,
        redact_headers=list(config.getini("arango_redact_headers")),
        redact_fields=list(config.getini("arango_redact_fields")),
        redact_patterns=list(config.getini("arango_redact_patterns")),
        verify_ignore=list(config.getini("arango_verify_ignore")),
    )
    if match_on:
        settings.match_on = tuple(m.strip() for m in match_on.split(",") if m.strip())
    if mode in ("live", "verify") and not settings.url:
        raise pytest.UsageError(f"--arango-mode={mode} needs --arango-url (or ARANGO_URL)")
    config._arangomock_settings = settings  # type: ignore[attr-defined]
    return settings


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "arango(cassette=None, record_mode=None, allow_unused=None, match_on=None, "
        "verify=None): per-test pytest-arangomock options (cassette name relative to the "
        "cassette directory, vcrpy record mode, unused interactions allowed, request matchers, "
        "fail or warn on verify differences)",
    )
    _settings(config)


def pytest_report_header(config: pytest.Config) -> str | None:
    s = _settings(config)
    if s.mode == "emulate":
        return None
    where = f", server {s.url}" if s.url else ""
    tape = f", cassettes in {s.cassette_dir}" if s.mode in ("record", "replay") else ""
    return f"arangomock: --arango-mode={s.mode}{where}{tape}"


def _root_password(config: pytest.Config) -> str:
    s = _settings(config)
    return s.emulator_password


# ------------------------------------------------------------ per-test runs


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


_SAFE = re.compile(r"[^A-Za-z0-9_.\-\[\]=,+]")


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    options: dict[str, Any] = {}
    for mark in reversed(list(node.iter_markers("arango"))):  # closest marker wins
        options.update(mark.kwargs)
    return options


def _cassette_path(node: pytest.Item, settings: Settings, name: str | None) -> Path:
    suffix = "." + settings.cassette_format
    if name:
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(suffix)
        return path if path.is_absolute() else settings.cassette_dir / path
    parts = node.nodeid.split("::")
    test = ".".join(parts[1:]) or node.name
    return settings.cassette_dir / node.path.stem / (_SAFE.sub("_", test) + suffix)


def _database_name(node: pytest.Item) -> str:
    """Unique and readable: test_<test name>_<random> (ArangoDB's traditional name rules)."""
    slug = re.sub(r"[^A-Za-z0-9_]", "_", node.name)[:40]
    return f"t_{slug}_{secrets.token_hex(4)}"


class _Run:
    """What one test runs against in a non-emulate mode, and how to check it afterwards."""

    def __init__(self, backend: Backend, allow_unused: bool) -> None:
        self.backend = backend
        self.allow_unused = allow_unused

    def problem(self) -> str | None:
        """Why the test must fail although its body passed (swallowed errors, drift)."""
        from .backends.record import CassetteBackend
        from .backends.verify import VerifyBackend

        if isinstance(self.backend, CassetteBackend) and self.backend.errors:
            return str(self.backend.errors[0])
        if isinstance(self.backend, VerifyBackend):
            return self.backend.failure()
        return None


_RUN_KEY = pytest.StashKey[_Run]()


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Runs after the test body passed: surface what the body could not see."""
    run = item.stash.get(_RUN_KEY, None)
    if run is not None:
        problem = run.problem()
        if problem:
            pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def arango_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved ``--arango-*`` options of this run."""
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def _arangomock_live(arango_settings: Settings) -> Iterator[Any]:
    """One connection pool to the live server for the whole session (or ``None``)."""
    if not arango_settings.url or arango_settings.mode in ("emulate", "replay"):
        yield None
        return
    from .backends.live import LiveBackend

    live = LiveBackend(arango_settings.url)
    try:
        yield live
    finally:
        live.close()


def _skip_emulator(settings: Settings) -> None:
    pytest.skip(
        f"arango_emulator is not available in --arango-mode={settings.mode}: the test runs "
        "against "
        + ("recorded answers" if settings.mode == "replay" else "a real server")
        + "; use the driver fixtures (arango_db, arango_client...) instead"
    )


@pytest.fixture
def arango_emulator(request: pytest.FixtureRequest, arango_settings: Settings) -> Emulator:
    """A fresh in-memory ArangoDB 3.12 for this test: seed and inspect its state.

    Only in emulate mode, and in record mode without a server (the emulator is recorded).
    """
    s = arango_settings
    if s.mode == "emulate" or (s.mode == "record" and not s.url):
        return Emulator(root_password=s.emulator_password)
    _skip_emulator(s)
    raise AssertionError("unreachable")  # pragma: no cover


@pytest.fixture
def arango_root_password(request: pytest.FixtureRequest) -> str:
    """root's password on the server the fixtures talk to."""
    return _root_password(request.config)


@pytest.fixture
def arango_backend(
    request: pytest.FixtureRequest, arango_settings: Settings, _arangomock_live: Any
) -> Iterator[Backend]:
    """What answers this test's requests (emulator, live, cassette or verify backend)."""
    s = arango_settings
    if s.mode == "emulate":
        yield request.getfixturevalue("arango_emulator")
        return
    if s.mode == "live":
        yield _arangomock_live
        return
    node = request.node
    assert isinstance(node, pytest.Item)
    options = _marker_options(node)
    backend: Backend
    if s.mode == "verify":
        from .backends.verify import VerifyBackend

        backend = VerifyBackend(
            _arangomock_live,
            Emulator(root_password=s.emulator_password),
            on_diff=str(options.get("verify", s.verify)),
            ignore=s.verify_ignore,
        )
        run = _Run(backend, True)
    else:
        from .backends.record import CassetteBackend, check_record_mode
        from .backends.replay import CassetteError

        allow_unused = options.get("allow_unused", s.allow_unused)
        match_on = options.get("match_on", s.match_on)
        if isinstance(match_on, str):
            match_on = tuple(m.strip() for m in match_on.split(","))
        path = _cassette_path(node, s, options.get("cassette"))
        try:
            record_mode = check_record_mode(str(options.get("record_mode", s.record_mode)))
            inner: Backend | None = None
            if s.mode == "replay":
                record_mode = "none"  # replay never reaches a server
            else:
                inner = _arangomock_live or request.getfixturevalue("arango_emulator")
            backend = CassetteBackend(
                path,
                record_mode=record_mode,
                inner=inner,
                match_on=tuple(match_on),
                rules=s.rules(),
            )
        except (CassetteError, ValueError) as exc:
            failure = str(exc)
        else:
            failure = ""
        if failure:  # outside the except block: no chained traceback in the report
            pytest.fail(failure, pytrace=False)
        run = _Run(backend, bool(allow_unused))
    node.stash[_RUN_KEY] = run
    yield backend
    _finish(run)


def _finish(run: _Run) -> None:
    from .backends.record import CassetteBackend
    from .backends.replay import CassetteError

    backend = run.backend
    if isinstance(backend, CassetteBackend):
        backend.save()
        if not run.allow_unused and not backend.errors:  # a failed test reports its own error
            try:
                backend.check_unused()
            except CassetteError as exc:
                failure = str(exc)
            else:
                failure = ""
            if failure:
                pytest.fail(failure, pytrace=False)


@contextlib.contextmanager
def _test_database(request: pytest.FixtureRequest, backend: Backend, s: Settings) -> Iterator[str]:
    """A fresh database for the test wherever its requests go; dropped afterwards."""
    from .backends.live import create_database, drop_database
    from .backends.record import CassetteBackend
    from .backends.verify import VerifyBackend

    if s.mode == "emulate":
        with fresh_database(request.getfixturevalue("arango_emulator")) as name:
            yield name
        return
    node = request.node
    assert isinstance(node, pytest.Item)
    targets: list[Backend] = []
    if isinstance(backend, CassetteBackend):
        recorded = backend.metadata.get("database")
        if not backend.records:
            if not isinstance(recorded, str):
                pytest.fail(
                    f"arangomock: cassette {backend.path} records no database: it was not "
                    "recorded by a test using arango_db; re-record it",
                    pytrace=False,
                )
            yield recorded
            return
        name = recorded if isinstance(recorded, str) else _database_name(node)
        assert backend.inner is not None
        targets = [backend.inner]
    elif isinstance(backend, VerifyBackend):
        name = _database_name(node)
        targets = [backend.live, backend.emulator]
    else:
        name = _database_name(node)
        targets = [backend]
    for target in targets:
        create_database(target, name, s.emulator_password)
    if isinstance(backend, CassetteBackend):
        backend.set_metadata("database", name)  # only once it exists: replay relies on it
    try:
        yield name
    finally:
        for target in targets:
            drop_database(target, name, s.emulator_password)


@pytest.fixture
def arango_database_name(
    request: pytest.FixtureRequest, arango_backend: Backend, arango_settings: Settings
) -> Iterator[str]:
    """The name of this test's fresh database (created before, dropped after the test)."""
    with _test_database(request, arango_backend, arango_settings) as name:
        yield name


@pytest_asyncio.fixture
async def arango_client(arango_backend: Backend) -> AsyncIterator[Any]:
    """An open ``arangoasync.ArangoClient`` wired in-process to this test's backend."""
    from arangoasync import ArangoClient

    from .transports.arangoasync import InProcessHTTPClient

    client = ArangoClient(hosts=DEFAULT_HOST, http_client=InProcessHTTPClient(arango_backend))
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
    arango_client: Any, arango_database_name: str, arango_root_password: str
) -> Any:
    """A fresh, uniquely named database for this test (as root), dropped afterwards."""
    from arangoasync.auth import Auth

    return await arango_client.db(arango_database_name, auth=Auth("root", arango_root_password))


@pytest.fixture
def arango_sync_client(arango_backend: Backend) -> Iterator[Any]:
    """A python-arango ``ArangoClient`` wired in-process to this test's backend."""
    from arango.client import ArangoClient

    from .transports.python_arango import InProcessSyncHTTPClient

    client = ArangoClient(hosts=DEFAULT_HOST, http_client=InProcessSyncHTTPClient(arango_backend))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def arango_sync_db(
    arango_sync_client: Any, arango_database_name: str, arango_root_password: str
) -> Any:
    """A fresh database through python-arango (as root), dropped afterwards."""
    return arango_sync_client.db(
        arango_database_name, username="root", password=arango_root_password
    )


@pytest_asyncio.fixture
async def aioarango_client(arango_backend: Backend) -> AsyncIterator[Any]:
    """An aioarango ``ArangoClient`` wired in-process to this test's backend."""
    from aioarango import ArangoClient

    from .transports.aioarango import InProcessAioArangoHTTPClient

    client = ArangoClient(
        hosts=DEFAULT_HOST, http_client=InProcessAioArangoHTTPClient(arango_backend)
    )
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def aioarango_db(
    aioarango_client: Any, arango_database_name: str, arango_root_password: str
) -> Any:
    """A fresh database through aioarango (as root), dropped afterwards."""
    return await aioarango_client.db(
        arango_database_name, username="root", password=arango_root_password
    )


@pytest.fixture(scope="session")
def _arangomock_served() -> Iterator[tuple[SwitchBackend, str]]:
    from .serve import SwitchBackend, serving  # aiohttp.web only when a test serves

    switch = SwitchBackend()
    with serving(switch) as srv:
        yield switch, srv.url


@pytest.fixture
def arango_url(
    request: pytest.FixtureRequest, arango_settings: Settings, arango_backend: Backend
) -> Iterator[str]:
    """A URL serving this test's backend over real HTTP (for code that builds clients).

    Live mode gives the server's own URL; the other modes a loopback server.
    """
    if arango_settings.mode == "live":
        yield arango_settings.url
        return
    switch, url = request.getfixturevalue("_arangomock_served")
    switch.target = arango_backend
    try:
        yield url
    finally:
        switch.target = None
