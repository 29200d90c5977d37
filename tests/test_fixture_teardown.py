"""What a test leaves behind: pytest keeps every item until the session ends, so the run of
an ``arango_db`` test must not stay on it, and a test's emulator nobody else saw is freed
by reference counting, without a pass of the cycle collector."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_arangomock import Emulator
from pytest_arangomock.backends.runs import EmulatorRun
from pytest_arangomock.plugin import _DB_NAME_KEY, _RUN_KEY


@pytest.fixture
def after(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Set up before ``arango_db``, so torn down after it: what remains of its run."""
    box: dict[str, Any] = {}
    yield box
    stash = request.node.stash
    assert _RUN_KEY not in stash and _DB_NAME_KEY not in stash
    server = box["server"]
    assert server.databases == {}  # discarded whole: nobody else held the emulator
    assert box["collection"]() is None and box["database"]() is None


async def test_the_run_is_let_go_after_the_test(
    after: dict[str, Any], arango_db: Any, request: pytest.FixtureRequest
) -> None:
    col = await arango_db.create_collection("c")
    await col.insert({"_key": "k"})
    run = request.node.stash[_RUN_KEY]
    server = run.emulator.server
    db = server.databases[arango_db.name]
    after.update(
        server=server,
        database=weakref.ref(db),
        collection=weakref.ref(db.collections["c"]),
    )


def test_a_discarded_server_is_freed_without_the_cycle_collector() -> None:
    emulator = Emulator()
    run = EmulatorRun(emulator)
    name = run.new_database()
    server = emulator.server
    db = server.database(name)
    edges = db.create_collection("e", 3)
    db.collections["_graphs"]  # builds the system collections too
    refs = [weakref.ref(x) for x in (server, db, edges, server.database("_system"), emulator)]
    del db, edges, server
    enabled = gc.isenabled()
    gc.disable()
    try:
        run.end(name, seen=False)
        del run, emulator
        assert [ref() for ref in refs] == [None] * len(refs)
    finally:
        if enabled:
            gc.enable()


def test_an_emulator_the_test_saw_stays_readable() -> None:
    run = EmulatorRun(Emulator())
    name = run.new_database()
    run.end(name, seen=True)
    server = run.emulator.server
    assert name not in server.databases
    assert "_users" in server.database("_system").collections
