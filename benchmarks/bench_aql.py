"""AQL speed against hand-written Python, measured in one run (run by hand).

    python benchmarks/bench_aql.py

1. A full-scan FILTER + SORT + LIMIT over 100,000 documents, against the same work written
   directly in Python over the stored documents (target: within 3x).
2. Indexed equality lookups over 100,000 documents: a ``_key`` lookup (primary index), a
   persistent index and an edge index (target: under 1 ms each).
3. The same query text again: the second run skips parsing (the parse cache by query text).
"""

from __future__ import annotations

import time
from typing import Any

from pytest_arangomock import Emulator
from pytest_arangomock.aql import api as aql
from pytest_arangomock.state.documents import WriteOptions, insert_document
from pytest_arangomock.state.indexes import create_index

N = 100_000


def best_of(fn: Any, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    emulator = Emulator()
    db = emulator.server.database("_system")
    col = db.create_collection("items")
    opts = WriteOptions()
    for i in range(N):
        doc = {"_key": str(i), "n": i, "group": i % 100, "score": (i * 7919) % 1000}
        insert_document(col, doc, opts)
    create_index(col, {"type": "persistent", "fields": ["group"]})

    query = "FOR d IN items FILTER d.score > 500 SORT d.score DESC, d.n LIMIT 10 RETURN d.n"

    def run_aql() -> list[Any]:
        return aql.execute(db, query, None, None).rows

    def run_python() -> list[Any]:
        hits = [d for d in col.docs.values() if d["score"] > 500]
        hits.sort(key=lambda d: (-d["score"], d["n"]))
        return [d["n"] for d in hits[:10]]

    assert run_aql() == run_python()
    t_aql, t_py = best_of(run_aql), best_of(run_python)

    edges = db.create_collection("links", 3)
    for i in range(N):
        insert_document(edges, {"_from": f"items/{i % 1000}", "_to": f"items/{i}"}, opts)
    edge_lookup = "FOR e IN links FILTER e._from == @v RETURN e._to"
    t_edge = best_of(lambda: aql.execute(db, edge_lookup, {"v": "items/7"}, None), repeat=50)

    lookup = "FOR d IN items FILTER d.group == @g LIMIT 1 RETURN d.n"
    t_eq = best_of(lambda: aql.execute(db, lookup, {"g": 42}, None), repeat=50)
    key_lookup = "FOR d IN items FILTER d._key == @k RETURN d.n"
    t_key = best_of(lambda: aql.execute(db, key_lookup, {"k": "4242"}, None), repeat=50)
    stats = aql.execute(db, lookup, {"g": 42}, None).stats

    fresh = "RETURN 1 + 1 /* %d */"
    start = time.perf_counter()
    for i in range(200):
        aql.execute(db, fresh % i, None, None)
    t_parse = (time.perf_counter() - start) / 200
    start = time.perf_counter()
    for _ in range(200):
        aql.execute(db, fresh % 0, None, None)
    t_cached = (time.perf_counter() - start) / 200

    print(f"documents: {N}")
    print(
        f"full scan FILTER+SORT+LIMIT: AQL {t_aql * 1e3:7.1f} ms, hand-written Python "
        f"{t_py * 1e3:7.1f} ms, ratio {t_aql / t_py:5.2f}x (target <= 3x)"
    )
    print(
        f"persistent-index equality lookup: {t_eq * 1e3:7.3f} ms (target < 1 ms); "
        f"scannedIndex={stats.get('scannedIndex')} scannedFull={stats.get('scannedFull')}"
    )
    print(f"primary-index _key lookup:        {t_key * 1e3:7.3f} ms (target < 1 ms)")
    print(f"edge-index _from lookup:          {t_edge * 1e3:7.3f} ms (target < 1 ms)")
    print(
        f"trivial query, parsed each time {t_parse * 1e6:7.1f} us, from the parse cache "
        f"{t_cached * 1e6:7.1f} us"
    )


if __name__ == "__main__":
    main()
