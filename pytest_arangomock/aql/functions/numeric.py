"""AQL numeric and bit functions (ArangoDB 3.12).

Numeric functions cast their argument with TO_NUMBER and compute in doubles; a result
that is NaN or infinite becomes null. Bit functions work on unsigned 32-bit values
and answer null plus warning 1542 for anything outside that domain.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from ...base.values import to_number
from . import FunctionContext, function, invalid_argument

FAMILY = "numeric"
BIT_MAX_VALUE = 2**32 - 1
BIT_MAX_BITS = 32


def _fn(name: str, lo: int, hi: int | None = -1, **kw: Any) -> Callable[..., Any]:
    return function(name, lo, hi, family=FAMILY, **kw)


def number_value(x: float) -> float | None:
    """ArangoDB's numberValue(..., nullify=true): non-finite results become null."""
    if math.isnan(x) or math.isinf(x):
        return None
    return x


def _num(v: Any) -> float:
    return float(to_number(v))


def _unary(name: str, op: Callable[[float], float]) -> None:
    @_fn(name, 1)
    def impl(ctx: FunctionContext, value: Any) -> Any:
        try:
            return number_value(op(_num(value)))
        except (ValueError, OverflowError, ZeroDivisionError):
            return None


def _log(base: Callable[[float], float]) -> Callable[[float], float]:
    def op(x: float) -> float:
        if x <= 0:
            return math.nan
        return base(x)

    return op


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _exp2(x: float) -> float:
    try:
        return math.pow(2.0, x)
    except OverflowError:
        return math.inf


def _round(x: float) -> float:
    """ROUND: half rounds up (toward +infinity), as ArangoDB computes floor(x + 0.5)."""
    return float(math.floor(x + 0.5)) if math.isfinite(x) else x


def _asin(x: float) -> float:
    return math.asin(x) if -1.0 <= x <= 1.0 else math.nan


def _acos(x: float) -> float:
    return math.acos(x) if -1.0 <= x <= 1.0 else math.nan


def _sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def _trig(f: Callable[[float], float]) -> Callable[[float], float]:
    def op(x: float) -> float:
        return f(x) if math.isfinite(x) else math.nan

    return op


for _name, _op in (
    ("FLOOR", lambda x: float(math.floor(x)) if math.isfinite(x) else x),
    ("CEIL", lambda x: float(math.ceil(x)) if math.isfinite(x) else x),
    ("ROUND", _round),
    ("ABS", abs),
    ("SQRT", _sqrt),
    ("LOG", _log(math.log)),
    ("LOG2", _log(math.log2)),
    ("LOG10", _log(math.log10)),
    ("EXP", _exp),
    ("EXP2", _exp2),
    ("SIN", _trig(math.sin)),
    ("COS", _trig(math.cos)),
    ("TAN", _trig(math.tan)),
    ("ASIN", _asin),
    ("ACOS", _acos),
    ("ATAN", math.atan),
    ("RADIANS", lambda x: x * (math.pi / 180.0)),
    ("DEGREES", lambda x: x * (180.0 / math.pi)),
):
    _unary(_name, _op)


def c_pow(base: float, exp: float) -> float:
    """C's pow(): no exceptions, inf/NaN for out-of-domain results."""
    try:
        return math.pow(base, exp)
    except OverflowError:
        if base < 0 and exp == int(exp) and int(exp) % 2 == 1:
            return -math.inf
        return math.inf
    except ValueError:
        if base == 0:
            return math.inf
        return math.nan


@_fn("POW", 2)
def _pow(ctx: FunctionContext, base: Any, exp: Any) -> Any:
    return number_value(c_pow(_num(base), _num(exp)))


@_fn("ATAN2", 2)
def _atan2(ctx: FunctionContext, y: Any, x: Any) -> Any:
    return number_value(math.atan2(_num(y), _num(x)))


@_fn("PI", 0)
def _pi(ctx: FunctionContext) -> Any:
    return math.pi


@_fn("RAND", 0, deterministic=False, aliases=("RANDOM",))
def _rand(ctx: FunctionContext) -> Any:
    return random.random()


@_fn("MINHASH_ERROR", 1)
def _minhash_error(ctx: FunctionContext, value: Any) -> Any:
    if type(value) is bool or not isinstance(value, (int, float)) or value < 1:
        invalid_argument(ctx, "MINHASH_ERROR")
        return None
    return 1.0 / math.sqrt(int(value))


@_fn("MINHASH_COUNT", 1)
def _minhash_count(ctx: FunctionContext, value: Any) -> Any:
    if type(value) is bool or not isinstance(value, (int, float)) or not 0 < value < 1:
        invalid_argument(ctx, "MINHASH_COUNT")
        return None
    return math.ceil(1.0 / (value * value))


# ----------------------------------------------------------------- bit functions
def bit_value(v: Any) -> int | None:
    """A valid bit-function operand (number in 0..2^32-1, truncated), else None."""
    if type(v) is bool or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v < 0 or v >= BIT_MAX_VALUE + 1:
        return None
    return int(v)


def _bits_param(v: Any, limit: int = BIT_MAX_BITS) -> int | None:
    n = bit_value(v)
    if n is None or n > limit:
        return None
    return n


def _bit_combine(name: str, op: Callable[[int, int], int]) -> None:
    @_fn(name, 1, 2)
    def impl(ctx: FunctionContext, value: Any, *rest: Any) -> Any:
        if rest:
            a, b = bit_value(value), bit_value(rest[0])
            if a is None or b is None:
                invalid_argument(ctx, name)
                return None
            return op(a, b)
        if type(value) is not list:
            invalid_argument(ctx, name)
            return None
        result: int | None = None
        for item in value:
            if item is None:
                continue
            n = bit_value(item)
            if n is None:
                invalid_argument(ctx, name)
                return None
            result = n if result is None else op(result, n)
        return result


_bit_combine("BIT_AND", lambda a, b: a & b)
_bit_combine("BIT_OR", lambda a, b: a | b)
_bit_combine("BIT_XOR", lambda a, b: a ^ b)


def _mask(width: int) -> int:
    return (1 << width) - 1


@_fn("BIT_NEGATE", 2)
def _bit_negate(ctx: FunctionContext, value: Any, bits: Any) -> Any:
    n, width = bit_value(value), _bits_param(bits)
    if n is None or width is None:
        invalid_argument(ctx, "BIT_NEGATE")
        return None
    return ~n & _mask(width)


@_fn("BIT_TEST", 2)
def _bit_test(ctx: FunctionContext, value: Any, index: Any) -> Any:
    n, idx = bit_value(value), _bits_param(index, BIT_MAX_BITS - 1)
    if n is None or idx is None:
        invalid_argument(ctx, "BIT_TEST")
        return None
    return bool(n & (1 << idx))


def _shift(name: str, op: Callable[[int, int], int]) -> None:
    @_fn(name, 3)
    def impl(ctx: FunctionContext, value: Any, shift: Any, bits: Any) -> Any:
        n, by, width = bit_value(value), _bits_param(shift), _bits_param(bits)
        if n is None or by is None or width is None:
            invalid_argument(ctx, name)
            return None
        return op(n, by) & _mask(width)


_shift("BIT_SHIFT_LEFT", lambda n, by: n << by)
_shift("BIT_SHIFT_RIGHT", lambda n, by: n >> by)


@_fn("BIT_POPCOUNT", 1)
def _bit_popcount(ctx: FunctionContext, value: Any) -> Any:
    n = bit_value(value)
    if n is None:
        invalid_argument(ctx, "BIT_POPCOUNT")
        return None
    return bin(n).count("1")


@_fn("BIT_CONSTRUCT", 1)
def _bit_construct(ctx: FunctionContext, value: Any) -> Any:
    if type(value) is not list:
        invalid_argument(ctx, "BIT_CONSTRUCT")
        return None
    result = 0
    for item in value:
        pos = _bits_param(item, BIT_MAX_BITS - 1)
        if pos is None:
            invalid_argument(ctx, "BIT_CONSTRUCT")
            return None
        result |= 1 << pos
    return result


@_fn("BIT_DECONSTRUCT", 1)
def _bit_deconstruct(ctx: FunctionContext, value: Any) -> Any:
    n = bit_value(value)
    if n is None:
        invalid_argument(ctx, "BIT_DECONSTRUCT")
        return None
    return [i for i in range(BIT_MAX_BITS) if n & (1 << i)]


@_fn("BIT_TO_STRING", 2)
def _bit_to_string(ctx: FunctionContext, value: Any, bits: Any) -> Any:
    n, width = bit_value(value), _bits_param(bits)
    if n is None or width is None:
        invalid_argument(ctx, "BIT_TO_STRING")
        return None
    return "".join("1" if n & (1 << i) else "0" for i in range(width - 1, -1, -1))


@_fn("BIT_FROM_STRING", 1)
def _bit_from_string(ctx: FunctionContext, value: Any) -> Any:
    if type(value) is not str or len(value) > BIT_MAX_BITS or any(c not in "01" for c in value):
        invalid_argument(ctx, "BIT_FROM_STRING")
        return None
    return int(value, 2) if value else 0
