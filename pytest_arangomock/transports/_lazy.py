"""Driver response fields built when first read: on success a driver reads neither the
URL nor the headers of a response, and building them eagerly measured a tenth of an
in-process request (``benchmarks/bench_inprocess.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["filled"]

T = TypeVar("T")


def filled(slot: Any, response: Any, build: Callable[[], T]) -> T:
    """The value of ``slot`` (a ``__slots__`` member of the driver's response class) on
    ``response``, set from ``build()`` the first time it is read."""
    try:
        value: T = slot.__get__(response)
    except AttributeError:
        value = build()
        slot.__set__(response, value)
    return value
