"""pytest hooks and fixtures. Fixtures build backends and transports; no behaviour lives here.

``--arango-mode`` picks what answers the drivers:

``emulate`` (default)
    a fresh in-memory emulator per test.
``live``
    the real server at ``--arango-url``; every test gets a fresh database there.
``record``
    a cassette per test (``<test dir>/cassettes/<module>/<test>.yaml``, or under
    ``--arango-cassette-dir``): what the live server answers (the emulator's, with
    ``--arango-record-emulator=true``) is written following ``--arango-record-mode``.
``replay``
    answers come from the cassettes only; no server is needed.
``verify``
    each request goes to the live server and to the emulator; differences fail the test
    (or warn, ``--arango-verify=warn``). The test sees the live answers.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
import pytest_asyncio

from .backend import Backend
from .settings import MODES, RECORD_MODES, Redaction, RunOptions, Settings

if TYPE_CHECKING:
    from .backends.faults import FaultsBackend
    from .backends.live import LiveBackend
    from .backends.runs import EmulatorRun, Run
    from .emulator import Emulator
    from .serve import SwitchBackend

pytest_plugins = ["pytest_arangomock.fixtures_intercept"]  # interception, coordinators

DEFAULT_HOST = "http://arangomock:8529"


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
        "root of the cassettes, mirroring the test tree (default: a cassettes/ folder beside "
        "each test module: <test dir>/cassettes/<module>/<test>.yaml)",
    )
    option(
        "--arango-record-mode",
        "arango_record_mode",
        "how --arango-mode=record treats existing cassettes: once (default: record missing "
        "ones, replay the rest), rewrite (delete and record again: the way to re-record), "
        "new_episodes (send everything to the server, append new requests), all (record "
        "everything, keep recorded requests not sent again), none (replay only)",
    )
    option(
        "--arango-allow-unused",
        "arango_allow_unused",
        "false (default) or true: whether a replayed test may leave recorded interactions unused",
    )
    option(
        "--arango-record-emulator",
        "arango_record_emulator",
        "false (default) or true: in --arango-mode=record without --arango-url, record the "
        "emulator's answers (the cassettes say so)",
    )
    option(
        "--arango-block-live",
        "arango_block_live",
        "false (default) or true: never reach a live server; a request that would is an error",
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
        "--arango-vector-index",
        "arango_vector_index",
        "true (default) or false: the emulated server's --vector-index option (off: creating "
        "a vector index answers 400 as ArangoDB without the option)",
    )
    option(
        "--arango-cassette-format",
        "arango_cassette_format",
        "yaml (default) or json",
    )
    parser.addini(
        "arango_redact_defaults",
        "true (default) or false: redact credentials (Authorization headers, JWTs, access "
        "tokens, passwords of the user, database and auth APIs) in cassettes",
        default="true",
    )
    parser.addini(
        "arango_redact_headers", "extra header names to redact in cassettes", type="linelist"
    )
    parser.addini(
        "arango_redact_fields",
        "extra JSON field names to redact in every cassette body",
        type="linelist",
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


def _redaction(config: pytest.Config) -> Redaction:
    """The ``arango_redact_*`` ini options (shared with ``arangomock cassette redact``)."""
    return Redaction(
        defaults=_flag(str(config.getini("arango_redact_defaults")), "arango_redact_defaults"),
        headers=tuple(config.getini("arango_redact_headers")),
        fields=tuple(config.getini("arango_redact_fields")),
        patterns=tuple(config.getini("arango_redact_patterns")),
    )


#: options whose command-line value wins over ``arango_config`` and the marker
_EXPLICIT = {
    "record_mode": "--arango-record-mode",
    "allow_unused": "--arango-allow-unused",
    "match_on": "--arango-match-on",
    "verify": "--arango-verify",
    "cassette_dir": "--arango-cassette-dir",
}


def _settings(config: pytest.Config) -> Settings:
    cached = getattr(config, "_arangomock_settings", None)
    if isinstance(cached, Settings):
        return cached
    mode = _value(config, "--arango-mode", "arango_mode") or "emulate"
    if mode not in MODES:
        raise pytest.UsageError(f"arango_mode must be one of {', '.join(MODES)}, not {mode!r}")
    root_password = config.getoption("--arango-root-password")
    if root_password is None:
        root_password = config.getini("arango_root_password")
    cassette_dir = _value(config, "--arango-cassette-dir", "arango_cassette_dir")
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

    def flag(opt: str, ini: str, default: bool) -> bool:
        text = _value(config, opt, ini)
        return _flag(text, opt) if text.strip() else default

    settings = Settings(
        mode=mode,
        url=_value(config, "--arango-url", "arango_url", "ARANGO_URL"),
        password=_value(config, "--arango-password", "arango_password", "ARANGO_PASSWORD"),
        root_password=str(root_password or ""),
        cassette_dir=Path(config.rootpath, cassette_dir) if cassette_dir else None,
        record_mode=record_mode,
        allow_unused=flag("--arango-allow-unused", "arango_allow_unused", False),
        verify=verify,
        cassette_format=fmt,
        redaction=_redaction(config),
        verify_ignore=list(config.getini("arango_verify_ignore")),
        vector_index=_flag(
            _value(config, "--arango-vector-index", "arango_vector_index"), "--arango-vector-index"
        ),
        record_emulator=flag("--arango-record-emulator", "arango_record_emulator", False),
        block_live=flag("--arango-block-live", "arango_block_live", False),
        rootdir=Path(config.rootpath),
        explicit=frozenset(k for k, opt in _EXPLICIT.items() if config.getoption(opt) is not None),
    )
    if match_on:
        settings.match_on = tuple(m.strip() for m in match_on.split(",") if m.strip())
    if mode in ("live", "verify") and not settings.url:
        raise pytest.UsageError(f"--arango-mode={mode} needs --arango-url (or ARANGO_URL)")
    if mode in ("live", "verify") and settings.block_live:
        raise pytest.UsageError(
            f"--arango-mode={mode} talks to a live server: drop --arango-block-live"
        )
    if mode == "record" and not settings.url and not settings.record_emulator:
        raise pytest.UsageError(
            "--arango-mode=record needs --arango-url (the server to record), or "
            "--arango-record-emulator=true to record the emulator's answers"
        )
    config._arangomock_settings = settings  # type: ignore[attr-defined]
    return settings


def _check_server(config: pytest.Config, settings: Settings) -> None:
    """Fail the session at start, in one line, when the live server cannot be reached."""
    if not settings.url or settings.block_live or settings.mode not in ("live", "record", "verify"):
        return
    # the backends (aiohttp, vcrpy) load only in the modes that reach a server
    from .backends.live import probe

    found = probe(settings.url, settings.password)
    if isinstance(found, str):
        raise pytest.UsageError(found)
    settings.server = found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "arango(*cassettes, cassette=None, cassettes=None, record_mode=None, "
        "allow_unused=None, match_on=None, verify=None, intercept=None, coordinators=None, "
        "restore=None): "
        "per-test pytest-arangomock options. cassette: this test's cassette (relative to its "
        "module's cassette folder); cassettes / positional: more cassettes replayed read-only; "
        "record_mode: once, rewrite, new_episodes, all or none; allow_unused: recorded "
        "interactions may go unused; match_on: request matchers; verify: fail or warn on "
        "differences; intercept: the URLs arango_intercept routes; coordinators: how many "
        "arango_coordinators to serve; restore: an arangodump directory (relative to the rootdir) "
        "loaded into the test's database",
    )
    config.addinivalue_line(
        "markers",
        "arango_fault(kind, times=1, method=None, path=None, collection=None, query=None, "
        "host=None, error_num=1200, status=409, message=None, seconds=0.0): a fault for the "
        "next matching requests of this test's emulator (conflict, error, delay, drop, "
        "unavailable)",
    )
    _check_server(config, _settings(config))


def pytest_report_header(config: pytest.Config) -> str | None:
    s = _settings(config)
    if s.mode == "emulate":
        return None
    where = f", server {s.url}" if s.url else ""
    where_tapes = s.cassette_dir or "a cassettes/ folder beside each test module"
    tape = f", cassettes in {where_tapes}" if s.mode in ("record", "replay") else ""
    return f"arangomock: --arango-mode={s.mode}{where}{tape}"


def _root_password(config: pytest.Config) -> str:
    s = _settings(config)
    return s.emulator_password


# ------------------------------------------------------------ per-test runs


_SAFE = re.compile(r"[^A-Za-z0-9_.\-\[\]=,+]")


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    """The ``arango`` markers' keywords, closest first; positional cassettes accumulate."""
    options: dict[str, Any] = {}
    extra: list[Any] = []
    for mark in reversed(list(node.iter_markers("arango"))):  # closest marker wins
        options.update(mark.kwargs)
        extra.extend(mark.args)
    if extra:
        options["cassettes"] = [*extra, *_as_list(options.get("cassettes"))]
    return options


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, (str, os.PathLike)) else list(value)


def _cassette_folder(node: pytest.Item, settings: Settings, root: Path | None) -> Path:
    """``<test dir>/cassettes/<module>``, or ``<root>/<test dir from rootdir>/<module>``:
    same-named modules in two packages never share a folder."""
    module = node.path
    if root is None:
        return module.parent / "cassettes" / module.stem
    try:
        relative = module.parent.relative_to(settings.rootdir)
    except ValueError:
        relative = Path()
    return root / relative / module.stem


def _cassette_file(folder: Path, name: Any, suffix: str) -> Path:
    path = Path(name)
    if not path.suffix:
        path = path.with_suffix(suffix)
    return path if path.is_absolute() else folder / path


def _test_name(node: pytest.Item) -> str:
    parts = node.nodeid.split("::")
    return _SAFE.sub("_", ".".join(parts[1:]) or node.name)


_CONFIG_KEYS = frozenset(
    {
        "record_mode",
        "allow_unused",
        "match_on",
        "verify",
        "cassette_dir",
        "before_record_request",
        "before_record_response",
        "redact_defaults",
        "redact_headers",
        "redact_fields",
        "redact_patterns",
    }
)


def _run_options(node: pytest.Item, settings: Settings, config: dict[str, Any]) -> RunOptions:
    """This test's options: ini and ``--arango-*`` settings, then ``arango_config``, then the
    ``arango`` marker; an option given on the command line wins over both."""
    unknown = sorted(set(config) - _CONFIG_KEYS)
    if unknown:
        raise ValueError(
            f"arango_config: unknown key(s) {', '.join(unknown)}; known: "
            + ", ".join(sorted(_CONFIG_KEYS))
        )
    marker = _marker_options(node)
    merged: dict[str, Any] = {**config, **marker}
    for key in settings.explicit:
        merged.pop(key, None)  # the command line's value is the setting's
    match_on = merged.get("match_on")
    if isinstance(match_on, str):
        match_on = tuple(m.strip() for m in match_on.split(","))
    allow_unused = merged.get("allow_unused")
    root = settings.cassette_dir
    if "cassette_dir" in merged:
        root = Path(settings.rootdir, merged["cassette_dir"])
    folder = _cassette_folder(node, settings, root)
    suffix = "." + settings.cassette_format
    own = _cassette_file(folder, marker.get("cassette") or _test_name(node), suffix)
    redaction = settings.redaction
    if any(k.startswith("redact_") for k in config):
        redaction = Redaction(
            defaults=bool(config.get("redact_defaults", redaction.defaults)),
            headers=(*redaction.headers, *_as_list(config.get("redact_headers"))),
            fields=(*redaction.fields, *_as_list(config.get("redact_fields"))),
            patterns=(*redaction.patterns, *_as_list(config.get("redact_patterns"))),
        )
    return RunOptions(
        cassette=own,
        record_mode=None if merged.get("record_mode") is None else str(merged["record_mode"]),
        allow_unused=None if allow_unused is None else bool(allow_unused),
        match_on=None if match_on is None else tuple(match_on),
        verify=None if merged.get("verify") is None else str(merged["verify"]),
        extra_cassettes=tuple(
            _cassette_file(folder, c, suffix) for c in _as_list(merged.get("cassettes"))
        ),
        before_record_request=config.get("before_record_request"),
        before_record_response=config.get("before_record_response"),
        redaction=redaction,
        metadata={"test": node.nodeid},
    )


def _database_name(node: pytest.Item) -> str:
    """Unique and readable: test_<test name>_<random> (ArangoDB's traditional name rules)."""
    slug = re.sub(r"[^A-Za-z0-9_]", "_", node.name)[:40]
    return f"t_{slug}_{os.urandom(4).hex()}"  # secrets.token_hex, without its import


_RUN_KEY = pytest.StashKey["Run"]()
_DB_NAME_KEY = pytest.StashKey[str]()


def _forget_run(node: pytest.Item) -> None:
    """Let go of the test's run when its fixtures end: pytest keeps every item (and its
    stash) until the session ends, and a run holds its emulator's whole state."""
    stash = node.stash
    if _RUN_KEY in stash:
        del stash[_RUN_KEY]
    if _DB_NAME_KEY in stash:
        del stash[_DB_NAME_KEY]


#: fixtures that share this test's run with ``arango_db``: when a test asks for any of them,
#: ``arango_db`` takes the run and database from the fixture chain instead of its shortcut
_SHARING = frozenset(
    {
        "_arangomock_run",
        "arango_emulator",
        "arango_backend",
        "arango_faults",
        "arango_database_name",
        "arango_client",
        "arango_sys_db",
        "arango_sync_client",
        "arango_sync_db",
        "aioarango_client",
        "aioarango_db",
        "arango_url",
        "arango_intercept",
        "arango_coordinators",
    }
)


@pytest.hookimpl(trylast=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Runs after the test body passed: surface what the body could not see."""
    __tracebackhide__ = True
    run = item.stash.get(_RUN_KEY, None)
    problem = run.problem() if run is not None else None
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A request the cassette could not answer fails the test with our short report instead
    of the driver's traceback; verify drift is shown whether or not the test failed.

    A new-style wrapper: pluggy runs it with less work than an old-style hookwrapper, and
    it runs for the three reports of every test of the session."""
    report = yield
    run = item.stash.get(_RUN_KEY, None)
    if run is None or call.when == "teardown":
        return report
    failure = run.failure_report()
    if failure and report.failed:
        report.longrepr = failure
    drift = run.drift_report() if call.when == "call" else None
    if drift and drift not in str(report.longrepr or ""):
        report.sections.append(("arangomock: emulator drift", drift))
    return report


@pytest.fixture(scope="session")
def arango_settings(pytestconfig: pytest.Config) -> Settings:
    """The resolved ``--arango-*`` options of this run."""
    return _settings(pytestconfig)


@pytest.fixture(scope="session")
def _arangomock_live(arango_settings: Settings) -> Iterator[LiveBackend | None]:
    """One connection pool to the live server for the whole session (or ``None``)."""
    if arango_settings.mode in ("emulate", "replay"):  # no server: no HTTP clients to load
        yield None
        return
    from .backends.factory import open_live  # HTTP clients load when a session asks

    live = open_live(arango_settings)
    try:
        yield live
    finally:
        if live is not None:
            live.close()


def _skip_emulator(settings: Settings) -> None:
    pytest.skip(
        f"arango_emulator is not available in --arango-mode={settings.mode}: the test runs "
        "against "
        + ("recorded answers" if settings.mode == "replay" else "a real server")
        + "; use the driver fixtures (arango_db, arango_client...) instead"
    )


class _Kit(NamedTuple):
    """What emulate mode's fixtures build from (see ``_emulate_kit``)."""

    client: Any  # arangoasync.ArangoClient
    emulator: type[Emulator]
    run: type[EmulatorRun]
    transport: Any  # transports.arangoasync.InProcessHTTPClient


@functools.cache
def _emulate_kit() -> _Kit:
    """The classes emulate mode's fixtures build from. They load when the first test asks
    for them (pytest starts without the emulator and the driver) and are kept here: import
    statements in a fixture cost a few microseconds in every test."""
    from arangoasync import ArangoClient

    from .backends.runs import EmulatorRun
    from .emulator import Emulator
    from .transports.arangoasync import InProcessHTTPClient

    return _Kit(ArangoClient, Emulator, EmulatorRun, InProcessHTTPClient)


@functools.cache
def _auth_class() -> Any:
    """arangoasync's ``Auth``, without the emulator (replay and live modes use it too)."""
    from arangoasync.auth import Auth

    return Auth


def _new_emulator(node: pytest.Item, settings: Settings) -> Emulator:
    """The emulator a test gets: the session's server options and the test's own faults."""
    emulator = _emulate_kit().emulator(
        root_password=settings.emulator_password, vector_index=settings.vector_index
    )
    for mark in node.iter_markers("arango_fault"):  # faults for this test only
        emulator.faults.add(*mark.args, **mark.kwargs)
    return emulator


@pytest.fixture
def arango_emulator(
    request: pytest.FixtureRequest, arango_settings: Settings
) -> Iterator[Emulator]:
    """A fresh in-memory ArangoDB 3.12 for this test: seed and inspect its state.

    Only in emulate mode, and in record mode without a server (the emulator is recorded).
    Its server tasks stop when the test ends.
    """
    from .backends.runs import EmulatorRun

    s = arango_settings
    node = request.node
    assert isinstance(node, pytest.Item)
    shared = node.stash.get(_RUN_KEY, None)
    if isinstance(shared, EmulatorRun):  # made by arango_db's shortcut (which closes it)
        yield shared.emulator
        return
    if s.mode == "emulate" or (s.mode == "record" and not s.url):
        emulator = _new_emulator(node, s)
        yield emulator
        emulator.close()
        return
    _skip_emulator(s)
    raise AssertionError("unreachable")  # pragma: no cover


@pytest.fixture
def arango_root_password(request: pytest.FixtureRequest) -> str:
    """root's password on the server the fixtures talk to."""
    return _root_password(request.config)


@pytest.fixture(scope="session")
def arango_config() -> dict[str, Any]:
    """Per-scope cassette options, like pytest-recording's ``vcr_config``: override it in a
    conftest, module or class (any scope) and return a dict with any of ``record_mode``,
    ``allow_unused``, ``match_on``, ``verify``, ``cassette_dir``,
    ``before_record_request``/``before_record_response`` (vcrpy hooks run before a cassette
    is written) and ``redact_defaults``/``redact_headers``/``redact_fields``/
    ``redact_patterns``. The ``arango`` marker overrides it; the command line overrides both.
    """
    return {}


@pytest.fixture
def _arangomock_run(
    request: pytest.FixtureRequest,
    arango_settings: Settings,
    _arangomock_live: LiveBackend | None,
) -> Iterator[Run]:
    """This test's backend and its lifecycle, from the one backend factory."""
    from .backends.runs import CassetteError, EmulatorRun

    node = request.node
    assert isinstance(node, pytest.Item)
    shared = node.stash.get(_RUN_KEY, None)
    if shared is not None:  # arango_db's shortcut made the run (and finishes it)
        yield shared
        return

    def emulator() -> Emulator:
        visible: Emulator = request.getfixturevalue("arango_emulator")
        return visible

    try:
        options = _run_options(node, arango_settings, request.getfixturevalue("arango_config"))
        if arango_settings.mode == "emulate":  # as open_run would, without loading the others
            run: Run = EmulatorRun(emulator())
        else:
            from .backends.factory import open_run  # vcrpy, aiohttp: when a mode needs them

            run = open_run(arango_settings, options, live=_arangomock_live, emulator=emulator)
    except (CassetteError, ValueError) as exc:
        failure = str(exc)
    else:
        failure = ""
    if failure:  # outside the except block: no chained traceback in the report
        pytest.fail(failure, pytrace=False)
    node.stash[_RUN_KEY] = run
    try:
        yield run
        failure = run.finish() or ""
    finally:
        _forget_run(node)
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.fixture
def arango_backend(_arangomock_run: Run) -> Backend:
    """What answers this test's requests (emulator, live, cassette or verify backend)."""
    return _arangomock_run.backend


@pytest.fixture
def arango_faults(_arangomock_run: Run) -> FaultsBackend:
    """This test's backend behind a coordinator fault switch; the driver fixtures use it.

    ``arango_faults.host_down(url)`` makes requests to ``url`` fail with the driver's
    connection error, ``unavailable(url)`` answers them 503; ``clear()`` ends both.
    """
    return _arangomock_run.faults


@pytest.fixture
def arango_database_name(request: pytest.FixtureRequest, _arangomock_run: Run) -> Iterator[str]:
    """The name of this test's fresh database (created before, dropped after the test)."""
    from .backends.runs import CassetteError

    node = request.node
    assert isinstance(node, pytest.Item)
    shared = node.stash.get(_DB_NAME_KEY, None)
    if shared is not None:  # arango_db's shortcut made the database (and drops it)
        yield shared
        return
    with contextlib.ExitStack() as stack:
        try:
            name = stack.enter_context(_arangomock_run.database(lambda: _database_name(node)))
        except CassetteError as exc:
            failure = str(exc)
        else:
            failure = ""
        if failure:
            pytest.fail(failure, pytrace=False)
        restore = _marker_options(node).get("restore")
        if restore:
            _restore(request.config.rootpath / str(restore), _arangomock_run, name)
        yield name


def _restore(path: Path, run: Run, database: str) -> None:
    """Load an arangodump directory into the test's database: straight into an in-process
    emulator's state, else route by route through the test's backend (so a cassette
    records the restore like any other request)."""
    from .backends.restore import restore_over_http
    from .backends.runs import EmulatorRun
    from .base.errors import ArangoError

    try:
        if isinstance(run, EmulatorRun):
            run.emulator.restore(path, database)
        else:
            restore_over_http(run.backend, path, database, run.password)
    except (ArangoError, ValueError, RuntimeError) as exc:
        failure = f"arangomock: cannot restore {path}: {exc}"
    else:
        return
    pytest.fail(failure, pytrace=False)


@pytest_asyncio.fixture
async def arango_client(_arangomock_run: Run) -> AsyncIterator[Any]:
    """An open ``arangoasync.ArangoClient`` wired in-process to this test's backend."""
    from arangoasync import ArangoClient

    from .transports.arangoasync import InProcessHTTPClient

    client = ArangoClient(
        hosts=DEFAULT_HOST, http_client=InProcessHTTPClient(_arangomock_run.faults)
    )
    try:
        yield client
    finally:
        await client.close()


def _database_now(client: Any, name: str, password: str) -> Any:
    """``await client.db(name, auth=...)`` without an event loop: without ``verify`` the
    driver sends no request and the coroutine ends at its first step. This lets
    ``arango_db`` be a plain fixture, which pytest-asyncio sets up about 0.3 ms faster
    than an async one and which suits a test of any loop scope."""
    step = client.db(name, auth=_auth_class()("root", password))
    try:
        step.send(None)
    except StopIteration as done:
        return done.value
    step.close()
    raise RuntimeError("arangomock: arangoasync's client.db() waited without verify=True")


@pytest.fixture
def arango_sys_db(arango_client: Any, arango_root_password: str) -> Any:
    """The ``_system`` database as root (a plain fixture, as ``arango_db``)."""
    return _database_now(arango_client, "_system", arango_root_password)


@pytest.fixture
def arango_db(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh, uniquely named database for this test (as root), dropped afterwards.

    The common case, an emulate-mode test asking for ``arango_db`` and nothing that shares
    its run, takes a shortcut: the emulator, run, database and client are made here, with no
    chain of fixtures (each costs set-up and tear-down in every test). Otherwise they come
    from the chain, so that every fixture of the test sees the same backend.
    """
    node = request.node
    assert isinstance(node, pytest.Item)
    settings = _settings(request.config)
    password = settings.emulator_password
    if settings.mode != "emulate" or not _SHARING.isdisjoint(request.fixturenames):
        name: str = request.getfixturevalue("arango_database_name")
        yield _database_now(request.getfixturevalue("arango_client"), name, password)
        return
    kit = _emulate_kit()
    run = kit.run(_new_emulator(node, settings))
    node.stash[_RUN_KEY] = run
    created: str | None = None
    try:
        created = node.stash[_DB_NAME_KEY] = run.new_database()
        restore = _marker_options(node).get("restore")
        if restore:
            _restore(request.config.rootpath / str(restore), run, created)
        # the in-process client holds no connection: nothing to close afterwards
        client = kit.client(hosts=DEFAULT_HOST, http_client=kit.transport(run.faults))
        yield _database_now(client, created, password)
        failure = run.finish() or ""
    finally:  # a fixture asked for later (getfixturevalue) may have handed out the emulator
        run.end(created, seen=not _SHARING.isdisjoint(request.fixturenames))
        _forget_run(node)
    if failure:
        pytest.fail(failure, pytrace=False)


@pytest.fixture
def arango_sync_client(_arangomock_run: Run) -> Iterator[Any]:
    """A python-arango ``ArangoClient`` wired in-process to this test's backend."""
    from arango.client import ArangoClient

    from .transports.python_arango import InProcessSyncHTTPClient

    client = ArangoClient(
        hosts=DEFAULT_HOST, http_client=InProcessSyncHTTPClient(_arangomock_run.faults)
    )
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
async def aioarango_client(_arangomock_run: Run) -> AsyncIterator[Any]:
    """An aioarango ``ArangoClient`` wired in-process to this test's backend."""
    from aioarango import ArangoClient

    from .transports.aioarango import InProcessAioArangoHTTPClient

    client = ArangoClient(
        hosts=DEFAULT_HOST, http_client=InProcessAioArangoHTTPClient(_arangomock_run.faults)
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
    request: pytest.FixtureRequest, arango_settings: Settings, arango_faults: FaultsBackend
) -> Iterator[str]:
    """A URL serving this test's backend over real HTTP (for code that builds clients).

    Live mode gives the server's own URL; the other modes a loopback server.
    """
    if arango_settings.mode == "live":
        yield arango_settings.url
        return
    switch, url = request.getfixturevalue("_arangomock_served")
    switch.target = arango_faults
    try:
        yield url
    finally:
        switch.target = None
