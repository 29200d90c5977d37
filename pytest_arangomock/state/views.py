"""Views: arangosearch views (links to collections) and search-alias views (inverted indexes).

Views live in ``Database.views`` (name -> View) and share the collections' name
space. Links remember their collection by id, so renamed collections follow and dropped
ones disappear. :class:`FieldMeta` answers "is this attribute path indexed, and with which
analyzers?" for both view types, which is all SEARCH needs.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from . import analyzers as AN
from . import datastore as DS

if TYPE_CHECKING:
    from .model import Collection, Database

SERVER_ID = "5C3DDE5391BF"
ARANGOSEARCH = "arangosearch"
SEARCH_ALIAS = "search-alias"

# mutable properties: reset to these on PUT when not given
MUTABLE_DEFAULTS: dict[str, Any] = dict(DS.INTERVAL_DEFAULTS)
CONSOLIDATION_DEFAULT: dict[str, Any] = DS.TIER_DEFAULT
# creation-only properties with their defaults, in ArangoDB's output order
IMMUTABLE_DEFAULTS: dict[str, Any] = {
    "optimizeTopK": [],
    "primarySort": [],
    "primarySortCompression": "lz4",
    "storedValues": [],
    "writebufferActive": 0,
    "writebufferIdle": 64,
    "writebufferSizeMax": 33554432,
}
LINK_KEYS = (
    "analyzers",
    "cache",
    "fields",
    "includeAllFields",
    "nested",
    "storeValues",
    "trackListPositions",
)


def views(db: Database) -> dict[str, View]:
    return db.views


@dataclass
class View:
    name: str
    id: str
    type: str
    props: dict[str, Any] = field(default_factory=dict)
    links: dict[str, dict[str, Any]] = field(default_factory=dict)  # collection id -> link
    indexes: list[tuple[str, str]] = field(default_factory=list)  # (collection id, index name)

    @property
    def guid(self) -> str:
        return f"h{SERVER_ID}/{self.id}"

    def summary(self) -> dict[str, Any]:
        return {"globallyUniqueId": self.guid, "id": self.id, "name": self.name, "type": self.type}

    def properties(self, db: Database) -> dict[str, Any]:
        """The full definition (``Serialization::Properties``), keys in ArangoDB's order."""
        out = self.summary()
        if self.type == ARANGOSEARCH:
            out.update(copy.deepcopy(self.props))
            out["links"] = {col.name: copy.deepcopy(link) for col, link in self.linked(db)}
        else:
            out["indexes"] = [
                {"collection": col.name, "index": index} for col, index in self.alias_indexes(db)
            ]
        return out

    def linked(self, db: Database) -> list[tuple[Collection, dict[str, Any]]]:
        """(collection, link) pairs whose collection still exists."""
        by_id = {c.id: c for c in db.collections.values()}
        return [(by_id[cid], link) for cid, link in self.links.items() if cid in by_id]

    def alias_indexes(self, db: Database) -> list[tuple[Collection, str]]:
        by_id = {c.id: c for c in db.collections.values()}
        out = []
        for cid, name in self.indexes:
            col = by_id.get(cid)
            if col is not None and any(ix.name == name for ix in col.indexes):
                out.append((col, name))
        return out

    def sources(self, db: Database) -> list[tuple[Collection, FieldMeta]]:
        """What SEARCH reads: each indexed collection with its field rules."""
        if self.type == ARANGOSEARCH:
            return [(col, FieldMeta.from_link(link, db.name)) for col, link in self.linked(db)]
        out = []
        for col, name in self.alias_indexes(db):
            index = next(ix for ix in col.indexes if ix.name == name)
            definition = {**index.options, "fields": index.options.get("fields", index.fields)}
            out.append((col, FieldMeta.from_inverted(definition, db.name)))
        return out


# ----------------------------------------------------------------- field rules for SEARCH
@dataclass
class FieldMeta:
    """Which analyzers index an attribute path (None: not indexed)."""

    analyzers: list[str]
    include_all: bool
    track_positions: bool
    fields: dict[str, FieldMeta]

    @classmethod
    def from_link(
        cls, link: dict[str, Any], db_name: str, parent: FieldMeta | None = None
    ) -> FieldMeta:
        analyzers = link.get("analyzers")
        names = (
            [AN.normalize_name(a, db_name) for a in analyzers]
            if isinstance(analyzers, list)
            else (parent.analyzers if parent else ["identity"])
        )
        meta = cls(
            names,
            bool(link.get("includeAllFields", parent.include_all if parent else False)),
            bool(link.get("trackListPositions", parent.track_positions if parent else False)),
            {},
        )
        for key, sub in (link.get("fields") or {}).items():
            meta.fields[key] = cls.from_link(sub or {}, db_name, meta)
        return meta

    @classmethod
    def from_inverted(cls, options: dict[str, Any], db_name: str) -> FieldMeta:
        default = AN.normalize_name(str(options.get("analyzer") or "identity"), db_name)
        root = cls(
            [default],
            bool(options.get("includeAllFields")),
            bool(options.get("trackListPositions")),
            {},
        )
        for spec in options.get("fields", []):
            spec = spec if isinstance(spec, dict) else {"name": spec}
            name = str(spec.get("name", "")).replace("[*]", "")
            node = root
            for seg in [s for s in name.split(".") if s]:
                child = node.fields.get(seg)
                if child is None:
                    child = cls([], False, root.track_positions, {})
                    node.fields[seg] = child
                node = child
            analyzer = spec.get("analyzer")
            node.analyzers = (
                [AN.normalize_name(analyzer, db_name)] if isinstance(analyzer, str) else [default]
            )
            node.include_all = bool(spec.get("includeAllFields", False))
            node.track_positions = bool(spec.get("trackListPositions", root.track_positions))
        return root

    def resolve(self, path: tuple[str, ...]) -> FieldMeta | None:
        """The rules for ``path`` (array positions like ``[0]`` pass through)."""
        meta: FieldMeta = self
        for seg in path:
            if seg.startswith("["):
                continue
            sub = meta.fields.get(seg)
            if sub is not None:
                meta = sub
            elif meta.include_all:
                meta = FieldMeta(meta.analyzers, True, meta.track_positions, {})
            else:
                return None
        if not meta.analyzers:
            return None
        return meta


# ----------------------------------------------------------------- validation
def _bad(message: str) -> ArangoError:
    return ArangoError(10, message, 400)


def _valid_name(name: str) -> bool:
    """Data-source names with extended naming (3.12): no '/', controls, leading digit/'_'/'.'."""
    if not name or len(name.encode("utf-8", "surrogatepass")) > 256 or name[-1] == " ":
        return False
    return not (name[0] in "0123456789_. " or any(c == "/" or ord(c) < 32 for c in name))


def check_name(db: Database, name: Any, *, exclude: View | None = None) -> str:
    if not isinstance(name, str) or not _valid_name(name):
        raise ArangoError(1208, "illegal name", 400)
    other = views(db).get(name)
    if name in db.collections or (other is not None and other is not exclude):
        raise ArangoError(1207, "duplicate name", 409)
    return name


def _props_error(view_name: str, attr: str, creating: bool) -> ArangoError:
    if creating:
        return _bad(
            f"failed to initialize arangosearch View '{view_name}' from definition, "
            f"error in attribute '{attr}'"
        )
    return _bad(
        f"failed to update arangosearch view '{view_name}' from definition, "
        f"error in attribute '{attr}'"
    )


def _mutable(body: dict[str, Any], base: dict[str, Any], err: Any) -> dict[str, Any]:
    out = dict(base)
    out.update(DS.uints(body, {k: base[k] for k in MUTABLE_DEFAULTS}, err))
    if "consolidationPolicy" in body:
        out["consolidationPolicy"] = DS.consolidation(body["consolidationPolicy"], err)
    return out


def _stored_values(value: Any, err: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise err("storedValues")
    out = []
    for item in value:
        if isinstance(item, str):
            item = {"fields": [item]}
        elif isinstance(item, list):
            item = {"fields": item}
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("fields"), list)
            or not all(isinstance(f, str) for f in item["fields"])
            or item.get("compression", "lz4") not in ("lz4", "none")
            or not isinstance(item.get("cache", False), bool)
        ):
            raise err("storedValues")
        entry: dict[str, Any] = {"fields": list(item["fields"])}
        entry["compression"] = item.get("compression", "lz4")
        if item.get("cache"):
            entry["cache"] = True
        out.append(entry)
    return out


def _immutable(body: dict[str, Any], err: Any) -> dict[str, Any]:
    """Creation-only properties; the two cache flags are listed only when switched on."""
    out = copy.deepcopy(IMMUTABLE_DEFAULTS)
    if "optimizeTopK" in body:
        top_k = body["optimizeTopK"]
        if not isinstance(top_k, list) or not all(isinstance(t, str) for t in top_k):
            raise err("optimizeTopK")
        out["optimizeTopK"] = list(top_k)
    if "primarySort" in body:
        out["primarySort"] = DS.sort_fields(body["primarySort"], err, "primarySort")
    if "primarySortCompression" in body:
        if body["primarySortCompression"] not in ("lz4", "none"):
            raise err("primarySortCompression")
        out["primarySortCompression"] = body["primarySortCompression"]
    for flag in ("primarySortCache", "primaryKeyCache"):
        if flag in body:
            if not isinstance(body[flag], bool):
                raise err(flag)
            if body[flag]:
                out[flag] = True
    if "storedValues" in body:
        out["storedValues"] = _stored_values(body["storedValues"], err)
    out.update(DS.uints(body, DS.WRITEBUFFER_DEFAULTS, err))
    return out


class _LinkError(Exception):
    """A link attribute ArangoDB's FieldMeta refuses, by its dotted path."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def normalize_link(
    db: Database, col_name: str, definition: Any, *, top: bool = True
) -> dict[str, Any]:
    """A link definition as ArangoDB reports it; sub-fields list only overrides.

    Refusals name the attribute as ``FieldMeta::init`` does: ``analyzers[1]``,
    ``analyzers.<unknown name>``, ``storeValues.<bad value>``, ``fields.<name>`` (not an
    object) and ``fields.<name>.<inner path>``.
    """
    try:
        return _field_meta(db, definition, top, None)
    except _LinkError as exc:
        raise _bad(
            "while validating arangosearch link definition, error: invalid link definition "
            f"for collection '{col_name}' error in attribute: {exc.path}"
        ) from None


_INHERITED = ("analyzers", "includeAllFields", "trackListPositions", "storeValues")


def _field_meta(
    db: Database, definition: Any, top: bool, parent: dict[str, Any] | None
) -> dict[str, Any]:
    """One level of a link; a sub-field lists only what differs from its parent."""
    if not isinstance(definition, dict):
        raise _LinkError("")
    out: dict[str, Any] = {}
    if "analyzers" in definition or top:
        names = definition.get("analyzers", ["identity"])
        if not isinstance(names, list):
            raise _LinkError("analyzers")
        shown: list[str] = []
        for i, n in enumerate(names):
            if not isinstance(n, str):
                raise _LinkError(f"analyzers[{i}]")
            analyzer = AN.lookup(db, n)
            if analyzer is None:
                raise _LinkError(f"analyzers.{n}")
            display = AN.display_name(analyzer.full_name, db.name)
            if display not in shown:
                shown.append(display)
        out["analyzers"] = shown
    for key in ("includeAllFields", "trackListPositions", "cache", "inBackground"):
        if key in definition and not isinstance(definition[key], bool):
            raise _LinkError(key)
    if "storeValues" in definition:
        value = definition["storeValues"]
        if not isinstance(value, str):
            raise _LinkError("storeValues")
        if value not in ("none", "id"):
            raise _LinkError(f"storeValues.{value}")
    for key, default in (
        ("includeAllFields", False),
        ("trackListPositions", False),
        ("storeValues", "none"),
    ):
        if key in definition or top:
            out[key] = definition.get(key, default)
    if definition.get("cache"):
        out["cache"] = True  # listed only when on; inBackground is a one-off, never kept
    effective = dict(out) if parent is None else {**parent, **out}
    if parent is not None:
        out = {k: v for k, v in out.items() if k not in _INHERITED or parent.get(k) != v}
    for kind in ("fields", "nested"):
        subs = definition.get(kind, {})
        if not isinstance(subs, dict) or (kind == "nested" and top and subs):
            raise _LinkError(kind)  # `nested` needs a parent field
        normalized = {}
        for key, sub in subs.items():
            if not isinstance(sub, dict):
                raise _LinkError(f"{kind}.{key}")
            try:
                normalized[key] = _field_meta(db, sub, False, effective)
            except _LinkError as exc:
                raise _LinkError(f"{kind}.{key}.{exc.path}") from None
        if (top and kind == "fields") or normalized:
            out[kind] = normalized
    return {k: out[k] for k in LINK_KEYS if k in out}


def _links(db: Database, value: Any) -> dict[str, dict[str, Any] | None]:
    """Validated link changes: collection id -> normalized link (None removes it)."""
    if not isinstance(value, dict):
        raise _bad(
            "while validating arangosearch link definition, error: definition is not an object"
        )
    out: dict[str, dict[str, Any] | None] = {}
    for name, definition in value.items():
        col = db.collections.get(name)
        if col is None:
            raise ArangoError(
                1203,
                "while validating arangosearch link definition, error: "
                f"collection '{name}' not found",
                404,
            )
        out[col.id] = None if definition is None else normalize_link(db, name, definition)
    return out


def _alias_indexes(db: Database, value: Any) -> list[tuple[str, str, str]]:
    """Validated search-alias entries: (collection id, index name, operation)."""
    if not isinstance(value, list):
        raise _bad("'indexes' should be an array")
    out = []
    for item in value:
        if not isinstance(item, dict):
            raise _bad("'indexes' element should be an object")
        cname, iname = item.get("collection"), item.get("index")
        if not isinstance(cname, str) or not isinstance(iname, str):
            raise _bad("'collection' and 'index' should be strings")
        col = db.collections.get(cname)
        if col is None:
            raise ArangoError(1203, f"Cannot find collection '{cname}'", 404)
        index = next((ix for ix in col.indexes if iname in (ix.name, ix.id)), None)
        if index is None:
            raise ArangoError(1212, f"Cannot find index '{iname}' in collection '{cname}'", 404)
        if index.type != "inverted":
            raise _bad(
                f"Cannot add index '{iname}' with type '{index.type}', only inverted is allowed"
            )
        out.append((col.id, index.name, str(item.get("operation", "add"))))
    return out


# ----------------------------------------------------------------- operations
def create(db: Database, body: dict[str, Any]) -> View:
    name = check_name(db, body["name"])
    vtype = body["type"]
    if vtype not in (ARANGOSEARCH, SEARCH_ALIAS):
        raise _bad(f"no view factory for type '{vtype}'")
    view = View(name, db.server.clock.next_id(), vtype)
    if vtype == ARANGOSEARCH:

        def err(attr: str) -> ArangoError:
            return _props_error(name, attr, True)

        base = dict(MUTABLE_DEFAULTS)
        base["consolidationPolicy"] = dict(CONSOLIDATION_DEFAULT)
        props = _mutable(body, base, err)
        props.update(_immutable(body, err))
        order = (*MUTABLE_DEFAULTS, "consolidationPolicy", *IMMUTABLE_DEFAULTS)
        view.props = {k: props[k] for k in order if k in props}
        for flag in ("primarySortCache", "primaryKeyCache"):
            if flag in props:
                view.props[flag] = True
        if "links" in body:
            for cid, link in _links(db, body["links"]).items():
                if link is not None:
                    view.links[cid] = link
    elif "indexes" in body:
        _set_alias(db, view, body["indexes"], partial=False)
    views(db)[name] = view
    return view


def _set_alias(db: Database, view: View, value: Any, *, partial: bool) -> None:
    entries = _alias_indexes(db, value)
    current = list(view.indexes) if partial else []
    for cid, iname, op in entries:
        if op == "del":
            if (cid, iname) not in current:
                raise ArangoError(1212, f"Cannot find index '{iname}' in view '{view.name}'", 404)
            current.remove((cid, iname))
        elif (cid, iname) not in current:
            current.append((cid, iname))
    view.indexes = current


def update(db: Database, view: View, body: dict[str, Any], *, partial: bool) -> None:
    """PUT (replace) or PATCH (update) the view's mutable properties and links/indexes."""
    if view.type == SEARCH_ALIAS:
        _set_alias(db, view, body.get("indexes", []), partial=partial)
        return

    def err(attr: str) -> ArangoError:
        return _props_error(view.name, attr, False)

    if partial:
        base = {k: view.props[k] for k in (*MUTABLE_DEFAULTS, "consolidationPolicy")}
    else:
        base = dict(MUTABLE_DEFAULTS)
        base["consolidationPolicy"] = dict(CONSOLIDATION_DEFAULT)
    mutable = _mutable(body, base, err)
    changes = _links(db, body["links"]) if "links" in body else {}
    view.props.update(mutable)
    links = dict(view.links) if partial else {}
    for cid, link in changes.items():
        if link is None:
            links.pop(cid, None)
        else:
            links[cid] = link
    view.links = links


def rename(db: Database, view: View, new_name: str) -> None:
    if new_name == view.name:
        return
    check_name(db, new_name, exclude=view)
    reg = views(db)
    db.views = {(new_name if k == view.name else k): v for k, v in reg.items()}
    view.name = new_name


def drop(db: Database, view: View) -> None:
    del views(db)[view.name]


def find(db: Database, name_or_id: str) -> View | None:
    reg = views(db)
    view = reg.get(name_or_id)
    if view is None:
        view = next((v for v in reg.values() if v.id == name_or_id or v.guid == name_or_id), None)
    return view


def require(db: Database, name_or_id: str) -> View:
    view = find(db, name_or_id)
    if view is None:
        raise ArangoError(1203, "collection or view not found", 404)
    return view


def analyzer_used(db: Database, full_name: str) -> bool:
    """Whether any arangosearch view link of ``db`` indexes with analyzer ``full_name``."""

    def walk(link: dict[str, Any]) -> bool:
        names = link.get("analyzers", [])
        if any(AN.normalize_name(n, db.name) == full_name for n in names):
            return True
        return any(walk(sub) for sub in (link.get("fields") or {}).values())

    return any(walk(link) for view in views(db).values() for _, link in view.linked(db))
