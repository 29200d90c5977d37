"""What every index shares: the :class:`Index` base class, :class:`Lookup` and attribute access.

Queries reach every index type through one interface: :meth:`Index.equality_lookup` says
which equality conditions (``attr == value``, ``attr IN values``) the index can serve and at
what estimated cost, and returns a :class:`Lookup` whose ``fetch`` yields the matching
documents. The query engine's access-path choice asks the indexes and never their types.

The collection calls, for every write, ``check`` on all indexes (unique constraints) before it
changes anything, then ``remove`` for the old version and ``insert`` for the new one.

Ordering of indexed values follows AQL (``pytest_arangomock.base.values.sort_key`` for range
scans, ``hash_key`` for equality), so an index lookup returns what a full scan with the same
AQL filter would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError

if TYPE_CHECKING:
    from ..model import Collection

Doc = dict[str, Any]


class Lookup:
    """How one index serves some equality conditions of a query.

    ``fields`` are the attributes it reads values for, in the order ``fetch`` takes them;
    ``estimate`` is the expected number of documents per lookup (the cost explain reports);
    the last ``ranged`` fields are bounds (``<``, ``>=``...) on one attribute, not equalities.
    ``one``, when given, is ``fetch`` for a lookup of one ``==`` value without the sequence
    around it: an inner loop of a join calls it once per outer row. The lists either
    returns may be shared with later lookups: callers read them and never change them.
    ``scan``, when given, yields what ``fetch`` returns, in the same order, as it is read:
    a loop under a LIMIT stops reading once it has enough. The index structures it walks
    must not change while it is read (a snapshot's are left alone by other writers).
    ``order`` names the attributes whose ascending AQL order (in turn) the documents of
    one lookup of ``==`` values and bounds follow (empty: no order to rely on).
    ``reverse``, when given, is ``scan`` read from its last document to its first (the
    same documents in the opposite order: descending, equal values reversed too), as
    ArangoDB reads a sorted index backwards for a descending SORT.
    """

    __slots__ = (
        "estimate",
        "fetch",
        "fields",
        "index",
        "one",
        "order",
        "ranged",
        "reverse",
        "scan",
    )

    def __init__(
        self,
        index: Index,
        fields: tuple[str, ...],
        estimate: float,
        fetch: Callable[[Sequence[Any]], list[Doc]],
        ranged: int = 0,
        one: Callable[[Any], list[Doc]] | None = None,
        scan: Callable[[Sequence[Any]], Iterator[Doc]] | None = None,
        order: tuple[str, ...] = (),
        reverse: Callable[[Sequence[Any]], Iterator[Doc]] | None = None,
    ) -> None:
        self.index = index
        self.fields = fields
        self.estimate = estimate
        self.fetch = fetch
        self.ranged = ranged
        self.one = one
        self.scan = scan
        self.order = order
        self.reverse = reverse


class NearLookup:
    """How one index serves ``SORT <function>(doc.<field>, query) LIMIT k``: nearest
    neighbours of a query vector (the vector index's answer to APPROX_NEAR_*).

    ``search(query, k, accept)`` returns up to ``k`` ``(document, score)`` pairs in the
    sort's order; ``accept`` (a pushed-down FILTER) rejects documents during the search.
    """

    __slots__ = ("ascending", "dimension", "index", "search")

    def __init__(
        self,
        index: Index,
        ascending: bool,
        dimension: int,
        search: Callable[[list[float], int, Callable[[Doc], bool] | None], list[tuple[Doc, float]]],
    ) -> None:
        self.index = index
        self.ascending = ascending
        self.dimension = dimension
        self.search = search


def candidates(value: Any, many: bool) -> list[Any]:
    """The values a condition asks for: ``[value]`` for ``==``, the list for ``IN``
    (nothing when an ``IN`` operand is not an array)."""
    if not many:
        return [value]
    return value if type(value) is list else []


def spread(collection: Collection) -> float:
    """Documents per lookup of a non-unique index, as explain estimates it."""
    return max(1.0, len(collection.docs) / 10)


def vpack_sorted(fields: dict[str, Any]) -> dict[str, Any]:
    """The object with its keys in velocypack index order (byte-wise), as ArangoDB lists indexes."""
    return {k: fields[k] for k in sorted(fields, key=lambda k: k.encode("utf-8"))}


class Index:
    """Base class: a named index over ``fields`` of one collection.

    ``options`` holds the type-specific attributes the index reports (``deduplicate``,
    ``expireAfter``, ``geoJson``...), already normalized.
    """

    type = "base"

    def __init__(
        self,
        collection: Collection,
        iid: str,
        name: str,
        fields: list[str],
        unique: bool = False,
        sparse: bool = False,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.collection = collection
        self.id = iid
        self.name = name
        self.fields = fields
        self.unique = unique
        self.sparse = sparse
        self.options: dict[str, Any] = dict(options or {})
        self._setup()

    def _setup(self) -> None:
        """Read type-specific options and build the empty structure (for subclasses)."""

    @property
    def handle(self) -> str:
        return f"{self.collection.name}/{self.id}"

    def selectivity(self) -> float | None:
        """The selectivity estimate, or ``None`` if this index type reports none."""
        return 1

    def describe(self) -> dict[str, Any]:
        """The index as ``GET /_api/index`` lists it (keys in ArangoDB's order)."""
        body: dict[str, Any] = {
            "fields": list(self.fields),
            "id": self.handle,
            "name": self.name,
            "sparse": self.sparse,
            "type": self.type,
            "unique": self.unique,
        }
        body.update(self.options)
        estimate = self.selectivity()
        if estimate is not None:
            body["selectivityEstimate"] = estimate
        return vpack_sorted(body)

    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """How this index finds documents for some of ``conditions`` (attribute path -> True
        for ``attr IN values``, False for ``attr == value``), or None if it cannot."""
        return None

    def range_lookup(
        self, conditions: Mapping[str, bool], ranges: Mapping[str, tuple[str, ...]]
    ) -> Lookup | None:
        """Like :meth:`equality_lookup`, with bounds on the attribute after the equality
        prefix as well (``ranges``: attribute path -> its operators, the attribute on the
        left, in the order ``fetch`` takes their values), or None if it cannot."""
        return None

    def sorted_lookup(self) -> Lookup | None:
        """Every entry of this index in its order (``order``), for a SORT the index covers
        and no condition it serves, or None if it keeps no order for that."""
        return None

    def near_lookup(self, function: str, field: str) -> NearLookup | None:
        """How this index answers ``SORT function(doc.field, ...) LIMIT k`` (None: it cannot)."""
        return None

    def listed(self, with_hidden: bool) -> dict[str, Any]:
        """The index as the collection's index list shows it (``?withHidden=``)."""
        return self.describe()

    def created(self, body: dict[str, Any]) -> dict[str, Any]:
        """The index as the answer to the create request ``body`` shows it."""
        return self.describe()

    def figures(self) -> dict[str, Any]:
        """The index's ``figures`` (``?withStats=true``)."""
        return {"memory": 0, "cache": {"inUse": False, "size": 0, "usage": 0}}

    def check(self, doc: Doc, old: Doc | None) -> None:
        """Raise ArangoError 1210 if inserting ``doc`` (replacing ``old``) violates this index."""

    def insert(self, doc: Doc) -> None:
        """Add ``doc`` to the structure."""

    def remove(self, doc: Doc) -> None:
        """Remove ``doc`` from the structure."""

    def clear(self) -> None:
        """Drop every entry (truncate)."""

    def build(self, docs: list[Doc]) -> None:
        """Fill the structure from existing documents (index creation); 1210 on duplicates."""
        for doc in docs:
            self.check(doc, None)
            self.insert(doc)

    def unique_violation(self, conflicting_key: str) -> ArangoError:
        """ArangoDB's unique constraint error, naming this index and the conflicting key."""
        over = ", ".join(self.fields)
        return ArangoError(
            1210,
            f"unique constraint violated - in index {self.name} of type {self.type} "
            f"over '{over}'; conflicting key: {conflicting_key}",
            409,
        )


# ------------------------------------------------------------------ attribute access
#: What :func:`path_get` returns for an attribute the document does not have.
MISSING: Any = object()


def path_get(value: Any, path: list[str]) -> Any:
    """The value at ``path`` (attribute names) inside ``value``, or :data:`MISSING`."""
    for part in path:
        if not isinstance(value, dict):
            return MISSING
        value = value.get(part, MISSING)
        if value is MISSING:
            return MISSING
    return value


def field_values(doc: Doc, field: str) -> list[Any] | None:
    """Candidate values of ``field`` in ``doc``: one value, or the elements of a ``[*]`` array.

    ``None`` means "no usable value" for an expansion field whose attribute is not an array.
    Missing attributes read as ``MISSING`` so sparse indexes can skip them.
    """
    if "[*]" not in field:
        return [path_get(doc, field.split("."))]
    head, _, tail = field.partition("[*]")
    arr = path_get(doc, head.split("."))
    if not isinstance(arr, list):
        return None
    rest = [p for p in tail.split(".") if p]
    if not rest:
        return list(arr)
    return [path_get(item, rest) for item in arr]


class DescribedIndex(Index):
    """An index that is stored and described but keeps no lookup structure; queries scan.

    Geo, fulltext, inverted and mdi indexes are of this kind: each type's module subclasses
    it with its ``type``; ``itype`` names another type for a bare instance.
    """

    type = "geo"

    def __init__(
        self,
        collection: Collection,
        iid: str,
        name: str,
        fields: list[Any],
        unique: bool = False,
        sparse: bool = False,
        options: dict[str, Any] | None = None,
        *,
        itype: str | None = None,
    ) -> None:
        super().__init__(collection, iid, name, fields, unique, sparse, options)
        if itype is not None:
            self.type = itype

    def selectivity(self) -> float | None:
        return None
