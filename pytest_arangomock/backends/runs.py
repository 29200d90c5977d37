"""What every test's backend offers around one test (:class:`Run`), and the emulator's run.

Kept apart from the other backends so that emulate mode, the common case, loads neither
vcrpy nor aiohttp: :mod:`.factory` builds the runs of the other modes on top of these.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from ..backend import Backend, BackendRequest, BackendResponse, answer_sync
from ..emulator import Emulator
from .faults import FaultsBackend

__all__ = ["CassetteError", "EmulatorRun", "Run", "create_database", "drop_database"]


class CassetteError(Exception):
    """A cassette could not answer the way the test needed."""


def _root_request(
    backend: Backend, method: str, path: str, password: str, body: Any = None
) -> BackendResponse:
    token = base64.b64encode(f"root:{password}".encode()).decode("ascii")
    headers = {"authorization": f"Basic {token}"}
    data = b""
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    return answer_sync(backend, BackendRequest(method, path, {}, headers, data))


def create_database(backend: Backend, name: str, password: str) -> None:
    """Create database ``name`` through the HTTP API as root (replacing a leftover one)."""
    resp = _root_request(backend, "POST", "/_api/database", password, {"name": name})
    if resp.status == 409:  # left behind by an interrupted run: start clean
        drop_database(backend, name, password)
        resp = _root_request(backend, "POST", "/_api/database", password, {"name": name})
    if resp.status not in (200, 201):
        raise RuntimeError(
            f"arangomock: could not create database {name!r} as root: HTTP {resp.status} "
            f"{resp.body[:300].decode('utf-8', errors='replace')}"
        )


def drop_database(backend: Backend, name: str, password: str) -> None:
    """Drop database ``name`` as root; a missing one is fine."""
    resp = _root_request(backend, "DELETE", f"/_api/database/{quote(name, safe='')}", password)
    if resp.status not in (200, 202, 404):
        raise RuntimeError(
            f"arangomock: could not drop database {name!r}: HTTP {resp.status} "
            f"{resp.body[:300].decode('utf-8', errors='replace')}"
        )


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
        chosen = self.new_database()
        try:
            yield chosen
        finally:
            self.drop(chosen)

    def new_database(self) -> str:
        """A uniquely numbered database created straight in the state, left in place."""
        chosen = f"test_{next(_db_counter)}"
        server = self.emulator.server
        with server.lock:
            server.create_database(chosen)
        return chosen

    def drop(self, database: str) -> None:
        """Drop ``database`` if it is still there."""
        server = self.emulator.server
        with server.lock:
            if database in server.databases:
                server.drop_database(database)

    def end(self, database: str | None, *, seen: bool) -> None:
        """Stop the emulator's server tasks after the test. An emulator the test never
        ``seen`` (no fixture handed it out) is discarded whole, which frees its state at
        once; one it saw stays readable, without the test's database."""
        emulator = self.emulator
        emulator.close()
        if not seen:
            emulator.server.discard()
        elif database is not None:
            self.drop(database)
