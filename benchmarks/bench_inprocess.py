"""In-process transport cost versus the driver's own floor, and fixture set-up cost.

Run by hand: ``python benchmarks/bench_inprocess.py``. Prints figures measured in this run:
- per-operation cost of arangoasync insert+get through ``InProcessHTTPClient`` (emulator),
  against a null ``HTTPClient`` that answers canned responses (the driver's floor);
- the cost of one ``arango_db`` set-up plus tear-down (fresh emulator, database, driver handle).
Target: ratio <= 2x, set-up + tear-down < 1 ms.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from typing import Any

from arango.client import ArangoClient as SyncArangoClient
from arango.http import HTTPClient as SyncHTTPClient
from arango.response import Response as SyncResponse
from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.http import HTTPClient
from arangoasync.request import Request
from arangoasync.response import Response
from multidict import CIMultiDict, CIMultiDictProxy

from pytest_arangomock import Emulator
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient
from pytest_arangomock.transports.python_arango import InProcessSyncHTTPClient

N = 5000
ROUNDS = 5
HEADERS = CIMultiDictProxy(CIMultiDict({"content-type": "application/json; charset=utf-8"}))


class NullHTTPClient(HTTPClient):
    """Answers every request with a canned, plausible body: only the driver's own work remains."""

    def __init__(self) -> None:
        self.meta = json.dumps({"_id": "c/1", "_key": "1", "_rev": "_abc---"}).encode()
        self.doc = json.dumps({"_key": "1", "_id": "c/1", "_rev": "_abc---", "v": 1}).encode()

    def create_session(self, host: str) -> Any:
        return object()

    async def close_session(self, session: Any) -> None:
        return None

    async def send_request(self, session: Any, request: Request) -> Response:
        request.normalized_headers()
        request.normalized_params()
        body = self.meta if request.method.name == "POST" else self.doc
        status = 202 if request.method.name == "POST" else 200
        return Response(request.method, request.endpoint, HEADERS, status, "OK", body)


CURSOR = json.dumps(
    {
        "result": [{"_key": "1", "_id": "c/1", "_rev": "_abc---", "v": 1}],
        "hasMore": False,
        "cached": False,
        "extra": {"warnings": [], "stats": {}},
        "error": False,
        "code": 201,
    }
).encode()
KEY_QUERY = "FOR d IN c FILTER d._key == @k RETURN d"


class NullSyncHTTPClient(SyncHTTPClient):
    """python-arango's floor: canned answers, the driver's own request and response work only."""

    def __init__(self) -> None:
        self.meta = NullHTTPClient().meta.decode()
        self.doc = NullHTTPClient().doc.decode()

    def create_session(self, host: str) -> Any:
        return object()

    def send_request(
        self,
        session: Any,
        method: str,
        url: str,
        headers: Any = None,
        params: Any = None,
        data: Any = None,
        auth: Any = None,
    ) -> SyncResponse:
        post = method == "post"
        return SyncResponse(
            method=method,
            url=url,
            headers={"content-type": "application/json; charset=utf-8"},
            status_code=202 if post else 200,
            status_text="OK",
            raw_body=self.meta if post else self.doc,
        )


class NullCursorHTTPClient(NullHTTPClient):
    """Answers a cursor request with a one-document batch: the floor of an AQL lookup."""

    async def send_request(self, session: Any, request: Request) -> Response:
        request.normalized_headers()
        request.normalized_params()
        return Response(request.method, request.endpoint, HEADERS, 201, "OK", CURSOR)


def emulator_with_collection() -> Emulator:
    emulator = Emulator()
    emulator.server.database("_system").create_collection("c")
    return emulator


def per_op_sync(http_client: SyncHTTPClient) -> float:
    """python-arango insert+get per operation through ``http_client``."""
    client = SyncArangoClient(hosts="http://bench:8529", http_client=http_client)
    col = client.db("_system", username="root", password="", verify=False).collection("c")
    start = time.process_time()
    for i in range(N):
        col.insert({"_key": str(i), "v": i})
        col.get(str(i))
    return (time.process_time() - start) / (2 * N)


async def per_lookup(http_client: HTTPClient) -> float:
    """A primary-key lookup by AQL through arangoasync, per query."""
    async with ArangoClient(hosts="http://bench:8529", http_client=http_client) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        start = time.process_time()
        for i in range(N):
            cursor = await db.aql.execute(KEY_QUERY, bind_vars={"k": str(i % 100)})
            async for _ in cursor:
                pass
        return (time.process_time() - start) / N


def sync_pair() -> tuple[float, float]:
    """(emulator, floor) seconds per python-arango insert+get, alternating, best of ROUNDS."""
    emu, null = [], []
    for _ in range(ROUNDS):
        gc.collect()
        emu.append(per_op_sync(InProcessSyncHTTPClient(emulator_with_collection())))
        gc.collect()
        null.append(per_op_sync(NullSyncHTTPClient()))
    return min(emu), min(null)


async def lookup_pair() -> tuple[float, float]:
    """(emulator, floor) seconds per AQL ``_key`` lookup through arangoasync."""
    emulator = emulator_with_collection()
    client = ArangoClient(hosts="http://bench:8529", http_client=InProcessHTTPClient(emulator))
    async with client:
        db = await client.db("_system", auth=Auth("root", ""))
        await db.collection("c").insert_many([{"_key": str(i), "v": i} for i in range(100)])
    emu, null = [], []
    for _ in range(ROUNDS):
        gc.collect()
        emu.append(await per_lookup(InProcessHTTPClient(emulator)))
        gc.collect()
        null.append(await per_lookup(NullCursorHTTPClient()))
    return min(emu), min(null)


async def async_pair() -> tuple[float, float]:
    """(emulator, floor) seconds per arangoasync insert+get, alternating, best of ROUNDS."""
    emu, null = [], []
    for _ in range(ROUNDS):
        emulator = Emulator()
        gc.collect()
        emu.append(
            await per_op(
                InProcessHTTPClient(emulator),
                lambda emulator=emulator: emulator.server.database("_system").create_collection(
                    "c"
                ),
            )
        )
        del emulator
        gc.collect()
        null.append(await per_op(NullHTTPClient()))
    return min(emu), min(null)


async def per_op(http_client: HTTPClient, prepare: Any = None) -> float:
    async with ArangoClient(hosts="http://bench:8529", http_client=http_client) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        if prepare is not None:
            prepare()
        col = db.collection("c")
        start = time.process_time()
        for i in range(N):
            await col.insert({"_key": str(i), "v": i})
            await col.get(str(i))
        return (time.process_time() - start) / (2 * N)


async def setup_teardown(rounds: int = 2000) -> float:
    start = time.perf_counter()
    for i in range(rounds):
        emulator = Emulator()
        client = ArangoClient(hosts="http://bench:8529", http_client=InProcessHTTPClient(emulator))
        name = f"test_{i}"
        emulator.server.create_database(name)
        await client.db(name, auth=Auth("root", ""))
        emulator.server.drop_database(name)
        await client.close()
    return (time.perf_counter() - start) / rounds


async def main() -> None:
    """Alternate each client with its floor, each run starting from a collected heap."""
    emu, null = await async_pair()
    semu, snull = sync_pair()
    st = await setup_teardown()
    print(f"per operation, {N} each, best of {ROUNDS} alternating runs (one process):")
    print(
        f"  arangoasync insert+get: {emu * 1e6:7.1f} us/op, floor {null * 1e6:.1f}, "
        f"ratio {emu / null:.2f}x (target <= 2x)"
    )
    print(
        f"  python-arango insert+get: {semu * 1e6:7.1f} us/op, floor {snull * 1e6:.1f}, "
        f"ratio {semu / snull:.2f}x (target <= 2x)"
    )
    print(f"arango_db set-up + tear-down:     {st * 1e6:8.1f} us     (target < 1000 us)")


if __name__ == "__main__":
    asyncio.run(main())
