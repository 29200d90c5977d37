"""AQL speed against hand-written Python, measured in one run (run by hand).

    python benchmarks/bench_aql.py

1. A full-scan FILTER + SORT + LIMIT over 100,000 documents, against the same work written
   directly in Python over the stored documents (target: within 3x).
2. Indexed equality lookups over 100,000 documents: a ``_key`` lookup (primary index), a
   persistent index and an edge index (target: under 1 ms each).
3. The same query text again: the second run skips parsing (the parse cache by query text).

``benchmarks/run.py`` uses :func:`scan`, :func:`collect`, :func:`join`,
:func:`membership` and :func:`limit_one` (ascending and descending): each runs one query
and the same work written in Python over the stored documents, checks that both give the
same result and returns both best CPU times.
"""

from __future__ import annotations

import time
from typing import Any

from pytest_arangomock import Emulator
from pytest_arangomock.aql import api as aql
from pytest_arangomock.state.documents import WriteOptions, insert_document
from pytest_arangomock.state.indexes import create_index

N = 100_000


def best_of(fn: Any, repeat: int = 5, budget: float = 2.0) -> float:
    """Best CPU time of ``repeat`` runs, fewer once the runs so far took ``budget`` s."""
    best, spent = float("inf"), 0.0
    for _ in range(repeat):
        start = time.process_time()
        fn()
        took = time.process_time() - start
        best, spent = min(best, took), spent + took
        if spent > budget:
            break
    return best


def items(n: int) -> tuple[Any, Any]:
    """A database with ``n`` documents in ``items`` (n, group, score): (database, collection)."""
    emulator = Emulator()
    db = emulator.server.database("_system")
    col = db.create_collection("items")
    opts = WriteOptions()
    for i in range(n):
        doc = {"_key": str(i), "n": i, "group": i % 100, "score": (i * 7919) % 1000}
        insert_document(col, doc, opts)
    return db, col


def versus(
    db: Any, query: str, bind: dict[str, Any] | None, python: Any, repeat: int = 5
) -> tuple[float, float]:
    """(AQL, hand-written Python) best times of the same work; the results must agree."""

    got: list[Any] = []

    def run_aql() -> None:
        got[:] = aql.execute(db, query, bind, None).rows

    took = best_of(run_aql, repeat)
    assert got == python(), query
    return took, best_of(python, repeat)


def scan(n: int = 20_000) -> tuple[float, float]:
    """A full-scan FILTER + SORT + LIMIT."""
    db, col = items(n)

    def python() -> list[Any]:
        hits = [d for d in col.docs.values() if d["score"] > 500]
        hits.sort(key=lambda d: (-d["score"], d["n"]))
        return [d["n"] for d in hits[:10]]

    query = "FOR d IN items FILTER d.score > 500 SORT d.score DESC, d.n LIMIT 10 RETURN d.n"
    return versus(db, query, None, python)


def collect(n: int = 20_000) -> tuple[float, float]:
    """COLLECT with aggregates over every document."""
    db, col = items(n)

    def python() -> list[Any]:
        groups: dict[int, list[int]] = {}
        for d in col.docs.values():
            acc = groups.get(d["group"])
            if acc is None:
                groups[d["group"]] = [d["score"], d["score"], 1]
            else:
                acc[0] += d["score"]
                acc[1] = max(acc[1], d["score"])
                acc[2] += 1
        return [
            {"g": g, "total": t, "top": m, "count": c} for g, (t, m, c) in sorted(groups.items())
        ]

    query = (
        "FOR d IN items COLLECT g = d.group AGGREGATE total = SUM(d.score), top = MAX(d.score),"
        " count = LENGTH(1) RETURN {g, total, top, count}"
    )
    return versus(db, query, None, python)


def join(n: int = 5_000) -> tuple[float, float]:
    """A nested-loop join on an indexed attribute (each order finds its customer)."""
    db, col = items(n)
    customers = db.create_collection("customers")
    opts = WriteOptions()
    for g in range(100):
        insert_document(customers, {"_key": f"c{g}", "group": g, "name": f"n{g}"}, opts)
    create_index(customers, {"type": "persistent", "fields": ["group"]})

    def python() -> list[Any]:
        by_group: dict[int, list[dict[str, Any]]] = {}
        for c in customers.docs.values():
            by_group.setdefault(c["group"], []).append(c)
        return [
            [d["n"], c["name"]] for d in col.docs.values() for c in by_group.get(d["group"], ())
        ]

    query = "FOR d IN items FOR c IN customers FILTER c.group == d.group RETURN [d.n, c.name]"
    return versus(db, query, None, python)


def membership(n: int = 10_000, k: int = 2_000, via_variable: bool = False) -> tuple[float, float]:
    """``FILTER d.n IN list`` with a ``k``-element list over ``n`` documents: the list as a
    bind parameter (a constant) or as a subquery's result held in a variable."""
    db, col = items(n)
    wanted = [i * 5 for i in range(k)]

    def python() -> list[Any]:
        chosen = set(wanted)
        return [d["n"] for d in col.docs.values() if d["n"] in chosen]

    query = "FOR d IN items FILTER d.n IN @list RETURN d.n"
    if via_variable:
        query = "LET list = (FOR w IN @list RETURN w) " + query.replace("@list", "list")
    return versus(db, query, {"list": wanted}, python, repeat=3)


def limit_one(n: int = 100_000, descending: bool = False) -> tuple[float, float]:
    """An index range lookup under ``LIMIT 1`` with ``n`` matches (a range: its answer is
    not remembered between runs), against ``next()`` over the matching documents; with
    ``descending``, ``SORT d.n DESC LIMIT 1`` (the index read backwards) against ``max()``
    over them."""
    db, col = items(n)
    create_index(col, {"type": "persistent", "fields": ["n"]})
    pick = max if descending else next

    def python() -> list[Any]:
        return [pick(d["n"] for d in col.docs.values() if d["n"] >= 0)]

    sort = "SORT d.n DESC " if descending else ""
    query = f"FOR d IN items FILTER d.n >= 0 {sort}LIMIT 1 RETURN d.n"
    return versus(db, query, None, python, repeat=20)


def main() -> None:
    db, col = items(N)
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
    opts = WriteOptions()
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
    t_lim, t_next = limit_one(N)
    print(
        f"index range under LIMIT 1 ({N} matches): AQL {t_lim * 1e3:7.3f} ms, next() "
        f"{t_next * 1e3:7.3f} ms, ratio {t_lim / t_next:5.2f}x"
    )
    t_desc, t_max = limit_one(N, descending=True)
    print(
        f"index range under SORT DESC LIMIT 1 ({N} matches): AQL {t_desc * 1e3:7.3f} ms, "
        f"max() {t_max * 1e3:7.3f} ms (target < 1 ms)"
    )
    print(
        f"trivial query, parsed each time {t_parse * 1e6:7.1f} us, from the parse cache "
        f"{t_cached * 1e6:7.1f} us"
    )


if __name__ == "__main__":
    main()
