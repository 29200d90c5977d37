"""One factory for what answers a test: ``mode, settings -> Run`` (a backend and its hooks).

The pytest plugin and the contract suite both build their backends here, so neither needs
to know which backend classes a mode puts together. A :class:`Run` offers the lifecycle
around one test:

* :meth:`Run.database`: a fresh database wherever the test's requests go, dropped after;
* :meth:`Run.problem`: why a test whose body passed must fail anyway (an unmatched request
  the driver swallowed, a difference between the emulator and the live server);
* :meth:`Run.finish`: save what was recorded, and report what the test left wrong
  (recorded interactions nobody asked for).
"""

from __future__ import annotations

import contextlib
import datetime
import importlib.metadata
import itertools
from collections.abc import Callable, Iterator
from typing import Any

from ..backend import Backend
from ..base.constants import VERSION
from ..emulator import Emulator
from ..settings import MODES, RunOptions, Settings
from .faults import FaultsBackend
from .live import BlockedLiveBackend, LiveBackend, create_database, drop_database
from .record import CassetteBackend, check_record_mode
from .redact import RedactionRules
from .replay import CassetteError
from .verify import VerifyBackend, baseline_names, drift_report

__all__ = [
    "MODES",
    "CassetteRun",
    "EmulatorRun",
    "Run",
    "RunOptions",
    "Settings",
    "VerifyRun",
    "open_live",
    "open_run",
]

_db_counter = itertools.count(1)


class Run:
    """One test's backend with nothing to prepare or check: a live server, a custom backend.

    Databases are created and dropped through the backend's HTTP API, as root.
    """

    def __init__(self, backend: Backend, password: str = "") -> None:
        self.backend = backend
        self.password = password
        #: the backend behind this test's coordinator fault switch: what clients talk to
        self.faults = FaultsBackend(backend)

    def _database_targets(self) -> list[Backend]:
        """Where a test database must exist for the test's requests to find it."""
        return [self.backend]

    @contextlib.contextmanager
    def database(self, name: Callable[[], str]) -> Iterator[str]:
        """A fresh database named ``name()`` for the test; dropped afterwards."""
        with self._created(name()) as chosen:
            yield chosen

    @contextlib.contextmanager
    def _created(self, chosen: str) -> Iterator[str]:
        """Database ``chosen`` on every target while the block runs."""
        targets = self._database_targets()
        for target in targets:
            create_database(target, chosen, self.password)
        try:
            yield chosen
        finally:
            for target in targets:
                drop_database(target, chosen, self.password)

    def problem(self) -> str | None:
        """Why the test must fail although its body passed (swallowed errors, drift)."""
        return None

    def failure_report(self) -> str | None:
        """The short report that replaces a failed test's traceback (a request the cassette
        could not answer: the driver's frames say nothing about it)."""
        return None

    def drift_report(self) -> str | None:
        """The emulator's differences from the live server, whatever the test's outcome."""
        return None

    def finish(self) -> str | None:
        """Save what the run recorded; why the test fails at teardown, if it does."""
        return None


class EmulatorRun(Run):
    """A fresh in-memory emulator; databases are made in its state (microseconds)."""

    def __init__(self, emulator: Emulator) -> None:
        super().__init__(emulator)
        self.emulator = emulator

    @contextlib.contextmanager
    def database(self, name: Callable[[], str]) -> Iterator[str]:
        """A uniquely numbered database created straight in the state, dropped after."""
        chosen = f"test_{next(_db_counter)}"
        server = self.emulator.server
        with server.lock:
            server.create_database(chosen)
        try:
            yield chosen
        finally:
            with server.lock:
                if chosen in server.databases:
                    server.drop_database(chosen)


class CassetteRun(Run):
    """Record or replay a cassette; recorded interactions are saved at the end."""

    def __init__(self, backend: CassetteBackend, password: str, allow_unused: bool) -> None:
        super().__init__(backend, password)
        self.cassette = backend
        self.allow_unused = allow_unused

    def _database_targets(self) -> list[Backend]:
        assert self.cassette.inner is not None  # recording always has an inner backend
        return [self.cassette.inner]

    @contextlib.contextmanager
    def database(self, name: Callable[[], str]) -> Iterator[str]:
        """The recorded database when replaying; else a new one, remembered in the cassette.

        Raises :class:`CassetteError` for a replayed cassette that records no database.
        """
        cassette = self.cassette
        recorded = cassette.recorded_database()
        if not cassette.records:
            if not isinstance(recorded, str):
                raise CassetteError(
                    f"arangomock: cassette {cassette.path} records no database: it was not "
                    "recorded by a test using arango_db; re-record it"
                )
            yield recorded
            return
        with self._created(recorded if isinstance(recorded, str) else name()) as chosen:
            cassette.set_metadata("database", chosen)  # only once it exists: replay relies on it
            yield chosen

    def problem(self) -> str | None:
        return str(self.cassette.errors[0]) if self.cassette.errors else None

    def failure_report(self) -> str | None:
        return self.problem()

    def finish(self) -> str | None:
        self.cassette.save()
        if self.allow_unused or self.cassette.errors:  # a failed test reports its own error
            return None
        try:
            self.cassette.check_unused()
        except CassetteError as exc:
            return str(exc)
        return None


class VerifyRun(Run):
    """Every request to the live server and to an emulator; databases on both."""

    def __init__(self, backend: VerifyBackend, password: str) -> None:
        super().__init__(backend, password)
        self.verify = backend

    def _database_targets(self) -> list[Backend]:
        return [self.verify.live, self.verify.emulator]

    def problem(self) -> str | None:
        return self.verify.failure()

    def drift_report(self) -> str | None:
        return drift_report(self.verify.drifts) if self.verify.drifts else None


def open_live(settings: Settings) -> LiveBackend | None:
    """A connection pool to the live server when the mode talks to one (else ``None``)."""
    if not settings.url or settings.mode in ("emulate", "replay"):
        return None
    if settings.block_live:
        return BlockedLiveBackend(settings.url)  # type: ignore[return-value]
    return LiveBackend(settings.url)


def _plugin_version() -> str:
    try:
        return importlib.metadata.version("pytest-arangomock")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
        return "unknown"


def recording_metadata(settings: Settings, from_live: bool) -> dict[str, Any]:
    """Where a recording comes from: server version and edition, live or emulator, when,
    and which plugin version wrote it."""
    if from_live:
        server = {k: v for k, v in settings.server.items() if k in ("version", "license")}
    else:
        server = {"version": VERSION, "license": "enterprise"}
    return {
        "recorded_from": "live" if from_live else "emulator",
        "server": server,
        "recorded_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "plugin": f"pytest-arangomock {_plugin_version()}",
    }


def open_run(
    settings: Settings,
    options: RunOptions | None = None,
    *,
    live: Backend | None = None,
    emulator: Callable[[], Emulator] | None = None,
) -> Run:
    """The backend and lifecycle of one test in ``settings.mode``.

    ``live`` is the shared pool of :func:`open_live`; ``emulator`` gives the emulator the
    test itself sees (emulate mode, and record mode without a server, where it is
    recorded); by default a fresh one with root's password from ``settings``. Invalid
    options raise :class:`ValueError` or :class:`CassetteError` (a missing cassette).
    """
    opts = options or RunOptions()
    password = settings.emulator_password

    def fresh_emulator() -> Emulator:
        return Emulator(root_password=password, vector_index=settings.vector_index)

    visible = emulator or fresh_emulator
    mode = settings.mode
    if mode == "emulate":
        return EmulatorRun(visible())
    if mode == "live":
        if live is None:
            raise ValueError("--arango-mode=live needs --arango-url (or ARANGO_URL)")
        return Run(live, password)
    if mode == "verify":
        if live is None:
            raise ValueError("--arango-mode=verify needs --arango-url (or ARANGO_URL)")
        verify = VerifyBackend(
            live,
            fresh_emulator(),
            on_diff=opts.verify if opts.verify is not None else settings.verify,
            ignore=settings.verify_ignore,
            baseline=baseline_names(live, password),
        )
        return VerifyRun(verify, password)
    if mode not in ("record", "replay"):
        raise ValueError(f"arango_mode must be one of {', '.join(MODES)}, not {mode!r}")
    record_mode = check_record_mode(
        opts.record_mode if opts.record_mode is not None else settings.record_mode
    )
    inner: Backend | None = None
    if mode == "replay":
        record_mode = "none"  # replay never reaches a server
        asked = "--arango-mode=replay"
    else:
        inner = live if live is not None else visible() if settings.record_emulator else None
        asked = f"--arango-mode=record --arango-record-mode={record_mode}"
    folder = settings.cassette_dir or settings.rootdir / "cassettes"
    cassette = CassetteBackend(
        opts.cassette or folder / f"cassette.{settings.cassette_format}",
        record_mode=record_mode,
        inner=inner,
        match_on=tuple(opts.match_on if opts.match_on is not None else settings.match_on),
        rules=RedactionRules.configured(opts.redaction or settings.redaction),
        extra=opts.extra_cassettes,
        before_record_request=opts.before_record_request,
        before_record_response=opts.before_record_response,
        asked=asked,
        metadata={**recording_metadata(settings, live is not None), **opts.metadata},
    )
    allow_unused = opts.allow_unused if opts.allow_unused is not None else settings.allow_unused
    return CassetteRun(cassette, password, bool(allow_unused))
