"""One ``arango_db`` test's own work, warm and with the CPU caches swept between tests.

Run by hand: ``python benchmarks/bench_cold.py [--tests N] [--rounds R]``. Outside pytest,
it repeats what an ``arango_db`` test does (a fresh emulator, run, database and driver
handle; create a collection, insert a document, read it back; the teardown) and prints
the CPU time of each step, best of ``--rounds``: once back to back (everything stays in
the CPU caches) and once with a sweep of about 50 MB between tests, which evicts what
pytest's own work between two tests evicts. Inside pytest a test's code runs cold: this
is why its CPU time is several times what its instruction count suggests.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock import Emulator
from pytest_arangomock.backends.runs import EmulatorRun
from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

STEPS = ("emulator", "database", "client", "create", "insert", "get", "teardown")


class Sweep:
    """Touches more memory than the caches hold (dicts, as pytest's objects are)."""

    def __init__(self) -> None:
        self.objects = [{"a": i, "b": str(i)} for i in range(200_000)]
        self.buffer = bytearray(8 << 20)

    def __call__(self) -> None:
        total = 0
        for item in self.objects[::3]:
            total += item["a"]
        self.buffer[::64] = bytes(len(self.buffer[::64]))


async def one_test(times: dict[str, float], i: int) -> None:
    clock = time.process_time
    marks = [clock()]
    run = EmulatorRun(Emulator())
    marks.append(clock())
    name = run.new_database()
    marks.append(clock())
    client = ArangoClient(
        hosts="http://arangomock:8529", http_client=InProcessHTTPClient(run.faults)
    )
    db = await client.db(name, auth=Auth("root", ""))
    marks.append(clock())
    col = await db.create_collection("c")
    marks.append(clock())
    await col.insert({"_key": "k", "v": i})
    marks.append(clock())
    assert (await col.get("k"))["v"] == i
    marks.append(clock())
    run.finish()
    run.end(name, seen=False)
    del run, client, db, col
    marks.append(clock())
    for step, start, end in zip(STEPS, marks[:-1], marks[1:], strict=True):
        times[step] += end - start


def measure(tests: int, rounds: int, between: Callable[[], None] | None) -> dict[str, float]:
    """Best per-test CPU seconds of each step over ``rounds`` runs of ``tests`` tests."""
    loop = asyncio.new_event_loop()
    best = dict.fromkeys(STEPS, float("inf"))
    try:
        for _ in range(rounds):
            times = dict.fromkeys(STEPS, 0.0)
            for i in range(tests):
                if between is not None:
                    between()
                loop.run_until_complete(one_test(times, i))
            for step, spent in times.items():
                best[step] = min(best[step], spent / tests)
    finally:
        loop.close()
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tests", type=int, default=150, help="tests per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (best is kept)")
    args = parser.parse_args()
    measure(20, 1, None)  # imports and first-call caches
    rows: list[tuple[str, dict[str, Any]]] = [
        ("warm", measure(args.tests, args.rounds, None)),
        ("swept", measure(args.tests, args.rounds, Sweep())),
    ]
    print(f"{'':8}" + "".join(f"{s:>10}" for s in STEPS) + f"{'total':>10}   (us CPU per test)")
    for label, best in rows:
        cells = "".join(f"{best[s] * 1e6:10.0f}" for s in STEPS)
        print(f"{label:8}{cells}{sum(best.values()) * 1e6:10.0f}")


if __name__ == "__main__":
    main()
