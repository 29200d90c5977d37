"""``arangomock serve`` with 8 connections: throughput, and latency next to a long query,
for this tree and a baseline commit, measured in the same run.

Run by hand: ``python benchmarks/bench_serve_concurrency.py [--baseline REF]`` (default
``main``). The baseline's package is exported with ``git archive`` into a temporary
directory; each tree serves from its own process on a free port, one after the other.
Prints for each:
- throughput: 8 connections, each inserting, reading and querying for a few seconds (ops/s);
- latency of ``GET /_api/version`` next to a running 2-second query, once for
  ``SLEEP(2)`` and once for a query busy computing for about 2 seconds (median, max).
Target: throughput no lower than the baseline's; median latency next to the query <= 10 ms.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS = 8
THROUGHPUT_SECONDS = 4.0
AUTH = {"Authorization": "Basic " + base64.b64encode(b"root:").decode()}
# about 2 seconds of work on this machine's emulator; scaled by a calibration run
BUSY = "FOR i IN 1..@n FILTER i % 7 == 3 COLLECT WITH COUNT INTO k RETURN k"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def call(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None) -> Any:
    conn.request(method, path, None if body is None else json.dumps(body), AUTH)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 400:
        raise RuntimeError(f"{method} {path}: {resp.status} {data[:200]!r}")
    return json.loads(data) if data else None


class Served:
    """``arangomock serve`` from ``tree`` in a child process."""

    def __init__(self, tree: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(tree)}
        cmd = [sys.executable, "-m", "pytest_arangomock.cli", "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(  # from the tree: ``-m`` puts the cwd first on sys.path
            cmd, env=env, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(200):
            try:
                call(self.connect(), "GET", "/_api/version")
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the server did not start")

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def throughput(srv: Served) -> float:
    conn = srv.connect()
    call(conn, "POST", "/_api/collection", {"name": "bench"})
    counts = [0] * CONNECTIONS
    stop = time.monotonic() + THROUGHPUT_SECONDS

    def client(n: int) -> None:
        c = srv.connect()
        i = 0
        while time.monotonic() < stop:
            key = f"{n}-{i}"
            call(c, "POST", "/_api/document/bench", {"_key": key, "v": i})
            call(c, "GET", f"/_api/document/bench/{key}")
            call(
                c,
                "POST",
                "/_api/cursor",
                {"query": "FOR d IN bench FILTER d._key == @k RETURN d.v", "bindVars": {"k": key}},
            )
            counts[n] += 3
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CONNECTIONS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / (time.monotonic() - start)


def calibrate(srv: Served) -> int:
    """The loop size that keeps BUSY computing for about 2 seconds."""
    conn = srv.connect()
    n = 200_000
    started = time.monotonic()
    call(conn, "POST", "/_api/cursor", {"query": BUSY, "bindVars": {"n": n}})
    took = time.monotonic() - started
    return max(int(n * 2.0 / max(took, 1e-3)), 1000)


def latency_next_to(srv: Served, query: str, binds: dict[str, Any]) -> tuple[float, float, int]:
    """Median and max latency of GET /_api/version (ms) while ``query`` runs; requests
    completed while it ran."""
    done = threading.Event()

    def long_query() -> None:
        call(srv.connect(), "POST", "/_api/cursor", {"query": query, "bindVars": binds})
        done.set()

    thread = threading.Thread(target=long_query)
    thread.start()
    time.sleep(0.2)  # the query is running
    conn = srv.connect()
    samples: list[float] = []
    while not done.is_set() and len(samples) < 200:
        started = time.perf_counter()  # a request sent while the query runs counts
        call(conn, "GET", "/_api/version")
        samples.append((time.perf_counter() - started) * 1000)
        time.sleep(0.005)
    thread.join()
    if not samples:
        return float("nan"), float("nan"), 0
    return statistics.median(samples), max(samples), len(samples)


def export(ref: str, into: Path) -> Path:
    archive = subprocess.run(
        ["git", "archive", ref, "pytest_arangomock"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    tar_path = into / "baseline.tar"
    tar_path.write_bytes(archive)
    with tarfile.open(tar_path) as tar:
        tar.extractall(into, filter="data")
    return into


@contextmanager
def baseline_tree(description: str) -> Iterator[Path]:
    """The ``--baseline`` ref (default ``main``) exported to a temporary directory, removed
    after the block: what each this-tree-against-a-commit benchmark measures against."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        yield export(args.baseline, Path(tmp))


def measure(label: str, tree: Path) -> None:
    srv = Served(tree)
    try:
        ops = throughput(srv)
        n = calibrate(srv)
        sleep = latency_next_to(srv, "RETURN SLEEP(2)", {})
        busy = latency_next_to(srv, BUSY, {"n": n})
    finally:
        srv.close()
    print(f"{label:10} throughput {ops:8.0f} ops/s (8 connections)")
    for name, (median, worst, count) in (("SLEEP(2)", sleep), ("a busy query", busy)):
        print(
            f"{'':10} next to {name:13} median {median:8.2f} ms, max {worst:8.2f} ms,"
            f" {count} answered"
        )


def main() -> None:
    with baseline_tree(__doc__) as baseline:
        measure("baseline", baseline)
        measure("this tree", ROOT)


if __name__ == "__main__":
    main()
