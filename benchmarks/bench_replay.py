"""Cassette replay cost per request versus vcrpy's own replay of the same cassette.

Run by hand: ``python benchmarks/bench_replay.py``. For cassettes of 10, 1,000 and 5,000
interactions (document reads, as a test suite makes them) it prints, measured in this run:
- the cassette's load time (YAML read + index build), and per interaction beside
  vcrpy's own loader (``vcr.cassette.Cassette.load``) of the same file;
- our replay cost per request at the backend (``CassetteBackend.handle_sync``) and through
  arangoasync's in-process transport (``col.get`` end to end);
- vcrpy's replay cost per request of the *same file* through aiohttp;
- the ratios. Target: >= 100x faster than vcrpy at 1,000 interactions, flat from 10 to 5,000.

Each figure is the best of several rounds; every round replays a fresh copy of the cassette
(each interaction answers once) and only the requests are timed.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytest_arangomock import BackendRequest, BackendResponse
from pytest_arangomock.backends import Cassette, CassetteBackend, Interaction

SIZES = (10, 1_000, 5_000)
HEADERS = {
    "content-type": "application/json; charset=utf-8",
    "x-arango-queue-time-seconds": "0.000000",
    "x-content-type-options": "nosniff",
}


def build(path: Path, n: int) -> list[str]:
    """A cassette of ``n`` document reads; returns the document keys in recorded order."""
    keys = [f"k{i}" for i in range(n)]
    interactions = []
    for key in keys:
        doc = {"_key": key, "_id": f"orders/{key}", "_rev": "_iV3r2hK---", "total": len(key)}
        request = BackendRequest(
            "GET",
            f"/_db/shop/_api/document/orders/{key}",
            {},
            {"accept": "application/json", "authorization": "Basic <redacted>"},
        )
        response = BackendResponse(
            200, {**HEADERS, "etag": '"_iV3r2hK---"'}, json.dumps(doc).encode()
        )
        interactions.append(Interaction(request, response))
    Cassette(interactions, {"database": "shop"}).save(path)
    return keys


def sample(keys: list[str], count: int) -> list[str]:
    """``count`` keys spread over the whole cassette (early, middle and late interactions)."""
    step = max(len(keys) // count, 1)
    return keys[::step][:count]


def best(rounds: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(rounds))


def ours_backend(path: Path, keys: list[str], rounds: int, per_round: int = 10) -> float:
    """Best per-request time over ``rounds`` batches of ``per_round`` requests.

    Batches are disjoint slices spread over the cassette, so every size is timed on the same
    number of requests; the cassette is reloaded (untimed) when its interactions run out.
    """
    timings = []
    backend = CassetteBackend(path, record_mode="none")
    starts = list(range(0, len(keys), max(len(keys) // rounds, per_round)))[:rounds]
    for begin in starts * (rounds // len(starts) + 1):
        batch = keys[begin : begin + per_round]
        requests = [BackendRequest("GET", f"/_db/shop/_api/document/orders/{k}") for k in batch]
        if backend.index.take(requests[0]) is None:
            backend = CassetteBackend(path, record_mode="none")
            backend.index.take(requests[0])
        start = time.perf_counter()
        for r in requests[1:]:
            backend.handle_sync(r)
        timings.append((time.perf_counter() - start) / (len(requests) - 1))
        if len(timings) >= rounds:
            break
    return min(timings)


async def ours_driver(path: Path, keys: list[str], count: int) -> float:
    from arangoasync import ArangoClient
    from arangoasync.auth import Auth

    from pytest_arangomock.transports.arangoasync import InProcessHTTPClient

    chosen = sample(keys, count)
    backend = CassetteBackend(path, record_mode="none")
    client = ArangoClient(hosts="http://arangodb:8529", http_client=InProcessHTTPClient(backend))
    try:
        db = await client.db("shop", auth=Auth("root", ""))
        col = db.collection("orders")
        start = time.perf_counter()
        for key in chosen:
            await col.get(key)
        return (time.perf_counter() - start) / len(chosen)
    finally:
        await client.close()


async def vcrpy_aiohttp(path: Path, keys: list[str], count: int) -> float:
    import aiohttp
    import vcr

    chosen = sample(keys, count)
    recorder = vcr.VCR(record_mode="none")
    with recorder.use_cassette(str(path)):  # loading happens here, outside the timing
        async with aiohttp.ClientSession() as session:
            start = time.perf_counter()
            for key in chosen:
                url = f"http://arangodb:8529/_db/shop/_api/document/orders/{key}"
                async with session.get(url) as resp:
                    await resp.read()
            return (time.perf_counter() - start) / len(chosen)


def measure(path: Path, n: int) -> dict[str, Any]:
    keys = build(path, n)
    wall, cpu = time.perf_counter(), time.process_time()
    CassetteBackend(path, record_mode="none")
    load, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = min(n, 200)
    from vcr.cassette import Cassette as VcrCassette

    cpu = time.process_time()
    VcrCassette.load(path=str(path), record_mode="none")
    vcr_load_cpu = time.process_time() - cpu
    vcr_count = min(n, 200 if n <= 1_000 else 60)  # vcrpy's cost grows with the cassette
    return {
        "n": n,
        "load": load,
        "load_cpu": load_cpu,
        "vcr_load_cpu": vcr_load_cpu,
        "backend": ours_backend(path, keys, rounds=50),
        "driver": best(5, lambda: asyncio.run(ours_driver(path, keys, count))),
        "vcrpy": best(
            3 if n <= 1_000 else 2, lambda: asyncio.run(vcrpy_aiohttp(path, keys, vcr_count))
        ),
    }


def vcrpy_load(path: Path) -> None:
    """vcrpy's own load of a cassette (parse and build its request/response objects)."""
    from vcr.cassette import Cassette as VcrCassette

    VcrCassette.load(path=str(path), record_mode="none")


def load_per_interaction(directory: Path, n: int = 1_000, rounds: int = 5) -> dict[str, float]:
    """Seconds per interaction to load a cassette of ``n`` reads: YAML, JSON and vcrpy (YAML)."""
    result: dict[str, float] = {}
    for suffix in ("yaml", "json"):
        path = directory / f"load_{n}.{suffix}"
        build(path, n)
        result[suffix] = best(rounds, lambda p=path: timed_cpu(lambda: CassetteBackend(p))) / n
        if suffix == "yaml":
            result["vcrpy"] = best(rounds, lambda p=path: timed_cpu(lambda: vcrpy_load(p))) / n
    return result


def timed_cpu(fn: Callable[[], Any]) -> float:
    """CPU seconds of one call of ``fn`` (the machine may be shared)."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    import logging

    logging.getLogger("vcr").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(Path(tmp) / f"replay_{n}.yaml", n) for n in SIZES]
    print(
        f"{'interactions':>12} {'load ms (cpu)':>15} {'ours us/req':>12} {'ours+driver':>12} "
        f"{'vcrpy+aiohttp':>14} {'x (backend)':>12} {'x (driver)':>11}"
    )
    for row in rows:
        print(
            f"{row['n']:>12,} {row['load'] * 1e3:>7.0f} ({row['load_cpu'] * 1e3:>4.0f}) "
            f"{row['backend'] * 1e6:>12.1f} "
            f"{row['driver'] * 1e6:>12.1f} {row['vcrpy'] * 1e6:>14.1f} "
            f"{row['vcrpy'] / row['backend']:>11.0f}x {row['vcrpy'] / row['driver']:>10.0f}x"
        )
    print(f"{'interactions':>12} {'load us/interaction (cpu): ours':>32} {'vcrpy':>8}")
    for row in rows:
        print(
            f"{row['n']:>12,} {row['load_cpu'] / row['n'] * 1e6:>32.1f} "
            f"{row['vcr_load_cpu'] / row['n'] * 1e6:>8.1f}"
        )
    first, last = rows[0], rows[-1]
    print(
        f"flatness, {first['n']} -> {last['n']:,} interactions: backend "
        f"{last['backend'] / first['backend']:.2f}x, through the driver "
        f"{last['driver'] / first['driver']:.2f}x; vcrpy {last['vcrpy'] / first['vcrpy']:.0f}x"
    )


if __name__ == "__main__":
    main()
