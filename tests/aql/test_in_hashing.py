"""``IN`` against an array held in a variable or computed per row: hashed with AQL's
equality (1 and 1.0 equal, true and 1 apart, arrays and objects by value), the same answers
as the element-by-element test, whatever the array's length."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api

from ._engine import fill, fresh_db

VALUES = '[1, 2.0, true, [1, null], {x: 1, y: null}, "s", -0, 1e3]'
PROBES = '[1.0, 2, 1 == 1, [1], {x: 1.0}, "s", "S", false, 0, null, 1000, "1", [1, 2]]'
EXPECTED = [True, True, True, True, True, True, False, False, True, False, True, False, False]


def _rows(db: Any, query: str, binds: dict[str, Any] | None = None) -> list[Any]:
    return api.execute(db, query, binds, None).rows


@pytest.mark.parametrize("padding", [0, 20])  # short arrays are searched, long ones hashed
def test_variable_array_uses_aql_equality(padding: int) -> None:
    db = fresh_db()
    values = f"APPEND({VALUES}, RANGE(5000, 5000 + {padding}))"
    query = f"LET a = {values} FOR v IN {PROBES} RETURN [v IN a, v NOT IN a]"
    rows = _rows(db, query)
    assert [r[0] for r in rows] == EXPECTED
    assert [r[1] for r in rows] == [not x for x in EXPECTED]


def test_subquery_list_filters_every_row() -> None:
    db = fresh_db()
    fill(db, "items", [{"_key": str(i), "n": i} for i in range(500)])
    query = (
        "LET wanted = (FOR w IN @list RETURN w) "
        "FOR d IN items FILTER d.n IN wanted SORT d.n RETURN d.n"
    )
    wanted = [i * 7 for i in range(100)] + [7.0, "7", None]
    assert _rows(db, query, {"list": wanted}) == [i * 7 for i in range(72)]


def test_array_that_changes_per_row() -> None:
    db = fresh_db()
    docs = [{"_key": str(i), "tags": [f"t{j}" for j in range(i, i + 10)]} for i in range(30)]
    fill(db, "items", docs)
    query = "FOR d IN items FILTER 't12' IN d.tags SORT TO_NUMBER(d._key) RETURN d._key"
    assert _rows(db, query) == [str(i) for i in range(3, 13)]
    query = "FOR d IN items FILTER 't12' NOT IN d.tags RETURN d._key"
    assert len(_rows(db, query)) == 20


def test_non_array_right_side() -> None:
    db = fresh_db()
    assert _rows(db, "LET a = 'abc' RETURN ['a' IN a, 'a' NOT IN a]") == [[False, True]]
