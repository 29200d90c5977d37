"""What the plugin costs a test suite, measured the way users run tests.

Run by hand: ``python benchmarks/bench_pytest.py [-n N] [--tree DIR ...]``. It writes a
temporary test file of N tiny tests on the ``arango_db`` fixture (create a collection,
insert one document, read it back) interleaved with N tests on an empty async fixture,
runs pytest on it in a subprocess (``-p no:cacheprovider -q``) and reports, best of
``--rounds`` runs, the wall time per test of each kind and their difference (the plugin's
share of a realistic test). Then the in-process driver pair of ``bench_inprocess.py``
(arangoasync insert+get through the emulator against the driver's floor).

Each ``--tree`` is a source checkout put first on the subprocess's ``PYTHONPATH`` (default:
this checkout); with several, their runs alternate so that they share the machine's state.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WARMUP = 10  # tests of each kind left out of the per-test figures (imports, first-call caches)

CONFTEST = """
import json
import os
import time

import pytest
import pytest_asyncio

_TIMES = {"db": [], "empty": [], "db_cpu": [], "empty_cpu": []}


@pytest_asyncio.fixture
async def nothing():
    yield None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start, cpu = time.perf_counter(), time.process_time()
    yield
    kind = "db" if item.name.startswith("test_db_") else "empty"
    _TIMES[kind].append(time.perf_counter() - start)
    _TIMES[kind + "_cpu"].append(time.process_time() - cpu)


def pytest_sessionfinish(session):
    with open(os.environ["BENCH_PYTEST_OUT"], "w") as fh:
        json.dump(_TIMES, fh)
"""

TEST_PAIR = """

async def test_db_{i}(arango_db):
    col = await arango_db.create_collection("c")
    await col.insert({{"_key": "k", "v": {i}}})
    assert (await col.get("k"))["v"] == {i}


async def test_empty_{i}(nothing):
    assert nothing is None
"""

INPROCESS = """
import asyncio, sys
sys.path.insert(0, {bench!r})
import bench_inprocess as b
b.N = {ops}

async def run():
    import gc
    from pytest_arangomock import Emulator
    from pytest_arangomock.transports.arangoasync import InProcessHTTPClient
    emu = Emulator()
    gc.collect()
    e = await b.per_op(InProcessHTTPClient(emu),
                       lambda: emu.server.database("_system").create_collection("c"))
    gc.collect()
    n = await b.per_op(b.NullHTTPClient())
    print(e, n)

asyncio.run(run())
"""


TRIVIAL = """
def test_nothing():
    assert True
"""


def write_suite(directory: Path, n: int) -> None:
    """The interleaved file ``test_bench.py``, and ``test_db.py``/``test_empty.py`` of one kind."""
    (directory / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    body = "".join(TEST_PAIR.format(i=i) for i in range(n))
    (directory / "test_bench.py").write_text(body, encoding="utf-8")
    db, empty = TEST_PAIR.split("\n\n\nasync def test_empty")
    (directory / "test_db.py").write_text(
        "".join(db.format(i=i) for i in range(n)), encoding="utf-8"
    )
    (directory / "test_empty.py").write_text(
        "".join(("\n\n\nasync def test_empty" + empty).format(i=i) for i in range(n)),
        encoding="utf-8",
    )
    (directory / "test_trivial.py").write_text(TRIVIAL, encoding="utf-8")
    (directory / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
        encoding="utf-8",
    )


def env_for(tree: Path, out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(tree)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    env["BENCH_PYTEST_OUT"] = str(out)
    return env


def pytest_run(tree: Path, directory: Path, *args: str) -> tuple[float, float]:
    """One pytest run in a subprocess: (wall time, CPU time of the child) in seconds."""
    out = directory / "times.json"
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=directory, env=env_for(tree, out), capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"pytest failed under {tree}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def run_suite(tree: Path, directory: Path, clock: str = "") -> tuple[float, float, float]:
    """One pytest run: (whole run's wall time, mean s per db test, mean s per empty test).

    ``clock="_cpu"`` gives CPU seconds per test instead of wall time.
    """
    wall, _ = pytest_run(tree, directory, "test_bench.py")
    times = json.loads((directory / "times.json").read_text(encoding="utf-8"))
    db, empty = times["db" + clock][WARMUP:], times["empty" + clock][WARMUP:]
    return wall, sum(db) / len(db), sum(empty) / len(empty)


def run_inprocess(tree: Path, ops: int) -> tuple[float, float]:
    """(emulator s/op, driver floor s/op) of arangoasync insert+get, in a fresh process."""
    code = INPROCESS.format(bench=str(HERE), ops=ops)
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env_for(tree, Path(os.devnull)),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"in-process run failed under {tree}:\n{done.stderr[-3000:]}")
    emu, null = done.stdout.split()
    return float(emu), float(null)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=300, help="tests of each kind (default 300)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per tree (best is kept)")
    parser.add_argument("--ops", type=int, default=3000, help="insert+get pairs in-process")
    parser.add_argument("--tree", action="append", type=Path, help="source checkout(s)")
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [HERE.parent])]
    runs: dict[Path, list[tuple[float, float, float]]] = {t: [] for t in trees}
    pairs: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_suite(directory, args.n)
        for _ in range(args.rounds):
            for tree in trees:  # alternating: every tree sees the same machine state
                runs[tree].append(run_suite(tree, directory))
                pairs[tree].append(run_inprocess(tree, args.ops))
    print(f"{args.n} arango_db tests interleaved with {args.n} empty async-fixture tests, ")
    print(f"best of {args.rounds} alternating runs (first {WARMUP} of each kind not counted):")
    for tree in trees:
        wall = min(r[0] for r in runs[tree])
        db = min(r[1] for r in runs[tree])
        empty = min(r[2] for r in runs[tree])
        emu = min(p[0] for p in pairs[tree])
        null = min(p[1] for p in pairs[tree])
        print(f"  {tree}")
        print(f"    pytest wall time:         {wall:8.2f} s for {2 * args.n} tests")
        print(f"    per arango_db test:       {db * 1e6:8.0f} us")
        print(f"    per empty-fixture test:   {empty * 1e6:8.0f} us")
        print(f"    difference (plugin cost): {(db - empty) * 1e6:8.0f} us")
        print(
            f"    in-process insert+get:    {emu * 1e6:8.1f} us/op, driver floor "
            f"{null * 1e6:.1f} us/op, ratio {emu / null:.2f}x"
        )


if __name__ == "__main__":
    main()
