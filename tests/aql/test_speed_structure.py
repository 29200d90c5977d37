"""How the engine does its work (not how long it takes): index lookups instead of scans,
FILTERs inside the scan, SORT+LIMIT without sorting everything, the parse cache."""

from __future__ import annotations

from typing import Any

from pytest_arangomock.aql import api
from pytest_arangomock.aql.parser import parse_query
from pytest_arangomock.state.indexes import create_index

from ._engine import fill, fresh_db, q

N = 2000


def _items() -> Any:
    db = fresh_db()
    col = fill(db, "items", [{"_key": str(i), "n": i, "group": i % 10} for i in range(N)])
    create_index(col, {"type": "persistent", "fields": ["group"]})
    return db


def test_primary_and_persistent_lookups_do_not_scan() -> None:
    db = _items()
    res = api.execute(db, "FOR d IN items FILTER d._key == @k RETURN d.n", {"k": "42"}, {})
    assert res.rows == [42]
    assert (res.stats["scannedFull"], res.stats["scannedIndex"]) == (0, 1)
    res = api.execute(db, "FOR d IN items FILTER d.group == 3 RETURN d.n", None, {})
    assert len(res.rows) == N // 10
    assert (res.stats["scannedFull"], res.stats["scannedIndex"]) == (0, N // 10)


def test_edge_lookup_does_not_scan() -> None:
    db = fresh_db()
    fill(db, "edges", [{"_from": f"v/{i % 50}", "_to": f"v/{i}"} for i in range(N)], edge=True)
    res = api.execute(db, "FOR e IN edges FILTER e._from == 'v/7' RETURN e._to", None, {})
    assert len(res.rows) == N // 50
    assert (res.stats["scannedFull"], res.stats["scannedIndex"]) == (0, N // 50)


def test_full_scan_filter_counts_and_top_k() -> None:
    db = _items()
    query = "FOR d IN items FILTER d.n % 2 == 0 SORT d.n DESC LIMIT 3 RETURN d.n"
    res = api.execute(db, query, None, {})
    assert res.rows == [N - 2, N - 4, N - 6]
    assert res.stats["scannedFull"] == N
    assert res.stats["filtered"] == N // 2  # every rejected document counted once
    # with fullCount the LIMIT still sees every row
    res = api.execute(db, query, None, {"fullCount": True})
    assert res.rows == [N - 2, N - 4, N - 6] and res.full_count == N // 2


def test_sort_limit_matches_full_sort_for_mixed_types() -> None:
    db = fresh_db()
    values = [3, "a", None, [1], True, 2.5, {"x": 1}, "B", -1, False]
    docs = [{"_key": str(i), "v": v, "i": i} for i, v in enumerate(values)]
    fill(db, "mixed", docs)
    for direction in ("ASC", "DESC"):
        full = q(db, f"FOR d IN mixed SORT d.v {direction}, d.i RETURN d.i")
        top = q(db, f"FOR d IN mixed SORT d.v {direction}, d.i LIMIT 1, 4 RETURN d.i")
        assert top == full[1:5]


def test_query_text_is_parsed_once() -> None:
    db = fresh_db()
    text = "RETURN 40 + 2 /* parse cache */"
    api.execute(db, text, None, {})
    hits = parse_query.cache_info().hits
    assert api.execute(db, text, None, {}).rows == [42]
    assert parse_query.cache_info().hits == hits + 1


def test_filter_answered_by_the_index_is_not_checked_again() -> None:
    """As ArangoDB's ``remove-filter-covered-by-index``: the value is computed once per
    lookup, so its warning (division by zero, folded in ArangoDB) is reported once."""
    db = _items()
    query = "FOR d IN items FILTER d.group == 1 / @zero + 1 RETURN d.n"
    res = api.execute(db, query, {"zero": 0}, {})
    assert len(res.rows) == N // 10
    assert [w["code"] for w in res.warnings] == [1562]


def test_other_conjuncts_of_a_covered_filter_are_still_checked() -> None:
    db = _items()
    for cond in ("d.group == @g AND d.n > 1900", "d.n > 1900 AND d.group == @g"):
        res = api.execute(db, f"FOR d IN items FILTER {cond} SORT d.n RETURN d.n", {"g": 3}, {})
        assert res.rows == list(range(1903, N, 10))
        assert res.stats["filtered"] == N // 10 - len(res.rows)
    res = api.execute(db, "FOR d IN items FILTER d._key IN @k RETURN d.n", {"k": ["4", 5]}, {})
    assert res.rows == [4]
    res = api.execute(db, "FOR d IN items FILTER d.group == '3' RETURN d.n", None, {})
    assert res.rows == []
