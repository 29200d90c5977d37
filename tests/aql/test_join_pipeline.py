"""The per-row pipeline of joins and nested loops: a loop followed only by statements that
are done with a row hands on its row in place, the RETURN right after a loop runs inside
it, and an index lookup per outer row counts its statistics once. Every case is checked
against the same query over a copy of the data without indexes (a scan and a FILTER)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api
from pytest_arangomock.aql.executor import decorated_message
from pytest_arangomock.state.indexes import create_index

from ._engine import err, fill, fresh_db, q

GROUPS = [0, 1, 2, None, "x", [1], 1.5, 2.0]
ORDERS = [
    {"_key": str(i), "n": i, "g": GROUPS[i % len(GROUPS)], "arr": [i % 3, 2]} for i in range(24)
] + [{"_key": "nog", "n": 100, "arr": []}]
CUSTOMERS = [
    {"_key": f"c{k}", "g": g, "name": f"n{k}", "f": 0.5 * k}
    for k, g in enumerate([0, 1, 2, 3, None, "x", [1], 1.5, 2, 0])
] + [{"_key": "cz", "name": "none"}]


def _db(indexes: bool) -> Any:
    db = fresh_db()
    fill(db, "orders", ORDERS)
    plain = fill(db, "customers", CUSTOMERS)
    unique = fill(db, "uniq", [{"_key": f"u{k}", "g": k, "v": k * 1.5} for k in range(4)])
    sparse = fill(
        db, "sparse", [{"_key": f"s{k}", "g": k if k % 2 else None, "w": k} for k in range(6)]
    )
    if indexes:
        create_index(plain, {"type": "persistent", "fields": ["g"]})
        create_index(unique, {"type": "persistent", "fields": ["g"], "unique": True})
        create_index(sparse, {"type": "persistent", "fields": ["g"], "sparse": True})
    return db


@pytest.fixture(scope="module")
def dbs() -> tuple[Any, Any]:
    return _db(True), _db(False)


JOINS = [
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g RETURN [o.n, c.name]",
    "FOR o IN orders FOR c IN customers FILTER o.g == c.g RETURN {n: o.n, f: c.f, h: c.f * 2}",
    "FOR o IN orders FOR u IN uniq FILTER u.g == o.g RETURN [o.n, u.v]",
    "FOR o IN orders FOR s IN sparse FILTER s.g == o.g RETURN [o.n, s.w]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g LIMIT 3, 4 RETURN [o.n, c.name]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g SORT c.name, o.n RETURN [o.n, c.name]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g SORT o.n DESC LIMIT 5 RETURN c.name",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g"
    " COLLECT name = c.name WITH COUNT INTO k RETURN [name, k]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g"
    " COLLECT name = c.name INTO rows RETURN [name, rows[*].o.n]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g"
    " COLLECT AGGREGATE s = SUM(c.f), m = MAX(o.n) RETURN [s, m]",
    "FOR o IN orders LET m = (FOR c IN customers FILTER c.g == o.g RETURN c.name) RETURN [o.n, m]",
    "FOR o IN orders LET m = (FOR c IN customers FILTER c.g == o.g LIMIT 1 RETURN c.name)"
    " FILTER LENGTH(m) > 0 RETURN [o.n, m]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g FILTER c.f > 1 RETURN [o.n, c.name]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g && o.n > 3 LET y = c.f * 2"
    " RETURN [o.n, y]",
    "FOR o IN orders FOR z IN o.arr FOR c IN customers FILTER c.g == z RETURN [o.n, c.name, z]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g FOR u IN uniq FILTER u.g == c.g"
    " RETURN [o.n, c.name, u.v]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g RETURN DISTINCT c.name",
    "FOR v IN [1, {g: 0}, null, 'g', {g: 2.0}] FOR c IN customers FILTER c.g == v.g"
    " RETURN [v, c.name]",
    "FOR o IN orders FOR c IN customers FILTER c.g == o.g RETURN UNSET(c, '_rev')",
]


@pytest.mark.parametrize("query", JOINS)
def test_a_join_through_an_index_answers_as_the_same_join_without_one(
    dbs: tuple[Any, Any], query: str
) -> None:
    indexed, plain = dbs
    got = api.execute(indexed, query, None, {})
    want = api.execute(plain, query, None, {})
    assert got.rows == want.rows
    assert want.stats["scannedIndex"] == 0
    # a sparse index serves no join value that may be null (nothing says it is not)
    assert got.stats["scannedIndex"] > 0 or " IN sparse " in query


def test_nulls_missing_attributes_and_doubles_join_as_aql_compares(dbs: tuple[Any, Any]) -> None:
    rows = q(
        dbs[0],
        "FOR o IN orders FILTER o.n IN [2, 3, 6, 7, 100] FOR c IN customers FILTER c.g == o.g"
        " SORT o.n, c.name RETURN [o.n, c.name, c.f]",
    )
    # 2.0 finds 2 (one value); null finds null and the missing attribute, in both order
    # and customer; the double 1.0 and 1.5 come out as ArangoDB writes them
    assert rows == [
        [2, "n2", 1],
        [2, "n8", 4],
        [3, "n4", 2],
        [3, "none", None],
        [6, "n7", 3.5],
        [7, "n2", 1],
        [7, "n8", 4],
        [100, "n4", 2],
        [100, "none", None],
    ]


def test_the_statistics_of_a_join_are_those_of_every_lookup(dbs: tuple[Any, Any]) -> None:
    query = "FOR o IN orders FOR c IN customers FILTER c.g == o.g RETURN [o.n, c.name]"
    stats = api.execute(dbs[0], query, None, {}).stats
    rows = len(q(dbs[0], query))
    assert (stats["scannedFull"], stats["scannedIndex"], stats["documentLookups"]) == (
        len(ORDERS),
        rows,
        rows,
    )
    assert (stats["cursorsCreated"], stats["cursorsRearmed"]) == (1, len(ORDERS) - 1)
    # in a subquery run once per outer row, one cursor for the whole query too
    sub = "FOR o IN orders LET m = (FOR c IN customers FILTER c.g == o.g RETURN 1) RETURN m"
    stats = api.execute(dbs[0], sub, None, {}).stats
    assert (stats["cursorsCreated"], stats["cursorsRearmed"]) == (1, len(ORDERS) - 1)
    assert stats["scannedIndex"] == rows


def test_rows_a_later_statement_keeps_are_separate_rows() -> None:
    db = fresh_db()
    # SORT, COLLECT ... INTO and WINDOW keep rows: each must see its own values
    assert q(db, "FOR a IN 1..3 FOR b IN 1..2 SORT b DESC, a RETURN [a, b]") == [
        [1, 2],
        [2, 2],
        [3, 2],
        [1, 1],
        [2, 1],
        [3, 1],
    ]
    grouped = q(db, "FOR a IN 1..2 FOR b IN 1..2 COLLECT s = a + b INTO g RETURN [s, g[*].b]")
    assert grouped == [[2, [1]], [3, [2, 1]], [4, [2]]]
    window = q(
        db,
        "FOR a IN 1..2 FOR b IN [a, a * 10] WINDOW {preceding: 1} AGGREGATE s = SUM(b)"
        " RETURN [a, b, s]",
    )
    assert window == [[1, 1, 1], [1, 10, 11], [2, 2, 12], [2, 20, 22]]
    kept = q(
        db,
        "FOR a IN 1..3 LET r = (FOR b IN 1..a LET c = a * b RETURN c) FOR x IN r"
        " SORT x DESC LIMIT 4 RETURN [a, x]",
    )
    assert kept == [[3, 9], [3, 6], [2, 4], [3, 3]]


def test_an_error_names_the_nodes_it_passed_through() -> None:
    db = fresh_db()
    fill(db, "orders", ORDERS[:3])
    text = "FOR o IN orders FOR x IN [1] RETURN FAIL('boom')"
    assert (
        decorated_message(err(db, text))
        == "AQL: boom [node #5: CalculationNode] [node #6: ReturnNode] (while executing)"
    )
    text = "FOR o IN orders FOR x IN o.n RETURN 1"
    assert decorated_message(err(db, text)) == (
        "AQL: collection or array expected as operand to FOR loop; you provided a value of"
        " type 'number' [node #3: CalculationNode] [node #4: EnumerateListNode]"
        " [node #5: CalculationNode] [node #6: ReturnNode] (while executing)"
    )
    text = "FOR o IN orders FOR x IN [1] FILTER FAIL('f') RETURN 1"
    assert decorated_message(err(db, text)) == (
        "AQL: f [node #3: CalculationNode] [node #4: EnumerateListNode]"
        " [node #5: CalculationNode] [node #6: FilterNode] [node #7: CalculationNode]"
        " [node #8: ReturnNode] (while executing)"
    )


def _types(value: Any) -> Any:
    """``value`` with every number replaced by its type's name (``1 == 1.0`` in Python)."""
    if isinstance(value, list):
        return [_types(x) for x in value]
    if isinstance(value, dict):
        return {k: _types(x) for k, x in value.items()}
    return type(value).__name__ if isinstance(value, (int, float)) else value


def test_results_come_out_as_arangodb_writes_numbers() -> None:
    db = fresh_db()
    fill(db, "d", [{"_key": "a", "x": 2.0, "y": 0.5, "z": [1.0, {"w": 3.0}]}])
    # results of one type whose members are all settled are kept; any double is looked at
    cases = {
        "FOR v IN [[1, 'a'], [2, null]] RETURN v": [["int", "a"], ["int", None]],
        "FOR v IN [[1, 2.0], [3, 4]] RETURN v": [["int", "int"], ["int", "int"]],
        "FOR v IN [{a: 1}, {a: 1.0, b: 0.5}] RETURN v": [{"a": "int"}, {"a": "int", "b": "float"}],
        "FOR v IN [1, [2.0], {c: 3.0}, 4.5, 5.0] RETURN v": [
            "int",
            ["int"],
            {"c": "int"},
            "float",
            "int",
        ],
        "FOR d IN d RETURN [d.x, d.y, d.z]": [["int", "float", ["int", {"w": "int"}]]],
        "FOR d IN d RETURN {x: d.x, z: d.z}": [{"x": "int", "z": ["int", {"w": "int"}]}],
        "FOR v IN [SQRT(-1), 1 / 3, 4 / 2] RETURN [v]": [[None], ["float"], ["int"]],
    }
    for query, want in cases.items():
        assert _types(q(db, query)) == want, query


def test_literals_of_attribute_accesses_read_each_value_as_aql_does() -> None:
    db = fresh_db()
    fill(db, "d", [{"_key": "a", "x": 1, "y": {"z": 2}}, {"_key": "b", "x": [3]}])
    rows = q(
        db,
        "FOR d IN d FOR e IN [{x: 9}, 'text', null] RETURN [[d.x, e.x], [d.x, d.y, e.x],"
        " {a: d.x, b: e.x}, {a: d.y, b: e.x, c: d.missing}, [e.x, d.x, d._key, e.x]]",
    )
    assert rows[0] == [
        [1, 9],
        [1, {"z": 2}, 9],
        {"a": 1, "b": 9},
        {"a": {"z": 2}, "b": 9, "c": None},
        [9, 1, "a", 9],
    ]
    assert rows[1][:4] == [
        [1, None],
        [1, {"z": 2}, None],
        {"a": 1, "b": None},
        {"a": {"z": 2}, "b": None, "c": None},
    ]
    assert rows[5] == [
        [[3], None],
        [[3], None, None],
        {"a": [3], "b": None},
        {"a": None, "b": None, "c": None},
        [None, [3], "b", None],
    ]
    # the same name twice: the first value is kept, as in any object literal
    assert q(db, "FOR d IN d FILTER d._key == 'a' RETURN {a: d.x, a: d._key}") == [{"a": 1}]
