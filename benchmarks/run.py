"""Every benchmark of the plugin in one run, printed as one table of ratios (run by hand).

    python benchmarks/run.py [--rounds N] [-n TESTS]

Each row compares our figure with a baseline measured in the same run on the same machine:
pytest with and without the plugin, the drivers against null clients that answer canned
responses, AQL against hand-written Python over the stored documents, cassettes against
vcrpy. Pairs alternate and keep the best of ``--rounds``; figures are CPU time (the machine
may be shared) except cassette replay, timed as ``bench_replay`` times it. The pieces live in the
``bench_*`` modules beside this file, which also run on their own.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import bench_aql  # noqa: E402
import bench_inprocess  # noqa: E402
import bench_pytest  # noqa: E402
import bench_replay  # noqa: E402

Row = tuple[str, float, float, str, str]  # label, ours (s), baseline (s), baseline name, goal

FIRST_QUERY = """
import time
from pytest_arangomock import Emulator
from pytest_arangomock.aql import api
db = Emulator().server.database("_system")
query = "FOR i IN 1..10 FILTER i % 2 == 0 COLLECT odd = i > 4 INTO g RETURN [odd, LENGTH(g)]"
start = time.process_time()
api.execute(db, query, None, None)
first = time.process_time() - start
start = time.perf_counter()
for _ in range(500):
    api.execute(db, query, None, None)
print(first, (time.perf_counter() - start) / 500)
"""


def pytest_rows(rounds: int, n: int) -> list[Row]:
    """Per-test cost in an interleaved file, a file of 1,000 tests, and pytest start-up."""
    per: list[tuple[float, float]] = []
    files: list[tuple[float, float]] = []
    start: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        bench_pytest.write_suite(directory, n)
        big = Path(tmp) / "big"
        big.mkdir()
        bench_pytest.write_suite(big, 1000)
        for _ in range(rounds):  # alternating: both sides of a pair see the same machine
            _, db, empty = bench_pytest.run_suite(ROOT, directory, "_cpu")
            per.append((db, empty))
            db_file = bench_pytest.pytest_run(ROOT, big, "test_db.py")[1]
            empty_file = bench_pytest.pytest_run(ROOT, big, "test_empty.py")[1]
            files.append((db_file, empty_file))
            with_plugin = bench_pytest.pytest_run(ROOT, directory, "test_trivial.py")[1]
            without = bench_pytest.pytest_run(
                ROOT, directory, "-p", "no:arangomock", "test_trivial.py"
            )[1]
            start.append((with_plugin, without))
    return [
        (
            f"per test, {n} arango_db tests interleaved with {n} empty ones (CPU)",
            min(p[0] for p in per),
            min(p[1] for p in per),
            "empty async fixture",
            "+0.4 ms (goal +0.1)",
        ),
        (
            "1,000 arango_db tests, whole pytest run (CPU)",
            min(f[0] for f in files),
            min(f[1] for f in files),
            "1,000 empty-fixture tests",
            "-",
        ),
        (
            "pytest start-up, one trivial test (CPU)",
            min(s[0] for s in start),
            min(s[1] for s in start),
            "-p no:arangomock",
            "+50 ms",
        ),
    ]


def query_rows(rounds: int) -> list[Row]:
    """The first AQL query of a fresh process (CPU) and the same query repeated."""
    runs = []
    for _ in range(rounds):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_QUERY],
            env=bench_pytest.env_for(ROOT, Path("/dev/null")),
            capture_output=True,
            text=True,
            check=True,
        )
        first, repeated = (float(x) for x in done.stdout.split())
        runs.append((first, repeated))
    first = min(r[0] for r in runs)
    repeated = min(r[1] for r in runs)
    return [
        ("first AQL query in a fresh process (CPU)", first, repeated, "the same, repeated", "20 ms")
    ]


def driver_rows() -> list[Row]:
    """Driver pairs and an AQL primary-key lookup against null clients."""
    aemu, anull = asyncio.run(bench_inprocess.async_pair())
    semu, snull = bench_inprocess.sync_pair()
    lemu, lnull = asyncio.run(bench_inprocess.lookup_pair())
    return [
        ("arangoasync insert+get, per op (CPU)", aemu, anull, "null HTTPClient", "2x"),
        ("python-arango insert+get, per op (CPU)", semu, snull, "null HTTPClient", "2x"),
        ("AQL _key lookup through arangoasync (CPU)", lemu, lnull, "null HTTPClient", "3x"),
    ]


def aql_rows() -> list[Row]:
    """AQL against hand-written Python doing the same work over the stored documents."""
    cases: list[tuple[str, Callable[[], tuple[float, float]], str]] = [
        ("AQL scan FILTER+SORT+LIMIT, 20k docs", bench_aql.scan, "3x"),
        ("AQL COLLECT with 3 aggregates, 20k docs", bench_aql.collect, "5x"),
        ("AQL join on a persistent index, 5k x 100", bench_aql.join, "3x"),
        ("AQL FILTER IN @list, 10k docs x 2k values", bench_aql.membership, "50 ms"),
        (
            "AQL FILTER IN a LET array, 10k docs x 2k values",
            lambda: bench_aql.membership(via_variable=True),
            "50 ms",
        ),
        ("AQL index range under LIMIT 1, 100k matches", bench_aql.limit_one, "1 ms"),
        (
            "AQL index range under SORT DESC LIMIT 1, 100k matches",
            lambda: bench_aql.limit_one(descending=True),
            "1 ms",
        ),
    ]
    rows: list[Row] = []
    for label, case, goal in cases:
        ours, python = case()
        rows.append((label, ours, python, "hand-written Python", goal))
    return rows


def cassette_rows() -> list[Row]:
    """Cassette load per interaction and replay per request, against vcrpy."""
    with tempfile.TemporaryDirectory() as tmp:
        load = bench_replay.load_per_interaction(Path(tmp))
        replay = bench_replay.measure(Path(tmp) / "replay.yaml", 1_000)
    return [
        (
            "cassette load per interaction, YAML (CPU)",
            load["yaml"],
            load["vcrpy"],
            "vcrpy",
            "20 us",
        ),
        (
            "cassette load per interaction, JSON (CPU)",
            load["json"],
            load["vcrpy"],
            "vcrpy",
            "20 us",
        ),
        (
            "cassette replay per request, 1,000 interactions",
            replay["backend"],
            replay["vcrpy"],
            "vcrpy + aiohttp",
            "-",
        ),
    ]


def unit(seconds: float) -> str:
    if seconds >= 0.1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per pair")
    parser.add_argument("-n", type=int, default=300, help="tests of each kind, interleaved")
    args = parser.parse_args()
    rows = pytest_rows(args.rounds, args.n) + query_rows(args.rounds)
    rows += driver_rows() + aql_rows() + cassette_rows()
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'ours':>10}  {'baseline':>10}  {'ratio':>7}  {'diff':>10}  goal")
    for label, ours, base, name, goal in rows:
        print(
            f"{label:{width}}  {unit(ours):>10}  {unit(base):>10}  {ours / base:6.2f}x  "
            f"{'+' + unit(ours - base) if ours >= base else '-' + unit(base - ours):>10}  "
            f"{goal}  (vs {name})"
        )


if __name__ == "__main__":
    main()
