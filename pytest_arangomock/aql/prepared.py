"""Compiled queries kept for the next execution of the same query.

A repeated query (the same text, the same ``fullCount``) finds its compiled stages here and
runs them without walking its tree again. Bind values and collections are run-time inputs
of a compiled query (:class:`.scope.Inputs`); what its compilation still depended on
decides whether it serves an execution:

- the values of the bind parameters the compiler read (collection names, LIMIT values,
  attribute names, OPTIONS...), compared exactly;
- the kind of the bind parameters it only asked the kind of (an array for ``IN``);
- each collection it used: the same collection object with the same indexes, as
  ``state/plan_cache.py`` checks its entries.

A compiled query serves one execution at a time (its closures share one query context):
executions of the same query in several threads each take their own instance from a small
pool, and compile one when the pool is empty. A query whose compilation holds something of
one execution only (writes, views, traversals, a level-2 profile, warnings raised while
compiling, function calls folded at compile time) is not kept. This is separate from
ArangoDB's user-visible plan cache (``usePlanCache``), which it does not change.
"""

from __future__ import annotations

import json
import operator
import threading
from collections.abc import Callable
from typing import Any

from .compiler import Compiler
from .context import QueryContext
from .scope import Runner

__all__ = ["Prepared", "QueryCache", "cache_of", "sources"]

#: compiled variants kept per database (oldest dropped first) and idle instances per variant
MAX_VARIANTS = 256
MAX_IDLE = 4

_Key = tuple[Any, ...]
_ID = operator.attrgetter("id")  # an index's id (read in C, not by a comprehension)


def _exact(value: Any) -> Any:
    """A bind value as a dictionary key that tells apart what AQL tells apart (1 from
    1.0 and true, key order of objects)."""
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return (t, value)
    return (t, json.dumps(value, default=repr))


class Prepared:
    """One compiled instance of a query and what decides whether it serves an execution."""

    __slots__ = ("compiler", "key", "runner", "shape", "sources", "text")

    def __init__(
        self,
        compiler: Compiler,
        runner: Runner,
        text: str,
        full_count: bool,
        sources: tuple[tuple[str, Any, list[str]], ...],
    ) -> None:
        """``compiler`` has just compiled ``runner``; ``sources`` are its collections as
        :func:`sources` saw them right after (before anybody else could change them)."""
        self.compiler = compiler
        self.runner = runner
        self.text = text
        read: set[str] = getattr(compiler.inputs.binds, "read", set())
        values = sorted(read)
        kinds = sorted(k for k in compiler.shapes if k not in read)
        self.shape: tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...]] = (
            tuple(values),
            tuple((k, compiler.shapes[k][0]) for k in kinds),
        )
        self.sources = sources
        self.key = _variant(text, full_count, self.shape, compiler.inputs.binds)
        compiler.inputs.binds = dict(compiler.inputs.binds)  # no more recording

    @property
    def ctx(self) -> QueryContext:
        return self.compiler.ctx

    def fresh(self) -> bool:
        """Whether every collection it used is still the same, with the same indexes."""
        db = self.compiler.ctx.db
        for name, col, ids in self.sources:
            now = db.get_collection(name)
            if now is not col or list(map(_ID, now.indexes)) != ids:
                return False
        return True

    def bind(self, binds: dict[str, Any]) -> None:
        """Give the compiled query this execution's inputs: its bind values, and its
        collections as this execution's snapshot and caller see them (permission checks
        in the order the compilation made them)."""
        compiler = self.compiler
        inputs = compiler.inputs
        inputs.binds = binds
        colls = inputs.colls
        collection = compiler.ctx.collection
        for name in colls:
            colls[name] = collection(name)
        for restart in compiler.restarts:
            restart()


def sources(compiler: Compiler) -> tuple[tuple[str, Any, list[str]], ...] | None:
    """The collections a compilation used, each with its index ids (None: one is gone)."""
    db = compiler.ctx.db
    out = []
    for name in compiler.inputs.colls:
        col = db.get_collection(name)
        if col is None:
            return None
        out.append((name, col, list(map(_ID, col.indexes))))
    return tuple(out)


def _variant(
    text: str,
    full_count: bool,
    shape: tuple[tuple[str, ...], tuple[tuple[str, Callable[[Any], Any]], ...]],
    binds: dict[str, Any],
) -> _Key:
    values, kinds = shape
    if not values and not kinds:
        return (text, full_count, shape)
    get = dict.__getitem__
    return (
        text,
        full_count,
        shape,
        tuple(_exact(get(binds, k)) for k in values),
        tuple(kind(get(binds, k)) for k, kind in kinds),
    )


_NO_SHAPE: tuple[tuple[str, ...], tuple[Any, ...]] = ((), ())


class QueryCache:
    """The compiled queries of one database."""

    __slots__ = ("lock", "owner", "shapes", "variants")

    def __init__(self, owner: Any) -> None:
        self.owner = owner  # the database the compiled queries belong to
        self.lock = threading.Lock()
        # (text, fullCount) -> the shape of its latest compilation
        self.shapes: dict[tuple[str, bool], Any] = {}
        # variant key -> idle instances
        self.variants: dict[_Key, list[Prepared]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> QueryCache:
        """A copy of the database (a hot backup) starts with no compiled queries."""
        return QueryCache(None)

    def checkout(self, text: str, full_count: bool, binds: dict[str, Any]) -> Prepared | None:
        """An idle instance that serves this execution, taken out of the pool (None:
        compile)."""
        shape = self.shapes.get((text, full_count))
        if shape is None:
            return None
        # no bind value the compilation depended on: the key is at hand
        key = (
            (text, full_count, shape)
            if shape == _NO_SHAPE
            else _variant(text, full_count, shape, binds)
        )
        with self.lock:
            idle = self.variants.get(key)
            if not idle:
                return None
            found = idle.pop()
        if found.fresh():
            return found
        with self.lock:
            self.variants.pop(key, None)  # the others are as stale
        return None

    def checkin(self, prepared: Prepared) -> None:
        """Keep an instance (just compiled, or done with its execution) for the next one."""
        key = prepared.key
        with self.lock:
            self.shapes[key[0], key[1]] = key[2]
            idle = self.variants.get(key)
            if idle is None:
                if len(self.variants) >= MAX_VARIANTS:
                    del self.variants[next(iter(self.variants))]
                idle = self.variants[key] = []
            if len(idle) < MAX_IDLE:
                idle.append(prepared)


_CACHES_LOCK = threading.Lock()
_ATTRIBUTE = "_aql_compiled_queries"


def cache_of(db: Any) -> QueryCache | None:
    """The compiled-query cache of database ``db`` (None for an object without one).

    It lives on the database object, so it goes with it (the compiled queries refer to
    the database); a database built as a copy of another (a stream transaction's view)
    finds the other's cache not its own and gets one of its own."""
    found: QueryCache | None = getattr(db, _ATTRIBUTE, None)
    if found is None or found.owner is not db:
        with _CACHES_LOCK:
            found = getattr(db, _ATTRIBUTE, None)
            if found is None or found.owner is not db:
                found = QueryCache(db)
                try:
                    setattr(db, _ATTRIBUTE, found)
                except AttributeError:
                    return None  # an object that takes no attributes
    return found
