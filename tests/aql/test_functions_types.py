"""AQL type checks and casts, called through the function registry."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ok

SAMPLES: list[Any] = [None, False, True, 0, 1.5, "", "x", [], [1], {}, {"a": 1}]


@pytest.mark.parametrize(
    ("name", "matches"),
    [
        ("IS_NULL", {0}),
        ("IS_BOOL", {1, 2}),
        ("IS_NUMBER", {3, 4}),
        ("IS_STRING", {5, 6}),
        ("IS_ARRAY", {7, 8}),
        ("IS_LIST", {7, 8}),
        ("IS_OBJECT", {9, 10}),
        ("IS_DOCUMENT", {9, 10}),
    ],
)
def test_is_checks_are_type_strict(name: str, matches: set[int]) -> None:
    got = {i for i, v in enumerate(SAMPLES) if ok(name, v) is True}
    assert got == matches


def test_typename() -> None:
    names = [ok("TYPENAME", v) for v in SAMPLES]
    assert names == [
        "null",
        "bool",
        "bool",
        "number",
        "number",
        "string",
        "string",
        "array",
        "array",
        "object",
        "object",
    ]


def test_is_key() -> None:
    for good in ("1", "abc", "A1-b_c:d.e@f(g)h+i,j=k;l$m!n*o'p%q", "a" * 254):
        assert ok("IS_KEY", good) is True, good
    for bad in ("", " a", "a/b", "a b", "a" * 255, "ä", 1, None, ["a"]):
        assert ok("IS_KEY", bad) is False, bad


def test_is_ipv4() -> None:
    assert ok("IS_IPV4", "127.0.0.1") is True
    assert ok("IS_IPV4", "8.8.8.8") is True
    for bad in ("008.008.008.008", "12345.2.3.4", "12.34", "256.0.0.1", " 1.2.3.4", 8888):
        assert ok("IS_IPV4", bad) is False, bad


def test_is_datestring() -> None:
    for good in ("2015-01-01", "2015-01-01T12:34:56.789Z", "2015-01-01 12:34", "2015", "+2015-02"):
        assert ok("IS_DATESTRING", good) is True, good
    for bad in ("2015-13-01", "-2015-01-01", "2015-01-01T25:00:00", "foo", "", 1420070400000, None):
        assert ok("IS_DATESTRING", bad) is False, bad


def test_to_bool() -> None:
    falsy = [None, False, 0, ""]
    truthy = [True, 1, -0.5, " ", "0", "false", [], [0], {}]
    assert [ok("TO_BOOL", v) for v in falsy] == [False] * len(falsy)
    assert [ok("TO_BOOL", v) for v in truthy] == [True] * len(truthy)


def test_to_number() -> None:
    cases = [
        (None, 0),
        (False, 0),
        (True, 1),
        ("  .4", 0.4),
        ("-12", -12),
        ("3553.4er6", 0),
        ("", 0),
        ([], 0),
        (["7"], 7),
        ([-1, 1], 0),
        ({}, 0),
        (2.5, 2.5),
    ]
    for value, expected in cases:
        assert ok("TO_NUMBER", value) == expected, value


def test_to_string() -> None:
    cases = [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (1, "1"),
        (-1.5, "-1.5"),
        (0.1, "0.1"),
        ("x", "x"),
        ([1, "a", None], '[1,"a",null]'),
        ({"a": {"b": 1}}, '{"a":{"b":1}}'),
    ]
    for value, expected in cases:
        assert ok("TO_STRING", value) == expected, value


def test_to_array() -> None:
    assert ok("TO_ARRAY", None) == []
    assert ok("TO_ARRAY", 1) == [1]
    assert ok("TO_ARRAY", "a") == ["a"]
    assert ok("TO_ARRAY", [1, 2]) == [1, 2]
    assert ok("TO_ARRAY", {"a": 1, "b": [2]}) == [1, [2]]
    assert ok("TO_LIST", False) == [False]
