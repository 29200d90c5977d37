"""COLLECT's per-row work: groups by AQL equality in AQL order, aggregates over shared and
literal arguments, MIN/MAX/SUM over mixed values."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api

from ._engine import fill, fresh_db, q


@pytest.fixture
def db() -> Any:
    return fresh_db()


def test_groups_by_aql_equality_in_aql_order(db: Any) -> None:
    values = '[2, 1, 1.0, true, "1", null, [1, null], [1], {a: 1, b: null}, {a: 1}, "a", "B"]'
    rows = q(db, f"FOR x IN {values} COLLECT k = x WITH COUNT INTO n RETURN [k, n]")
    assert rows == [
        [None, 1],
        [True, 1],
        [1, 2],
        [2, 1],
        ["1", 1],
        ["a", 1],
        ["B", 1],
        [[1, None], 2],
        [{"a": 1, "b": None}, 2],
    ]


def test_groups_of_several_values_sort_value_by_value(db: Any) -> None:
    rows = q(
        db,
        'FOR x IN [[2, "b"], [1, "z"], [2, "a"], [1, null], [1.0, "z"]] '
        "COLLECT a = x[0], b = x[1] WITH COUNT INTO n RETURN [a, b, n]",
    )
    assert rows == [[1, None, 1], [1, "z", 2], [2, "a", 1], [2, "b", 1]]


def test_aggregates_reading_the_same_attribute(db: Any) -> None:
    fill(db, "t", [{"v": 3, "g": 1}, {"v": None, "g": 1}, {"v": 1.5, "g": 2}, {"g": 1, "v": 7}])
    rows = q(
        db,
        "FOR d IN t COLLECT g = d.g AGGREGATE s = SUM(d.v), hi = MAX(d.v), lo = MIN(d.v), "
        "n = LENGTH(d.v), p = PUSH(d.v) RETURN [g, s, hi, lo, n, p]",
    )
    assert rows == [[1, 10, 7, 3, 3, [3, None, 7]], [2, 1.5, 1.5, 1.5, 1, [1.5]]]


def test_literal_arguments_count_every_row(db: Any) -> None:
    rows = q(
        db,
        "FOR x IN [1, 2, 3] COLLECT AGGREGATE s = SUM(2), p = PUSH('a'), m = MAX(5), "
        "c = COUNT(1), n = LENGTH() RETURN [s, p, m, c, n]",
    )
    assert rows == [[6, ["a", "a", "a"], 5, 3, 3]]


def test_an_argument_that_is_no_literal_runs_for_every_row(db: Any) -> None:
    result = api.execute(
        db, "FOR x IN [0, 0, 1] COLLECT AGGREGATE n = LENGTH(1 / x) RETURN n", None, {}
    )
    assert result.rows == [3]
    assert [w["code"] for w in result.warnings] == [1562, 1562]


def test_min_max_sum_over_mixed_values(db: Any) -> None:
    rows = q(
        db,
        "FOR x IN [1, 'a', null, [0], 2.5] COLLECT AGGREGATE hi = MAX(x), lo = MIN(x), "
        "s = SUM(x) RETURN [hi, lo, s]",
    )
    assert rows == [[[0], 1, None]]
    rows = q(
        db,
        "FOR x IN [null, 4, null, 2.5, -1] COLLECT AGGREGATE hi = MAX(x), lo = MIN(x), "
        "s = SUM(x), a = AVERAGE(x) RETURN [hi, lo, s, a]",
    )
    assert rows == [[4, -1, 5.5, 5.5 / 3]]
    rows = q(
        db,
        "FOR x IN [null, null] COLLECT AGGREGATE hi = MAX(x), s = SUM(x), a = AVERAGE(x) "
        "RETURN [hi, s, a]",
    )
    assert rows == [[None, 0, None]]
    assert q(db, "FOR x IN [true, 1] COLLECT AGGREGATE s = SUM(x) RETURN s") == [None]
    assert q(db, "FOR x IN [false, true] COLLECT AGGREGATE m = MAX(x) RETURN m") == [True]
