"""python-arango-async over httpx, aiosonic and the driver's own aiohttp client.

Each test runs once per HTTP library against ``arango_url`` (the emulator on loopback):
whatever carries the bytes, the driver must see the same responses, the same errors, and
``ClientConnectionError`` when a host cannot be reached (its failover depends on it).
"""

from __future__ import annotations

import gzip
import json
import socket
import ssl
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import aiohttp
import aiosonic
import httpx
import pytest
from aiosonic.timeout import Timeouts
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.compression import AcceptEncoding, DefaultCompressionManager
from arangoasync.exceptions import (
    AQLQueryExecuteError,
    ClientConnectionAbortedError,
    ClientConnectionError,
    DocumentDeleteError,
)
from arangoasync.http import HTTPClient
from arangoasync.request import Method, Request

from pytest_arangomock import Emulator
from pytest_arangomock.serve import free_port, serving
from pytest_arangomock.transports.aiosonic_client import AiosonicHTTPClient
from pytest_arangomock.transports.httpx_client import HttpxHTTPClient
from pytest_arangomock.transports.request_log import RequestLog, TracingAioHTTPClient

ROOT = Auth("root", "")
KINDS = ["aiohttp", "httpx", "aiosonic"]

Factory = Callable[..., HTTPClient]


def make_client(kind: str, log: RequestLog | None = None, **kwargs: Any) -> HTTPClient:
    """An HTTP client of ``kind`` feeding ``log`` through that library's own hooks."""
    if kind == "aiohttp":
        return TracingAioHTTPClient(log, **kwargs)
    if log is not None:
        kwargs["event_hooks"] = log.httpx_hooks() if kind == "httpx" else log.aiosonic_hooks()
    if kind == "httpx":
        return HttpxHTTPClient(**kwargs)
    return AiosonicHTTPClient(**kwargs)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def silent_url() -> Iterator[str]:
    """A socket that accepts connections (kernel backlog) but never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
async def shop(arango_emulator: Emulator, arango_url: str) -> AsyncIterator[str]:
    """A ``shop`` database with a ``items`` collection, reached over ``arango_url``."""
    async with ArangoClient(hosts=arango_url) as client:
        sys_db = await client.db("_system", auth=ROOT)
        await sys_db.create_database("shop")
        db = await client.db("shop", auth=ROOT)
        col = await db.create_collection("items")
        await col.insert_many([{"_key": f"k{i}", "n": i} for i in range(5)])
    yield arango_url


async def test_documents_cursors_and_log(kind: str, shop: str) -> None:
    log = RequestLog()
    async with ArangoClient(hosts=shop, http_client=make_client(kind, log)) as client:
        db = await client.db("shop", auth=ROOT)
        col = db.collection("items")
        meta = await col.insert({"_key": "new", "name": "ünïcode ☃"})
        assert (meta["_id"], meta["_key"]) == ("items/new", "new")
        assert (await col.get("new"))["name"] == "ünïcode ☃"
        cursor = await db.aql.execute(
            "FOR d IN items FILTER d.n >= @min SORT d.n RETURN d._key",
            bind_vars={"min": 1},
            batch_size=2,
            count=True,
        )
        assert cursor.count == 4
        assert [key async for key in cursor] == ["k1", "k2", "k3", "k4"]
    calls = log.calls()
    assert ("POST", "/_db/shop/_api/document/items", 202) in calls
    assert ("GET", "/_db/shop/_api/document/items/new", 200) in calls
    assert ("POST", "/_db/shop/_api/cursor", 201) in calls
    more = [c for c in calls if c[1].startswith("/_db/shop/_api/cursor/")]
    assert [(m, s) for m, _, s in more] == [("POST", 200)]


async def test_server_errors_reach_the_driver(kind: str, shop: str) -> None:
    async with ArangoClient(hosts=shop, http_client=make_client(kind)) as client:
        db = await client.db("shop", auth=ROOT)
        assert await db.collection("items").get("missing") is None
        with pytest.raises(DocumentDeleteError) as exc:
            await db.collection("items").delete("missing")
        assert (exc.value.error_code, exc.value.http_code) == (1202, 404)
        with pytest.raises(AQLQueryExecuteError) as aql:
            await db.aql.execute("FOR d IN nope RETURN d")
        assert (aql.value.error_code, aql.value.http_code) == (1203, 404)


async def test_response_is_fully_populated(kind: str, shop: str) -> None:
    http = make_client(kind)
    session = http.create_session(shop)
    try:
        request = Request(
            Method.GET,
            "/_db/shop/_api/document/items/k1",
            params={"x": "a b"},
            auth=ROOT,
        )
        resp = await http.send_request(session, request)
        assert resp.method is Method.GET
        assert resp.url == f"{shop}/_db/shop/_api/document/items/k1?x=a+b"
        assert (resp.status_code, resp.status_text) == (200, "OK")
        assert resp.headers["content-type"].startswith("application/json")
        assert resp.headers["etag"] == f'"{json.loads(resp.raw_body)["_rev"]}"'
        assert json.loads(resp.raw_body)["n"] == 1
        missing = await http.send_request(
            session, Request(Method.GET, "/_db/shop/_api/document/items/zz", auth=ROOT)
        )
        assert (missing.status_code, missing.status_text) == (404, "Not Found")
        assert json.loads(missing.raw_body)["errorNum"] == 1202
        anonymous = await http.send_request(session, Request(Method.GET, "/_api/version"))
        assert anonymous.status_code == 401
    finally:
        await http.close_session(session)


async def _version_request_fails(http: Any, url: str) -> None:
    """``GET /_api/version`` through ``http`` at ``url`` raises ClientConnectionError."""
    session = http.create_session(url)
    try:
        with pytest.raises(ClientConnectionError):
            await http.send_request(session, Request(Method.GET, "/_api/version"))
    finally:
        await http.close_session(session)


async def test_unreachable_host_raises_client_connection_error(kind: str, dead_url: str) -> None:
    http = make_client(kind)
    await _version_request_fails(http, dead_url)


async def test_failover_skips_a_dead_host(kind: str, dead_url: str, shop: str) -> None:
    async with ArangoClient(hosts=[dead_url, shop], http_client=make_client(kind)) as client:
        db = await client.db("shop", auth=ROOT)
        assert await db.collection("items").count() == 5
    async with ArangoClient(hosts=[dead_url], http_client=make_client(kind)) as client:
        db = await client.db("shop", auth=ROOT)
        with pytest.raises(ClientConnectionAbortedError):
            await db.collection("items").count()


_SLOW = {
    "aiohttp": {"timeout": aiohttp.ClientTimeout(total=5, sock_read=0.2)},
    "httpx": {"timeout": 0.2},
    "aiosonic": {"timeouts": Timeouts(sock_connect=1, sock_read=0.2, request_timeout=0.5)},
}


async def test_timeout_raises_client_connection_error(kind: str, silent_url: str) -> None:
    http = make_client(kind, **_SLOW[kind])
    await _version_request_fails(http, silent_url)


async def test_aiohttp_log_records_failures(dead_url: str) -> None:
    log = RequestLog()
    http = TracingAioHTTPClient(log)
    await _version_request_fails(http, dead_url)
    [entry] = log.entries
    assert (entry.method, entry.path, entry.status) == ("GET", "/_api/version", None)
    assert entry.error == "ClientConnectorError"


@pytest.mark.parametrize("kind", ["httpx", "aiosonic"])
async def test_request_compression(kind: str, shop: str) -> None:
    sent: list[tuple[str | None, bytes | None]] = []

    async def spy_httpx(request: httpx.Request) -> None:
        sent.append((request.headers.get("content-encoding"), request.content))

    def spy_aiosonic(_method: str, _url: str, headers: Any) -> None:
        sent.append((headers.get("content-encoding"), None))

    hooks: dict[str, list[Any]] = {"request": [spy_httpx if kind == "httpx" else spy_aiosonic]}
    http = make_client(kind, compress_threshold=100, event_hooks=hooks)
    async with ArangoClient(hosts=shop, http_client=http) as client:
        db = await client.db("shop", auth=ROOT)
        col = db.collection("items")
        await col.insert({"_key": "small"})
        await col.insert({"_key": "big", "text": "x" * 500})
        assert len((await col.get("big"))["text"]) == 500
    encodings = [enc for enc, _ in sent]
    assert encodings[:2] == [None, "gzip"]
    if kind == "httpx":
        assert json.loads(gzip.decompress(sent[1][1] or b""))["_key"] == "big"


async def test_driver_compression_is_not_applied_twice(kind: str, shop: str) -> None:
    """The driver deflates requests and asks for gzip answers; every client copes."""
    manager = DefaultCompressionManager(threshold=10, accept=AcceptEncoding.GZIP)
    extra = {} if kind == "aiohttp" else {"compress_threshold": 10}
    http = make_client(kind, **extra)
    async with ArangoClient(hosts=shop, http_client=http, compression=manager) as client:
        db = await client.db("shop", auth=ROOT)
        col = db.collection("items")
        await col.insert({"_key": "big", "text": "y" * 2000})
        assert (await col.get("big"))["text"] == "y" * 2000
        cursor = await db.aql.execute("FOR i IN 1..300 RETURN {i, pad: 'zzzzzzzzzz'}")
        assert [row["i"] async for row in cursor] == list(range(1, 301))


async def test_injected_httpx_client_stays_open(shop: str) -> None:
    log = RequestLog()
    async with httpx.AsyncClient(event_hooks=log.httpx_hooks()) as own:
        async with ArangoClient(hosts=shop, http_client=HttpxHTTPClient(client=own)) as client:
            db = await client.db("shop", auth=ROOT)
            assert await db.collection("items").count() == 5
        assert not own.is_closed
        assert (await own.get(f"{shop}/_api/version")).status_code == 401
    assert log.calls()[-1] == ("GET", "/_api/version", 401)


class _CountingAiosonic(aiosonic.HTTPClient):  # type: ignore[misc]
    closed = 0

    async def aclose(self) -> None:
        self.closed += 1
        await super().aclose()


async def test_injected_aiosonic_client_stays_open(shop: str) -> None:
    own = _CountingAiosonic()
    async with ArangoClient(hosts=shop, http_client=AiosonicHTTPClient(client=own)) as client:
        db = await client.db("shop", auth=ROOT)
        assert await db.collection("items").count() == 5
    assert own.closed == 0
    built = AiosonicHTTPClient()
    session = built.create_session(shop)
    await built.close_session(session)
    assert session.closed and session.owned
    await own.aclose()


async def test_aiosonic_goes_through_its_proxy(dead_url: str) -> None:
    """The served emulator accepts absolute-form targets, so it can act as the proxy."""
    with serving(Emulator()) as srv:
        via = AiosonicHTTPClient(proxy=srv.url)
        async with ArangoClient(hosts="http://arangodb.invalid:8529", http_client=via) as client:
            sys_db = await client.db("_system", auth=ROOT)
            assert (await sys_db.version())["server"] == "arango"
    broken = AiosonicHTTPClient(proxy=dead_url)
    session = broken.create_session("http://arangodb.invalid:8529")
    with pytest.raises(ClientConnectionError):
        await broken.send_request(session, Request(Method.GET, "/_api/version"))
    await broken.close_session(session)


async def test_tls_settings_leave_plain_http_alone(kind: str, shop: str) -> None:
    """A client configured for TLS still talks plain HTTP to an ``http://`` host."""
    ctx = ssl.create_default_context()
    http = make_client(kind, ssl_context=ctx)
    async with ArangoClient(hosts=shop, http_client=http) as client:
        db = await client.db("shop", auth=ROOT)
        assert await db.collection("items").count() == 5
