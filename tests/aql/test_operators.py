"""AQL operators: comparisons without casts, truthiness, logical operands, arithmetic casts,
division by zero, ranges, IN, quantifiers, LIKE/regex and array expansion."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_arangomock.aql import api

from ._engine import fresh_db, q


@pytest.fixture(scope="module")
def db() -> Any:
    return fresh_db()


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("0 == '0'", False),
        ("0 == null", False),
        ("1 == [1]", False),
        ("45 <= 'yikes!'", True),
        ("[1, 2] < [2]", True),
        ("{} == {a: null}", True),
        ("{b: 1} < {a: 0}", True),
        ("1 == 1.0", True),
        ("true == 1", False),
        ("null < false", True),
        ("'a' < 'B'", True),
        ("'abc' == 'ABC'", False),
    ],
)
def test_comparisons_never_cast(db: Any, expr: str, expected: bool) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("1 || 7", 1),
        ("null || 'foo'", "foo"),
        ("null && true", None),
        ("true && 23", 23),
        ("[] && 'x'", "x"),
        ("'' || 0", 0),
        ("!{}", False),
        ("NOT ''", True),
        ("'0' ? 'yes' : 'no'", "yes"),
    ],
)
def test_truthiness_and_logical_operands(db: Any, expr: str, expected: Any) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


def test_logical_operators_short_circuit(db: Any) -> None:
    res = api.execute(db, "RETURN [false && 1/0, true || 1/0, true ? 1 : 1/0]", None, {})
    assert res.rows == [[False, True, 1]] and res.warnings == []


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("'a' + 'b'", 0),
        ("1 + 'a'", 1),
        ("24 + [2, 4]", 24),
        ("+['3']", 3),
        ("1 + true", 2),
        ("' 4 ' * 2", 8),
        ("7 % -4", 3),
        ("-7 % 4", -3),
        ("7.5 % 2", 1.5),
        ("144 / 12", 12),
        ("1 / 3", 1 / 3),
        ("9223372036854775807 + 1", 9223372036854775808.0),
        ("-null", 0),
    ],
)
def test_arithmetic_casts(db: Any, expr: str, expected: Any) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


@pytest.mark.parametrize("expr", ["1 / 0", "1 / null", "1 % []", "1 / 'abc'"])
def test_division_by_zero_is_null_with_warning(db: Any, expr: str) -> None:
    res = api.execute(db, f"RETURN {expr}", None, {})
    assert res.rows == [None]
    assert res.warnings == [{"code": 1562, "message": "division by zero"}]


def test_non_finite_results_are_null(db: Any) -> None:
    assert q(db, "RETURN 1e308 * 10") == [None]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("1..4", [1, 2, 3, 4]),
        ("3..1", [3, 2, 1]),
        ("1.5..4.76", [1, 2, 3, 4]),
        ("'2'..'3'", [2, 3]),
    ],
)
def test_ranges(db: Any, expr: str, expected: Any) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("'foo' IN null", False),
        ("'foo' NOT IN null", True),
        ("1 IN ['1']", False),
        ("[1] IN [[1], 2]", True),
        ("true IN [1]", False),
        ("@x IN @arr", True),
    ],
)
def test_in(db: Any, expr: str, expected: Any) -> None:
    binds = {"x": 2, "arr": [1, 2]} if "@" in expr else None
    assert q(db, f"RETURN {expr}", binds) == [expected]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("[1, 2, 3] ALL IN [2, 3, 4]", False),
        ("[2, 3] ALL IN [2, 3, 4]", True),
        ("[1, 2] NONE IN [3]", True),
        ("[1, 2] ANY == 2", True),
        ("[] ALL == 1", True),
        ("[] ANY == 1", False),
        ("[] NONE == 1", True),
        ("[1, 2, 3] AT LEAST (2) >= 2", True),
        ("[1, 2, 3] AT LEAST (3) >= 2", False),
        ("[1, 5] ANY > 4", True),
        ("[1, 5] ALL NOT IN [7]", True),
        ("'x' ANY == 'x'", False),
    ],
)
def test_quantifiers(db: Any, expr: str, expected: bool) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("'abc' LIKE 'a%'", True),
        ("'abc' LIKE 'a_c'", True),
        ("'ABC' LIKE 'a%'", False),
        ("'a%c' LIKE 'a\\\\%c'", True),
        ("LIKE('ABC', 'a%', true)", True),
        ("'abc' =~ '^a.c$'", True),
        ("'abc' !~ 'b'", False),
    ],
)
def test_like_and_regex(db: Any, expr: str, expected: bool) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("[{a: 1}, {a: 2}, {b: 3}][*].a", [1, 2, None]),
        ("[1, 2, 3, 4][* FILTER CURRENT % 2 == 0 RETURN CURRENT * 10]", [20, 40]),
        ("[1, 2, 3, 4][* LIMIT 1, 2]", [2, 3]),
        ("[[1, 2], 3, [4, [5]]][**]", [1, 2, 3, 4, [5]]),
        ("[[1, [2]], [[3]]][***]", [1, 2, 3]),
        ("null[*]", []),
        ("[{a: [1, 2]}, {a: [3]}][*].a[*]", [[1, 2], [3]]),
        ("([{a: [1, 2]}, {a: [3]}][*].a)[1]", [3]),
        ("[1, 2, 3][? FILTER CURRENT > 2]", True),
        ("[1, 2, 3][? ALL FILTER CURRENT > 0]", True),
        ("[1, 2, 3][? NONE FILTER CURRENT > 2]", False),
        ("[1, 2, 3][? AT LEAST (2) FILTER CURRENT > 1]", True),
        ("[1, 2, 3][? 1..2 FILTER CURRENT > 1]", True),
        ("[][?]", False),
        ("[1, 2, 3][-1]", 3),
        ("[1, 2, 3][5]", None),
        ("{a: 1}['a']", 1),
        ("'abc'.x", None),
    ],
)
def test_array_access_and_expansion(db: Any, expr: str, expected: Any) -> None:
    assert q(db, f"RETURN {expr}") == [expected]


def test_object_literals(db: Any) -> None:
    assert q(db, "LET x = 1 RETURN {x, [CONCAT('a', 'b')]: 2, @k: 3}", {"k": "key"}) == [
        {"x": 1, "ab": 2, "key": 3}
    ]
    assert q(db, "LET b = {a: 1, c: 2} RETURN {...b, c: 3}") == [{"a": 1, "c": 3}]
    assert q(db, "LET a = [2, 3] RETURN [1, ...a]") == [[1, 2, 3]]
