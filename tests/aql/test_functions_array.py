"""AQL array functions called through the registry with a minimal query context.

Expectations come from the 3.12 documentation of each function and from ArangoDB's rules
for bad arguments (warning 1542 or 1563 and null; REPLACE_NTH throws).
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from pytest_arangomock import ArangoError

from .conftest import REGISTRY, FakeContext, codes, run


# ----------------------------------------------------------------- arity and registration
def test_arities_and_aliases() -> None:
    assert (REGISTRY["UNION"].min_args, REGISTRY["UNION"].max_args) == (2, None)
    assert (REGISTRY["REPLACE_NTH"].min_args, REGISTRY["REPLACE_NTH"].max_args) == (3, 4)
    assert REGISTRY["COUNT"].fn is REGISTRY["LENGTH"].fn
    assert REGISTRY["CONTAINS_ARRAY"].fn is REGISTRY["POSITION"].fn
    assert REGISTRY["AVG"].fn is REGISTRY["AVERAGE"].fn
    assert REGISTRY["COUNT_UNIQUE"].fn is REGISTRY["COUNT_DISTINCT"].fn
    assert not REGISTRY["CALL"].deterministic


# ----------------------------------------------------------------- LENGTH and ends
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([1, 2, None], 3),
        ("🥑", 1),
        ("电脑坏了", 4),
        (1234, 4),
        (-1.5, 4),
        (True, 1),
        (False, 0),
        (None, 0),
        ({"a": 1, "b": {"c": 2}}, 2),
    ],
)
def test_length_of_every_type(ctx: FakeContext, value: Any, expected: int) -> None:
    assert run(ctx, "LENGTH", value) == expected
    assert run(ctx, "COUNT", value) == expected


def test_first_last_nth(ctx: FakeContext) -> None:
    assert run(ctx, "FIRST", [3, 4]) == 3
    assert run(ctx, "FIRST", []) is None
    assert run(ctx, "LAST", [3, 4]) == 4
    assert run(ctx, "NTH", ["foo", "bar", "baz"], 2) == "baz"
    assert run(ctx, "NTH", ["foo", "bar", "baz"], -1) is None
    assert run(ctx, "NTH", ["foo", "bar", "baz"], "1") == "bar"
    assert ctx.warnings == []
    assert run(ctx, "FIRST", "abc") is None
    assert ctx.warnings == [(1563, "in function 'FIRST()': array expected")]


def test_position_and_contains_array(ctx: FakeContext) -> None:
    assert run(ctx, "POSITION", [2, 4, 6], 4) is True
    assert run(ctx, "POSITION", [2, 4, 6], 4, True) == 1
    assert run(ctx, "CONTAINS_ARRAY", [2, 4, 6], "4", True) == -1
    assert run(ctx, "POSITION", [True], 1) is False


def test_reverse_arrays_and_strings(ctx: FakeContext) -> None:
    assert run(ctx, "REVERSE", [2, 4, 6]) == [6, 4, 2]
    assert run(ctx, "REVERSE", "电脑坏了") == "了坏脑电"
    assert run(ctx, "REVERSE", 12) is None
    assert codes(ctx) == [1563]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0, 1), [1]),
        ((3,), [4, 5]),
        ((1, -1), [2, 3, 4]),
        ((0, -2), [1, 2, 3]),
        ((-3, 2), [3, 4]),
        ((-10, 2), [1, 2]),
        ((2, 0), []),
    ],
)
def test_slice(ctx: FakeContext, args: tuple[Any, ...], expected: list[int]) -> None:
    assert run(ctx, "SLICE", [1, 2, 3, 4, 5], *args) == expected


# ----------------------------------------------------------------- adding and removing
def test_push_append_unshift(ctx: FakeContext) -> None:
    assert run(ctx, "PUSH", [1, 2, 2, 3], 2, True) == [1, 2, 2, 3]
    assert run(ctx, "PUSH", [1, 2], [3]) == [1, 2, [3]]
    assert run(ctx, "PUSH", None, 1) == [1]
    assert run(ctx, "APPEND", [1, 2, 3], [5, 6, 9]) == [1, 2, 3, 5, 6, 9]
    assert run(ctx, "APPEND", [1, 2, 3], [3, 4, 5, 2, 9], True) == [1, 2, 3, 4, 5, 9]
    assert run(ctx, "APPEND", [1], 2) == [1, 2]
    assert run(ctx, "APPEND", None, 2) == 2
    assert run(ctx, "UNSHIFT", [1, 2, 3], 4) == [4, 1, 2, 3]
    assert run(ctx, "UNSHIFT", [1, 2, 3], 2, True) == [1, 2, 3]
    assert ctx.warnings == []
    assert run(ctx, "PUSH", "x", 1) is None
    assert ctx.warnings == [(1542, "invalid argument type in call to function 'PUSH()'")]


def test_pop_shift(ctx: FakeContext) -> None:
    assert run(ctx, "POP", [1, 2, 3]) == [1, 2]
    assert run(ctx, "POP", []) == []
    assert run(ctx, "SHIFT", [1]) == []
    assert run(ctx, "SHIFT", None) is None
    assert run(ctx, "SHIFT", 5) is None
    assert codes(ctx) == [1542]


def test_remove_value_values_nth(ctx: FakeContext) -> None:
    data = ["a", "b", "b", "a", "c"]
    assert run(ctx, "REMOVE_VALUE", data, "a") == ["b", "b", "c"]
    assert run(ctx, "REMOVE_VALUE", data, "a", 1) == ["b", "b", "a", "c"]
    assert run(ctx, "REMOVE_VALUE", None, "a") == []
    assert run(ctx, "REMOVE_VALUES", data, ["a", "c"]) == ["b", "b"]
    assert run(ctx, "REMOVE_NTH", data, 1) == ["a", "b", "a", "c"]
    assert run(ctx, "REMOVE_NTH", ["a", "b", "c", "d", "e"], -2) == ["a", "b", "c", "e"]
    assert run(ctx, "REMOVE_NTH", ["a"], 5) == ["a"]
    assert data == ["a", "b", "b", "a", "c"], "arguments must never be mutated"


def test_replace_nth_pads_or_throws(ctx: FakeContext) -> None:
    base = ["a", "b", "c"]
    assert run(ctx, "REPLACE_NTH", base, 1, "z") == ["a", "z", "c"]
    assert run(ctx, "REPLACE_NTH", base, 3, "z") == ["a", "b", "c", "z"]
    assert run(ctx, "REPLACE_NTH", base, 6, "z", "y") == ["a", "b", "c", "y", "y", "y", "z"]
    assert run(ctx, "REPLACE_NTH", base, -1, "z") == ["a", "b", "z"]
    assert run(ctx, "REPLACE_NTH", base, -9, "z") == ["z", "b", "c"]
    for position in (6, None):
        with pytest.raises(ArangoError) as exc:
            run(ctx, "REPLACE_NTH", base, position, "z")
        assert exc.value.num == 1542
        assert exc.value.message == "invalid argument type in call to function 'REPLACE_NTH()'"
    assert base == ["a", "b", "c"]


def test_interleave_and_flatten(ctx: FakeContext) -> None:
    assert run(ctx, "INTERLEAVE", [1, 1, 1], [2, 2, 2], [3, 3, 3]) == [1, 2, 3] * 3
    assert run(ctx, "INTERLEAVE", [1], [2, 2], [3, 3, 3]) == [1, 2, 3, 2, 3, 3]
    nested = [1, 2, [3, 4], 5, [6, 7], [8, [9, 10]]]
    assert run(ctx, "FLATTEN", nested) == [1, 2, 3, 4, 5, 6, 7, 8, [9, 10]]
    assert run(ctx, "FLATTEN", nested, 2) == list(range(1, 11))
    assert run(ctx, "FLATTEN", nested, "x") == run(ctx, "FLATTEN", nested)
    assert run(ctx, "FLATTEN", {"a": 1}) is None
    assert codes(ctx) == [1563]


# ----------------------------------------------------------------- set operations
def test_union_family(ctx: FakeContext) -> None:
    assert run(ctx, "UNION", [1, 2, 3], [1, 2]) == [1, 2, 3, 1, 2]
    assert sorted(run(ctx, "UNION_DISTINCT", [1, 2, 3], [1, 2])) == [1, 2, 3]
    assert run(ctx, "UNIQUE", [1, 2, 3, 1, 2]) == [1, 2, 3]
    assert run(ctx, "UNIQUE", [True, 1, 1.0, "1", None, None]) == [True, 1, "1", None]


def test_intersection_minus_outersection(ctx: FakeContext) -> None:
    got = run(ctx, "INTERSECTION", [1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [3, 4, 5, 6, 7])
    assert got == [5, 4, 3]  # ArangoDB hands hash-map order back: last inserted first
    assert run(ctx, "INTERSECTION", [2, 4, 6], [8, 10, 12], [14, 16, 18]) == []
    assert run(ctx, "INTERSECTION", [1, 1, 2], [1, 3]) == [1]
    assert run(ctx, "MINUS", [1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 7, 8]) == [2, 1]
    assert sorted(run(ctx, "OUTERSECTION", [1, 2, 3], [2, 3, 4], [3, 4, 5])) == [1, 5]
    assert run(ctx, "INTERSECTION", [1], "x") is None
    assert run(ctx, "MINUS", "x", [1]) is None
    assert codes(ctx) == [1563, 1542]


def test_jaccard(ctx: FakeContext) -> None:
    assert run(ctx, "JACCARD", [1, 2, 3, 4], [3, 4, 5, 6]) == pytest.approx(1 / 3)
    assert run(ctx, "JACCARD", [1, 1, 2, 2, 2, 3], [2, 2, 3, 4]) == 0.5
    assert run(ctx, "JACCARD", [], []) == 1


def test_sorted_and_count_distinct(ctx: FakeContext) -> None:
    assert run(ctx, "SORTED_UNIQUE", [8, 4, 2, 10, 6, 2, 8, 6, 4]) == [2, 4, 6, 8, 10]
    assert run(ctx, "SORTED", [8, 4, 2, 10, 6, 2, 8, 6, 4]) == [2, 2, 4, 4, 6, 6, 8, 8, 10]
    assert run(ctx, "SORTED", ["b", None, 1, True, [], {}]) == [None, True, 1, "b", [], {}]
    assert run(ctx, "COUNT_DISTINCT", ["yes", "no", "yes", "sauron", "no", "yes"]) == 3
    assert run(ctx, "COUNT_UNIQUE", [1, 1.0, True]) == 2


def test_range(ctx: FakeContext) -> None:
    assert run(ctx, "RANGE", 1, 4) == [1, 2, 3, 4]
    assert run(ctx, "RANGE", 4, 1) == [4, 3, 2, 1]
    assert run(ctx, "RANGE", 1.5, 2.5) == [1, 2]
    assert run(ctx, "RANGE", 1, 2, 0.5) == [1, 1.5, 2]
    assert run(ctx, "RANGE", 5, 1, -2) == [5, 3, 1]
    assert run(ctx, "RANGE", 1, 5, -1) is None
    assert codes(ctx) == [1542]


# ----------------------------------------------------------------- aggregates
def test_min_max_sum_average_product(ctx: FakeContext) -> None:
    assert run(ctx, "MIN", [5, None, 2, "a"]) == 2
    assert run(ctx, "MIN", [None, None]) is None
    assert run(ctx, "MAX", [5, None, 2, "a"]) == "a"
    assert run(ctx, "MAX", []) is None
    assert run(ctx, "SUM", [1, 2, 3, 4]) == 10
    assert run(ctx, "SUM", []) == 0
    assert run(ctx, "SUM", [1, "2"]) is None
    assert run(ctx, "PRODUCT", [1, 2, 3, None]) == 6
    assert run(ctx, "AVERAGE", [5, 2, 9, 2]) == 4.5
    assert run(ctx, "AVG", []) is None
    assert ctx.warnings == []
    assert run(ctx, "AVERAGE", [1, "x"]) is None
    assert run(ctx, "SUM", {"a": 1}) is None
    assert codes(ctx) == [1563, 1563]


def test_statistics(ctx: FakeContext) -> None:
    data = [1, 3, 6, 5, 2]
    assert run(ctx, "MEDIAN", data) == 3
    assert run(ctx, "MEDIAN", [1, 2, 3, 4]) == 2.5
    assert run(ctx, "VARIANCE_POPULATION", data) == pytest.approx(3.44)
    assert run(ctx, "VARIANCE", data) == pytest.approx(3.44)
    assert run(ctx, "VARIANCE_SAMPLE", data) == pytest.approx(4.3)
    assert run(ctx, "STDDEV_POPULATION", data) == pytest.approx(math.sqrt(3.44))
    assert run(ctx, "STDDEV_SAMPLE", [1]) is None
    assert run(ctx, "PERCENTILE", [1, 2, 3, 4], 50) == 2
    assert run(ctx, "PERCENTILE", [1, 2, 3, 4], 50, "interpolation") == 2.5
    assert run(ctx, "PERCENTILE", [1, 2, 3, 4], 0) is None
    assert run(ctx, "MEDIAN", [1, "x"]) is None
    assert codes(ctx) == [1542, 1561]
    assert ctx.warnings[1][1] == "in function 'MEDIAN()': invalid arithmetic value"


# ----------------------------------------------------------------- vectors and decay
def test_vector_functions(ctx: FakeContext) -> None:
    assert run(ctx, "COSINE_SIMILARITY", [0, 1], [1, 0]) == 0
    assert run(ctx, "COSINE_SIMILARITY", [[0, 1], [1, 1]], [1, 0]) == [0, pytest.approx(0.7071067)]
    assert run(ctx, "L1_DISTANCE", [1, 2], [3, 5]) == 5
    assert run(ctx, "L2_DISTANCE", [1, 1], [4, 5]) == 5
    assert run(ctx, "L2_DISTANCE", [1], [1, 2]) is None
    assert run(ctx, "COSINE_SIMILARITY", [0, 0], [0, 0]) is None
    assert codes(ctx) == [1542, 1561]


def test_decay_functions(ctx: FakeContext) -> None:
    assert run(ctx, "DECAY_GAUSS", 41, 40, 5, 5, 0.5) == 1
    assert run(ctx, "DECAY_LINEAR", [20, 30], 40, 5, 5, 0.5) == [0, 0.5]
    assert run(ctx, "DECAY_EXP", 49.9, 40, 5, 5, 0.5) == pytest.approx(0.5, rel=0.03)
    assert run(ctx, "DECAY_GAUSS", 41, 40, 5, 5, 2) is None
    assert ctx.warnings == [(1504, "in function 'DECAY_GAUSS()': number out of range")]


# ----------------------------------------------------------------- CALL and APPLY
def test_call_and_apply_dispatch_builtins(ctx: FakeContext) -> None:
    assert run(ctx, "CALL", "min", [23, 42, 17]) == 17
    assert run(ctx, "APPLY", "Union", [[1], [2]]) == [1, 2]
    assert run(ctx, "APPLY", "MIN", "x") is None
    assert codes(ctx) == [1542]


@pytest.mark.parametrize(
    ("args", "num"),
    [
        (("NO_SUCH_FUNCTION", 1), 1540),
        (("MIN",), 1541),
        (("CALL", 1), 1578),
        ((123,), 1542),
        (("myfuncs::double", 2), 9),
    ],
)
def test_call_errors(ctx: FakeContext, args: tuple[Any, ...], num: int) -> None:
    with pytest.raises(ArangoError) as exc:
        run(ctx, "CALL", *args)
    assert exc.value.num == num
