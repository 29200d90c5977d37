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
from collections.abc import Callable, Iterator
from typing import Any

from ..backend import Backend
from ..base.constants import VERSION
from ..emulator import Emulator
from ..settings import MODES, RunOptions, Settings
from .live import BlockedLiveBackend, LiveBackend
from .record import CassetteBackend, check_record_mode
from .redact import RedactionRules
from .runs import CassetteError, EmulatorRun, Run
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
