"""The index-type registry and the generic create path, as ArangoDB's IndexFactory.

Every index type is an :class:`IndexType` registered under its name and aliases by the
module that defines it. :func:`create_index` knows no type: it asks the registry for the
type's rules (:meth:`IndexType.define`), whether an existing index already has the same
definition (:meth:`IndexType.same_options` plus the shared checks) and for a new index
(:meth:`IndexType.build`). The field-list checks the types share live here too, with
IndexFactory's messages.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ...base.errors import ArangoError
from .base import Index

if TYPE_CHECKING:
    from ..model import Collection

IndexT = TypeVar("IndexT", bound=Index)


@dataclasses.dataclass(frozen=True)
class Definition:
    """A normalized index definition: what a type's rules made of a user's request."""

    type: str
    fields: list[Any]
    unique: bool
    sparse: bool
    #: the type-specific attributes the index reports, in the order it reports them
    options: dict[str, Any]
    name: str | None = None


class IndexType(Generic[IndexT]):
    """One index type: its names, its definition rules and the index object it builds.

    Subclass it in the type's own module and pass an instance to :func:`register`.
    """

    #: the type name indexes report
    name: str = ""
    #: other names a definition may use for this type (``hash`` for ``persistent``...)
    aliases: tuple[str, ...] = ()
    #: False for the indexes every collection has (``primary``, ``edge``)
    creatable: bool = True
    #: whether field order matters when comparing definitions (else fields are a set)
    ordered_fields: bool = True
    #: the class :meth:`build` instantiates
    index_class: type[IndexT]

    def admit(self, collection: Collection) -> None:
        """Refuse creating an index of this type on ``collection`` before any other check
        (a server feature that is off, a missing optional dependency)."""

    def define(self, body: dict[str, Any]) -> Definition:
        """Validate and normalize ``body`` (a creatable type's rules, in ArangoDB's order)."""
        raise NotImplementedError

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        """Whether an index with options ``existing`` matches the ``wanted`` options."""
        return True

    def build(self, collection: Collection, iid: str, name: str, definition: Definition) -> IndexT:
        """The new, still empty index object."""
        d = definition
        fields = list(d.fields)
        return self.index_class(collection, iid, name, fields, d.unique, d.sparse, d.options)

    def added(self, index: IndexT) -> None:
        """Called once the built index belongs to its collection."""


_TYPES: dict[str, IndexType[Any]] = {}


def register(spec: IndexType[Any]) -> None:
    """Make ``spec`` known under its name and aliases (a name can be registered once)."""
    names = (spec.name, *spec.aliases)
    taken = [n for n in names if n in _TYPES]
    if taken or not spec.name:
        raise ValueError(f"index type names already registered or empty: {taken or names}")
    for n in names:
        _TYPES[n] = spec


def unregister(spec: IndexType[Any]) -> None:
    """Forget ``spec`` (its name and aliases); existing indexes of the type stay."""
    for n in (spec.name, *spec.aliases):
        if _TYPES.get(n) is spec:
            del _TYPES[n]


def index_type(name: str) -> IndexType[Any] | None:
    """The registered type for a name or alias."""
    return _TYPES.get(name)


# ------------------------------------------------------------------ shared definition checks
def bad(message: str) -> ArangoError:
    """IndexFactory's "bad parameter" error with ``message``."""
    return ArangoError(10, message, 400)


def flag(body: dict[str, Any], name: str, default: bool) -> bool:
    """A boolean attribute of ``body``; ``default`` when absent or not a boolean."""
    value = body.get(name)
    return value if isinstance(value, bool) else default


def validate_fields(
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
                raise bad("index field names must be only strings")
            name = item.get("name") if isinstance(item, dict) else item
            if not isinstance(name, str) or not name:
                raise bad("index field names must be non-empty strings")
            if name in names:
                raise bad("duplicate attribute name in index fields list")
            if not sub_attributes and "." in name:
                raise bad("cannot index a sub-attribute in this type of index")
            if not inverted and (name == "_id" or name.endswith("._id")):
                raise bad("_id attribute cannot be indexed")
            names.add(name)
            fields.append(item)
    if not min_fields <= len(fields) <= max_fields:
        raise bad("invalid number of index attributes")
    return fields


def check_expansion(fields: list[str], allowed: bool) -> None:
    """1220 for an array expansion (``[*]``) where the type allows none, or for two of them."""
    for field in fields:
        if "[*]" in field and not allowed:
            raise ArangoError(1220, "parsing attribute name definition failed", 400)
        if field.count("[*]") > 1:
            raise ArangoError(1220, "parsing attribute name definition failed", 400)


def _valid_index_name(name: str) -> bool:
    """IndexNameValidator with extended names (the 3.12 default)."""
    if not name or len(name.encode("utf-8")) > 256:
        return False
    if any(c == "/" or ord(c) < 32 for c in name):
        return False
    return not ("0" <= name[0] <= "9") and name[0] != " " and name[-1] != " "


# ------------------------------------------------------------------ the generic create path
def normalize_definition(body: dict[str, Any]) -> Definition:
    """The normalized definition (type, fields, flags, options, name) or ArangoDB's error."""
    given = body.get("type")
    if not isinstance(given, str):
        raise bad("invalid index type")
    spec = _TYPES.get(given)
    if spec is None:
        raise bad(f"invalid index type '{given}'")
    if not spec.creatable:
        raise bad(f"cannot create index of type '{spec.name}'")
    definition = spec.define(body)
    name = body.get("name")
    if name is None:
        return definition
    if not isinstance(name, str) or not _valid_index_name(name):
        raise ArangoError(1208, "illegal name: index name invalid", 400)
    return dataclasses.replace(definition, name=name)


def same_definition(index: Index, definition: Definition) -> bool:
    """IndexTypeFactory::equal: type, unique, sparse, fields and type-specific attributes."""
    if (
        index.type != definition.type
        or index.unique != definition.unique
        or index.sparse != definition.sparse
    ):
        return False
    spec = _TYPES[definition.type]
    if not spec.same_options(index.options, definition.options):
        return False
    if spec.ordered_fields:
        return list(index.fields) == list(definition.fields)
    return sorted(map(repr, index.fields)) == sorted(map(repr, definition.fields))


def create_index(collection: Collection, body: dict[str, Any]) -> tuple[Index, bool]:
    """Create (or find the identical existing) index; ``(index, newly_created)``.

    Errors: 10 for bad definitions, 1005 for a name used by a different index, 1210 when
    existing documents violate a new unique index (the collection is left untouched).
    """
    given = body.get("type")
    admitting = _TYPES.get(given) if isinstance(given, str) else None
    if admitting is not None:
        admitting.admit(collection)
    definition = normalize_definition(body)
    for existing in collection.indexes:
        if same_definition(existing, definition):
            return existing, False
    name = definition.name
    if name is not None and any(ix.name == name for ix in collection.indexes):
        raise ArangoError(1005, "duplicate value for `id` or `name`", 400)
    if name is None:
        name = f"idx_{collection.db.server.clock.next_hlc()}"
    spec = _TYPES[definition.type]
    index = spec.build(collection, collection.next_index_id(), name, definition)
    try:
        index.build(list(collection.docs.values()))
    except ArangoError as exc:
        if exc.num == 1210:
            raise ArangoError(exc.num, exc.message, 400) from None
        raise
    collection.indexes.append(index)
    spec.added(index)
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
