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
