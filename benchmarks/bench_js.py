"""Server-side JavaScript speed, each figure against a baseline measured in the same run
(run by hand):

    python benchmarks/bench_js.py

1. A JavaScript transaction inserting 1,000 documents, against the same 1,000 inserts as
   one stream transaction driven over the emulator's HTTP interface (the work a driver
   would send), and against one AQL query inserting 1,000 documents.
2. An AQL query calling a user function on 10,000 values, against the same query with a
   built-in expression instead of the user function.
3. Engine start-up: the first script of a fresh emulator (QuickJS context and prelude).
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from pytest_arangomock import BackendRequest, Emulator

AUTH = {"authorization": "Basic " + base64.b64encode(b"root:").decode()}
N_DOCS = 1_000
N_VALUES = 10_000


def call(em: Emulator, method: str, url: str, body: Any = None, **headers: str) -> Any:
    data = b"" if body is None else json.dumps(body).encode()
    response = em.handle_sync(BackendRequest.from_url(method, url, {**AUTH, **headers}, data))
    assert response.status < 300, response.body[:300]
    return json.loads(response.body) if response.body else None


def best_of(fn: Any, repeat: int = 5) -> float:
    """Best wall-clock seconds of ``repeat`` runs (the least disturbed one)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    em = Emulator()
    call(em, "POST", "/_api/collection", {"name": "docs"})
    action = (
        "function (p) { const c = require('@arangodb').db.docs;"
        " for (let i = 0; i < p.n; i++) { c.insert({i: i}); } }"
    )

    def js_transaction() -> None:
        call(em, "PUT", "/_api/collection/docs/truncate")
        call(
            em,
            "POST",
            "/_api/transaction",
            {"collections": {"write": "docs"}, "action": action, "params": {"n": N_DOCS}},
        )

    def http_stream_transaction() -> None:
        call(em, "PUT", "/_api/collection/docs/truncate")
        trx = call(em, "POST", "/_api/transaction/begin", {"collections": {"write": "docs"}})
        tid = trx["result"]["id"]
        for i in range(N_DOCS):
            call(em, "POST", "/_api/document/docs", {"i": i}, **{"x-arango-trx-id": tid})
        call(em, "PUT", f"/_api/transaction/{tid}")

    def aql_insert() -> None:
        call(em, "PUT", "/_api/collection/docs/truncate")
        call(
            em,
            "POST",
            "/_api/cursor",
            {"query": "FOR i IN 0..@n - 1 INSERT {i: i} INTO docs", "bindVars": {"n": N_DOCS}},
        )

    t_js, t_http, t_aql = (
        best_of(js_transaction),
        best_of(http_stream_transaction),
        best_of(aql_insert),
    )

    call(
        em,
        "POST",
        "/_api/aqlfunction",
        {"name": "bench::scale", "code": "function (x) { return x * 1.8 + 32; }"},
    )
    udf = {
        "query": "FOR i IN 1..@n RETURN BENCH::SCALE(i)",
        "bindVars": {"n": N_VALUES},
        "batchSize": N_VALUES,
    }
    builtin = {
        "query": "FOR i IN 1..@n RETURN i * 1.8 + 32",
        "bindVars": {"n": N_VALUES},
        "batchSize": N_VALUES,
    }
    assert (
        call(em, "POST", "/_api/cursor", udf)["result"]
        == call(em, "POST", "/_api/cursor", builtin)["result"]
    )
    t_udf = best_of(lambda: call(em, "POST", "/_api/cursor", udf))
    t_builtin = best_of(lambda: call(em, "POST", "/_api/cursor", builtin))

    def startup() -> None:
        fresh = Emulator()
        call(fresh, "POST", "/_api/transaction", {"collections": {}, "action": "function () {}"})

    def no_js() -> None:
        fresh = Emulator()
        call(fresh, "GET", "/_api/version")

    t_start, t_plain = best_of(startup), best_of(no_js)

    print(f"JS transaction, {N_DOCS} inserts:      {t_js * 1000:8.1f} ms")
    print(
        f"  same inserts, HTTP stream trx: {t_http * 1000:8.1f} ms  (JS/HTTP {t_js / t_http:.2f}x)"
    )
    print(f"  same inserts, one AQL query:   {t_aql * 1000:8.1f} ms  (JS/AQL {t_js / t_aql:.2f}x)")
    print(
        f"AQL user function, {N_VALUES} calls:   {t_udf * 1000:8.1f} ms"
        f"  ({t_udf / N_VALUES * 1e6:.1f} us per call)"
    )
    print(
        f"  same query, built-in expression: {t_builtin * 1000:6.1f} ms"
        f"  (UDF/built-in {t_udf / t_builtin:.1f}x)"
    )
    print(
        f"first script of a fresh emulator: {t_start * 1000:7.1f} ms"
        f"  (emulator without JS: {t_plain * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
