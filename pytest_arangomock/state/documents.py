"""Document write and read semantics, free of HTTP: the documents API, imports and AQL's
INSERT/UPDATE/REPLACE/REMOVE/UPSERT all go through these functions.

Stored documents start with ``_key, _id, [_from, _to,] _rev`` in that order (as ArangoDB
writes them), are never mutated in place, and reach the collection only through
``Collection.store``/``Collection.delete`` so indexes stay in step. Every check happens
before the write, so a failing operation leaves the collection untouched.

``overwriteMode: "ignore"`` on an existing key writes nothing: :func:`insert_document`
then returns ``(existing, None)`` (what the HTTP API reports, with the existing ``_rev``);
callers that must tell it apart from a fresh insert (AQL's ``RETURN NEW`` is ``null``
there) use :func:`insert_document_ex` and its ``ignored`` flag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..base.errors import ArangoError
from .clock import decode_rev, encode_rev
from .keygen import check_user_key, generate_key, is_valid_document_id
from .model import EDGE
from .runtime import require_aql

if TYPE_CHECKING:
    from .model import Collection

__all__ = [
    "SYSTEM_ATTRIBUTES",
    "InsertOutcome",
    "RevisionConflict",
    "WriteOptions",
    "get_document",
    "insert_document",
    "insert_document_ex",
    "key_from_selector",
    "modify_key_from_body",
    "remove_document",
    "replace_document",
    "update_document",
]

Doc = dict[str, Any]
SYSTEM_ATTRIBUTES = frozenset(("_key", "_id", "_rev", "_from", "_to"))
_OVERWRITE_MODES = frozenset(("ignore", "replace", "update", "conflict"))
_ALL_OPERATIONS = ("insert", "update", "replace")
REV_MISMATCH = "conflict, _rev values do not match"


@dataclass(slots=True, frozen=True)
class WriteOptions:
    """Write options with ArangoDB's defaults (``validate=False`` = skipDocumentValidation).

    Frozen: one instance may serve many writes; derive variants with ``dataclasses.replace``."""

    keep_null: bool = True
    merge_objects: bool = True
    ignore_revs: bool = True
    overwrite: bool = False
    overwrite_mode: str | None = None  # ignore | replace | update | conflict
    is_restore: bool = False
    validate: bool = True
    version_attribute: str | None = None


@dataclass(slots=True)
class InsertOutcome:
    """What an insert did: ``old`` is set when it replaced/updated, ``ignored`` for mode ignore."""

    new: Doc
    old: Doc | None = None
    ignored: bool = False


class RevisionConflict(ArangoError):
    """1200: the expected ``_rev`` does not match; ``current`` is the stored document."""

    def __init__(self, current: Doc, message: str = REV_MISMATCH) -> None:
        super().__init__(1200, message, 409)
        self.current = current


# ---------------------------------------------------------------------------- helpers
def _unique_violation(key: str) -> ArangoError:
    return ArangoError(
        1210,
        "unique constraint violated - in index primary of type primary over '_key'; "
        f"conflicting key: {key}",
        409,
    )


def _expected_rev(value: Any) -> str | int | None:
    """A ``_rev`` precondition as ArangoDB reads one: empty string and 0 mean none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, int):
        return value or None
    if isinstance(value, float) and 1 <= value < 2**64:
        return int(value)
    return None


def _rev_matches(expected: str | int, actual: str) -> bool:
    if isinstance(expected, int):
        return decode_rev(actual) == expected
    if expected.isascii() and expected.isdigit():
        return decode_rev(actual) == int(expected)
    return expected == actual


def _check_rev(current: Doc, expected: Any, message: str = REV_MISMATCH) -> None:
    if expected is None:
        return
    wanted = _expected_rev(expected)
    if wanted is not None and not _rev_matches(wanted, current["_rev"]):
        raise RevisionConflict(current, message)


def _lookup(col: Collection, key: Any) -> Doc:
    doc = col.docs.get(key) if isinstance(key, str) else None
    if doc is None:
        raise ArangoError(1202, status=404)
    return doc


def _new_rev(col: Collection, body: Doc, opts: WriteOptions) -> str:
    """A fresh revision, or the body's own when restoring (isRestore keeps ``_rev``)."""
    clock = col.db.server.clock
    if opts.is_restore:
        rev = body.get("_rev")
        if isinstance(rev, str) and rev:
            clock.observe_rev(rev)
            return rev
    return encode_rev(clock.next_hlc())


def _edge_attribute(value: Any) -> str:
    if not is_valid_document_id(value):
        raise ArangoError(1233, status=400)
    return str(value)


def _head(col: Collection, key: str, source: Doc, fallback: Doc | None = None) -> Doc:
    """``_key``, ``_id`` and, for edges, validated ``_from``/``_to`` (from ``source``,
    else from ``fallback`` on update)."""
    doc: Doc = {"_key": key, "_id": f"{col.name}/{key}"}
    if col.type == EDGE:
        for attr in ("_from", "_to"):
            if attr in source or fallback is None:
                doc[attr] = _edge_attribute(source.get(attr))
            else:
                doc[attr] = fallback[attr]
    return doc


def _user_attributes(body: Doc) -> Doc:
    return {k: v for k, v in body.items() if k not in SYSTEM_ATTRIBUTES}


def _merge(left: Doc, right: Doc, null_means_remove: bool) -> Doc:
    """velocypack's object merge: left order first, right-only keys after.

    ArangoDB collects the right-only keys in a hash map, which hands small maps back in
    reverse insertion order; we mirror that so merged sub-objects print the same way.
    """
    out: Doc = {}
    pending = dict(right)
    for k, v in left.items():
        if k not in pending:
            out[k] = v
            continue
        nv = pending.pop(k)
        if isinstance(v, dict) and isinstance(nv, dict):
            out[k] = _merge(v, nv, null_means_remove)
        elif not (null_means_remove and nv is None):
            out[k] = nv
    for k in reversed(list(pending)):
        nv = pending[k]
        if null_means_remove and nv is None:
            continue
        out[k] = nv
    return out


# ----------------------------------------------------------------- computed values
def _computed_values(col: Collection, operation: str) -> list[dict[str, Any]]:
    values = col.properties.get("computedValues")
    if not values:
        return []
    return [
        cv
        for cv in values
        if isinstance(cv, dict) and operation in (cv.get("computeOn") or _ALL_OPERATIONS)
    ]


def _evaluate_expression(col: Collection, expression: str, doc: Doc) -> Any:
    """Evaluate a computed value's ``RETURN ...`` with ``@doc`` bound to the document."""
    aql = require_aql(col.db.server.aql, "a computed value")
    # AQL rejects bind parameters a query does not use, so bind @doc only when used
    return aql.evaluate_expression(col.db, expression, {"doc": doc} if "@doc" in expression else {})


def _apply_computed(col: Collection, doc: Doc, written: set[str], cvs: list[dict[str, Any]]) -> Doc:
    """Add computed attributes after the others (skipping user-written ones unless
    ``overwrite``); ``keepNull: false`` leaves a null result out."""
    if not cvs:
        return doc
    result = dict(doc)
    for cv in cvs:
        name = cv.get("name")
        if not isinstance(name, str):
            continue
        if not cv.get("overwrite", False) and name in written:
            continue
        value = _evaluate_expression(col, str(cv.get("expression", "")), doc)
        result.pop(name, None)
        if value is None and not cv.get("keepNull", True):
            continue
        result[name] = value
    return result


# ----------------------------------------------------------------------- schema
def _schema_ok(col: Collection, rule: Any, doc: Doc) -> bool:
    import jsonschema

    cache = col.schema_validators
    fingerprint = json.dumps(rule, sort_keys=True, default=str)
    validator = cache.get(fingerprint)
    if validator is None:
        validator = cache[fingerprint] = jsonschema.Draft4Validator(rule)
    try:
        return bool(validator.is_valid(_user_attributes(doc)))
    except jsonschema.exceptions.SchemaError:
        return True


def _validate_schema(
    col: Collection, new: Doc, old: Doc | None, is_insert: bool, opts: WriteOptions
) -> None:
    """ArangoDB's levels: none, new (inserts only), moderate (modifications of valid
    documents), strict. System attributes are not validated."""
    schema = col.properties.get("schema")
    if not opts.validate or not isinstance(schema, dict):
        return
    level = schema.get("level", "strict")
    rule = schema.get("rule")
    if level == "none" or rule is None or (level == "new" and not is_insert):
        return
    if _schema_ok(col, rule, new):
        return
    moderate = level == "moderate" and not is_insert and old is not None
    if moderate and old is not None and not _schema_ok(col, rule, old):
        return
    message = schema.get("message")
    raise ArangoError(1620, message if isinstance(message, str) else "", 400)


# ---------------------------------------------------------------------- builders
def _build_insert(col: Collection, key: str, body: Doc, opts: WriteOptions) -> Doc:
    # a document's head is its key and id; an edge's also its validated _from and _to
    doc = _head(col, key, body) if col.type == EDGE else {"_key": key, "_id": f"{col.name}/{key}"}
    if opts.is_restore:
        doc["_rev"] = _new_rev(col, body, opts)
    else:
        doc["_rev"] = encode_rev(col.db.server.clock.next_hlc())  # _new_rev, unrestored
    for k, v in body.items():  # the user attributes, in the body's order
        if k not in SYSTEM_ATTRIBUTES:
            doc[k] = v
    if not col.properties.get("computedValues"):
        return doc
    return _apply_computed(col, doc, set(_user_attributes(body)), _computed_values(col, "insert"))


def _build_replace(
    col: Collection, old: Doc, body: Doc, opts: WriteOptions, cvs: list[dict[str, Any]]
) -> Doc:
    doc = _head(col, old["_key"], body)
    doc["_rev"] = _new_rev(col, body, opts)
    user = _user_attributes(body)
    doc.update(user)
    return _apply_computed(col, doc, set(user), cvs)


def _build_update(
    col: Collection, old: Doc, body: Doc, opts: WriteOptions, cvs: list[dict[str, Any]]
) -> Doc:
    doc = _head(col, old["_key"], body, old)
    doc["_rev"] = _new_rev(col, body, opts)
    keep_null = opts.keep_null
    patch = _user_attributes(body)
    for k, v in old.items():
        if k in SYSTEM_ATTRIBUTES:
            continue
        if k not in patch:
            doc[k] = v
            continue
        nv = patch.pop(k)
        if opts.merge_objects and isinstance(v, dict) and isinstance(nv, dict):
            doc[k] = _merge(v, nv, not keep_null)
        elif keep_null or nv is not None:
            doc[k] = nv
    for k, nv in patch.items():
        if nv is None and not keep_null:
            continue
        doc[k] = _merge({}, nv, True) if isinstance(nv, dict) and not keep_null else nv
    written = {k for k in doc if k not in SYSTEM_ATTRIBUTES}
    return _apply_computed(col, doc, written, cvs)


def _older_version(old: Doc, body: Doc, attribute: str | None) -> bool:
    """versionAttribute: the new document's version is not above the stored one."""
    if not attribute:
        return False

    def version(value: Any) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return int(value) if 0 <= value < 2**64 else None

    previous, current = version(old.get(attribute)), version(body.get(attribute))
    return previous is not None and current is not None and current <= previous


def _modify(
    col: Collection,
    old: Doc,
    body: Doc,
    opts: WriteOptions,
    expected_rev: str | None,
    *,
    is_update: bool,
) -> tuple[Doc, Doc]:
    """Replace or update ``old`` with ``body``; a no-op returns ``(old, old)``."""
    if expected_rev is not None:
        _check_rev(old, expected_rev)
    elif not opts.ignore_revs:
        _check_rev(old, body.get("_rev"))
    cvs = _computed_values(col, "update" if is_update else "replace")
    if _older_version(old, body, opts.version_attribute):
        return old, old
    if is_update and not opts.is_restore and not cvs and all(k == "_key" for k in body):
        return old, old
    build = _build_update if is_update else _build_replace
    new = build(col, old, body, opts, cvs)
    _validate_schema(col, new, old, False, opts)
    col.store(new, old)
    return new, old


_NO_KEY: Any = object()  # the body names no _key


def _check_body(body: Any) -> Doc:
    if not isinstance(body, dict):
        raise ArangoError(1227, status=400)
    return body


# ------------------------------------------------------------------- public API
def insert_document_ex(col: Collection, body: Any, opts: WriteOptions) -> InsertOutcome:
    """Insert ``body``; with an overwrite mode, replace/update/ignore an existing key."""
    if not isinstance(body, dict):
        raise ArangoError(1227, status=400)  # _check_body
    doc: Doc = body
    key = doc.get("_key", _NO_KEY)
    key = generate_key(col) if key is _NO_KEY else check_user_key(col, key, opts.is_restore)
    existing = col.docs.get(key)
    if existing is not None:
        mode = opts.overwrite_mode if opts.overwrite_mode in _OVERWRITE_MODES else None
        if mode is None:
            mode = "replace" if opts.overwrite else "conflict"
        if mode == "conflict":
            raise _unique_violation(key)
        if mode == "ignore":
            return InsertOutcome(existing, None, True)
        new, old = _modify(col, existing, doc, opts, None, is_update=mode == "update")
        return InsertOutcome(new, old)
    new = _build_insert(col, key, doc, opts)
    if col.properties.get("schema"):  # no schema (the usual case): nothing to validate
        _validate_schema(col, new, None, True, opts)
    col.store(new, None)
    return InsertOutcome(new)


def insert_document(col: Collection, body: Any, opts: WriteOptions) -> tuple[Doc, Doc | None]:
    """Insert; returns ``(new, old)``. Mode ignore on an existing key: ``(existing, None)``."""
    outcome = insert_document_ex(col, body, opts)
    return outcome.new, outcome.old


def replace_document(
    col: Collection, key: str, body: Any, opts: WriteOptions, expected_rev: str | None = None
) -> tuple[Doc, Doc]:
    """Replace document ``key`` by ``body`` (system attributes kept); returns ``(new, old)``."""
    doc = _check_body(body)
    return _modify(col, _lookup(col, key), doc, opts, expected_rev, is_update=False)


def update_document(
    col: Collection, key: str, body: Any, opts: WriteOptions, expected_rev: str | None = None
) -> tuple[Doc, Doc]:
    """Patch document ``key`` with ``body`` (keepNull/mergeObjects); returns ``(new, old)``."""
    doc = _check_body(body)
    return _modify(col, _lookup(col, key), doc, opts, expected_rev, is_update=True)


def remove_document(
    col: Collection, key: str, opts: WriteOptions, expected_rev: str | None = None
) -> Doc:
    """Remove document ``key``; returns the removed version."""
    if not isinstance(key, str) or not key:
        raise ArangoError(1205, status=400)
    old = _lookup(col, key)
    _check_rev(old, expected_rev)
    col.delete(old)
    return old


def get_document(col: Collection, key: str, expected_rev: str | None = None) -> Doc:
    """The stored document ``key`` (1202 if missing, 1200 "conflict" on a rev mismatch)."""
    if not isinstance(key, str) or not key:
        raise ArangoError(1205, status=400)
    doc = col.docs.get(key)  # _lookup, for a key known to be a string
    if doc is None:
        raise ArangoError(1202, status=404)
    if expected_rev is not None:
        _check_rev(doc, expected_rev, "conflict")
    return doc


def modify_key_from_body(body: Doc) -> str:
    """The ``_key`` a batch update/replace item names (1205 missing, 1221 malformed)."""
    if "_key" not in body:
        raise ArangoError(1205, status=400)
    key = body["_key"]
    if not isinstance(key, str) or not key:
        raise ArangoError(1221, status=400)
    return key


_VPACK_TYPE_NAMES = {type(None): "null", bool: "bool", float: "double", list: "array"}


def _type_name(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return "smallint" if -6 <= value <= 9 else "int"
    return _VPACK_TYPE_NAMES.get(type(value), "string")


def key_from_selector(col: Collection, selector: Any) -> str:
    """The key a selector names: a key, an id ``col/key`` or an object with ``_key``/``_id``."""
    if isinstance(selector, str):
        key = selector.partition("/")[2] if "/" in selector else selector
        if not key:
            raise ArangoError(1205, status=400)
        return key
    if isinstance(selector, dict):
        key_value = selector.get("_key")
        if isinstance(key_value, str) and key_value:
            return key_value
        id_value = selector.get("_id")
        if isinstance(id_value, str) and "/" in id_value and key_value is None:
            return key_from_selector(col, id_value)
        raise ArangoError(1226, "Expected _key to be a string attribute in document.", 400)
    raise ArangoError(1227, f"Expected object or string, but got {_type_name(selector)}", 400)
