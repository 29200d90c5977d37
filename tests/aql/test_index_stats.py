"""Query statistics of index reads as RocksDB counts them: ``scannedIndex`` per index
entry, ``documentLookups`` per document read because the index does not hold what the
query needs, and no ``seeks`` (those count merge joins only)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api
from pytest_arangomock.state.indexes import create_index

from ._engine import fill, fresh_db


def _db() -> Any:
    db = fresh_db()
    docs = [{"_key": str(i), "x": i % 3, "y": i, "z": "abc"[i % 3]} for i in range(9)]
    items = fill(db, "items", docs)
    create_index(items, {"type": "persistent", "fields": ["x"], "storedValues": ["y"]})
    return db


@pytest.mark.parametrize(
    ("query", "rows", "scanned", "lookups"),
    [
        ("FOR d IN items FILTER d.x == 1 RETURN d", 3, 3, 3),
        ("FOR d IN items FILTER d.x == 1 RETURN d.z", 3, 3, 3),
        # the index holds x and (stored) y: no document is read
        ("FOR d IN items FILTER d.x == 1 RETURN [d.x, d.y]", 3, 3, 0),
        # filtered documents were read too
        ("FOR d IN items FILTER d.x == 1 FILTER d.z == 'b' RETURN d.y", 3, 3, 3),
        ("FOR d IN items FILTER d._key == '4' RETURN d._key", 1, 1, 0),
        ("FOR d IN items FILTER d._key IN ['4', '5', 'no'] RETURN d", 2, 2, 2),
        # IN on a persistent index: one lookup per distinct value
        ("FOR d IN items FILTER d.x IN [2, 1, 2] RETURN d.y", 6, 6, 0),
        ("FOR d IN items FILTER d.x IN [2, 1] RETURN d", 6, 6, 6),
        ("FOR d IN items FILTER d.z == 'b' RETURN d", 3, 0, 0),
    ],
)
def test_index_reads_count_lookups_of_what_the_index_does_not_hold(
    query: str, rows: int, scanned: int, lookups: int
) -> None:
    result = api.execute(_db(), query, None, {})
    assert len(result.rows) == rows
    stats = result.stats
    assert (stats["scannedIndex"], stats["documentLookups"], stats.get("seeks", 0)) == (
        scanned,
        lookups,
        0,
    )


def test_in_on_a_persistent_index_reads_values_in_ascending_order() -> None:
    result = api.execute(_db(), "FOR d IN items FILTER d.x IN [2, 0, 'x', 2] RETURN d.y", None, {})
    assert result.rows == [0, 3, 6, 2, 5, 8]
    assert result.stats["scannedFull"] == 0


def _ranged() -> Any:
    db = fresh_db()
    docs = [{"_key": str(i), "k": "ab"[i % 2], "n": i} for i in range(10)]
    docs += [{"_key": "s", "k": "a", "n": "text"}, {"_key": "z", "k": "a"}]
    items = fill(db, "items", docs)
    create_index(items, {"type": "persistent", "fields": ["k", "n"], "name": "k_n"})
    create_index(items, {"type": "persistent", "fields": ["n"], "name": "n"})
    return db


@pytest.mark.parametrize(
    ("query", "keys", "index"),
    [
        # AQL order across types: a string is above every number, null (and a missing
        # attribute) below
        ("FOR d IN items FILTER d.n > 6 RETURN d._key", ["7", "8", "9", "s"], "n"),
        ("FOR d IN items FILTER 3 > d.n RETURN d._key", ["z", "0", "1", "2"], "n"),
        ("FOR d IN items FILTER d.n >= 6 AND d.n < 8 RETURN d._key", ["6", "7"], "n"),
        ("FOR d IN items FILTER d.n > 5 AND d.n >= 8 RETURN d._key", ["8", "9", "s"], "n"),
        ("FOR d IN items FILTER d.k == 'a' AND d.n > 4 RETURN d._key", ["6", "8", "s"], "k_n"),
        (
            "FOR d IN items FILTER d.k IN ['b', 'a'] AND d.n <= 3 AND d.n > 0 RETURN d._key",
            ["2", "1", "3"],
            "k_n",
        ),
    ],
)
def test_range_conditions_read_a_persistent_index_in_its_order(
    query: str, keys: list[str], index: str
) -> None:
    db = _ranged()
    result = api.execute(db, query, None, {})
    assert result.rows == keys
    assert result.stats["scannedFull"] == 0 and result.stats["scannedIndex"] == len(keys)
    plan = api.explain(db, query, None, None)["plan"]
    assert [n["type"] for n in plan["nodes"]] == ["SingletonNode", "IndexNode", "ReturnNode"]
    assert plan["nodes"][1]["indexes"][0]["name"] == index
    assert "remove-filter-covered-by-index" in plan["rules"]
