"""Vector search speed and memory, measured in one run (run by hand).

    python benchmarks/bench_vector.py [N] [DIM]

100,000 documents with 384-dimensional embeddings and a cosine vector index; top-10 queries
through the HTTP API with python-arango-async's in-process client, against a hand-written
numpy ``argpartition`` over the same matrix in the same run. Goals: within 2x of numpy and
under 50 ms per query; the index's memory per vector within 1.2x of the raw float32 array.
Also shown: the same after the index was built document by document (index created first).
"""

from __future__ import annotations

import asyncio
import operator
import sys
import time
from typing import Any

import numpy as np
from arangoasync import ArangoClient
from arangoasync.auth import Auth

from pytest_arangomock import Emulator, InProcessHTTPClient
from pytest_arangomock.state.documents import WriteOptions, insert_document
from pytest_arangomock.state.indexes import VectorIndex, create_index

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
DIM = int(sys.argv[2]) if len(sys.argv) > 2 else 384
QUERIES = 20
QUERY = "FOR d IN docs SORT APPROX_NEAR_COSINE(d.v, @q) DESC LIMIT 10 RETURN d._key"


def embeddings(n: int, seed: int) -> list[list[float]]:
    """Quantised random vectors that share their float objects (keeps the lists small)."""
    rng = np.random.default_rng(seed)
    pool = [float(x) for x in np.linspace(-1, 1, 256)]
    codes = rng.integers(0, 256, size=(n, DIM))
    return [list(operator.itemgetter(*row)(pool)) for row in codes]


def load(emulator: Emulator, index_first: bool) -> VectorIndex:
    db = emulator.server.database("_system")
    col = db.create_collection("docs")
    definition = {
        "type": "vector",
        "fields": ["v"],
        "params": {"metric": "cosine", "dimension": DIM},
    }
    opts = WriteOptions()
    if index_first:
        create_index(col, definition)
    for i, v in enumerate(embeddings(N, seed=1)):
        insert_document(col, {"_key": str(i), "v": v}, opts)
    if not index_first:
        create_index(col, definition)
    index = next(ix for ix in col.indexes if isinstance(ix, VectorIndex))
    assert index.state == "ready", index.training_error
    return index


def numpy_top10(matrix: Any, keys: list[str], q: list[float]) -> list[str]:
    v = np.asarray(q, dtype=np.float32)
    v /= np.linalg.norm(v)
    scores = matrix @ v
    top = np.argpartition(-scores, 9)[:10]
    return [keys[i] for i in top[np.argsort(-scores[top], kind="stable")]]


async def through_http(emulator: Emulator, queries: list[list[float]]) -> tuple[float, list[Any]]:
    async with ArangoClient(
        hosts="http://arangomock:8529", http_client=InProcessHTTPClient(emulator)
    ) as client:
        db = await client.db("_system", auth=Auth("root", ""))
        results = []
        cursor = await db.aql.execute(QUERY, bind_vars={"q": queries[0]})  # warm up
        _ = [k async for k in cursor]
        start = time.perf_counter()
        for q in queries:
            cursor = await db.aql.execute(QUERY, bind_vars={"q": q})
            results.append([k async for k in cursor])
        return (time.perf_counter() - start) / len(queries), results


def report(label: str, index: VectorIndex, emulator: Emulator) -> None:
    queries = embeddings(QUERIES, seed=2)
    n = index._n
    matrix, keys = index._matrix[:n], index._keys
    numpy_top10(matrix, keys, queries[0])  # warm up
    start = time.perf_counter()
    expected = [numpy_top10(matrix, keys, q) for q in queries]
    t_numpy = (time.perf_counter() - start) / len(queries)
    t_http, got = asyncio.run(through_http(emulator, queries))
    assert got == expected, "the emulator and numpy disagree"
    memory = index.memory()
    per_vector = memory["matrix"] / memory["raw"]
    with_keys = (memory["matrix"] + memory["keys"]) / memory["raw"]
    print(
        f"{label}: {N} x {DIM}, top-10 cosine: HTTP API {t_http * 1000:.1f} ms/query, "
        f"numpy argpartition {t_numpy * 1000:.1f} ms/query, ratio {t_http / t_numpy:.2f}x "
        f"(goals: <= 2x, < 50 ms); memory per vector {per_vector:.3f}x the raw float32 array "
        f"({with_keys:.3f}x with the key maps; goal <= 1.2x)"
    )


def main() -> None:
    for label, index_first in (("data, then index", False), ("index, then data", True)):
        emulator = Emulator()
        start = time.perf_counter()
        index = load(emulator, index_first)
        print(f"{label}: loaded in {time.perf_counter() - start:.1f} s")
        report(label, index, emulator)
        del emulator, index


if __name__ == "__main__":
    main()
