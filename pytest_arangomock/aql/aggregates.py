"""COLLECT/WINDOW aggregate functions: which names are aggregates, and how each turns the
values of one group into its result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..base.values import hash_key, normalize_number, sort_key

__all__ = ["AGGREGATES", "counts_rows", "finalizer"]

AGGREGATES = frozenset(
    [
        "LENGTH",
        "COUNT",
        "MIN",
        "MAX",
        "SUM",
        "AVERAGE",
        "AVG",
        "VARIANCE_POPULATION",
        "VARIANCE",
        "VARIANCE_SAMPLE",
        "STDDEV_POPULATION",
        "STDDEV",
        "STDDEV_SAMPLE",
        "UNIQUE",
        "SORTED_UNIQUE",
        "COUNT_DISTINCT",
        "COUNT_UNIQUE",
        "BIT_AND",
        "BIT_OR",
        "BIT_XOR",
        "PUSH",
    ]
)


_NUMBERS = frozenset((int, float))
_NUMBERS_OR_NULL = frozenset((int, float, type(None)))


def _numbers(values: list[Any]) -> list[float | int] | None:
    """The numbers among ``values`` without the nulls; None if anything else is there
    (the types are collected once, in C, instead of testing value by value)."""
    kinds = set(map(type, values))
    if kinds <= _NUMBERS:
        return values
    if kinds <= _NUMBERS_OR_NULL:
        return [v for v in values if v is not None]
    return None


def _agg_sum(values: list[Any]) -> Any:
    """ArangoDB's SUM aggregator: null when no row reached it (the SUM() function answers 0
    for an empty array), 0 when every value was null."""
    if not values:
        return None
    nums = _numbers(values)
    if nums is None:
        return None
    return normalize_number(sum(nums)) if nums else 0


def _agg_avg(values: list[Any]) -> Any:
    nums = _numbers(values)
    if not nums:
        return None
    return normalize_number(sum(nums) / len(nums))


def _variance(values: list[Any], sample: bool) -> Any:
    nums = _numbers(values)
    if nums is None:
        return None
    n = len(nums)
    if n == 0 or (sample and n < 2):
        return None
    mean = sum(nums) / n
    ss = sum((x - mean) ** 2 for x in nums)
    return ss / (n - 1 if sample else n)


def _stddev(values: list[Any], sample: bool) -> Any:
    v = _variance(values, sample)
    return None if v is None else v**0.5


def _extreme(values: list[Any], pick: Callable[..., Any]) -> Any:
    """MIN or MAX (``pick``) of the values that are not null, in AQL order (the first of
    equal ones); numbers compare as they are, other values by their sort keys."""
    kinds = set(map(type, values))
    present = values if type(None) not in kinds else [v for v in values if v is not None]
    if not present:
        return None
    kinds.discard(type(None))
    if kinds <= _NUMBERS:
        return pick(present)
    return pick(present, key=sort_key)


def _agg_min(values: list[Any]) -> Any:
    return _extreme(values, min)


def _agg_max(values: list[Any]) -> Any:
    return _extreme(values, max)


def _unique(values: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    out = []
    for v in values:
        if v is None:
            continue
        k = hash_key(v)
        if k not in seen:
            seen.add(k)
            out.append(v)
    return out


def _bits(values: list[Any], op: Callable[[int, int], int]) -> Any:
    result: int | None = None
    for v in values:
        if v is None:
            continue
        if type(v) not in (int, float) or v < 0 or v != int(v) or v > 0xFFFFFFFF:
            return None
        result = int(v) if result is None else op(result, int(v))
    return result


_FINALIZERS: dict[str, Callable[[list[Any]], Any]] = {
    "LENGTH": len,
    "MIN": _agg_min,
    "MAX": _agg_max,
    "SUM": _agg_sum,
    "AVERAGE": _agg_avg,
    "VARIANCE_POPULATION": lambda v: _variance(v, False),
    "VARIANCE_SAMPLE": lambda v: _variance(v, True),
    "STDDEV_POPULATION": lambda v: _stddev(v, False),
    "STDDEV_SAMPLE": lambda v: _stddev(v, True),
    "UNIQUE": _unique,
    "SORTED_UNIQUE": lambda v: sorted(_unique(v), key=sort_key),
    "COUNT_DISTINCT": lambda v: len(_unique(v)),
    "BIT_AND": lambda v: _bits(v, lambda a, b: a & b),
    "BIT_OR": lambda v: _bits(v, lambda a, b: a | b),
    "BIT_XOR": lambda v: _bits(v, lambda a, b: a ^ b),
    "PUSH": list,
}
_AGG_ALIAS = {
    "COUNT": "LENGTH",
    "AVG": "AVERAGE",
    "VARIANCE": "VARIANCE_POPULATION",
    "STDDEV": "STDDEV_POPULATION",
    "COUNT_UNIQUE": "COUNT_DISTINCT",
}


def finalizer(name: str) -> Callable[[list[Any]], Any]:
    """What aggregate ``name`` (or its alias) computes from a group's values."""
    return _FINALIZERS[_AGG_ALIAS.get(name, name)]


def counts_rows(name: str) -> bool:
    """Whether aggregate ``name`` may be called without an argument (it counts the rows)."""
    return _AGG_ALIAS.get(name, name) == "LENGTH"
