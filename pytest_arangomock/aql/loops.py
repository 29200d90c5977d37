"""FOR loops over collections, index lookups and arrays: the per-row loop of a query.

A FOR stage takes the FILTERs right after it into its loop (no row is built for a document
they reject), copies a row per item it produces, and is an interruption point (kill check,
waiting requests served) every ``PIECE`` items and every ``TICKS_MASK + 1`` loops started.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..base.errors import ArangoError
from ..base.values import to_bool, typename
from . import ast as A
from .context import QueryContext
from .scope import Fn, Row, Stage

__all__ = ["PIECE", "TICKS_MASK", "ForStage", "all_of"]


class ForStage:
    """A FOR loop waiting for the FILTERs that follow it (compiled into its loop)."""

    def __init__(
        self,
        source: Fn,
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

    def build(self, preds: list[Fn]) -> Stage:
        if self.lazy:
            return self._build_lazy(preds)
        source, slot, stats, ctx = self.source, self.slot, self.ctx.stats, self.ctx

        def items_of(r: Row) -> list[Any]:
            """The loop's items for row ``r``; the loop started (an interruption point
            every ``TICKS_MASK + 1`` loops)."""
            items = source(r)
            if type(items) is not list:
                raise ArangoError(
                    1563,
                    "collection or array expected as operand to FOR loop; "
                    f"you provided a value of type '{typename(items)}'",
                    400,
                )
            ctx.ticks += 1
            if not ctx.ticks & TICKS_MASK:
                ctx.checkpoint()
            return items

        if not preds:

            def stage(rows: Iterable[Row]) -> Iterator[Row]:
                for r in rows:
                    items = items_of(r)
                    if len(items) <= PIECE:  # the common case without a generator
                        for item in items:
                            r2 = r.copy()
                            r2[slot] = item
                            yield r2
                        continue
                    for piece in _sliced(items, ctx):
                        for item in piece:
                            r2 = r.copy()
                            r2[slot] = item
                            yield r2

            return stage
        pred = preds[0] if len(preds) == 1 else all_of(preds)

        def filtered(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                items = items_of(r)
                rejected = 0
                try:
                    for piece in _pieces(items, ctx):
                        for item in piece:
                            r[slot] = item
                            v = pred(r)
                            if v is True or (v is not False and to_bool(v)):
                                yield r.copy()
                            else:
                                rejected += 1
                finally:
                    stats["filtered"] += rejected

        return filtered

    def _build_lazy(self, preds: list[Fn]) -> Stage:
        """The loop over an iterator an index lookup gives: an item is read only when the
        stage after the loop asks for a row (a LIMIT stops reading)."""
        source, slot, stats, ctx = self.source, self.slot, self.ctx.stats, self.ctx
        pred = (preds[0] if len(preds) == 1 else all_of(preds)) if preds else None

        def loop(rows: Iterable[Row]) -> Iterator[Row]:
            for r in rows:
                items = source(r)
                ctx.ticks += 1
                if not ctx.ticks & TICKS_MASK:
                    ctx.checkpoint()
                rejected = 0
                try:
                    for n, item in enumerate(items, 1):
                        if not n & PIECE_MASK:
                            ctx.checkpoint()
                        if pred is None:
                            r2 = r.copy()
                            r2[slot] = item
                            yield r2
                            continue
                        r[slot] = item
                        v = pred(r)
                        if v is True or (v is not False and to_bool(v)):
                            yield r.copy()
                        else:
                            rejected += 1
                finally:
                    stats["filtered"] += rejected

        return loop


# A FOR loop is an interruption point (kill check, waiting requests served) every
# PIECE items of one loop and every TICKS_MASK + 1 loops started.
PIECE = 256
PIECE_MASK = PIECE - 1
TICKS_MASK = 1023


def _pieces(items: list[Any], ctx: QueryContext) -> Iterable[list[Any]]:
    """``items`` as it is when short, else in slices with an interruption point before each."""
    if len(items) <= PIECE:
        return (items,)
    return _sliced(items, ctx)


def _sliced(items: list[Any], ctx: QueryContext) -> Iterator[list[Any]]:
    for start in range(0, len(items), PIECE):
        ctx.checkpoint()
        yield items[start : start + PIECE]


def all_of(preds: list[Fn]) -> Fn:
    def both(r: Row) -> bool:
        for p in preds:
            v = p(r)
            if not (v is True or (v is not False and to_bool(v))):
                return False
        return True

    return both
