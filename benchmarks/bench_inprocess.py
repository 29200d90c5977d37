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

from arangoasync import ArangoClient
from arangoasync.auth import Auth
from arangoasync.http import HTTPClient
from arangoasync.request import Request
from arangoasync.response import Response
from multidict import CIMultiDict, CIMultiDictProxy

from pytest_arangomock import Emulator
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

N = 5000
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


async def per_op(http_client: HTTPClient, prepare: Any = None) -> float:
    async with ArangoClient(hosts="http://bench:8529", http_client=http_client) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        if prepare is not None:
            prepare()
        col = db.collection("c")
        start = time.perf_counter()
        for i in range(N):
            await col.insert({"_key": str(i), "v": i})
            await col.get(str(i))
        return (time.perf_counter() - start) / (2 * N)


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


ROUNDS = 5


async def main() -> None:
    """Alternate the two clients, each run starting from a collected heap; report the best."""
    emu_runs: list[float] = []
    null_runs: list[float] = []
    for _ in range(ROUNDS):
        emulator = Emulator()
        gc.collect()
        emu_runs.append(
            await per_op(
                InProcessHTTPClient(emulator),
                lambda emulator=emulator: emulator.server.database("_system").create_collection(
                    "c"
                ),
            )
        )
        del emulator
        gc.collect()
        null_runs.append(await per_op(NullHTTPClient()))
    st = await setup_teardown()
    emu, null = min(emu_runs), min(null_runs)
    print(f"insert+get per operation, {N} each, best of {ROUNDS} alternating runs (one process):")
    print(
        f"  null HTTPClient (driver floor): {null * 1e6:8.1f} us/op   runs: "
        + ", ".join(f"{x * 1e6:.1f}" for x in null_runs)
    )
    print(
        f"  InProcessHTTPClient + emulator: {emu * 1e6:8.1f} us/op   runs: "
        + ", ".join(f"{x * 1e6:.1f}" for x in emu_runs)
    )
    print(f"  ratio emulator/floor:           {emu / null:8.2f}x   (target <= 2x)")
    print(f"arango_db set-up + tear-down:     {st * 1e6:8.1f} us     (target < 1000 us)")


if __name__ == "__main__":
    asyncio.run(main())
