"""AQL function registry: every function family registers its functions here by name.

A function is ``fn(ctx, *args) -> value`` where ``ctx`` is a :class:`FunctionContext`.
Arguments arrive evaluated; functions must never mutate them (they may be stored documents).
Families live in one module each and are imported by :func:`load_all`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["REGISTRY", "FunctionContext", "FunctionSpec", "function", "load_all"]


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


@dataclass
class FunctionSpec:
    name: str
    min_args: int
    max_args: int | None  # None: unbounded
    fn: Impl
    deterministic: bool = True
    family: str = ""


REGISTRY: dict[str, FunctionSpec] = {}


def function(
    name: str,
    min_args: int,
    max_args: int | None = -1,
    *,
    deterministic: bool = True,
    aliases: tuple[str, ...] = (),
    family: str = "",
) -> Callable[[Impl], Impl]:
    """Register ``fn`` as AQL function ``name`` (upper case) with its arity.

    ``max_args`` defaults to ``min_args``; pass ``None`` for an unbounded argument list.
    """
    upper = name.upper()
    maximum = min_args if max_args == -1 else max_args

    def register(fn: Impl) -> Impl:
        for n in (upper, *(a.upper() for a in aliases)):
            REGISTRY[n] = FunctionSpec(n, min_args, maximum, fn, deterministic, family)
        return fn

    return register


def invalid_argument(ctx: FunctionContext, name: str) -> None:
    """Warning 1542 (invalid argument type) for function ``name``; the caller returns null."""
    ctx.warn(1542, f"invalid argument type in call to function '{name.upper()}()'")


_LOADED = False


def load_all() -> dict[str, FunctionSpec]:
    """Import every family module once and return the registry."""
    global _LOADED
    if not _LOADED:
        import importlib
        import pkgutil

        for mod in pkgutil.iter_modules(__path__):
            if not mod.name.startswith("_"):
                importlib.import_module(f"{__name__}.{mod.name}")
        _LOADED = True
    return REGISTRY
