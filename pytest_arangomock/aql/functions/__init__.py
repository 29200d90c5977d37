"""AQL function registry: every function family registers its functions here by name.

A function is ``fn(ctx, *args) -> value`` where ``ctx`` is a :class:`FunctionContext`.
Arguments arrive evaluated; functions must never mutate them (they may be stored documents).
A registration may declare the kind of its leading arguments (:class:`Arg`): how the
compiler passes them, so the compiler keeps no list of function names.
Families live in one module each; :mod:`.library` imports them all (one line per family).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ...base.errors import ArangoError

__all__ = [
    "MAX_ARGUMENTS",
    "REGISTRY",
    "Arg",
    "FunctionContext",
    "FunctionSpec",
    "arity_error",
    "function",
    "invalid_argument",
]

MAX_ARGUMENTS = 65536  # what ArangoDB reports as the maximum of an unbounded argument list


class FunctionContext(Protocol):
    """What a function may use from the running query."""

    db: Any  # pytest_arangomock.state.Database

    def warn(self, code: int, message: str | None = None) -> None:
        """Record a query warning (``extra.warnings``); fails the query under failOnWarning."""

    def collection(self, name: str) -> Any:
        """The named collection of the query's database; raises ArangoError 1203 if unknown."""

    def call(self, name: str, args: list[Any]) -> Any:
        """Call another registered AQL function by name (for APPLY, CALL...)."""

    @property
    def user(self) -> str | None:
        """The user running the query (CURRENT_USER)."""


Impl = Callable[..., Any]


class Arg(enum.Enum):
    """What kind of argument a function takes at one position (ArangoDB's signatures)."""

    #: an evaluated value; a bare collection name passes the collection's documents
    VALUE = "value"
    #: a collection: a bare name or ``@@param`` passes the collection's name ("h")
    COLLECTION = "collection"
    #: the call is this argument, unchanged (the function only guides the optimizer)
    PASSTHROUGH = "passthrough"
    #: seconds the call waits before it returns null; ``maxRuntime`` cuts the wait short
    WAIT = "wait"


@dataclass
class FunctionSpec:
    name: str
    min_args: int
    max_args: int | None  # None: unbounded
    fn: Impl
    deterministic: bool = True
    family: str = ""
    args: tuple[Arg, ...] = ()  # kinds of the leading arguments; the rest are VALUE

    def arg(self, position: int) -> Arg:
        """The kind of the argument at ``position``."""
        return self.args[position] if position < len(self.args) else Arg.VALUE


REGISTRY: dict[str, FunctionSpec] = {}


def function(
    name: str,
    min_args: int,
    max_args: int | None = -1,
    *,
    deterministic: bool = True,
    aliases: tuple[str, ...] = (),
    family: str = "",
    args: tuple[Arg, ...] = (),
) -> Callable[[Impl], Impl]:
    """Register ``fn`` as AQL function ``name`` (upper case) with its arity.

    ``max_args`` defaults to ``min_args``; pass ``None`` for an unbounded argument list.
    ``args`` declares the kinds of the leading arguments (the others are :attr:`Arg.VALUE`).
    """
    upper = name.upper()
    maximum = min_args if max_args == -1 else max_args

    def register(fn: Impl) -> Impl:
        for n in (upper, *(a.upper() for a in aliases)):
            REGISTRY[n] = FunctionSpec(n, min_args, maximum, fn, deterministic, family, args)
        return fn

    return register


def invalid_argument(ctx: FunctionContext, name: str) -> None:
    """Warning 1542 (invalid argument type) for function ``name``; the caller returns null."""
    ctx.warn(1542, f"invalid argument type in call to function '{name.upper()}()'")


def arity_error(name: str, lo: int, hi: int | None) -> ArangoError:
    """Error 1541: ``name`` called with an argument count outside ``lo..hi``."""
    return ArangoError(
        1541,
        f"invalid number of arguments for function '{name}()', expected number of arguments: "
        f"minimum: {lo}, maximum: {MAX_ARGUMENTS if hi is None else hi}",
        400,
    )
