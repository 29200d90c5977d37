"""Index data structures. Each keeps a real lookup structure so cost stays flat as data grows.

Queries reach every index type through one interface: :meth:`Index.equality_lookup` says
which equality conditions (``attr == value``, ``attr IN values``) the index can serve and at
what estimated cost, and returns a :class:`Lookup` whose ``fetch`` yields the matching
documents. The query engine's access-path choice asks the indexes and never their types.

The collection calls, for every write, ``check`` on all indexes (unique constraints) before it
changes anything, then ``remove`` for the old version and ``insert`` for the new one.

Ordering of indexed values follows AQL (``pytest_arangomock.base.values.sort_key`` for range
scans, ``hash_key`` for equality), so an index lookup returns what a full scan with the same
AQL filter would.

:func:`create_index` normalizes a user definition the way ArangoDB's IndexFactory does
(defaults, aliases, validation errors) and builds the index over the existing documents.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from ..base.values import hash_key, sort_key

if TYPE_CHECKING:
    from .model import Collection

Doc = dict[str, Any]

#: Bound meaning "no limit" for :meth:`PersistentIndex.lookup_range` (``None`` is AQL null).
UNBOUNDED: Any = object()


class Lookup:
    """How one index serves some equality conditions of a query.

    ``fields`` are the attributes it reads values for, in the order ``fetch`` takes them;
    ``estimate`` is the expected number of documents per lookup (the cost explain reports).
    """

    __slots__ = ("estimate", "fetch", "fields", "index")

    def __init__(
        self,
        index: Index,
        fields: tuple[str, ...],
        estimate: float,
        fetch: Callable[[Sequence[Any]], list[Doc]],
    ) -> None:
        self.index = index
        self.fields = fields
        self.estimate = estimate
        self.fetch = fetch


def _candidates(value: Any, many: bool) -> list[Any]:
    """The values a condition asks for: ``[value]`` for ``==``, the list for ``IN``
    (nothing when an ``IN`` operand is not an array)."""
    if not many:
        return [value]
    return value if type(value) is list else []


def _spread(collection: Collection) -> float:
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


class PrimaryIndex(Index):
    """The ``_key`` index; the collection's document dict is the structure itself."""

    type = "primary"

    def describe(self) -> dict[str, Any]:
        return {
            "fields": ["_key"],
            "id": self.handle,
            "name": "primary",
            "selectivityEstimate": 1,
            "sparse": False,
            "type": "primary",
            "unique": True,
        }

    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """``_key`` (or else ``_id``) equal to, or in, given values."""
        field = "_key" if "_key" in conditions else "_id" if "_id" in conditions else None
        if field is None:
            return None
        many = conditions[field]
        docs = self.collection.docs
        prefix = self.collection.name + "/"

        def fetch(values: Sequence[Any]) -> list[Doc]:
            out: dict[str, Doc] = {}
            for k in _candidates(values[0], many):
                if field == "_id":
                    k = k[len(prefix) :] if type(k) is str and k.startswith(prefix) else None
                if type(k) is str and k not in out:
                    d = docs.get(k)
                    if d is not None:
                        out[k] = d
            return list(out.values())

        return Lookup(self, (field,), 1.0, fetch)


class EdgeIndex(Index):
    """``_from``/``_to`` lookups for edge collections: vertex id -> set of edge keys."""

    type = "edge"

    def __init__(self, collection: Collection, iid: str) -> None:
        super().__init__(collection, iid, "edge", ["_from", "_to"])
        # vertex id -> edge keys in insertion order (a dict used as an ordered set)
        self.by_from: dict[str, dict[str, None]] = {}
        self.by_to: dict[str, dict[str, None]] = {}

    def describe(self) -> dict[str, Any]:
        return {
            "fields": ["_from", "_to"],
            "id": self.handle,
            "name": "edge",
            "selectivityEstimate": 1,
            "sparse": False,
            "type": "edge",
            "unique": False,
        }

    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """``_from`` (or else ``_to``) equal to, or in, given vertex ids."""
        field = "_from" if "_from" in conditions else "_to" if "_to" in conditions else None
        if field is None:
            return None
        many = conditions[field]
        edges = self.outbound if field == "_from" else self.inbound

        def fetch(values: Sequence[Any]) -> list[Doc]:
            out: list[Doc] = []
            for vid in dict.fromkeys(v for v in _candidates(values[0], many) if type(v) is str):
                out.extend(edges(vid))
            return out

        return Lookup(self, (field,), _spread(self.collection), fetch)

    def insert(self, doc: Doc) -> None:
        key = doc["_key"]
        self.by_from.setdefault(doc.get("_from", ""), {})[key] = None
        self.by_to.setdefault(doc.get("_to", ""), {})[key] = None

    def remove(self, doc: Doc) -> None:
        key = doc["_key"]
        for table, vertex in (
            (self.by_from, doc.get("_from", "")),
            (self.by_to, doc.get("_to", "")),
        ):
            keys = table.get(vertex)
            if keys is not None:
                keys.pop(key, None)
                if not keys:
                    del table[vertex]

    def clear(self) -> None:
        self.by_from.clear()
        self.by_to.clear()

    def outbound(self, vertex_id: str) -> list[Doc]:
        docs = self.collection.docs
        return [docs[k] for k in self.by_from.get(vertex_id, ())]

    def inbound(self, vertex_id: str) -> list[Doc]:
        docs = self.collection.docs
        return [docs[k] for k in self.by_to.get(vertex_id, ())]


# ------------------------------------------------------------------ attribute access
_MISSING: Any = object()


def _path_get(value: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return _MISSING
        value = value.get(part, _MISSING)
        if value is _MISSING:
            return _MISSING
    return value


def _field_values(doc: Doc, field: str) -> list[Any] | None:
    """Candidate values of ``field`` in ``doc``: one value, or the elements of a ``[*]`` array.

    ``None`` means "no usable value" for an expansion field whose attribute is not an array.
    Missing attributes read as ``_MISSING`` so sparse indexes can skip them.
    """
    if "[*]" not in field:
        return [_path_get(doc, field.split("."))]
    head, _, tail = field.partition("[*]")
    arr = _path_get(doc, head.split("."))
    if not isinstance(arr, list):
        return None
    rest = [p for p in tail.split(".") if p]
    if not rest:
        return list(arr)
    return [_path_get(item, rest) for item in arr]


class PersistentIndex(Index):
    """Persistent (hash/skiplist alias) index: equality dict plus a sorted list for ranges.

    ``_by_value`` maps the AQL hash key of the tuple of field values to the document keys
    having it (insertion-ordered); ``_sorted`` holds ``(sort keys, document key)`` pairs in
    AQL order for range scans and prefix lookups.
    """

    type = "persistent"

    def _setup(self) -> None:
        self.deduplicate = bool(self.options.get("deduplicate", True))
        self.estimates = bool(self.options.get("estimates", True))
        self._by_value: dict[Any, dict[str, None]] = {}
        self._sorted: list[tuple[tuple[Any, ...], str]] = []
        self._entry_count = 0
        #: number of structure operations, for tests that check lookup cost stays flat
        self.operations = 0

    # --------------------------------------------------------------- entries
    def entries(self, doc: Doc) -> list[tuple[Any, ...]]:
        """The index entries (tuples of field values) ``doc`` produces; [] if not indexed."""
        per_field: list[list[Any]] = []
        for field in self.fields:
            values = _field_values(doc, field)
            if values is None:
                if self.sparse:
                    return []
                values = [None]
            cleaned = []
            for v in values:
                if v is _MISSING or v is None:
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
        return tuple(hash_key(v) for v in values)

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
        key = doc["_key"]
        for values in self.entries(doc):
            self.operations += 1
            self._by_value.setdefault(self._hk(values), {})[key] = None
            bisect.insort(self._sorted, (self._sk(values), key))
            self._entry_count += 1

    def remove(self, doc: Doc) -> None:
        key = doc["_key"]
        for values in self.entries(doc):
            self.operations += 1
            hk = self._hk(values)
            keys = self._by_value.get(hk)
            if keys is None or key not in keys:
                continue
            del keys[key]
            if not keys:
                del self._by_value[hk]
            item = (self._sk(values), key)
            pos = bisect.bisect_left(self._sorted, item)
            if pos < len(self._sorted) and self._sorted[pos][1] == key:
                del self._sorted[pos]
            self._entry_count -= 1

    def clear(self) -> None:
        self._by_value.clear()
        self._sorted.clear()
        self._entry_count = 0

    def selectivity(self) -> float | None:
        if not self.estimates:
            return None
        if self.unique or not self._entry_count:
            return 1
        return len(self._by_value) / self._entry_count

    # --------------------------------------------------------------- lookups
    def equality_lookup(self, conditions: Mapping[str, bool]) -> Lookup | None:
        """The longest prefix of the fields with ``==`` conditions (dense indexes only;
        a condition's attribute path never names an array expansion)."""
        if self.sparse:
            return None
        prefix: list[str] = []
        for f in self.fields:
            if conditions.get(f) is not False:
                break
            prefix.append(f)
        if not prefix:
            return None
        estimate = 1.0 if self.unique else _spread(self.collection)
        return Lookup(self, tuple(prefix), estimate, lambda values: self.lookup_eq(tuple(values)))

    def _docs(self, keys: Any) -> list[Doc]:
        docs = self.collection.docs
        out: dict[str, Doc] = {}
        for k in keys:
            doc = docs.get(k)
            if doc is not None and k not in out:
                out[k] = doc
        return list(out.values())

    def lookup_eq(self, values: tuple[Any, ...]) -> list[Doc]:
        """Documents whose first ``len(values)`` fields equal ``values`` (AQL equality).

        A full tuple is one dict lookup; a shorter prefix is a range scan on the sorted list.
        """
        values = tuple(values)
        self.operations += 1
        if len(values) >= len(self.fields):
            return self._docs(self._by_value.get(self._hk(values[: len(self.fields)]), ()))
        prefix = self._sk(values)
        n = len(prefix)
        pos = bisect.bisect_left(self._sorted, (prefix,))
        keys = []
        while pos < len(self._sorted) and self._sorted[pos][0][:n] == prefix:
            keys.append(self._sorted[pos][1])
            pos += 1
        return self._docs(keys)

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

        def first(item: tuple[tuple[Any, ...], str]) -> Any:
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
        return self._docs(item[1] for item in self._sorted[start:end])


def _ttl_timestamp(value: Any) -> float | None:
    """Seconds since the epoch for a TTL attribute value (number or ISO 8601 string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str) and value:
        text = value.strip().replace("Z", "+00:00")
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    return None


class TtlIndex(Index):
    """TTL index: expiry instants in a sorted list so a purge only touches expired documents."""

    type = "ttl"

    def _setup(self) -> None:
        self.expire_after = float(self.options.get("expireAfter", 0))
        self._expiry: list[tuple[float, str]] = []

    def selectivity(self) -> float | None:
        return None

    def _expires_at(self, doc: Doc) -> float | None:
        value = _path_get(doc, self.fields[0].split("."))
        stamp = _ttl_timestamp(None if value is _MISSING else value)
        return None if stamp is None else stamp + self.expire_after

    def insert(self, doc: Doc) -> None:
        at = self._expires_at(doc)
        if at is not None:
            bisect.insort(self._expiry, (at, doc["_key"]))

    def remove(self, doc: Doc) -> None:
        at = self._expires_at(doc)
        if at is None:
            return
        item = (at, doc["_key"])
        pos = bisect.bisect_left(self._expiry, item)
        if pos < len(self._expiry) and self._expiry[pos] == item:
            del self._expiry[pos]

    def clear(self) -> None:
        self._expiry.clear()

    def expired_keys(self, now: float) -> list[str]:
        """Keys of documents whose expiry instant has passed."""
        end = bisect.bisect_right(self._expiry, (now, "\U0010ffff"))
        return [key for _, key in self._expiry[:end]]


class DescribedIndex(Index):
    """Geo, fulltext, inverted and mdi indexes: stored and described; queries scan instead."""

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
        itype: str = "geo",
    ) -> None:
        super().__init__(collection, iid, name, fields, unique, sparse, options)
        self.type = itype

    def selectivity(self) -> float | None:
        if self.type in ("mdi", "mdi-prefixed") and self.options.get("estimates"):
            return 1
        return None


# ------------------------------------------------------------------ definitions
_ALIASES = {
    "hash": "persistent",
    "skiplist": "persistent",
    "geo1": "geo",
    "geo2": "geo",
    "zkd": "mdi",
}
_KNOWN = (
    "primary",
    "edge",
    "persistent",
    "ttl",
    "geo",
    "fulltext",
    "inverted",
    "mdi",
    "mdi-prefixed",
)


def _bad(message: str) -> ArangoError:
    return ArangoError(10, message, 400)


def _flag(body: dict[str, Any], name: str, default: bool) -> bool:
    value = body.get(name)
    return value if isinstance(value, bool) else default


def _validate_fields(
    body: dict[str, Any],
    attr: str,
    min_fields: int,
    max_fields: float,
    *,
    sub_attributes: bool = True,
    inverted: bool = False,
) -> list[Any]:
    """IndexFactory's field-list checks, with its messages."""
    raw = body.get(attr)
    fields: list[Any] = []
    names: set[str] = set()
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict) and not inverted:
                raise _bad("index field names must be only strings")
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or not name:
                raise _bad("index field names must be non-empty strings")
            if name in names:
                raise _bad("duplicate attribute name in index fields list")
            if not sub_attributes and "." in name:
                raise _bad("cannot index a sub-attribute in this type of index")
            if not inverted and (name == "_id" or name.endswith("._id")):
                raise _bad("_id attribute cannot be indexed")
            names.add(name)
            fields.append(item)
    if not min_fields <= len(fields) <= max_fields:
        raise _bad("invalid number of index attributes")
    return fields


def _check_expansion(fields: list[str], allowed: bool) -> None:
    for field in fields:
        if "[*]" in field and not allowed:
            raise ArangoError(1220, "parsing attribute name definition failed", 400)
        if field.count("[*]") > 1:
            raise ArangoError(1220, "parsing attribute name definition failed", 400)


def normalize_definition(body: dict[str, Any]) -> dict[str, Any]:
    """The normalized definition (type, fields, flags, options) or ArangoDB's error."""
    itype = body.get("type")
    if not isinstance(itype, str):
        raise _bad("invalid index type")
    itype = _ALIASES.get(itype, itype)
    if itype not in _KNOWN:
        raise _bad(f"invalid index type '{body.get('type')}'")
    if itype in ("primary", "edge"):
        raise _bad(f"cannot create index of type '{itype}'")
    out: dict[str, Any] = {"type": itype}
    options: dict[str, Any] = {}
    if itype == "persistent":
        fields = _validate_fields(body, "fields", 1, math.inf)
        _check_expansion(fields, True)
        stored = body.get("storedValues")
        if stored is not None:
            if not isinstance(stored, list):
                raise _bad("storedValues must be an array")
            stored = _validate_fields(body, "storedValues", 0 if not stored else 1, 32)
            if set(stored) & set(fields):
                raise _bad(
                    "duplicate attribute name (overlap between index fields and index "
                    "stored values list)"
                )
        out.update(sparse=_flag(body, "sparse", False), unique=_flag(body, "unique", False))
        options = {
            "deduplicate": _flag(body, "deduplicate", True),
            "estimates": _flag(body, "estimates", True),
            "cacheEnabled": _flag(body, "cacheEnabled", False),
        }
        if stored:
            options["storedValues"] = stored
    elif itype == "ttl":
        fields = _validate_fields(body, "fields", 1, 1, sub_attributes=False)
        _check_expansion(fields, False)
        if body.get("unique") is True:
            raise _bad("a TTL index cannot be unique")
        expire = body.get("expireAfter")
        if isinstance(expire, bool) or not isinstance(expire, (int, float)):
            raise _bad("expireAfter attribute must be a number")
        if expire < 0:
            raise _bad("expireAfter attribute must greater equal to zero")
        out.update(sparse=True, unique=False)
        options = {"expireAfter": expire, "estimates": False}
    elif itype == "geo":
        fields = _validate_fields(body, "fields", 1, 2)
        _check_expansion(fields, False)
        out.update(sparse=True, unique=False)
        options = {
            "geoJson": _flag(body, "geoJson", False) if len(fields) == 1 else False,
            "legacyPolygons": _flag(body, "legacyPolygons", False),
            "bestIndexedLevel": 17,
            "worstIndexedLevel": 4,
            "maxNumCoverCells": 8,
        }
    elif itype == "fulltext":
        fields = _validate_fields(body, "fields", 1, 1)
        _check_expansion(fields, False)
        min_length = body.get("minLength")
        if min_length is None:
            length = 2
        elif isinstance(min_length, (int, float)) and not isinstance(min_length, bool):
            length = max(int(min_length), 1)
        else:
            raise ArangoError(10, "bad parameter", 400)
        out.update(sparse=True, unique=False)
        options = {"minLength": length}
    elif itype == "inverted":
        fields = _validate_fields(body, "fields", 1, math.inf, inverted=True)
        out.update(sparse=True, unique=False)
        options = _inverted_options(body, fields)
        fields = options.pop("fields")
    else:  # mdi, mdi-prefixed
        if body.get("fieldValueTypes") != "double":
            raise _bad(
                "mdi index requires `fieldValueTypes` to be set to `double` - future "
                "releases might lift this requirement"
            )
        fields = _validate_fields(body, "fields", 1, math.inf)
        _check_expansion(fields, False)
        if body.get("sparse") is True:
            raise _bad("mdi index does not support sparse property")
        out.update(sparse=False, unique=_flag(body, "unique", False))
        options = {"fieldValueTypes": "double", "estimates": _flag(body, "estimates", True)}
        if itype == "mdi-prefixed":
            prefix = _validate_fields(body, "prefixFields", 1, math.inf)
            options["prefixFields"] = prefix
        stored = body.get("storedValues")
        if isinstance(stored, list) and stored:
            options["storedValues"] = _validate_fields(body, "storedValues", 1, 32)
    out["fields"] = fields
    out["options"] = options
    name = body.get("name")
    if name is not None:
        if not isinstance(name, str) or not _valid_index_name(name):
            raise ArangoError(1208, "illegal name: index name invalid", 400)
        out["name"] = name
    return out


def _valid_index_name(name: str) -> bool:
    """IndexNameValidator with extended names (the 3.12 default)."""
    if not name or len(name.encode("utf-8")) > 256:
        return False
    if any(c == "/" or ord(c) < 32 for c in name):
        return False
    return not ("0" <= name[0] <= "9") and name[0] != " " and name[-1] != " "


def _inverted_options(body: dict[str, Any], fields: list[Any]) -> dict[str, Any]:
    """An inverted index's definition with ArangoDB's defaults for what was not given."""
    norm_fields = [f if isinstance(f, dict) else {"name": f} for f in fields]
    analyzer = body.get("analyzer", "identity")
    primary_sort = body.get("primarySort")
    if not isinstance(primary_sort, dict):
        primary_sort = {}
    return {
        "fields": norm_fields,
        "analyzer": analyzer if isinstance(analyzer, str) else "identity",
        "features": body.get("features", []),
        "includeAllFields": _flag(body, "includeAllFields", False),
        "trackListPositions": _flag(body, "trackListPositions", False),
        "searchField": _flag(body, "searchField", False),
        "cache": _flag(body, "cache", False),
        "primaryKeyCache": _flag(body, "primaryKeyCache", False),
        "primarySort": {
            "fields": primary_sort.get("fields", []),
            "compression": primary_sort.get("compression", "lz4"),
            "cache": bool(primary_sort.get("cache", False)),
        },
        "storedValues": body.get("storedValues", []),
        "optimizeTopK": body.get("optimizeTopK", []),
        "version": 1,
        "cleanupIntervalStep": body.get("cleanupIntervalStep", 2),
        "commitIntervalMsec": body.get("commitIntervalMsec", 1000),
        "consolidationIntervalMsec": body.get("consolidationIntervalMsec", 1000),
        "consolidationPolicy": body.get(
            "consolidationPolicy",
            {
                "type": "tier",
                "segmentsBytesFloor": 2097152,
                "segmentsBytesMax": 5368709120,
                "segmentsMax": 10,
                "segmentsMin": 1,
                "minScore": 0,
            },
        ),
        "writebufferActive": body.get("writebufferActive", 0),
        "writebufferIdle": body.get("writebufferIdle", 64),
        "writebufferSizeMax": body.get("writebufferSizeMax", 33554432),
    }


def _same_definition(index: Index, norm: dict[str, Any]) -> bool:
    """IndexTypeFactory::equal: type, unique, sparse, fields and type-specific attributes."""
    if (
        index.type != norm["type"]
        or index.unique != norm["unique"]
        or index.sparse != norm["sparse"]
    ):
        return False
    opts = norm["options"]
    if norm["type"] == "geo" and index.options.get("geoJson") != opts.get("geoJson"):
        return False
    if norm["type"] == "fulltext" and index.options.get("minLength") != opts.get("minLength"):
        return False
    if norm["type"] == "ttl" and not math.isclose(
        float(index.options.get("expireAfter", 0)), float(opts["expireAfter"])
    ):
        return False
    if norm["type"] in ("persistent", "ttl", "mdi", "mdi-prefixed"):
        return list(index.fields) == list(norm["fields"])
    return sorted(map(repr, index.fields)) == sorted(map(repr, norm["fields"]))


def create_index(collection: Collection, body: dict[str, Any]) -> tuple[Index, bool]:
    """Create (or find the identical existing) index; ``(index, newly_created)``.

    Errors: 10 for bad definitions, 1005 for a name used by a different index, 1210 when
    existing documents violate a new unique index (the collection is left untouched).
    """
    norm = normalize_definition(body)
    for existing in collection.indexes:
        if _same_definition(existing, norm):
            return existing, False
    name = norm.get("name")
    if name is not None and any(ix.name == name for ix in collection.indexes):
        raise ArangoError(1005, "duplicate value for `id` or `name`", 400)
    if name is None:
        name = f"idx_{collection.db.server.clock.next_hlc()}"
    iid = collection.next_index_id()
    args = (
        collection,
        iid,
        name,
        list(norm["fields"]),
        norm["unique"],
        norm["sparse"],
        norm["options"],
    )
    index: Index
    if norm["type"] == "persistent":
        index = PersistentIndex(*args)
    elif norm["type"] == "ttl":
        index = TtlIndex(*args)
    else:
        index = DescribedIndex(*args, itype=norm["type"])
    try:
        index.build(list(collection.docs.values()))
    except ArangoError as exc:
        if exc.num == 1210:
            raise ArangoError(exc.num, exc.message, 400) from None
        raise
    collection.indexes.append(index)
    if isinstance(index, TtlIndex):
        collection.db.server.ttl.register(index)
    return index, True


def find_index(collection: Collection, ident: str) -> Index | None:
    """An index of ``collection`` by numeric id, full handle or name."""
    if "/" in ident:
        prefix, _, ident = ident.partition("/")
        if prefix not in (collection.name, collection.id):
            return None
    for index in collection.indexes:
        if index.id == ident or index.name == ident:
            return index
    return None
