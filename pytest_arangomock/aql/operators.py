"""AQL operators on values: arithmetic with TO_NUMBER casts, comparisons, IN, ranges and
quantifiers (LIKE and ``=~`` are the registered functions LIKE and REGEX_TEST).

Arithmetic results go through :func:`values.normalize_number`: int64 overflow becomes a
double, NaN/infinity become null. Division or modulo by zero warns 1562 and yields null.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..base.errors import ArangoError
from ..base.values import compare, equals, hash_key, normalize_number, to_bool, to_number

Warn = Callable[[int, str], None]


def num(v: Any) -> int | float:
    """Operand cast for arithmetic (bool is not a number in AQL)."""
    t = type(v)
    if t is int or t is float:
        return v  # type: ignore[no-any-return]
    return to_number(v)


def add(a: Any, b: Any) -> Any:
    return normalize_number(num(a) + num(b))


def sub(a: Any, b: Any) -> Any:
    return normalize_number(num(a) - num(b))


def mul(a: Any, b: Any) -> Any:
    return normalize_number(num(a) * num(b))


def div(a: Any, b: Any, warn: Warn) -> Any:
    x, y = num(a), num(b)
    if y == 0:
        warn(1562, "division by zero")
        return None
    if type(x) is int and type(y) is int and x % y == 0:
        return normalize_number(x // y)
    try:
        return normalize_number(x / y)
    except OverflowError:
        return None


def mod(a: Any, b: Any, warn: Warn) -> Any:
    x, y = num(a), num(b)
    if y == 0:
        warn(1562, "division by zero")
        return None
    if type(x) is int and type(y) is int:
        r = abs(x) % abs(y)
        return -r if x < 0 else r
    return normalize_number(math.fmod(x, y))


def neg(a: Any) -> Any:
    x = num(a)
    if x == 0:
        return 0 if type(x) is int else 0.0
    return normalize_number(-x)


def pos(a: Any) -> Any:
    return num(a)


def not_(a: Any) -> bool:
    return not to_bool(a)


def eq(a: Any, b: Any) -> bool:
    return equals(a, b)


def ne(a: Any, b: Any) -> bool:
    return not equals(a, b)


def lt(a: Any, b: Any) -> bool:
    return compare(a, b) < 0


def gt(a: Any, b: Any) -> bool:
    return compare(a, b) > 0


def le(a: Any, b: Any) -> bool:
    return compare(a, b) <= 0


def ge(a: Any, b: Any) -> bool:
    return compare(a, b) >= 0


def in_(a: Any, b: Any) -> bool:
    """``a IN b``: strict equality against the elements of array ``b`` (false otherwise)."""
    if type(b) is not list:
        return False
    t = type(a)
    if t is str or t is int or t is float or a is None:
        for x in b:
            if type(x) is t and x == a:
                return True
        if t is str or a is None:
            return False
    return any(equals(a, x) for x in b)


def not_in(a: Any, b: Any) -> bool:
    if type(b) is not list:
        return True
    return not in_(a, b)


def in_set(values: list[Any]) -> Callable[[Any], bool]:
    """A fast membership test against a constant array."""
    keys = {hash_key(v) for v in values}
    return lambda a: hash_key(a) in keys


#: arrays shorter than this are searched element by element (hashing costs more)
_HASH_FROM = 8


def in_array(left: Callable[[Any], Any], right: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """``left IN right`` per row, for an array that is not a constant (a variable, a
    subquery's result): the array is hashed with AQL's equality the first time it is
    seen and the hash set reused for as long as rows bring the same array object (AQL
    values are never changed in place), so a filter over n rows against an array of m
    values costs n + m, not n * m."""
    seen: list[Any] = [None, None]  # the array last hashed and its membership test

    def member(row: Any) -> bool:
        a = left(row)
        b = right(row)
        if type(b) is not list:
            return False
        if len(b) < _HASH_FROM:
            return in_(a, b)
        if seen[0] is not b:
            seen[0], seen[1] = b, in_set(b)
        test: Callable[[Any], bool] = seen[1]
        return test(a)

    return member


COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": eq,
    "!=": ne,
    "<": lt,
    ">": gt,
    "<=": le,
    ">=": ge,
    "IN": in_,
    "NOT IN": not_in,
}


def to_int64(v: Any) -> int:
    x = num(v)
    if type(x) is float:
        if math.isnan(x) or math.isinf(x):
            return 0
        return int(x)
    return int(x)


def make_range(low: Any, high: Any) -> list[int]:
    """``low..high``: bounds cast to integers; descending when ``low > high``."""
    lo, hi = to_int64(low), to_int64(high)
    if hi - lo > 10_000_000 or lo - hi > 10_000_000:
        raise ArangoError(32, "resource limit exceeded", 400)
    if lo <= hi:
        return list(range(lo, hi + 1))
    return list(range(lo, hi - 1, -1))


def quantified(quant: str, count: Any, op: str, left: Any, right: Any) -> bool:
    """``left ALL|ANY|NONE|AT LEAST (n) op right``."""
    if type(left) is not list:
        return False
    cmp = COMPARE[op]
    n = len(left)
    if quant == "AT LEAST":
        need = to_int64(count)
        if need <= 0:
            return True
        hits = 0
        for x in left:
            if cmp(x, right):
                hits += 1
                if hits >= need:
                    return True
        return False
    if n == 0:
        return quant != "ANY"
    if quant == "ALL":
        return all(cmp(x, right) for x in left)
    if quant == "ANY":
        return any(cmp(x, right) for x in left)
    return not any(cmp(x, right) for x in left)


def to_bool_any(v: Any) -> bool:
    return to_bool(v)


__all__ = [
    "COMPARE",
    "add",
    "div",
    "in_",
    "make_range",
    "mod",
    "mul",
    "neg",
    "not_in",
    "quantified",
    "sub",
]
