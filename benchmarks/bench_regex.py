"""AQL regular expressions: this tree against a baseline commit, measured in one run.

Run by hand: ``python benchmarks/bench_regex.py [--baseline REF]`` (default ``main``). Each
tree runs the same queries in a child process over 100,000 documents (``=~``, REGEX_TEST
case-insensitive, REGEX_REPLACE, LIKE), best of 5, the two trees alternated three times;
prints the best seconds per query and the ratio.
Target: no slower than the baseline (the interruptible matching must not cost speed).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_serve_concurrency import baseline_tree  # noqa: E402

QUERIES = {
    "=~": "FOR d IN c FILTER d.name =~ '^user-[0-9]+7$' COLLECT WITH COUNT INTO n RETURN n",
    "REGEX_TEST ci": "FOR d IN c FILTER REGEX_TEST(d.name, 'USER-1[0-9]*', true) "
    "COLLECT WITH COUNT INTO n RETURN n",
    "REGEX_REPLACE": "FOR d IN c LIMIT 20000 RETURN REGEX_REPLACE(d.name, '[0-9]+', 'n')",
    "LIKE": "FOR d IN c FILTER LIKE(d.name, 'user-%99') COLLECT WITH COUNT INTO n RETURN n",
}

CHILD = """
import json, sys, time
from pytest_arangomock import Emulator
from pytest_arangomock.aql import api as aql
emu = Emulator()
db = emu.server.database("_system")
col = db.create_collection("c")
from pytest_arangomock.state.documents import WriteOptions, insert_document
for i in range(100_000):
    insert_document(col, {"name": f"user-{i}"}, WriteOptions())
out = {}
for label, query in json.loads(sys.argv[1]).items():
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        aql.execute(db, query, None, {})
        best = min(best, time.perf_counter() - start)
    out[label] = best
print(json.dumps(out))
"""


def run(tree: Path) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(QUERIES)],
        env=env,
        cwd=tree,  # ``-c`` puts the cwd first on sys.path
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    with baseline_tree(__doc__) as baseline:
        runs: list[tuple[dict[str, float], dict[str, float]]] = []
        for _ in range(ROUNDS):  # alternated, best of all: a loaded machine varies a lot
            runs.append((run(baseline), run(ROOT)))
    before = {label: min(b[label] for b, _ in runs) for label in QUERIES}
    after = {label: min(a[label] for _, a in runs) for label in QUERIES}
    for label in QUERIES:
        ratio = after[label] / before[label]
        print(
            f"{label:14} baseline {before[label]:.3f} s"
            f"  this tree {after[label]:.3f} s  {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
