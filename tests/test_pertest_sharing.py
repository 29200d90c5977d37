"""What every test's server shares with the others in the process: root's salt and the
digests computed under it. Sharing them must not let one server's password open another."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.exceptions import ServerConnectionError

from pytest_arangomock import Emulator
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

Connect = Callable[[Emulator, str], AbstractAsyncContextManager[Any]]


@pytest.fixture
def connect() -> Connect:
    """``async with connect(emulator, password) as sys_db``: root on ``_system``, verified."""

    @asynccontextmanager
    async def opened(emulator: Emulator, password: str) -> AsyncIterator[Any]:
        async with ArangoClient(
            hosts="http://arangomock:8529", http_client=InProcessHTTPClient(emulator)
        ) as client:
            yield await client.db("_system", auth=Auth("root", password), verify=True)

    return opened


async def _refused(connect: Connect, emulator: Emulator, password: str) -> None:
    with pytest.raises(ServerConnectionError) as caught:
        async with connect(emulator, password):
            pass
    assert "401" in str(caught.value) or "not authorized" in str(caught.value).lower()


async def test_each_server_accepts_only_its_own_root_password(connect: Connect) -> None:
    first, second = Emulator(root_password="one"), Emulator(root_password="two")
    async with connect(first, "one") as sys_db:
        assert (await sys_db.version())["server"] == "arango"
    async with connect(second, "two") as sys_db:
        assert (await sys_db.version())["server"] == "arango"
    await _refused(connect, first, "two")
    await _refused(connect, second, "one")
    await _refused(connect, Emulator(), "one")  # a fresh server's root has no password


async def test_a_password_changed_on_one_server_stays_on_that_server(connect: Connect) -> None:
    changed, untouched = Emulator(root_password="same"), Emulator(root_password="same")
    async with connect(changed, "same") as sys_db:
        await sys_db.update_user({"user": "root", "password": "other"})
    async with connect(changed, "other") as sys_db:
        assert await sys_db.has_user("root")
    await _refused(connect, changed, "same")
    async with connect(untouched, "same") as sys_db:
        assert await sys_db.has_user("root")
    await _refused(connect, untouched, "other")
    # and a server made afterwards starts from its own setting, not from either
    later = Emulator(root_password="same")
    async with connect(later, "same") as sys_db:
        assert await sys_db.has_user("root")
    await _refused(connect, later, "other")
