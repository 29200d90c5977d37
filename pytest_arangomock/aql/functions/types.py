"""AQL type checks (IS_*, TYPENAME) and casts (TO_*) as ArangoDB 3.12 defines them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ...base.values import (
    ARRAY,
    BOOL,
    NULL,
    NUMBER,
    OBJECT,
    STRING,
    to_array,
    to_bool,
    to_number,
    to_string,
    type_rank,
    typename,
)
from . import FunctionContext, function
from .date import is_date_string
from .string import parse_ipv4


def _check(name: str, pred: Callable[[Any], bool], aliases: tuple[str, ...] = ()) -> None:
    @function(name, 1, aliases=aliases, family="type_check")
    def impl(ctx: FunctionContext, value: Any) -> Any:
        return pred(value)


def _is(rank: int) -> Callable[[Any], bool]:
    return lambda v: type_rank(v) == rank


_check("IS_NULL", _is(NULL))
_check("IS_BOOL", _is(BOOL))
_check("IS_NUMBER", _is(NUMBER))
_check("IS_STRING", _is(STRING))
_check("IS_ARRAY", _is(ARRAY), aliases=("IS_LIST",))
_check("IS_OBJECT", _is(OBJECT), aliases=("IS_DOCUMENT",))
_check("IS_IPV4", lambda v: parse_ipv4(v) is not None)

_KEY = re.compile(r"[a-zA-Z0-9_\-:.@()+,=;$!*'%]{1,254}")


def is_key(value: Any) -> bool:
    """A valid document key: 1-254 bytes from ArangoDB's allowed key characters."""
    return type(value) is str and _KEY.fullmatch(value) is not None


_check("IS_KEY", is_key)


def is_datestring(value: Any) -> bool:
    """IS_DATESTRING: a string the date functions accept (their parser decides)."""
    return is_date_string(value)


_check("IS_DATESTRING", is_datestring)


@function("TYPENAME", 1, family="type_check")
def _typename(ctx: FunctionContext, value: Any) -> Any:
    return typename(value)


# ----------------------------------------------------------------- casts
def _cast(name: str, fn: Callable[[Any], Any], aliases: tuple[str, ...] = ()) -> None:
    @function(name, 1, aliases=aliases, family="type_cast")
    def impl(ctx: FunctionContext, value: Any) -> Any:
        return fn(value)


_cast("TO_BOOL", to_bool)
_cast("TO_NUMBER", to_number)
_cast("TO_STRING", to_string)
_cast("TO_ARRAY", lambda v: list(to_array(v)), aliases=("TO_LIST",))
