"""Joins through an index: one lookup per outer row, answers remembered by the index until
the next write, the statistics of every lookup, and a query that writes what it reads."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api
from pytest_arangomock.state import documents as D
from pytest_arangomock.state.indexes import create_index

from ._engine import fill, fresh_db, q

JOIN = "FOR o IN orders FOR c IN customers FILTER c.group == o.group RETURN [o.n, c.name]"


@pytest.fixture
def db() -> Any:
    db = fresh_db()
    fill(db, "orders", [{"_key": str(i), "n": i, "group": i % 3} for i in range(6)])
    customers = fill(
        db, "customers", [{"_key": f"c{g}", "group": g, "name": f"n{g}"} for g in (0, 1.0)]
    )
    create_index(customers, {"type": "persistent", "fields": ["group"]})
    return db


def test_a_join_reads_each_outer_rows_matches_with_its_statistics(db: Any) -> None:
    result = api.execute(db, JOIN, None, {})
    assert result.rows == [[0, "n0"], [1, "n1.0"], [3, "n0"], [4, "n1.0"]]
    stats = result.stats
    assert (stats["scannedIndex"], stats["scannedFull"], stats["filtered"]) == (4, 6, 0)
    assert (stats["cursorsCreated"], stats["cursorsRearmed"]) == (1, 5)
    assert stats["documentLookups"] == 4


def test_answers_follow_every_write_between_queries(db: Any) -> None:
    customers = db.collection("customers")
    assert q(db, JOIN) == [[0, "n0"], [1, "n1.0"], [3, "n0"], [4, "n1.0"]]
    D.insert_document(customers, {"_key": "c2", "group": 2, "name": "n2"}, D.WriteOptions())
    assert [row for row in q(db, JOIN) if row[1] == "n2"] == [[2, "n2"], [5, "n2"]]
    q(db, "UPDATE 'c0' WITH {group: 2} IN customers")
    assert q(db, JOIN) == [[1, "n1.0"], [2, "n2"], [2, "n0"], [4, "n1.0"], [5, "n2"], [5, "n0"]]
    q(db, "REMOVE 'c2' IN customers")
    assert q(db, JOIN) == [[1, "n1.0"], [2, "n0"], [4, "n1.0"], [5, "n0"]]
    q(db, "FOR c IN customers REMOVE c IN customers")
    assert q(db, JOIN) == []


def test_a_query_sees_its_own_writes_in_the_next_lookup(db: Any) -> None:
    rows = q(
        db,
        "FOR x IN [1, 2, 3] FOR c IN customers FILTER c.group == 0 "
        "INSERT {group: 0, name: CONCAT('from', x)} INTO customers RETURN [x, c.name]",
    )
    assert rows == [
        [1, "n0"],
        [2, "n0"],
        [2, "from1"],
        [3, "n0"],
        [3, "from1"],
        [3, "from2"],
        [3, "from2"],
    ]


def test_single_value_lookups_of_the_system_indexes(db: Any) -> None:
    edges = fill(db, "links", [{"_from": "orders/1", "_to": "customers/c0"}], edge=True)
    assert edges.name == "links"
    rows = q(db, "FOR k IN ['1', 1, null, '9'] FOR o IN orders FILTER o._key == k RETURN o.n")
    assert rows == [1]
    rows = q(
        db,
        "FOR i IN ['orders/2', 'customers/2', 2] FOR o IN orders FILTER o._id == i RETURN o.n",
    )
    assert rows == [2]
    rows = q(
        db,
        "FOR o IN orders FOR l IN links FILTER l._from == o._id RETURN [o.n, l._to]",
    )
    assert rows == [[1, "customers/c0"]]
    assert q(db, "FOR v IN [1, null] FOR l IN links FILTER l._to == v RETURN l") == []
