"""How deeply a query may nest, and the stack the engine gets to handle that depth.

ArangoDB refuses a query whose expressions nest deeper than ``Ast::maxExpressionNesting``
(1,000) with 1524 "too much nesting or too many objects"; its own test suite runs a sum
of 998 terms and refuses one of 1,000. The emulator measures the depth on the parse tree
(iteratively, so any input is safe to measure) and refuses the same queries. The queries
it accepts are built, compiled and run by recursive code that needs a few Python frames
per level, more than Python's default limit of 1,000 frames: that work runs inside
:func:`deep_stack`, which raises the limit for its duration. Any ``RecursionError`` that
still escapes (a deep value built at run time) answers 1524 too, never a Python error.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

from ..base.errors import ArangoError

__all__ = ["DEEP_STACK", "MAX_EXPRESSION_NESTING", "deep_stack", "nesting_of", "too_deep"]

#: ArangoDB's ``Ast::maxExpressionNesting``
MAX_EXPRESSION_NESTING = 1000
# frames the engine may use while it works on a query: a few per nesting level at the
# limit, with room for the caller's own frames (about 150 bytes of C stack per frame in
# CPython 3.11+, far below a thread's default stack)
_FRAMES = 12_000
_LOCK = threading.Lock()
_depth = 0  # nested deep_stack() sections (the limit is restored when the last ends)
_saved = 0


def too_deep() -> ArangoError:
    """1524, as ArangoDB answers a query nested beyond its limit."""
    return ArangoError(1524, "too much nesting or too many objects", 400)


def nesting_of(tree: Any) -> int:
    """How many levels ``tree`` (a parse tree: nodes with ``children``) nests."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        if level > deepest:
            deepest = level
        children = getattr(node, "children", None)
        if children:
            stack.extend((child, level + 1) for child in children)
    return deepest


class _DeepStack:
    """The section :func:`deep_stack` opens (a class, not a generator: every response's
    JSON encoding runs in one, and a generator-based context manager costs several
    calls more per section)."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _depth, _saved
        with _LOCK:
            if _depth == 0:
                _saved = sys.getrecursionlimit()
                if _saved < _FRAMES:
                    sys.setrecursionlimit(_FRAMES)
            _depth += 1

    def __exit__(self, kind: type[BaseException] | None, exc: Any, tb: Any) -> None:
        global _depth
        with _LOCK:
            _depth -= 1
            if _depth == 0 and sys.getrecursionlimit() == max(_saved, _FRAMES):
                sys.setrecursionlimit(_saved)
        if kind is not None and issubclass(kind, RecursionError):
            raise too_deep() from None


_SECTION = _DeepStack()
#: the section itself, for ``with DEEP_STACK:`` on the per-query path (one call less)
DEEP_STACK = _SECTION


def deep_stack() -> _DeepStack:
    """A section with room for :data:`MAX_EXPRESSION_NESTING` levels of recursion (use
    it in ``with``); a ``RecursionError`` inside answers 1524."""
    return _SECTION
