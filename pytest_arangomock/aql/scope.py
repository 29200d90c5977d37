"""What the statement modules (views, graphs, writes) see of the compiler that calls them.

Rows are Python lists indexed by variable slots; an expression compiles to ``fn(row)``, a
statement to a stage ``rows -> rows``. :class:`Scope` is the part of the compiler a
statement module may use, so those modules sit below the compiler and never import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

from . import ast as A
from .context import QueryContext

Row = list[Any]
Fn = Callable[[Row], Any]
Stage = Callable[[Iterable[Row]], Iterable[Row]]
Runner = Callable[[Row], Iterator[Any]]
_T = TypeVar("_T")


class _Reads(dict[str, Any]):
    """Bind values while a query compiles: remembers which ones the compiler read."""

    __slots__ = ("read",)

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:  # a read at compile time is a choice
        self.read.add(key)
        return dict.__getitem__(self, key)


class Inputs:
    """What one execution gives a compiled query: its bind values and the collections it
    reads (by the names the query used), as that execution sees them."""

    __slots__ = ("binds", "colls")

    def __init__(self, binds: dict[str, Any]) -> None:
        self.binds: dict[str, Any] = _Reads(binds)
        self.colls: dict[str, Any] = {}


class Level:
    """Compile-time state of one query level (the main query or a subquery)."""

    def __init__(self, scope: dict[str, int]) -> None:
        self.vars = dict(scope)
        self.base = dict(scope)  # what survives a COLLECT
        self.has_for = False


class Scope(Protocol):
    """The compiler's services for statement modules."""

    ctx: QueryContext
    inputs: Inputs
    nslots: int  # the width of a row so far
    # collection name -> the write statement (INSERT, UPDATE...) that modified it
    modified: dict[str, str]

    def expr(self, e: A.Expr, vars: dict[str, int]) -> Fn:
        """Compile an expression over the variables ``vars`` (name -> slot)."""

    def use_collection(self, name: str) -> Any:
        """The collection ``name`` for reading, resolved again by every execution."""

    def per_run(self, make: Callable[[], _T]) -> list[_T]:
        """A box holding ``make()``, refilled at the start of every later execution."""

    def not_reusable(self) -> None:
        """The compiled query holds something of this execution only."""

    def declare(self, level: Level, name: str) -> int:
        """A new variable of ``level``; its row slot."""

    def slot(self) -> int:
        """A fresh row slot (no variable name attached)."""

    def options(self, opts: A.ObjectLit | None, vars: dict[str, int]) -> dict[str, Any]:
        """An OPTIONS object, which must be known at compile time."""

    def collection_name(self, expr: A.Expr) -> str:
        """The collection a name or ``@@param`` denotes."""

    def param(self, p: A.Param) -> Any:
        """A bind parameter's value."""

    def is_const(self, expr: A.Expr) -> bool:
        """Whether ``expr`` is known at compile time."""

    def const_value(self, expr: A.Expr, vars: dict[str, int]) -> Any:
        """The value of an expression known at compile time."""

    def current_scope(self, ident: int | None = None) -> AbstractContextManager[int]:
        """A fresh slot that ``CURRENT`` names while the expressions inside compile."""
