"""Driver fixtures for python-arango and aioarango: each test runs in-process and over HTTP.

Over HTTP the drivers use their own default clients (requests, httpx) against a loopback
``arangomock serve``; in-process they use this package's transports.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from pytest_arangomock import Emulator

TRANSPORTS = ["inprocess", "http"]
IN_PROCESS_HOST = "http://arangomock:8529"


def _make_client(
    request: pytest.FixtureRequest, client_class: Any, transport: Any, emulator: Emulator
) -> Any:
    """A driver's client: in-process through ``transport``, or its own client over loopback."""
    if request.param == "inprocess":
        return client_class(hosts=IN_PROCESS_HOST, http_client=transport(emulator))
    return client_class(hosts=request.getfixturevalue("arango_url"))


@pytest.fixture(params=TRANSPORTS)
def pa_client(request: pytest.FixtureRequest, arango_emulator: Emulator) -> Iterator[Any]:
    """A python-arango ``ArangoClient``: in-process, or its requests client over loopback."""
    from arango import ArangoClient

    from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

    client = _make_client(request, ArangoClient, InProcessSyncHTTPClient, arango_emulator)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def pa_sys(pa_client: Any) -> Any:
    return pa_client.db("_system", username="root", password="", verify=True)


@pytest.fixture
def pa_db(pa_client: Any, arango_emulator: Emulator) -> Any:
    arango_emulator.server.create_database("shop")
    return pa_client.db("shop", username="root", password="")


@pytest_asyncio.fixture(params=TRANSPORTS)
async def aio_client(
    request: pytest.FixtureRequest, arango_emulator: Emulator
) -> AsyncIterator[Any]:
    """An aioarango ``ArangoClient``: in-process, or its httpx client over loopback."""
    from aioarango import ArangoClient

    from pytest_arangomock.transports.aioarango import InProcessAioArangoHTTPClient

    client = _make_client(request, ArangoClient, InProcessAioArangoHTTPClient, arango_emulator)
    try:
        yield client
    finally:
        await client.close()


@pytest_asyncio.fixture
async def aio_sys(aio_client: Any) -> Any:
    return await aio_client.db("_system", username="root", password="", verify=True)


@pytest_asyncio.fixture
async def aio_db(aio_client: Any, arango_emulator: Emulator) -> Any:
    arango_emulator.server.create_database("shop")
    return await aio_client.db("shop", username="root", password="")
