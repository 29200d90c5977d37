"""AQL numeric and bit functions, called through the function registry."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pytest_arangomock.base.values import output_value

from . import conftest
from .conftest import REGISTRY, call


def ok(name: str, *args: Any) -> Any:
    return output_value(conftest.ok(name, *args))


def invalid(name: str, *args: Any) -> None:
    assert call(name, *args) == (None, [1542]), (name, args)


@pytest.mark.parametrize(
    ("name", "arg", "expected"),
    [
        ("FLOOR", 2.49, 2),
        ("FLOOR", -2.5, -3),
        ("CEIL", 2.49, 3),
        ("CEIL", -2.51, -2),
        ("ROUND", 2.5, 3),
        ("ROUND", -2.5, -2),
        ("ROUND", -2.51, -3),
        ("ABS", -5, 5),
        ("ABS", "-3.5", 3.5),
        ("SQRT", 9, 3),
        ("LOG2", 1024, 10),
        ("LOG10", 10000, 4),
        ("EXP2", 16, 65536),
        ("EXP", 0, 1),
        ("DEGREES", math.pi, 180),
        ("RADIANS", 180, math.pi),
        ("ASIN", 1, math.pi / 2),
        ("ACOS", 1, 0),
        ("ATAN", 0, 0),
        ("COS", 0, 1),
    ],
)
def test_unary_math(name: str, arg: Any, expected: float) -> None:
    assert ok(name, arg) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("name", "arg"),
    [("LOG", 0), ("LOG2", -1), ("LOG10", 0), ("SQRT", -1), ("ASIN", 2), ("ACOS", -1.5)],
)
def test_out_of_domain_is_null_without_warning(name: str, arg: Any) -> None:
    assert call(name, arg) == (None, [])


def test_arguments_are_cast_to_numbers() -> None:
    assert ok("FLOOR", None) == 0
    assert ok("ABS", True) == 1
    assert ok("ABS", [-7]) == 7
    assert ok("ABS", "abc") == 0
    assert ok("CEIL", {"a": 1}) == 0


def test_pow_atan2_pi() -> None:
    assert ok("POW", 2, 4) == 16
    assert ok("POW", 5, -1) == pytest.approx(0.2)
    assert ok("POW", 5, 0) == 1
    assert ok("POW", 4096, 0.25) == pytest.approx(8)
    assert ok("POW", 0, -1) is None
    assert ok("POW", -8, 1 / 3) is None
    assert ok("POW", 10, 400) is None
    assert ok("ATAN2", 1, 0) == pytest.approx(math.pi / 2)
    assert ok("ATAN2", 0, 0) == 0
    assert ok("PI") == pytest.approx(3.141592653589793)
    value = ok("RAND")
    assert 0 <= value < 1
    assert REGISTRY["RANDOM"].fn is REGISTRY["RAND"].fn
    assert REGISTRY["RAND"].deterministic is False


def test_integral_results_print_as_integers() -> None:
    assert ok("FLOOR", 2.7) == 2 and isinstance(ok("FLOOR", 2.7), int)


def test_minhash_sizes() -> None:
    assert ok("MINHASH_COUNT", 0.05) == 400
    assert ok("MINHASH_ERROR", 400) == pytest.approx(0.05)
    invalid("MINHASH_COUNT", 0)
    invalid("MINHASH_ERROR", 0)


@pytest.mark.parametrize("name", ["BIT_AND", "BIT_OR", "BIT_XOR"])
def test_bit_combine_rejects_invalid_input(name: str) -> None:
    for bad in (None, True, -1, "1", {}, [1, -1], [1, "foo"], [1, False], [2**32]):
        invalid(name, bad)
    for a, b in ((0, None), (0, -1), (0, "1"), (0, []), (2**32, 1), ("1", 0)):
        invalid(name, a, b)
    assert call(name, []) == (None, [])
    assert call(name, [None, None]) == (None, [])


def test_bit_combine() -> None:
    assert ok("BIT_AND", [1, 4, 8, 16]) == 0
    assert ok("BIT_AND", [255, 127, None, 63]) == 63
    assert ok("BIT_AND", 127, 255) == 127
    assert ok("BIT_AND", [2**32 - 1, 2**32 - 2]) == 2**32 - 2
    assert ok("BIT_OR", [1, 4, 8, 16]) == 29
    assert ok("BIT_OR", 255, 127) == 255
    assert ok("BIT_XOR", [3, 7, 63]) == 59
    assert ok("BIT_XOR", 255, 257) == 510


def test_bit_negate_test_popcount() -> None:
    assert ok("BIT_NEGATE", 0, 8) == 255
    assert ok("BIT_NEGATE", 3, 4) == 12
    assert ok("BIT_NEGATE", 446359921, 32) == 3848607374
    invalid("BIT_NEGATE", 0, 33)
    invalid("BIT_NEGATE", -1, 8)
    assert ok("BIT_TEST", 0, 3) is False
    assert ok("BIT_TEST", 7, 2) is True
    assert ok("BIT_TEST", 2**31, 31) is True
    invalid("BIT_TEST", 1, 32)
    assert ok("BIT_POPCOUNT", 255) == 8
    assert ok("BIT_POPCOUNT", 69399252) == 12
    invalid("BIT_POPCOUNT", "foo")


def test_bit_shifts() -> None:
    assert ok("BIT_SHIFT_LEFT", 7, 1, 16) == 14
    assert ok("BIT_SHIFT_LEFT", 2, 10, 16) == 2048
    assert ok("BIT_SHIFT_LEFT", 878836, 16, 32) == 1760821248
    assert ok("BIT_SHIFT_LEFT", 255, 4, 8) == 240
    assert ok("BIT_SHIFT_RIGHT", 33, 1, 16) == 16
    assert ok("BIT_SHIFT_RIGHT", 65536, 13, 16) == 8
    assert ok("BIT_SHIFT_RIGHT", 878836, 4, 32) == 54927
    invalid("BIT_SHIFT_LEFT", 1, 33, 8)
    invalid("BIT_SHIFT_RIGHT", 1, 1, 33)


def test_bit_construct_and_strings() -> None:
    assert ok("BIT_CONSTRUCT", [1, 2, 3]) == 14
    assert ok("BIT_CONSTRUCT", [0, 1, 10, 31]) == 2147484675
    assert ok("BIT_CONSTRUCT", []) == 0
    invalid("BIT_CONSTRUCT", [32])
    invalid("BIT_CONSTRUCT", [None])
    invalid("BIT_CONSTRUCT", 3)
    assert ok("BIT_DECONSTRUCT", 14) == [1, 2, 3]
    assert ok("BIT_DECONSTRUCT", 2147484675) == [0, 1, 10, 31]
    invalid("BIT_DECONSTRUCT", 2**32)
    assert ok("BIT_TO_STRING", 7, 4) == "0111"
    assert ok("BIT_TO_STRING", 60, 8) == "00111100"
    assert ok("BIT_TO_STRING", 255, 4) == "1111"
    assert ok("BIT_TO_STRING", 1, 0) == ""
    invalid("BIT_TO_STRING", 1, 33)
    assert ok("BIT_FROM_STRING", "0111") == 7
    assert ok("BIT_FROM_STRING", "11010111011101") == 13789
    assert ok("BIT_FROM_STRING", "") == 0
    invalid("BIT_FROM_STRING", "0b101")
    invalid("BIT_FROM_STRING", "1" * 33)
    invalid("BIT_FROM_STRING", 101)
