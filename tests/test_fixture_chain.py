"""``arango_db`` alone takes a short fixture chain; whatever else a test asks for (up front or
later with ``request.getfixturevalue``) still sees the same emulator and database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def seen() -> Iterator[dict[str, Any]]:
    """Set up before ``arango_db`` and torn down after it: checks its database is gone."""
    box: dict[str, Any] = {}
    yield box
    if "emulator" in box:
        assert box["name"] not in box["emulator"].server.databases


async def test_alone_a_fresh_database_dropped_afterwards(
    seen: dict[str, Any], arango_db: Any, request: pytest.FixtureRequest
) -> None:
    assert not await arango_db.has_collection("c")
    await arango_db.create_collection("c")
    emulator = request.getfixturevalue("arango_emulator")  # asked late: the same emulator
    assert "c" in emulator.server.database(arango_db.name).collections
    assert request.getfixturevalue("arango_database_name") == arango_db.name
    assert request.getfixturevalue("arango_faults").inner is emulator
    seen.update(emulator=emulator, name=arango_db.name)


async def test_with_the_emulator_up_front(
    seen: dict[str, Any], arango_emulator: Any, arango_db: Any
) -> None:
    col = arango_emulator.server.database(arango_db.name).create_collection("seeded")
    col.store({"_key": "k", "_id": "seeded/k", "_rev": "_r"}, None)
    assert (await arango_db.collection("seeded").get("k"))["_key"] == "k"
    seen.update(emulator=arango_emulator, name=arango_db.name)


async def test_with_the_client_and_sys_db(
    arango_client: Any, arango_sys_db: Any, arango_db: Any
) -> None:
    assert arango_db.name in await arango_sys_db.databases()


async def test_the_shortcut_sends_no_request(
    arango_db: Any, request: pytest.FixtureRequest
) -> None:
    emulator = request.getfixturevalue("arango_emulator")
    assert list(emulator.requests) == []  # database and client made without a request
    await arango_db.collections()
    assert [r.path for r in emulator.requests] == [f"/_db/{arango_db.name}/_api/collection"]


def test_a_sync_test_gets_a_usable_database(arango_db: Any) -> None:
    """The database is made without an event loop, so a plain test can drive it on its own."""
    names = [c.name for c in asyncio.run(arango_db.collections(exclude_system=True))]
    assert names == []
