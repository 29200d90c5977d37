"""AQL array functions (ArangoDB 3.12): set operations, positional edits, aggregates, vectors.

Behaviour follows ArangoDB's C++ implementations: which argument errors are warnings
(1542 "invalid argument type" or 1563 "array expected") and which throw, how positions are
cast, and that aggregates compute in doubles. Arguments are never mutated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from ...base.errors import ArangoError, message_for
from ...base.values import (
    compare,
    equals,
    format_number,
    hash_key,
    is_number,
    normalize_number,
    sort_key,
    to_bool,
    to_number,
    to_string,
)
from . import MAX_ARGUMENTS, REGISTRY, FunctionContext, function, invalid_argument

FAMILY = "array"
ARRAY_EXPECTED = 1563
INVALID_ARITHMETIC = 1561
NUMBER_OUT_OF_RANGE = 1504
TYPE_MISMATCH = 1542


# ----------------------------------------------------------------- helpers
def warn(ctx: FunctionContext, name: str, code: int) -> None:
    """A function warning the way ArangoDB words it: 1541/1542 use their own template,
    every other code reads "in function 'NAME()': <catalogue text>"."""
    if code == TYPE_MISMATCH:
        invalid_argument(ctx, name)
    else:
        ctx.warn(code, f"in function '{name}()': {message_for(code)}")


def to_int64(v: Any) -> int:
    """AqlValue::toInt64: TO_NUMBER, then truncation toward zero (non-finite -> 0)."""
    n = to_number(v)
    if type(n) is float:
        if math.isnan(n) or math.isinf(n):
            return 0
        n = max(min(n, 9.2e18), -9.2e18)
    return int(n)


def number_value(x: float, nullify: bool) -> float | None:
    """ArangoDB's numberValue(): NaN and infinities become null (nullify) or 0."""
    if math.isnan(x) or math.isinf(x):
        return None if nullify else 0
    return x


def unique_by_value(items: Iterable[Any]) -> list[Any]:
    """First occurrence of every distinct value (AQL equality: ``true`` and ``1`` differ)."""
    seen: set[Any] = set()
    out = []
    for item in items:
        key = hash_key(item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def hash_order(entries: dict[Any, Any]) -> list[Any]:
    """The order in which ArangoDB's node-based hash map hands back values: most recently
    inserted first (values that collide in a bucket may differ; ArangoDB leaves the order
    of these functions undefined)."""
    return [value for value, _ in reversed(entries.values())]


def contains(haystack: list[Any], needle: Any) -> int:
    """Index of the first element equal to ``needle``, or -1."""
    for i, item in enumerate(haystack):
        if equals(item, needle):
            return i
    return -1


def numbers_of(values: list[Any]) -> list[float] | None:
    """The non-null members as doubles; ``None`` if any member is not a number."""
    out = []
    for v in values:
        if v is None:
            continue
        if not is_number(v):
            return None
        out.append(float(v))
    return out


# ----------------------------------------------------------------- size and ends
@function("LENGTH", 1, aliases=("COUNT",), family=FAMILY)
def length(ctx: FunctionContext, value: Any) -> int:
    """Elements of an array, attributes of an object, characters of a string, the digits
    of a number as printed, and 1/0 for true/false."""
    if type(value) is list:
        return len(value)
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if is_number(value):
        if math.isnan(value) or math.isinf(value):
            return 0
        return len(format_number(value))
    if type(value) is str:
        return len(value)
    if type(value) is dict:
        return len(value)
    return 0


def _array_arg(ctx: FunctionContext, name: str, value: Any, code: int = ARRAY_EXPECTED) -> bool:
    if type(value) is list:
        return True
    warn(ctx, name, code)
    return False


@function("FIRST", 1, family=FAMILY)
def first(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "FIRST", value):
        return None
    return value[0] if value else None


@function("LAST", 1, family=FAMILY)
def last(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "LAST", value):
        return None
    return value[-1] if value else None


@function("NTH", 2, family=FAMILY)
def nth(ctx: FunctionContext, value: Any, position: Any) -> Any:
    if not _array_arg(ctx, "NTH", value):
        return None
    index = to_int64(position)
    if index < 0 or index >= len(value):
        return None
    return value[index]


@function("POSITION", 2, 3, aliases=("CONTAINS_ARRAY",), family=FAMILY)
def position(ctx: FunctionContext, value: Any, search: Any, return_index: Any = False) -> Any:
    if not _array_arg(ctx, "POSITION", value):
        return None
    index = contains(value, search)
    if to_bool(return_index):
        return index
    return index >= 0


@function("REVERSE", 1, family=FAMILY)
def reverse(ctx: FunctionContext, value: Any) -> Any:
    """Arrays reverse by element; strings by UTF-16 code unit, as ICU does in ArangoDB, so a
    character outside the BMP turns into two replacement characters."""
    if type(value) is list:
        return value[::-1]
    if type(value) is str:
        return "".join("\ufffd\ufffd" if ord(c) > 0xFFFF else c for c in reversed(value))
    warn(ctx, "REVERSE", ARRAY_EXPECTED)
    return None


@function("SLICE", 2, 3, family=FAMILY)
def slice_(ctx: FunctionContext, value: Any, start: Any, count: Any = None) -> Any:
    if not _array_arg(ctx, "SLICE", value, TYPE_MISMATCH):
        return None
    n = len(value)
    lo = to_int64(start)
    if lo < 0:
        lo = max(n + lo, 0)
    if count is None:
        hi = n
    else:
        hi = to_int64(count)
        hi = hi + lo if hi >= 0 else max(n + hi, 0)
    return value[lo:hi] if hi > lo else []


# ----------------------------------------------------------------- adding and removing
@function("PUSH", 2, 3, family=FAMILY)
def push(ctx: FunctionContext, value: Any, item: Any, unique: Any = None) -> Any:
    if value is None:
        return [item]
    if not _array_arg(ctx, "PUSH", value, TYPE_MISMATCH):
        return None
    if to_bool(unique) and contains(value, item) >= 0:
        return list(value)
    return [*value, item]


@function("APPEND", 2, 3, family=FAMILY)
def append(ctx: FunctionContext, value: Any, items: Any, unique: Any = None) -> Any:
    """Null or ``[]`` to append returns the first argument unchanged (whatever it is); a
    null first argument returns the second one."""
    if items is None or items == []:
        return value
    if value is None:
        return items
    if not _array_arg(ctx, "APPEND", value, TYPE_MISMATCH):
        return None
    extra = items if type(items) is list else [items]
    if not to_bool(unique):
        return [*value, *extra]
    return unique_by_value([*value, *extra])


@function("UNSHIFT", 2, 3, family=FAMILY)
def unshift(ctx: FunctionContext, value: Any, item: Any, unique: Any = None) -> Any:
    if value is not None and type(value) is not list:
        invalid_argument(ctx, "UNSHIFT")
        return None
    if to_bool(unique) and value is not None and contains(value, item) >= 0:
        return value
    return [item, *(value or [])]


def _drop_end(ctx: FunctionContext, name: str, value: Any, keep: slice) -> Any:
    if value is None:
        return None
    if not _array_arg(ctx, name, value, TYPE_MISMATCH):
        return None
    return value[keep]


@function("POP", 1, family=FAMILY)
def pop(ctx: FunctionContext, value: Any) -> Any:
    return _drop_end(ctx, "POP", value, slice(None, -1))


@function("SHIFT", 1, family=FAMILY)
def shift(ctx: FunctionContext, value: Any) -> Any:
    return _drop_end(ctx, "SHIFT", value, slice(1, None))


@function("REMOVE_VALUE", 2, 3, family=FAMILY)
def remove_value(ctx: FunctionContext, value: Any, item: Any, limit: Any = None) -> Any:
    """A negative limit never reaches zero, so it removes every occurrence (as in ArangoDB)."""
    if value is None:
        return []
    if not _array_arg(ctx, "REMOVE_VALUE", value, TYPE_MISMATCH):
        return None
    remaining = to_int64(limit) if limit is not None else -1
    out = []
    for element in value:
        if remaining != 0 and equals(item, element):
            remaining -= 1
            continue
        out.append(element)
    return out


@function("REMOVE_VALUES", 2, family=FAMILY)
def remove_values(ctx: FunctionContext, value: Any, items: Any) -> Any:
    if items is None:
        return value
    if value is None:
        return []
    if type(value) is not list or type(items) is not list:
        invalid_argument(ctx, "REMOVE_VALUES")
        return None
    drop = {hash_key(v) for v in items}
    return [v for v in value if hash_key(v) not in drop]


@function("REMOVE_NTH", 2, family=FAMILY)
def remove_nth(ctx: FunctionContext, value: Any, pos: Any) -> Any:
    if value is None:
        return []
    if not _array_arg(ctx, "REMOVE_NTH", value, TYPE_MISMATCH):
        return None
    n = len(value)
    p = float(to_number(pos))
    if math.isnan(p) or p >= n or p < -n:
        return value
    target = int(p + n if p < 0 else p)
    return value[:target] + value[target + 1 :]


@function("REPLACE_NTH", 3, 4, family=FAMILY)
def replace_nth(ctx: FunctionContext, value: Any, pos: Any, item: Any, *pad: Any) -> Any:
    """A null position, or one beyond the end without a padding value, is an error (1542),
    not a warning."""
    if not _array_arg(ctx, "REPLACE_NTH", value, TYPE_MISMATCH):
        return None
    if pos is None:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "REPLACE_NTH"))
    n = len(value)
    offset = to_int64(pos)
    if offset < 0:
        offset = max(n + offset, 0)
    if offset > n and not pad:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "REPLACE_NTH"))
    if offset < n:
        return [*value[:offset], item, *value[offset + 1 :]]
    filler = pad[0] if pad else None
    if offset - n > _MAX_PADDING:
        # padding to a position far past the end cannot be built: refused as a query
        # that needs more memory than it may use, never a Python MemoryError
        raise ArangoError(32, "query would use more memory than allowed", 500)
    return [*value, *([filler] * (offset - n)), item]


_MAX_PADDING = 10_000_000  # as many values as RANGE() may materialize


@function("INTERLEAVE", 2, None, family=FAMILY)
def interleave(ctx: FunctionContext, *arrays: Any) -> Any:
    if any(type(a) is not list for a in arrays):
        warn(ctx, "INTERLEAVE", ARRAY_EXPECTED)
        return None
    out: list[Any] = []
    for i in range(max((len(a) for a in arrays), default=0)):
        out.extend(a[i] for a in arrays if i < len(a))
    return out


@function("FLATTEN", 1, 2, family=FAMILY)
def flatten(ctx: FunctionContext, value: Any, depth: Any = 1) -> Any:
    if not _array_arg(ctx, "FLATTEN", value):
        return None
    # a depth that does not convert to a number counts as 0, and anything below 1 as 1
    d = to_number(depth)
    max_depth = int(d) if d >= 1 else 1
    out: list[Any] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if type(item) is list and level < max_depth:
                walk(item, level + 1)
            else:
                out.append(item)

    walk(value, 0)
    return out


# ----------------------------------------------------------------- set operations
@function("UNION", 2, None, family=FAMILY)
def union(ctx: FunctionContext, *arrays: Any) -> Any:
    if any(type(a) is not list for a in arrays):
        invalid_argument(ctx, "UNION")
        return None
    return [item for a in arrays for item in a]


@function("UNION_DISTINCT", 2, None, family=FAMILY)
def union_distinct(ctx: FunctionContext, *arrays: Any) -> Any:
    """Distinct values of all arrays; ArangoDB's order is undefined, this keeps first
    occurrence order."""
    if any(type(a) is not list for a in arrays):
        invalid_argument(ctx, "UNION_DISTINCT")
        return None
    return unique_by_value(item for a in arrays for item in a)


@function("INTERSECTION", 2, None, family=FAMILY)
def intersection(ctx: FunctionContext, *arrays: Any) -> Any:
    if any(type(a) is not list for a in arrays):
        warn(ctx, "INTERSECTION", ARRAY_EXPECTED)
        return None
    seen: dict[Any, Any] = {}
    for item in arrays[0]:
        seen.setdefault(hash_key(item), (item, 1))
    for i, array in enumerate(arrays[1:], start=1):
        for item in array:
            key = hash_key(item)
            if key in seen:
                value, count = seen[key]
                seen[key] = (value, 0 if count < i else i + 1)
    return [v for v, count in reversed(seen.values()) if count == len(arrays)]


@function("OUTERSECTION", 2, None, family=FAMILY)
def outersection(ctx: FunctionContext, *arrays: Any) -> Any:
    """Values that occur exactly once over all arrays (duplicates inside one array count)."""
    if any(type(a) is not list for a in arrays):
        warn(ctx, "OUTERSECTION", ARRAY_EXPECTED)
        return None
    seen: dict[Any, Any] = {}
    for array in arrays:
        for item in array:
            key = hash_key(item)
            value, count = seen.get(key, (item, 0))
            seen[key] = (value, count + 1)
    return [v for v, count in reversed(seen.values()) if count == 1]


@function("MINUS", 2, None, family=FAMILY)
def minus(ctx: FunctionContext, *arrays: Any) -> Any:
    if any(type(a) is not list for a in arrays):
        invalid_argument(ctx, "MINUS")
        return None
    seen: dict[Any, Any] = {}
    for item in arrays[0]:
        seen.setdefault(hash_key(item), (item, None))
    for array in arrays[1:]:
        for item in array:
            seen.pop(hash_key(item), None)
    return hash_order(seen)


@function("JACCARD", 2, family=FAMILY)
def jaccard(ctx: FunctionContext, left: Any, right: Any) -> Any:
    if type(left) is not list or type(right) is not list:
        warn(ctx, "JACCARD", ARRAY_EXPECTED)
        return None
    lkeys = {hash_key(v) for v in left}
    rkeys = {hash_key(v) for v in right}
    union_size = len(lkeys | rkeys)
    return 1.0 if union_size == 0 else len(lkeys & rkeys) / union_size


@function("UNIQUE", 1, family=FAMILY)
def unique(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "UNIQUE", value):
        return None
    return unique_by_value(value)


@function("COUNT_DISTINCT", 1, aliases=("COUNT_UNIQUE",), family=FAMILY)
def count_distinct(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "COUNT_DISTINCT", value):
        return None
    return len({hash_key(v) for v in value})


def _sorted_runs(value: list[Any]) -> list[list[Any]]:
    """Sorted groups of equal values; each group repeats its first-seen member, as
    ArangoDB's ordered map of value -> count does."""
    runs: list[list[Any]] = []
    for item in sorted(value, key=sort_key):
        if runs and compare(runs[-1][0], item) == 0:
            runs[-1].append(runs[-1][0])
        else:
            runs.append([item])
    return runs


@function("SORTED", 1, family=FAMILY)
def sorted_(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "SORTED", value):
        return None
    return [item for run in _sorted_runs(value) for item in run]


@function("SORTED_UNIQUE", 1, family=FAMILY)
def sorted_unique(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "SORTED_UNIQUE", value):
        return None
    return [run[0] for run in _sorted_runs(value)]


@function("RANGE", 2, 3, family=FAMILY)
def range_(ctx: FunctionContext, start: Any, stop: Any, step: Any = None) -> Any:
    """Without a step: the integers between the truncated bounds (either direction); with
    one: doubles from ``start`` while not past ``stop``."""
    if step is None:
        lo, hi = to_int64(start), to_int64(stop)
        _check_range_size(abs(hi - lo))
        return list(range(lo, hi + 1)) if lo <= hi else list(range(lo, hi - 1, -1))
    lo_f, hi_f, step_f = float(to_number(start)), float(to_number(stop)), float(to_number(step))
    if step_f == 0 or (lo_f < hi_f and step_f < 0) or (lo_f > hi_f and step_f > 0):
        invalid_argument(ctx, "RANGE")
        return None
    _check_range_size(int(abs(hi_f - lo_f) / abs(step_f)))
    out = []
    current = lo_f
    if step_f < 0:
        while current >= hi_f:
            out.append(current)
            current += step_f
    else:
        while current <= hi_f:
            out.append(current)
            current += step_f
    return out


def _check_range_size(n: int) -> None:
    """ArangoDB refuses to materialize ranges of more than 10 million values."""
    if n >= 10_000_000:
        raise ArangoError(1504, "too many elements in range; please use a smaller range")


# ----------------------------------------------------------------- aggregates
@function("MIN", 1, family=FAMILY)
def min_(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "MIN", value):
        return None
    best: Any = None
    found = False
    for item in value:
        if item is None:
            continue
        if not found or compare(item, best) < 0:
            best, found = item, True
    return best


@function("MAX", 1, family=FAMILY)
def max_(ctx: FunctionContext, value: Any) -> Any:
    if not _array_arg(ctx, "MAX", value):
        return None
    best: Any = None
    for i, item in enumerate(value):
        if i == 0 or compare(item, best) > 0:
            best = item
    return best


def _finite(numbers: list[float]) -> list[float]:
    return [x for x in numbers if not (math.isnan(x) or math.isinf(x))]


@function("SUM", 1, family=FAMILY)
def sum_(ctx: FunctionContext, value: Any) -> Any:
    """Non-numeric members make the result null, without a warning."""
    numbers = _numeric_list(ctx, "SUM", value, None)
    if numbers is None:
        return None
    return number_value(math.fsum(_finite(numbers)) if numbers else 0.0, False)


@function("PRODUCT", 1, family=FAMILY)
def product(ctx: FunctionContext, value: Any) -> Any:
    numbers = _numeric_list(ctx, "PRODUCT", value, None)
    if numbers is None:
        return None
    result = 1.0
    for x in _finite(numbers):
        result *= x
    return number_value(result, False)


@function("AVERAGE", 1, aliases=("AVG",), family=FAMILY)
def average(ctx: FunctionContext, value: Any) -> Any:
    """A non-numeric member is warning 1563 (array expected) and null."""
    numbers = _numeric_list(ctx, "AVERAGE", value, ARRAY_EXPECTED)
    if numbers is None:
        return None
    finite = _finite(numbers)
    if not finite:
        return None
    total = math.fsum(finite)
    if math.isinf(total):
        return None
    return number_value(total / len(finite), False)


def _numeric_list(
    ctx: FunctionContext, name: str, value: Any, code: int | None = INVALID_ARITHMETIC
) -> list[float] | None:
    """Members of an array for the numeric functions; None (after warning 1563) for a
    non-array, and None with warning ``code`` (1561 by default, none if None) when a
    member is not a number."""
    if not _array_arg(ctx, name, value):
        return None
    numbers = numbers_of(value)
    if numbers is None and code is not None:
        warn(ctx, name, code)
    return numbers


def _variance(numbers: list[float]) -> float:
    """Welford's running sum of squared deviations, ArangoDB's formula."""
    mean = 0.0
    acc = 0.0
    for count, x in enumerate(numbers, start=1):
        delta = x - mean
        mean += delta / count
        acc += delta * (x - mean)
    return acc


def _spread(name: str, min_count: int, sqrt: bool) -> Callable[..., Any]:
    def impl(ctx: FunctionContext, value: Any) -> Any:
        numbers = _numeric_list(ctx, name, value)
        if numbers is None or len(numbers) < min_count:
            return None
        result = _variance(numbers) / (len(numbers) - (min_count - 1))
        return number_value(math.sqrt(result) if sqrt else result, True)

    impl.__doc__ = f"{name}: variance over n - {min_count - 1} values."
    return impl


function("VARIANCE_SAMPLE", 1, family=FAMILY)(_spread("VARIANCE_SAMPLE", 2, False))
function("VARIANCE_POPULATION", 1, aliases=("VARIANCE",), family=FAMILY)(
    _spread("VARIANCE_POPULATION", 1, False)
)
function("STDDEV_SAMPLE", 1, family=FAMILY)(_spread("STDDEV_SAMPLE", 2, True))
function("STDDEV_POPULATION", 1, aliases=("STDDEV",), family=FAMILY)(
    _spread("STDDEV_POPULATION", 1, True)
)


@function("MEDIAN", 1, family=FAMILY)
def median(ctx: FunctionContext, value: Any) -> Any:
    numbers = _numeric_list(ctx, "MEDIAN", value)
    if not numbers:
        return None
    numbers.sort()
    mid = len(numbers) // 2
    if len(numbers) % 2 == 0:
        return number_value((numbers[mid - 1] + numbers[mid]) / 2, True)
    return number_value(numbers[mid], True)


@function("PERCENTILE", 2, 3, family=FAMILY)
def percentile(ctx: FunctionContext, value: Any, p: Any, method: Any = "rank") -> Any:
    if not _array_arg(ctx, "PERCENTILE", value):
        return None
    if not is_number(p) or not 0 < p <= 100:
        invalid_argument(ctx, "PERCENTILE")
        return None
    if method not in ("rank", "interpolation"):
        invalid_argument(ctx, "PERCENTILE")
        return None
    numbers = _numeric_list(ctx, "PERCENTILE", value)
    if not numbers:
        return None
    numbers.sort()
    n = len(numbers)
    if n == 1:
        return number_value(numbers[0], True)
    if method == "interpolation":
        idx = p * (n + 1) / 100.0
        pos = math.floor(idx)
        if pos >= n:
            return number_value(numbers[-1], True)
        if pos <= 0:
            return None
        return number_value(
            (idx - pos) * (numbers[pos] - numbers[pos - 1]) + numbers[pos - 1], True
        )
    pos = math.ceil(p * n / 100.0)
    if pos >= n:
        return number_value(numbers[-1], True)
    if pos <= 0:
        return None
    return number_value(numbers[pos - 1], True)


# ----------------------------------------------------------------- scoring and vectors
def _decay(
    name: str, factory: Callable[[float, float, float, float], Callable[[float], float]]
) -> Any:
    def impl(
        ctx: FunctionContext, arg: Any, origin: Any, scale: Any, offset: Any, decay: Any
    ) -> Any:
        params = (origin, scale, offset, decay)
        if not (is_number(arg) or type(arg) is list) or not all(is_number(x) for x in params):
            invalid_argument(ctx, name)
            return None
        o, s, off, d = (float(x) for x in params)
        if s <= 0 or off < 0 or d <= 0 or d >= 1:
            warn(ctx, name, NUMBER_OUT_OF_RANGE)
            return None
        fn = factory(o, s, off, d)
        if is_number(arg):
            return number_value(fn(float(arg)), True)
        if not all(is_number(x) for x in arg):
            invalid_argument(ctx, name)
            return None
        return [normalize_number(fn(float(x))) for x in arg]

    impl.__doc__ = f"{name}: decay score of a number or of each number of an array."
    return impl


def _gauss(origin: float, scale: float, offset: float, decay: float) -> Callable[[float], float]:
    sigma_sqr = -(scale * scale) / (2 * math.log(decay))
    return lambda x: math.exp(-(max(0.0, abs(x - origin) - offset) ** 2) / (2 * sigma_sqr))


def _exp(origin: float, scale: float, offset: float, decay: float) -> Callable[[float], float]:
    lam = math.log(decay) / scale
    return lambda x: math.exp(lam * max(0.0, abs(x - origin) - offset))


def _linear(origin: float, scale: float, offset: float, decay: float) -> Callable[[float], float]:
    s = scale / (1.0 - decay)
    return lambda x: max((s - max(0.0, abs(x - origin) - offset)) / s, 0.0)


function("DECAY_GAUSS", 5, family=FAMILY)(_decay("DECAY_GAUSS", _gauss))
function("DECAY_EXP", 5, family=FAMILY)(_decay("DECAY_EXP", _exp))
function("DECAY_LINEAR", 5, family=FAMILY)(_decay("DECAY_LINEAR", _linear))


class _VectorError(Exception):
    """A vector function gave up (its warning is already recorded)."""


def _vector_function(
    name: str, combine: Callable[[list[float], list[float]], float | None]
) -> Callable[..., Any]:
    """Distance or similarity of two vectors, or of one vector against each row of a matrix."""

    def pair(ctx: FunctionContext, a: list[Any], b: list[Any]) -> Any:
        if len(a) != len(b) or not all(is_number(x) for x in (*a, *b)):
            invalid_argument(ctx, name)
            raise _VectorError
        result = combine([float(x) for x in a], [float(x) for x in b])
        if result is None:
            warn(ctx, name, INVALID_ARITHMETIC)
            raise _VectorError
        return number_value(result, True)

    def impl(ctx: FunctionContext, left: Any, right: Any) -> Any:
        if type(left) is not list or type(right) is not list or not left or not right:
            invalid_argument(ctx, name)
            return None
        try:
            if type(left[0]) is list or type(right[0]) is list:
                matrix, vector = (left, right) if type(left[0]) is list else (right, left)
                rows = []
                for row in matrix:
                    if type(row) is not list:
                        invalid_argument(ctx, name)
                        return None
                    rows.append(pair(ctx, row, vector))
                return rows
            return pair(ctx, left, right)
        except _VectorError:
            return None

    impl.__doc__ = f"{name} of two vectors, or of a vector and each row of a matrix."
    return impl


def _cosine(a: list[float], b: list[float]) -> float | None:
    denominator = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    if denominator == 0:
        return None
    return sum(x * y for x, y in zip(a, b, strict=True)) / denominator


def _l1(a: list[float], b: list[float]) -> float:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))


def _l2(a: list[float], b: list[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


function("COSINE_SIMILARITY", 2, family=FAMILY)(_vector_function("COSINE_SIMILARITY", _cosine))
function("L1_DISTANCE", 2, family=FAMILY)(_vector_function("L1_DISTANCE", _l1))
function("L2_DISTANCE", 2, family=FAMILY)(_vector_function("L2_DISTANCE", _l2))


# ----------------------------------------------------------------- dynamic calls
def _invoke(ctx: FunctionContext, caller: str, name: Any, args: list[Any]) -> Any:
    """Call a function by name for CALL/APPLY. User-defined functions (``NS::NAME``) need
    JavaScript, which this server does not have."""
    if type(name) is not str:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, caller))
    upper = to_string(name).upper()
    if "::" in upper:
        raise ArangoError(9, f"{caller}() function is not supported in this build of ArangoDB")
    if upper in ("CALL", "APPLY"):
        raise ArangoError(1578, message_for(1578, upper))
    spec = REGISTRY.get(upper)
    if spec is None:
        raise ArangoError(1540, message_for(1540, upper))
    maximum = MAX_ARGUMENTS if spec.max_args is None else spec.max_args
    if not spec.min_args <= len(args) <= maximum:
        raise ArangoError(1541, message_for(1541, upper, spec.min_args, maximum))
    return ctx.call(upper, args)


@function("CALL", 1, None, deterministic=False, family=FAMILY)
def call(ctx: FunctionContext, name: Any, *args: Any) -> Any:
    return _invoke(ctx, "CALL", name, list(args))


@function("APPLY", 1, 2, deterministic=False, family=FAMILY)
def apply(ctx: FunctionContext, name: Any, *params: Any) -> Any:
    if type(name) is not str:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "APPLY"))
    if params and type(params[0]) is not list:
        invalid_argument(ctx, "APPLY")
        return None
    return _invoke(ctx, "APPLY", name, list(params[0]) if params else [])
