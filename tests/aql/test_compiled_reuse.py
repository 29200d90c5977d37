"""A repeated query runs its compiled form again (no compilation), and that never shows:
other bind values, other collections, new indexes, other users, statistics, warnings,
fullCount and concurrent executions all answer as a fresh compilation would."""

from __future__ import annotations

import gc
import threading
import weakref
from typing import Any

import pytest

from pytest_arangomock import ArangoError
from pytest_arangomock.aql import api
from pytest_arangomock.state import documents as D
from pytest_arangomock.state.indexes import create_index

from ._engine import err, fill, fresh_db, q


def _items(n: int = 20) -> Any:
    db = fresh_db()
    fill(db, "items", [{"_key": str(i), "n": i, "g": i % 3} for i in range(n)])
    fill(db, "other", [{"_key": str(i), "n": -i} for i in range(n)])
    return db


def test_key_lookup_compiles_once_and_reads_each_value(compiles: list[str]) -> None:
    db = _items()
    query = "FOR d IN items FILTER d._key == @k RETURN d.n"
    assert [q(db, query, {"k": str(i)}) for i in range(5)] == [[0], [1], [2], [3], [4]]
    assert compiles == [query]
    res = api.execute(db, query, {"k": "7"}, {})
    # the index cursor is created once per execution, statistics start from zero
    assert (res.stats["scannedIndex"], res.stats["cursorsCreated"]) == (1, 1)
    assert res.stats["cursorsRearmed"] == 0


def test_collection_and_limit_parameters_are_compared_by_value(compiles: list[str]) -> None:
    db = _items()
    query = "FOR d IN @@c SORT d.n LIMIT @n RETURN d.n"
    assert q(db, query, {"@c": "items", "n": 2}) == [0, 1]
    assert q(db, query, {"@c": "other", "n": 2}) == [-19, -18]
    assert q(db, query, {"@c": "items", "n": 3}) == [0, 1, 2]
    assert q(db, query, {"@c": "items", "n": 2}) == [0, 1]
    assert q(db, query, {"@c": "items", "n": 2.0}) == [0, 1]
    assert len(compiles) == 4  # the repeat of the first reused its compilation


def test_in_array_parameter_by_kind(compiles: list[str]) -> None:
    db = _items()
    query = "FOR d IN items FILTER d.n IN @v SORT d.n RETURN d.n"
    assert q(db, query, {"v": [1, 2]}) == [1, 2]
    assert q(db, query, {"v": [5, 3.0, "4"]}) == [3, 5]
    assert q(db, query, {"v": 3}) == []  # not an array: IN is false
    assert q(db, query, {"v": [0]}) == [0]
    assert len(compiles) == 2
    neg = "FOR d IN items FILTER d.n NOT IN @v RETURN d.n"
    assert len(q(db, neg, {"v": [1, 2]})) == 18
    assert len(q(db, neg, {"v": list(range(10))})) == 10


def test_new_index_and_dropped_collection_invalidate(compiles: list[str]) -> None:
    db = _items()
    query = "FOR d IN items FILTER d.g == @g RETURN d.n"
    assert api.execute(db, query, {"g": 1}, {}).stats["scannedFull"] == 20
    create_index(db.get_collection("items"), {"type": "persistent", "fields": ["g"]})
    res = api.execute(db, query, {"g": 2}, {})
    assert (res.stats["scannedFull"], res.stats["scannedIndex"]) == (0, 6)
    assert len(compiles) == 2
    db.drop_collection("items")
    assert err(db, query, {"g": 1}).num == 1203
    fill(db, "items", [{"_key": "x", "n": 100, "g": 1}])
    assert q(db, query, {"g": 1}) == [100]


def test_writes_between_executions_are_seen() -> None:
    db = _items(3)
    query = "FOR d IN items FILTER d._key == @k RETURN d.n"
    assert q(db, query, {"k": "9"}) == []
    D.insert_document(db.get_collection("items"), {"_key": "9", "n": 9}, D.WriteOptions())
    assert q(db, query, {"k": "9"}) == [9]
    assert q(db, "FOR d IN items RETURN d.n") == [0, 1, 2, 9]
    D.remove_document(db.get_collection("items"), "0", D.WriteOptions())
    assert q(db, "FOR d IN items RETURN d.n") == [1, 2, 9]


def test_warnings_and_parameter_errors_on_every_execution() -> None:
    db = _items(3)
    query = "FOR d IN items FILTER d._key == @k RETURN d.n / 0"
    for _ in range(2):
        res = api.execute(db, query, {"k": "1"}, {})
        assert res.rows == [None]
        assert [w["code"] for w in res.warnings] == [1562]
        assert err(db, query, {}).num == 1551
        assert err(db, query, {"k": "1", "x": 1}).num == 1552
    folded = "RETURN 1 / 0"
    for _ in range(2):
        assert [w["code"] for w in api.execute(db, folded, None, {}).warnings] == [1562]


def test_full_count_and_plain_runs_do_not_share() -> None:
    db = _items()
    query = "FOR d IN items FILTER d.n >= @lo LIMIT 2 RETURN d.n"
    for _ in range(2):
        res = api.execute(db, query, {"lo": 10}, {"fullCount": True})
        assert (res.rows, res.full_count) == ([10, 11], 10)
        res = api.execute(db, query, {"lo": 15}, {})
        assert (res.rows, res.full_count) == ([15, 16], None)


def test_each_execution_checks_its_own_caller() -> None:
    db = _items(3)
    query = "FOR d IN items FILTER d._key == @k RETURN d.n"
    asked: list[tuple[str, bool]] = []

    def allow(collection: str, writes: bool) -> None:
        asked.append((collection, writes))

    def deny(collection: str, writes: bool) -> None:
        raise ArangoError(1004, f"read access to '{collection}' denied", 403)

    assert api.execute(db, query, {"k": "1"}, {}, "root", allow).rows == [1]
    with pytest.raises(ArangoError) as exc:
        api.execute(db, query, {"k": "1"}, {}, "guest", deny)
    assert exc.value.num == 1004
    assert api.execute(db, query, {"k": "2"}, {}, "root", allow).rows == [2]
    asked.clear()
    assert api.execute(db, query, {"k": "0"}, {}, "root", allow).rows == [0]
    assert asked == [("items", False)]  # a reused compilation checks once


def test_functions_folded_at_compile_time_are_not_kept(compiles: list[str]) -> None:
    db = _items(3)
    query = "FOR d IN items LIMIT LENGTH(CURRENT_USER() || '') RETURN d.n"
    assert api.execute(db, query, None, {}, "ab").rows == [0, 1]
    assert api.execute(db, query, None, {}, "abc").rows == [0, 1, 2]
    assert len(compiles) == 2


def test_concurrent_executions_use_separate_instances() -> None:
    db = _items(200)
    query = "FOR d IN items FILTER d.g == @g FILTER d.n >= @lo RETURN d.n"
    failures: list[Any] = []
    start = threading.Barrier(4)

    def work(g: int) -> None:
        start.wait()
        for lo in range(0, 200, 7):
            want = [n for n in range(200) if n % 3 == g and n >= lo]
            res = api.execute(db, query, {"g": g, "lo": lo}, {})
            if res.rows != want or res.stats["scannedFull"] != 200:
                failures.append((g, lo, res.rows, res.stats))

    threads = [threading.Thread(target=work, args=(i % 3,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_level_two_profile_measures_a_reused_query() -> None:
    db = _items()
    query = "FOR d IN items FILTER d.n >= @lo RETURN d.n"
    assert len(q(db, query, {"lo": 5})) == 15
    res = api.execute(db, query, {"lo": 10}, {"profile": 2})
    assert res.node_stats is not None
    assert len(q(db, query, {"lo": 12})) == 8


@pytest.mark.parametrize(
    ("query", "options", "scanned", "filtered"),
    [
        ("FOR d IN items LIMIT 2 RETURN d.n", {}, 2, 0),
        ("FOR d IN items LIMIT 3, 2 RETURN d.n", {}, 5, 0),
        ("FOR d IN items FILTER d.n > 3 LIMIT 2 RETURN d.n", {}, 6, 4),
        ("FOR d IN items LET x = d.n * 2 LIMIT 3 RETURN x", {}, 3, 0),
        ("FOR d IN items LIMIT 2 RETURN d.n", {"fullCount": True}, 20, 0),
        ("FOR d IN items FILTER d.n > 3 LIMIT 2 RETURN d.n", {"fullCount": True}, 20, 4),
        ("FOR d IN items SORT d.n LIMIT 2 RETURN d.n", {}, 20, 0),
        ("FOR d IN items FILTER d.n > 3 LIMIT 50 RETURN d.n", {}, 20, 4),
    ],
)
def test_a_scan_under_limit_counts_the_documents_it_read(
    query: str, options: dict[str, Any], scanned: int, filtered: int
) -> None:
    """ArangoDB's collection scan reads as many documents as the LIMIT above it asks for
    (all of them for fullCount or a SORT in between)."""
    db = _items()
    for _ in range(2):  # compiled, then reused
        res = api.execute(db, query, None, options)
        assert (res.stats["scannedFull"], res.stats["filtered"]) == (scanned, filtered)


def test_an_index_lookup_under_limit_counts_the_documents_it_read() -> None:
    db = _items(30)
    create_index(db.get_collection("items"), {"type": "persistent", "fields": ["g"]})
    query = "FOR d IN items FILTER d.g == 1 LIMIT @n RETURN d.n"
    res = api.execute(db, query, {"n": 1}, {})
    assert (res.rows, res.stats["scannedIndex"], res.stats["documentLookups"]) == ([1], 1, 1)
    res = api.execute(db, query, {"n": 1}, {"fullCount": True})
    assert (res.stats["scannedIndex"], res.full_count) == (10, 10)
    covered = "FOR d IN items FILTER d.g == 1 LIMIT 2 RETURN d.g"
    res = api.execute(db, covered, None, {})
    assert (res.stats["scannedIndex"], res.stats["documentLookups"]) == (2, 0)


def test_compiled_queries_go_with_their_database() -> None:
    db = _items(3)
    query = "FOR d IN items FILTER d._key == @k RETURN d.n"
    assert q(db, query, {"k": "1"}) == [1]
    twin = db.server.copy_data()[0][db.name]  # a hot backup copies databases
    assert q(twin, query, {"k": "2"}) == [2]
    assert q(db, query, {"k": "0"}) == [0]
    gone = weakref.ref(db)
    del db, twin
    gc.collect()
    assert gone() is None
