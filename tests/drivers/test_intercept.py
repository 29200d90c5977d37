"""Interception: an application's own clients reach the emulator with no code change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import requests

from pytest_arangomock import BackendRequest, Emulator
from pytest_arangomock.intercept import intercept
from pytest_arangomock.serve import ServerThread, serving

from . import inventory_app

pytestmark = pytest.mark.filterwarnings("ignore:Use .content=:DeprecationWarning")  # aioarango

CLOSED = "http://127.0.0.1:9"  # nothing listens on the discard port


@pytest.fixture
def inventory(arango_emulator: Emulator) -> Emulator:
    arango_emulator.server.create_database("inventory")
    arango_emulator.database("inventory").create_collection("stock")
    return arango_emulator


@pytest.fixture
def other_server() -> Iterator[tuple[Emulator, ServerThread]]:
    """A second, real server on loopback: traffic to it must not be intercepted."""
    other = Emulator()
    with serving(other) as srv:
        yield other, srv


def _stock(emulator: Emulator, sku: str) -> Any:
    return emulator.database("inventory").collection("stock").docs[sku]["stock"]


async def test_python_arango_async_default_client(inventory: Emulator) -> None:
    with intercept(inventory_app.ARANGO_URL, inventory):
        assert await inventory_app.restock_async("bolt", 5) == 5
        assert await inventory_app.restock_async("bolt", 2) == 7
    assert _stock(inventory, "bolt") == 7


def test_python_arango_default_client(inventory: Emulator) -> None:
    with intercept(inventory_app.ARANGO_URL, inventory):
        assert inventory_app.restock_sync("nut", 3) == 3
        assert inventory_app.restock_sync("nut", 3) == 6
    assert _stock(inventory, "nut") == 6


async def test_aioarango_default_client(inventory: Emulator) -> None:
    with intercept(inventory_app.ARANGO_URL, inventory):
        assert await inventory_app.restock_aioarango("gear", 1) == 1
    assert _stock(inventory, "gear") == 1


@pytest.mark.arango(intercept=inventory_app.ARANGO_URL)
async def test_fixture_routes_the_marked_url(inventory: Emulator, arango_intercept: Any) -> None:
    assert arango_intercept.urls == [inventory_app.ARANGO_URL]
    assert await inventory_app.restock_async("cog", 4) == 4
    assert inventory_app.restock_sync("cog", 1) == 5
    assert await inventory_app.restock_aioarango("cog", 1) == 6


async def test_default_fixture_covers_the_drivers_default_host(arango_intercept: Any) -> None:
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    async with ArangoClient() as client:  # the driver's default: http://127.0.0.1:8529
        sys_db = await client.db("_system", auth=Auth("root", ""))
        assert (await sys_db.version())["version"].startswith("3.12")


def test_errors_keep_status_and_error_num(inventory: Emulator) -> None:
    from arango import ArangoClient
    from arango.exceptions import CollectionCreateError

    with intercept(inventory_app.ARANGO_URL, inventory):
        client = ArangoClient(hosts=inventory_app.ARANGO_URL)
        db = client.db("inventory", username="root", password="")
        with pytest.raises(CollectionCreateError) as exc:
            db.create_collection("stock")
        assert (exc.value.http_code, exc.value.error_code) == (409, 1207)
        client.close()


async def test_other_hosts_pass_through(
    inventory: Emulator, other_server: tuple[Emulator, ServerThread]
) -> None:
    other, srv = other_server
    auth = ("root", "")
    with intercept(inventory_app.ARANGO_URL, inventory):
        r = requests.post(f"{srv.url}/_api/database", json={"name": "elsewhere"}, auth=auth)
        assert r.status_code == 201
        with httpx.Client(auth=auth) as hc:
            assert hc.get(f"{srv.url}/_api/database/current").json()["result"]["name"] == (
                "_system"
            )
        async with httpx.AsyncClient(auth=auth) as ac:
            assert (await ac.get(f"{srv.url}/_api/version")).json()["version"].startswith("3")
        async with (
            aiohttp.ClientSession(auth=aiohttp.BasicAuth("root", "")) as session,
            session.post(f"{srv.url}/_api/database", json={"name": "more"}) as resp,
        ):
            assert resp.status == 201
    assert {"elsewhere", "more"} <= set(other.server.databases)
    assert not {"elsewhere", "more"} & set(inventory.server.databases)


async def test_every_library_reaches_the_backend(inventory: Emulator) -> None:
    url = inventory_app.ARANGO_URL
    auth = ("root", "")
    with intercept(url, inventory):
        assert requests.get(f"{url}/_api/version", auth=auth).json()["server"] == "arango"
        with httpx.Client() as hc:
            assert hc.get(f"{url}/_api/version", auth=auth).status_code == 200
        async with httpx.AsyncClient() as ac:
            assert (await ac.get(f"{url}/_api/version", auth=auth)).status_code == 200
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/_api/version") as resp:
                assert resp.status == 401  # no credentials: the emulator's own answer
                assert (await resp.json())["errorNum"] == 11
            async with session.head(
                f"{url}/_db/inventory/_api/collection/stock", auth=aiohttp.BasicAuth("root", "")
            ) as resp:
                assert resp.status == 200
                assert await resp.read() == b""
    paths = [r.path for r in inventory.requests]
    assert paths.count("/_api/version") == 3  # the refused (401) request is not kept


def test_url_with_a_path_prefix_is_stripped(inventory: Emulator) -> None:
    with intercept("https://proxy.example/arango/", inventory):
        resp = requests.get("https://proxy.example/arango/_api/version", auth=("root", ""))
        assert resp.json()["server"] == "arango"
        outside = requests.Session().get_adapter("https://proxy.example/other")
        assert type(outside).__name__ == "HTTPAdapter"
    assert inventory.requests[-1].path == "/_api/version"


async def test_interception_ends_with_the_block(arango_emulator: Emulator) -> None:
    with intercept(CLOSED, arango_emulator):
        assert requests.get(f"{CLOSED}/_api/version", auth=("root", "")).status_code == 200
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{CLOSED}/_api/version", timeout=5)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{CLOSED}/_api/version", timeout=5)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{CLOSED}/_api/version")


def test_nested_blocks_route_to_their_own_backends(arango_emulator: Emulator) -> None:
    second = Emulator()
    with intercept("http://a.internal", arango_emulator):
        with intercept("http://b.internal:8529", second):
            requests.post(
                "http://b.internal:8529/_api/database", json={"name": "b"}, auth=("root", "")
            )
        requests.post("http://a.internal/_api/database", json={"name": "a"}, auth=("root", ""))
        with pytest.raises(requests.ConnectionError):
            requests.get("http://b.internal:8529/_api/version", timeout=5)
    assert "a" in arango_emulator.server.databases and "b" in second.server.databases


async def test_echo_body_is_what_aiohttp_sends(arango_url: str, arango_emulator: Emulator) -> None:
    """db.echo() hands the transport a dict; in-process it is form-encoded like aiohttp does."""
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    from pytest_arangomock import InProcessHTTPClient

    bodies = []
    for client in (
        ArangoClient(hosts=arango_url),
        ArangoClient(hosts="http://x:8529", http_client=InProcessHTTPClient(arango_emulator)),
    ):
        async with client:
            sys_db = await client.db("_system", auth=Auth("root", ""))
            bodies.append((await sys_db.echo({"ping": 1, "tags": ["a", "b"]}))["requestBody"])
    assert bodies[0] == bodies[1] == "ping=1&tags=a&tags=b"


def test_request_body_reaches_the_backend_unchanged(arango_emulator: Emulator) -> None:
    seen: list[BackendRequest] = []
    arango_emulator.before.insert(0, lambda _e, r: seen.append(r))
    with intercept("http://db.internal:8529", arango_emulator):
        payload = {"name": "dbx", "users": [{"username": "u"}]}
        requests.post(
            "http://db.internal:8529/_api/database", data=json.dumps(payload), auth=("root", "")
        )
    assert json.loads(seen[-1].body) == payload
    assert seen[-1].headers["authorization"].startswith("Basic ")
