"""FOR loops over collections, index lookups and arrays: the per-row loop of a query.

A FOR stage takes the FILTERs right after it into its loop (no row is built for a document
they reject), and the RETURN right after those when nothing else follows (the loop hands
on result values, not rows). It copies a row per item only when a later statement may
keep rows (SORT, COLLECT...); when every later statement is done with a row before it
asks for the next, the loop hands on its input row with its variable set in place. It is
an interruption point (kill check, waiting requests served) every ``PIECE`` items and
every ``TICKS_MASK + 1`` loops started. A stage names its plan nodes in the errors that
pass through it itself (no wrapper generator per stage).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any, Protocol

from ..base.errors import ArangoError
from ..base.values import to_bool, typename
from . import ast as A
from .context import QueryContext
from .scope import Fn, Row, Stage

__all__ = ["PIECE", "TICKS_MASK", "ByValue", "ForStage", "all_of", "tag"]

Tags = list[tuple[int, str]]


class IndexRun(Protocol):
    """One execution's index lookup (``aql/access.py``), as the loop asks it."""

    def one(self) -> Callable[[Any], list[Any]]:
        """The lookup of one ``==`` value."""

    def looked_up(self, stats: dict[str, Any], lookups: int, found: int) -> None:
        """Count ``lookups`` lookups that found ``found`` documents in all."""


class ByValue:
    """The items of a loop that looks up one ``==`` value in an index per input row (the
    inner loop of a join): the loop computes the value, asks the index and counts the
    statistics of all its lookups once, when it ends."""

    __slots__ = ("runs", "value")

    def __init__(self, value: Fn, runs: Sequence[IndexRun]) -> None:
        self.value = value
        self.runs = runs  # refilled for every execution


class ForStage:
    """A FOR loop waiting for the FILTERs that follow it (compiled into its loop)."""

    def __init__(
        self,
        source: Fn | ByValue,
        slot: int,
        ctx: QueryContext,
        covered: tuple[A.Node, ...] = (),
        lazy: bool = False,
    ) -> None:
        self.source = source
        self.slot = slot
        self.ctx = ctx
        self.covered = covered  # FILTER conjuncts the index lookup answered
        self.lazy = lazy  # the source gives an index's iterator, read on demand

    def build(
        self,
        preds: list[Fn],
        tags: Tags,
        emit: Fn | None = None,
        emit_tags: Tags | None = None,
        copy: bool = True,
    ) -> Stage:
        """The loop with its FILTERs ``preds``; with ``emit`` (the RETURN after them) it
        yields ``emit(row)`` per row; without, the rows, copied unless ``copy`` is false.
        Errors name ``tags`` (``emit``'s own: ``emit_tags`` alone)."""
        if self.lazy:
            return self._build_lazy(preds, tags, copy)
        slot, stats, ctx = self.slot, self.ctx.stats, self.ctx
        pred = _all(preds)
        after = emit_tags or []
        source = self.source
        if isinstance(source, ByValue):
            value, runs = source.value, source.runs
        else:
            value, runs = source, None

        def loop(rows: Iterable[Row]) -> Iterator[Any]:
            find: Callable[[Any], list[Any]]
            if runs is None:
                find = _checked
            else:
                run = runs[0]
                find = run.one()
            looked = found = rejected = 0
            try:
                for r in rows:
                    items = find(value(r))
                    ctx.ticks += 1
                    if not ctx.ticks & TICKS_MASK:
                        ctx.checkpoint()
                    looked += 1
                    n = len(items)
                    found += n
                    for item in items if n <= PIECE else chain.from_iterable(_sliced(items, ctx)):
                        r[slot] = item
                        if pred is not None:
                            v = pred(r)
                            if not (v is True or (v is not False and to_bool(v))):
                                rejected += 1
                                continue
                        if emit is not None:
                            try:
                                out = emit(r)
                            except ArangoError as exc:
                                exc.__dict__[_EMITTED] = True
                                raise
                            yield out
                        elif copy:
                            yield r.copy()
                        else:
                            yield r
            except ArangoError as exc:
                if not exc.__dict__.pop(_EMITTED, False):
                    tag(exc, tags)
                tag(exc, after)
                raise
            finally:
                if rejected:
                    stats["filtered"] += rejected
                if runs is not None and looked:
                    run.looked_up(stats, looked, found)

        return loop

    def _build_lazy(self, preds: list[Fn], tags: Tags, copy: bool) -> Stage:
        """The loop over an iterator an index lookup gives: an item is read only when the
        stage after the loop asks for a row (a LIMIT stops reading)."""
        source, slot, stats, ctx = self.source, self.slot, self.ctx.stats, self.ctx
        assert not isinstance(source, ByValue)
        pred = _all(preds)

        def loop(rows: Iterable[Row]) -> Iterator[Row]:
            rejected = 0
            try:
                for r in rows:
                    items = source(r)
                    ctx.ticks += 1
                    if not ctx.ticks & TICKS_MASK:
                        ctx.checkpoint()
                    for n, item in enumerate(items, 1):
                        if not n & PIECE_MASK:
                            ctx.checkpoint()
                        r[slot] = item
                        if pred is not None:
                            v = pred(r)
                            if not (v is True or (v is not False and to_bool(v))):
                                rejected += 1
                                continue
                        yield r.copy() if copy else r
            except ArangoError as exc:
                tag(exc, tags)
                raise
            finally:
                if rejected:
                    stats["filtered"] += rejected

        return loop


# A FOR loop is an interruption point (kill check, waiting requests served) every
# PIECE items of one loop and every TICKS_MASK + 1 loops started.
PIECE = 256
PIECE_MASK = PIECE - 1
TICKS_MASK = 1023

#: marks an error of a loop's RETURN expression, which names only the RETURN's node
_EMITTED = "aql_emitted"


def tag(exc: ArangoError, tags: Tags) -> None:
    """Name the nodes an error passed through, as ArangoDB's execution blocks do (a SORT
    block reports twice: once while fetching its input, once while sorting)."""
    seen: Tags = exc.__dict__.setdefault("aql_nodes", [])
    for t in tags:
        seen.append(t)
        if t[1] == "SortNode":
            seen.append(t)


def _checked(items: Any) -> list[Any]:
    """A loop's items, which must be an array (a collection's documents are a list)."""
    if type(items) is not list:
        raise ArangoError(
            1563,
            "collection or array expected as operand to FOR loop; "
            f"you provided a value of type '{typename(items)}'",
            400,
        )
    return items


def _sliced(items: list[Any], ctx: QueryContext) -> Iterator[list[Any]]:
    """A long list in pieces, an interruption point before each (read through
    ``chain``, which costs a short list nothing)."""
    for start in range(0, len(items), PIECE):
        ctx.checkpoint()
        yield items[start : start + PIECE]


def _all(preds: list[Fn]) -> Fn | None:
    """The FILTER checks as one (None: there are none)."""
    if not preds:
        return None
    return preds[0] if len(preds) == 1 else all_of(preds)


def all_of(preds: list[Fn]) -> Fn:
    def both(r: Row) -> bool:
        for p in preds:
            v = p(r)
            if not (v is True or (v is not False and to_bool(v))):
                return False
        return True

    return both
