"""Several coordinators and failover, the way each driver triggers it.

* python-arango-async fails over on ``ClientConnectionError`` only (a 503 is an answer);
* python-arango fails over on ``requests.ConnectionError`` and on 503 with errorNum 503;
* aioarango never fails over: a down host fails that request, the next goes elsewhere.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import requests

from pytest_arangomock import Emulator
from pytest_arangomock.backends.faults import FaultsBackend
from pytest_arangomock.coordinators import Coordinators

pytestmark = pytest.mark.filterwarnings("ignore:Use .content=:DeprecationWarning")  # aioarango

HOSTS = ["http://coord1:8529", "http://coord2:8529"]


# --------------------------------------------------------------------- python-arango-async
def _async_client(backend: FaultsBackend, hosts: list[str] | None, resolver: str) -> Any:
    from arangoasync import ArangoClient

    from pytest_arangomock import InProcessHTTPClient

    if hosts is None:  # in-process
        return ArangoClient(
            hosts=HOSTS, host_resolver=resolver, http_client=InProcessHTTPClient(backend)
        )
    return ArangoClient(hosts=hosts, host_resolver=resolver)  # its default AioHTTPClient


@pytest.mark.parametrize("resolver", ["roundrobin", "single"])
@pytest.mark.parametrize("transport", ["inprocess", "http"])
async def test_arangoasync_fails_over_to_the_live_host(
    request: pytest.FixtureRequest, arango_faults: FaultsBackend, transport: str, resolver: str
) -> None:
    from arangoasync.auth import Auth
    from arangoasync.exceptions import ClientConnectionAbortedError

    hosts = None if transport == "inprocess" else _coordinators(request).urls
    urls = hosts or HOSTS
    async with _async_client(arango_faults, hosts, resolver) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        await db.create_collection("orders")
        arango_faults.host_down(urls[0])
        for n in range(4):
            await db.collection("orders").insert({"n": n})
        assert await db.collection("orders").count() == 4
        arango_faults.host_down(urls[1])
        with pytest.raises(ClientConnectionAbortedError):
            await db.collection("orders").count()
        arango_faults.clear()
        assert await db.collection("orders").count() == 4


async def test_arangoasync_does_not_fail_over_on_503(arango_faults: FaultsBackend) -> None:
    from arangoasync.auth import Auth
    from arangoasync.exceptions import ServerVersionError

    async with _async_client(arango_faults, None, "single") as client:
        db = await client.db("_system", auth=Auth("root", ""))
        arango_faults.unavailable(HOSTS[0])
        with pytest.raises(ServerVersionError) as exc:
            await db.version()
        assert (exc.value.http_code, exc.value.error_code) == (503, 503)
        arango_faults.available(HOSTS[0])
        assert (await db.version())["server"] == "arango"


# --------------------------------------------------------------------- python-arango
def _sync_client(backend: FaultsBackend, hosts: list[str] | None, resolver: str) -> Any:
    from arango import ArangoClient
    from arango.http import DefaultHTTPClient

    from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

    if hosts is None:
        return ArangoClient(
            hosts=HOSTS, host_resolver=resolver, http_client=InProcessSyncHTTPClient(backend)
        )
    # the driver's requests client; no backoff between urllib3's connect retries (6 s each)
    return ArangoClient(
        hosts=hosts, host_resolver=resolver, http_client=DefaultHTTPClient(backoff_factor=0)
    )


@pytest.mark.parametrize("resolver", ["roundrobin", "fallback"])
@pytest.mark.parametrize("transport", ["inprocess", "http"])
@pytest.mark.parametrize("fault", ["host_down", "unavailable"])
def test_python_arango_fails_over(
    request: pytest.FixtureRequest,
    arango_emulator: Emulator,
    arango_faults: FaultsBackend,
    transport: str,
    resolver: str,
    fault: str,
) -> None:
    hosts = None if transport == "inprocess" else _coordinators(request).urls
    urls = hosts or HOSTS
    client = _sync_client(arango_faults, hosts, resolver)
    try:
        db = client.db("_system", username="root", password="")
        orders = db.create_collection("orders")
        getattr(arango_faults, fault)(urls[0])
        for n in range(4):
            orders.insert({"n": n})  # POST: urllib3 does not retry it, 503 reaches the driver
        assert len(arango_emulator.database().collection("orders").docs) == 4
        getattr(arango_faults, fault)(urls[1])
        with pytest.raises(ConnectionAbortedError):
            orders.insert({})
    finally:
        client.close()


def test_python_arango_default_client_retries_503_gets_itself(
    arango_faults: FaultsBackend, arango_coordinators: Coordinators
) -> None:
    """urllib3's retry (503 on GET) ends in RetryError, which python-arango does not fail
    over on; in-process the 503 reaches the driver, which does."""
    urls = arango_coordinators.urls
    client = _sync_client(arango_faults, urls, "fallback")
    try:
        db = client.db("_system", username="root", password="")
        arango_faults.unavailable(urls[0])
        with pytest.raises(requests.exceptions.RetryError):
            db.version()
    finally:
        client.close()
    client = _sync_client(arango_faults, None, "fallback")
    arango_faults.unavailable(HOSTS[0])
    assert client.db("_system", username="root", password="").version().startswith("3.12")


# --------------------------------------------------------------------- aioarango
def _aio_client(backend: FaultsBackend, hosts: list[str] | None) -> Any:
    from aioarango import ArangoClient

    from pytest_arangomock.transports.aioarango import InProcessAioArangoHTTPClient

    if hosts is None:
        return ArangoClient(
            hosts=HOSTS,
            host_resolver="roundrobin",
            http_client=InProcessAioArangoHTTPClient(backend),
        )
    return ArangoClient(hosts=hosts, host_resolver="roundrobin")  # its default httpx client


@pytest.mark.parametrize("transport", ["inprocess", "http"])
async def test_aioarango_request_after_a_failure_goes_to_the_other_host(
    request: pytest.FixtureRequest, arango_faults: FaultsBackend, transport: str
) -> None:
    hosts = None if transport == "inprocess" else _coordinators(request).urls
    urls = hosts or HOSTS
    client = _aio_client(arango_faults, hosts)
    try:
        db = await client.db("_system", username="root", password="")
        orders = await db.create_collection("orders")  # round robin: host 0
        arango_faults.host_down(urls[0])
        await orders.insert({"n": 1})  # host 1
        with pytest.raises(httpx.ConnectError):
            await orders.count()  # host 0: aioarango has no failover
        assert await orders.count() == 1  # host 1
    finally:
        await client.close()


# --------------------------------------------------------------------- interception
@pytest.mark.arango(intercept=HOSTS)
async def test_interception_honours_the_fault_switch(
    arango_faults: FaultsBackend, arango_intercept: Any
) -> None:
    """An application with its own clients and two coordinator URLs, one of them down."""
    from arango import ArangoClient as SyncClient
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    arango_faults.host_down(HOSTS[0])
    async with ArangoClient(hosts=HOSTS, host_resolver="roundrobin") as client:
        db = await client.db("_system", auth=Auth("root", ""))
        await db.create_collection("orders")
        await db.collection("orders").insert({})
    sync = SyncClient(hosts=HOSTS, host_resolver="roundrobin")
    orders = sync.db("_system", username="root", password="").collection("orders")
    orders.insert({})
    arango_faults.clear()
    arango_faults.unavailable(HOSTS[1])
    orders.insert({})  # python-arango fails over on the 503 (a POST urllib3 does not retry)
    arango_faults.clear()  # a GET would be retried on 503 by urllib3, then raise RetryError
    assert orders.count() == 3
    sync.close()


def _coordinators(request: pytest.FixtureRequest) -> Coordinators:
    coordinators: Coordinators = request.getfixturevalue("arango_coordinators")
    return coordinators
