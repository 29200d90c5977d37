"""The ``persistent`` index (aliases ``hash``, ``skiplist``): equality and range lookups."""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ...base.values import hash_key, sort_key
from .base import MISSING, Doc, Index, Lookup, field_values, spread
from .registry import (
    Definition,
    IndexType,
    bad,
    check_expansion,
    flag,
    register,
    validate_fields,
)

#: Bound meaning "no limit" for :meth:`PersistentIndex.lookup_range` (``None`` is AQL null).
UNBOUNDED: Any = object()


#: a bound of a range scan: (sort key, inclusive), or None for an open end
_Bound = tuple[Any, bool] | None

#: equality answers an index remembers between writes (beyond this many it starts afresh)
MAX_ANSWERS = 65536


def _bounds(ops: tuple[str, ...], values: Any) -> tuple[_Bound, _Bound]:
    """The tightest lower and upper bound of ``attr <op> value`` conditions, in AQL order."""
    low: _Bound = None
    high: _Bound = None
    for op, value in zip(ops, values, strict=True):
        bound = (sort_key(value), op in ("<=", ">="))
        if op in (">", ">="):
            if low is None or bound[0] > low[0] or (bound[0] == low[0] and not bound[1]):
                low = bound
        elif high is None or bound[0] < high[0] or (bound[0] == high[0] and not bound[1]):
            high = bound
    return low, high


class PersistentIndex(Index):
    """Persistent (hash/skiplist alias) index: equality dict plus a sorted list for ranges.

    ``_by_value`` maps the AQL hash key of the tuple of field values to the document keys
    having it (insertion-ordered); ``_sorted`` holds ``(sort keys, write number, document
    key)`` entries in AQL order for range scans and prefix lookups: equal values come in the
    order their documents were last written, as a RocksDB index key ends in the document's
    LocalDocumentId (a new one per write). ``_written`` is each indexed document's write
    number, to find its entries again. ``_answers`` remembers the documents of
    each equality lookup (by the hash keys of its values) until the next write: a join
    looks the same few values up once per outer row.
    """

    type = "persistent"

    def _setup(self) -> None:
        self.deduplicate = bool(self.options.get("deduplicate", True))
        self.estimates = bool(self.options.get("estimates", True))
        self._by_value: dict[Any, dict[str, None]] = {}
        self._sorted: list[tuple[tuple[Any, ...], int, str]] = []
        self._written: dict[str, int] = {}
        self._writes = 0
        self._entry_count = 0
        self._answers: dict[tuple[Any, ...], list[Doc]] = {}
        #: number of structure operations, for tests that check lookup cost stays flat
        self.operations = 0

    def __getstate__(self) -> dict[str, Any]:
        """A copy (a snapshot's) starts without remembered answers: they hold documents,
        and the structures of an index hold keys only."""
        state = self.__dict__.copy()
        state["_answers"] = {}
        return state

    # --------------------------------------------------------------- entries
    def entries(self, doc: Doc) -> list[tuple[Any, ...]]:
        """The index entries (tuples of field values) ``doc`` produces; [] if not indexed."""
        per_field: list[list[Any]] = []
        for field in self.fields:
            values = field_values(doc, field)
            if values is None:
                if self.sparse:
                    return []
                values = [None]
            cleaned = []
            for v in values:
                if v is MISSING or v is None:
                    if self.sparse:
                        if "[*]" in field:
                            continue  # sparse array indexes skip null elements
                        return []
                    v = None
                cleaned.append(v)
            per_field.append(cleaned)
        tuples = [tuple(t) for t in itertools.product(*per_field)]
        if self.deduplicate and len(tuples) > 1:
            seen: dict[Any, tuple[Any, ...]] = {}
            for t in tuples:
                seen.setdefault(hash_key(list(t)), t)
            tuples = list(seen.values())
        return tuples

    @staticmethod
    def _hk(values: tuple[Any, ...]) -> Any:
        return tuple(map(hash_key, values))

    @staticmethod
    def _sk(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(sort_key(v) for v in values)

    # --------------------------------------------------------------- maintenance
    def check(self, doc: Doc, old: Doc | None) -> None:
        if not self.unique:
            return
        key = doc["_key"]
        mine: set[Any] = set()
        for values in self.entries(doc):
            hk = self._hk(values)
            if hk in mine:
                raise self.unique_violation(key)
            mine.add(hk)
            for other in self._by_value.get(hk, ()):
                if other != key:
                    raise self.unique_violation(other)

    def insert(self, doc: Doc) -> None:
        if self._answers:
            self._answers.clear()
        key = doc["_key"]
        self._writes = number = self._writes + 1
        for values in self.entries(doc):
            self.operations += 1
            self._by_value.setdefault(self._hk(values), {})[key] = None
            bisect.insort(self._sorted, (self._sk(values), number, key))
            self._written[key] = number
            self._entry_count += 1

    def build(self, docs: list[Doc]) -> None:
        """Fill an empty index in bulk: the sorted list is sorted once at the end (inserting
        entry by entry into it is quadratic: minutes for a restored collection)."""
        self._answers.clear()
        if self._sorted or type(self).insert is not PersistentIndex.insert:
            super().build(docs)
            return
        rows: list[tuple[tuple[Any, ...], int, str]] = []
        by_value = self._by_value
        written = self._written
        for number, doc in enumerate(docs, self._writes + 1):
            self.check(doc, None)
            key = doc["_key"]
            for values in self.entries(doc):
                by_value.setdefault(self._hk(values), {})[key] = None
                rows.append((self._sk(values), number, key))
                written[key] = number
        self._writes += len(docs)
        rows.sort()
        self._sorted = rows
        self.operations += len(rows)
        self._entry_count += len(rows)

    def remove(self, doc: Doc) -> None:
        if self._answers:
            self._answers.clear()
        key = doc["_key"]
        number = self._written.pop(key, 0)
        for values in self.entries(doc):
            self.operations += 1
            hk = self._hk(values)
            keys = self._by_value.get(hk)
            if keys is None or key not in keys:
                continue
            del keys[key]
            if not keys:
                del self._by_value[hk]
            item = (self._sk(values), number, key)
            pos = bisect.bisect_left(self._sorted, item)
            if pos < len(self._sorted) and self._sorted[pos][2] == key:
                del self._sorted[pos]
            self._entry_count -= 1

    def clear(self) -> None:
        self._answers.clear()
        self._by_value.clear()
        self._sorted.clear()
        self._written.clear()
        self._entry_count = 0

    def selectivity(self) -> float | None:
        if not self.estimates:
            return None
        if self.unique or not self._entry_count:
            return 1
        return len(self._by_value) / self._entry_count

    # --------------------------------------------------------------- lookups
    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """The longest prefix of the fields with ``==`` or ``IN`` conditions (dense indexes
        only; a condition's attribute path never names an array expansion).

        An ``IN`` is one lookup per distinct value, in ascending order as ArangoDB sorts
        the values of an ``IN`` it looks up in an index (descending when it reads the
        index backwards: ``expandInSearchValues`` reverses them)."""
        many = self._prefix(conditions)
        if not many:
            return None
        prefix = tuple(self.fields[: len(many)])
        estimate = 1.0 if self.unique else spread(self.collection)
        if not any(many):
            one = self._one if len(prefix) == 1 else None
            return Lookup(
                self,
                prefix,
                estimate,
                lambda vs: self._equal(tuple(vs)),
                one=one,
                scan=lambda vs: self._scan_equal(tuple(vs)),
                order=tuple(self.fields),
                reverse=lambda vs: self._scan_equal(tuple(vs), backwards=True),
            )

        def each(
            values: Sequence[Any], find: Callable[[Any], Iterable[Doc]], backwards: bool = False
        ) -> Iterator[Doc]:
            seen: set[str] = set()
            combinations = self._combinations(values, many)
            for combination in reversed(list(combinations)) if backwards else combinations:
                yield from _unseen(find(combination), seen)

        def back(combination: tuple[Any, ...]) -> Iterator[Doc]:
            return self._scan_equal(combination, backwards=True)

        return Lookup(
            self,
            prefix,
            estimate,
            lambda vs: list(each(vs, self._equal)),
            scan=lambda vs: each(vs, self._scan_equal),
            order=tuple(self.fields),
            reverse=lambda vs: each(vs, back, backwards=True),
        )

    def range_lookup(
        self, conditions: Mapping[str, bool], ranges: Mapping[str, tuple[str, ...]]
    ) -> Lookup | None:
        """The equality (or ``IN``) prefix, then bounds on the next field: one range scan
        of the sorted entries per prefix combination, in index order."""
        if self.sparse:
            return None
        many = self._prefix(conditions)
        if len(many) >= len(self.fields):
            return None
        field = self.fields[len(many)]
        ops = ranges.get(field)
        if not ops:
            return None
        k = len(many)

        def scan(values: Sequence[Any]) -> Iterator[Doc]:
            low, high = _bounds(ops, values[k:])
            seen: set[str] = set()
            for combination in self._combinations(values[:k], many):
                keys = self._scan(self._sk(tuple(combination)), low, high)
                yield from self._each_doc(keys, seen)

        def reverse(values: Sequence[Any]) -> Iterator[Doc]:
            low, high = _bounds(ops, values[k:])
            seen: set[str] = set()
            for combination in reversed(list(self._combinations(values[:k], many))):
                keys = self._scan_back(self._sk(tuple(combination)), low, high)
                yield from self._each_doc(keys, seen)

        fields = (*self.fields[:k], *[field] * len(ops))
        return Lookup(
            self,
            fields,
            spread(self.collection),
            lambda vs: list(scan(vs)),
            ranged=len(ops),
            scan=scan,
            order=tuple(self.fields),
            reverse=reverse,
        )

    def sorted_lookup(self) -> Lookup | None:
        """Every entry, forwards or backwards (ArangoDB reads a sorted index whole for a
        SORT it covers). Not for a sparse index (it lacks the documents with null) nor an
        array index (a document has several entries)."""
        if self.sparse or any("[*]" in f for f in self.fields):
            return None

        def read(backwards: bool) -> Iterator[Doc]:
            self.operations += 1
            docs = self.collection.docs
            entries = self._sorted
            for _values, _number, key in reversed(entries) if backwards else entries:
                doc = docs.get(key)
                if doc is not None:
                    yield doc

        return Lookup(
            self,
            (),
            float(len(self.collection.docs)),
            lambda _vs: list(read(False)),
            scan=lambda _vs: read(False),
            order=tuple(self.fields),
            reverse=lambda _vs: read(True),
        )

    def _prefix(self, conditions: Mapping[str, bool]) -> list[bool]:
        """For the leading fields with a condition: whether each is an ``IN`` (dense only)."""
        if self.sparse:
            return []
        many: list[bool] = []
        for f in self.fields:
            if f not in conditions:
                break
            many.append(conditions[f])
        return many

    def _combinations(self, values: Any, many: list[bool]) -> Any:
        """Every tuple of prefix values the conditions ask for (``IN``: each distinct value)."""
        choices = [self._in_values(v) if m else [v] for v, m in zip(values, many, strict=True)]
        return itertools.product(*choices)

    def _scan(self, prefix: tuple[Any, ...], low: _Bound, high: _Bound) -> Iterator[str]:
        """Keys of the entries starting with ``prefix`` whose next value is within bounds,
        in index order, read as the caller asks for them."""
        self.operations += 1
        n = len(prefix)
        start = prefix if low is None else (*prefix, low[0])
        entries = self._sorted
        pos = bisect.bisect_left(entries, (start,))
        while pos < len(entries):
            values, _number, key = entries[pos]
            pos += 1
            if values[:n] != prefix:
                break
            value = values[n]
            if low is not None and not low[1] and value == low[0]:
                continue
            if high is not None and (value > high[0] or (value == high[0] and not high[1])):
                break
            yield key

    def _scan_back(self, prefix: tuple[Any, ...], low: _Bound, high: _Bound) -> Iterator[str]:
        """:meth:`_scan` read from its last entry to its first (ArangoDB's reverse index
        iterator: equal values come in the opposite order too)."""
        self.operations += 1
        n = len(prefix)
        entries = self._sorted
        if high is None:
            pos = bisect.bisect_right(entries, prefix, key=lambda e: e[0][:n])
        else:
            find = bisect.bisect_right if high[1] else bisect.bisect_left
            pos = find(entries, (*prefix, high[0]), key=lambda e: e[0][: n + 1])
        while pos > 0:
            pos -= 1
            values, _number, key = entries[pos]
            if values[:n] != prefix:
                break
            if low is not None:
                value = values[n]
                if value < low[0] or (value == low[0] and not low[1]):
                    break
            yield key

    def _prefixed(self, prefix: tuple[Any, ...]) -> Iterator[str]:
        """Keys of the entries starting with ``prefix`` (sort keys), in index order."""
        n = len(prefix)
        entries = self._sorted
        pos = bisect.bisect_left(entries, (prefix,))
        while pos < len(entries) and entries[pos][0][:n] == prefix:
            yield entries[pos][2]
            pos += 1

    def _in_values(self, value: Any) -> list[Any]:
        """The distinct values of an ``IN`` operand in AQL order (none for a non-array)."""
        if type(value) is not list:
            return []
        unique = {self._hk((v,)): v for v in value}
        return sorted(unique.values(), key=lambda v: self._sk((v,)))

    def _docs(self, keys: Iterable[str]) -> list[Doc]:
        return list(self._each_doc(keys, set()))

    def _each_doc(self, keys: Iterable[str], seen: set[str]) -> Iterator[Doc]:
        """The documents of ``keys`` not in ``seen`` yet (added as they are yielded)."""
        docs = self.collection.docs
        for k in keys:
            if k not in seen:
                doc = docs.get(k)
                if doc is not None:
                    seen.add(k)
                    yield doc

    def lookup_eq(self, values: tuple[Any, ...]) -> list[Doc]:
        """Documents whose first ``len(values)`` fields equal ``values`` (AQL equality).

        A full tuple is one dict lookup; a shorter prefix is a range scan on the sorted list.
        """
        return list(self._equal(tuple(values)))

    def _one(self, value: Any) -> list[Doc]:
        """:meth:`_equal` for the first field alone, the remembered answer found inline
        (a string or a number is its own key; an integer whose key is its double, past
        2**53, is not found here and goes the long way)."""
        t = type(value)
        found = self._answers.get(
            (value if t is str or t is int or t is float else hash_key(value),)
        )
        return self._equal((value,)) if found is None else found

    def _equal(self, values: tuple[Any, ...]) -> list[Doc]:
        """:meth:`lookup_eq`, remembered until the next write (the list is shared: callers
        never change it). Equal hash keys are equal AQL values, and equal values find the
        same documents by the dict and by the sorted list alike."""
        answers = self._answers
        hk = self._hk(values[: len(self.fields)])
        found = answers.get(hk)
        if found is None:
            found = self._lookup(values)
            if len(answers) >= MAX_ANSWERS:
                answers.clear()
            answers[hk] = found
        return found

    def _lookup(self, values: tuple[Any, ...]) -> list[Doc]:
        return self._docs(self._keys(values))

    def _keys(self, values: tuple[Any, ...]) -> Iterable[str]:
        """The keys of the entries equal to ``values`` (a whole tuple: one dict lookup; a
        shorter prefix: a range of the sorted list)."""
        self.operations += 1
        if len(values) >= len(self.fields):
            return self._by_value.get(self._hk(values[: len(self.fields)]), ())
        return self._prefixed(self._sk(values))

    def _scan_equal(self, values: tuple[Any, ...], backwards: bool = False) -> Iterator[Doc]:
        """:meth:`_equal` read as the caller asks: the remembered answer when there is
        one, else the documents found one by one (and not remembered: a LIMIT may stop
        the reader early). ``backwards``: from the last match to the first."""
        found = self._answers.get(self._hk(values[: len(self.fields)]))
        if found is not None:
            return reversed(found) if backwards else iter(found)
        if not backwards:
            return self._each_doc(self._keys(values), set())
        if len(values) >= len(self.fields):
            keys = self._by_value.get(self._hk(values[: len(self.fields)]), {})
            self.operations += 1
            return self._each_doc(reversed(keys), set())
        return self._each_doc(self._scan_back(self._sk(values), None, None), set())

    def lookup_range(
        self,
        low: Any = UNBOUNDED,
        high: Any = UNBOUNDED,
        low_inclusive: bool = True,
        high_inclusive: bool = True,
    ) -> list[Doc]:
        """Documents whose first field lies between ``low`` and ``high``, in AQL order.

        Pass :data:`UNBOUNDED` (the default) for an open end; ``None`` is the null value.
        """
        self.operations += 1

        def first(item: tuple[tuple[Any, ...], int, str]) -> Any:
            return item[0][0]

        if low is UNBOUNDED:
            start = 0
        else:
            lk = sort_key(low)
            find = bisect.bisect_left if low_inclusive else bisect.bisect_right
            start = find(self._sorted, lk, key=first)
        if high is UNBOUNDED:
            end = len(self._sorted)
        else:
            hk = sort_key(high)
            find = bisect.bisect_right if high_inclusive else bisect.bisect_left
            end = find(self._sorted, hk, key=first)
        return self._docs(item[2] for item in self._sorted[start:end])


def _unseen(docs: Iterable[Doc], seen: set[str]) -> Iterator[Doc]:
    """``docs`` but those whose key is in ``seen`` (added as they are yielded)."""
    for doc in docs:
        key = doc["_key"]
        if key not in seen:
            seen.add(key)
            yield doc


class _PersistentType(IndexType[PersistentIndex]):
    name = PersistentIndex.type
    aliases = ("hash", "skiplist")
    index_class = PersistentIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, math.inf)
        check_expansion(fields, True)
        stored = body.get("storedValues")
        if stored is not None:
            if not isinstance(stored, list):
                raise bad("storedValues must be an array")
            stored = validate_fields(body, "storedValues", 0 if not stored else 1, 32)
            if set(stored) & set(fields):
                raise bad(
                    "duplicate attribute name (overlap between index fields and index "
                    "stored values list)"
                )
        sparse, unique = flag(body, "sparse", False), flag(body, "unique", False)
        options: dict[str, Any] = {
            "deduplicate": flag(body, "deduplicate", True),
            "estimates": flag(body, "estimates", True),
            "cacheEnabled": flag(body, "cacheEnabled", False),
        }
        if stored:
            options["storedValues"] = stored
        return Definition(self.name, fields, unique, sparse, options)


register(_PersistentType())
