"""AQL miscellaneous functions (ArangoDB 3.12): identifiers, database information, control
flow (FAIL, ASSERT, WARN, SLEEP), schemas, and the legacy geo/fulltext index functions.

Errors that ArangoDB throws (rather than warns about) raise :class:`ArangoError`; warnings
go through ``ctx.warn`` and the function returns null.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from datetime import datetime, timezone
from typing import Any

from ...base.constants import VERSION
from ...base.errors import ArangoError, message_for
from ...base.values import is_number, to_bool, to_json
from ...state import minhash as MH
from ...state.clock import decode_rev
from . import Arg, FunctionContext, function, invalid_argument

FAMILY = "misc"
TYPE_MISMATCH = 1542
BAD_PARAMETER = 10
EARTH_RADIUS_M = 6371000.0


# ----------------------------------------------------------------- pass-through and fallbacks
@function("PASSTHRU", 1, family=FAMILY, args=(Arg.PASSTHROUGH,))
def passthru(ctx: FunctionContext, value: Any) -> Any:
    return value


@function("NOOPT", 1, deterministic=False, family=FAMILY, args=(Arg.PASSTHROUGH,))
def noopt(ctx: FunctionContext, value: Any) -> Any:
    """Its argument, unchanged; only keeps the optimizer from folding the expression."""
    return value


@function("NOEVAL", 1, family=FAMILY, args=(Arg.PASSTHROUGH,))
def noeval(ctx: FunctionContext, value: Any) -> Any:
    """Its argument, unchanged; only keeps the optimizer from evaluating it at compile time."""
    return value


@function("NOT_NULL", 1, None, family=FAMILY)
def not_null(ctx: FunctionContext, *args: Any) -> Any:
    return next((a for a in args if a is not None), None)


@function("FIRST_LIST", 1, None, family=FAMILY)
def first_list(ctx: FunctionContext, *args: Any) -> Any:
    return next((a for a in args if type(a) is list), None)


@function("FIRST_DOCUMENT", 1, None, family=FAMILY)
def first_document(ctx: FunctionContext, *args: Any) -> Any:
    return next((a for a in args if type(a) is dict), None)


# ----------------------------------------------------------------- identifiers
def _split_id(ctx: FunctionContext, fn: str, value: Any) -> tuple[str, str] | None:
    """(collection, key) of a document id or of an object's ``_id``; exactly one slash."""
    text = value.get("_id") if type(value) is dict else value
    if type(text) is str and text.count("/") == 1:
        collection, _, key = text.partition("/")
        return collection, key
    invalid_argument(ctx, fn)
    return None


@function("PARSE_IDENTIFIER", 1, family=FAMILY)
def parse_identifier(ctx: FunctionContext, value: Any) -> Any:
    parts = _split_id(ctx, "PARSE_IDENTIFIER", value)
    return None if parts is None else {"collection": parts[0], "key": parts[1]}


@function("PARSE_COLLECTION", 1, family=FAMILY)
def parse_collection(ctx: FunctionContext, value: Any) -> Any:
    parts = _split_id(ctx, "PARSE_COLLECTION", value)
    return None if parts is None else parts[0]


@function("PARSE_KEY", 1, family=FAMILY)
def parse_key(ctx: FunctionContext, value: Any) -> Any:
    parts = _split_id(ctx, "PARSE_KEY", value)
    return None if parts is None else parts[1]


def collection_name_of(value: Any) -> str:
    """ArangoDB's extractCollectionName: a name, an id, or an object's ``_id``, cut at the
    first slash; "" when there is none."""
    text = value.get("_id") if type(value) is dict else value
    if type(text) is not str:
        return ""
    return text.split("/", 1)[0]


@function("IS_SAME_COLLECTION", 2, family=FAMILY, args=(Arg.COLLECTION,))
def is_same_collection(ctx: FunctionContext, collection: Any, doc: Any) -> Any:
    first, second = collection_name_of(collection), collection_name_of(doc)
    if first and second:
        return first == second
    invalid_argument(ctx, "IS_SAME_COLLECTION")
    return None


@function("DECODE_REV", 1, family=FAMILY)
def decode_revision(ctx: FunctionContext, rev: Any) -> Any:
    """The wall-clock time and counter packed into a ``_rev`` (hybrid logical clock)."""
    value = decode_rev(rev) if type(rev) is str else None
    if not value or value >= 2**64 - 1:
        invalid_argument(ctx, "DECODE_REV")
        return None
    millis = value >> 20
    try:
        stamp = datetime.fromtimestamp(millis / 1000, tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        invalid_argument(ctx, "DECODE_REV")
        return None
    date = stamp.strftime("%Y-%m-%dT%H:%M:%S") + f".{millis % 1000:03d}Z"
    return {"date": date, "count": value & 0xFFFFF}


@function("SHARD_ID", 2, deterministic=False, family=FAMILY)
def shard_id(ctx: FunctionContext, collection: Any, keys: Any) -> Any:
    """On a single server the "shard" is the collection itself."""
    if type(collection) is not str:
        raise ArangoError(BAD_PARAMETER, "first parameter to SHARD_ID must be a string")
    if type(keys) is not dict:
        raise ArangoError(BAD_PARAMETER, "second parameter to SHARD_ID must be an object")
    if ctx.db.get_collection(collection) is None:
        raise ArangoError(
            1203, f"could not find collection: {collection} in database {ctx.db.name}"
        )
    return collection


# ----------------------------------------------------------------- database information
@function("CURRENT_DATABASE", 0, family=FAMILY)
def current_database(ctx: FunctionContext) -> str:
    return str(ctx.db.name)


@function("CURRENT_USER", 0, family=FAMILY)
def current_user(ctx: FunctionContext) -> Any:
    """The authenticated user, or null when authentication is off."""
    return ctx.user or None


@function("VERSION", 0, family=FAMILY)
def version(ctx: FunctionContext) -> str:
    return VERSION


@function("COLLECTIONS", 0, deterministic=False, family=FAMILY)
def collections(ctx: FunctionContext) -> list[dict[str, Any]]:
    """Every collection of the database as ``{_id, name}``, ordered by lower-cased name."""
    cols = sorted(ctx.db.collections.values(), key=lambda c: c.name.lower())
    return [{"_id": c.id, "name": c.name} for c in cols]


@function("COLLECTION_COUNT", 1, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def collection_count(ctx: FunctionContext, name: Any) -> int:
    if type(name) is not str:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "COLLECTION_COUNT"))
    return len(ctx.collection(name).docs)


@function("CHECK_DOCUMENT", 1, deterministic=False, family=FAMILY)
def check_document(ctx: FunctionContext, value: Any) -> bool:
    """Objects are valid documents (a parsed object cannot hold duplicate attributes)."""
    return type(value) is dict


# ----------------------------------------------------------------- control flow
@function("FAIL", 0, 1, deterministic=False, family=FAMILY)
def fail(ctx: FunctionContext, *reason: Any) -> Any:
    """Abort the query with error 1569; a string reason becomes the whole message."""
    if reason and type(reason[0]) is str:
        raise ArangoError(1569, reason[0])
    raise ArangoError(1569, message_for(1569, ""))


@function("ASSERT", 2, deterministic=False, family=FAMILY)
def assert_(ctx: FunctionContext, condition: Any, message: Any) -> Any:
    if type(message) is not str:
        invalid_argument(ctx, "ASSERT")
        return None
    if not to_bool(condition):
        raise ArangoError(1593, message)
    return True


@function("WARN", 2, deterministic=False, family=FAMILY)
def warn(ctx: FunctionContext, condition: Any, message: Any) -> Any:
    if type(message) is not str:
        invalid_argument(ctx, "WARN")
        return None
    if not to_bool(condition):
        ctx.warn(1594, message)
        return False
    return True


@function("SLEEP", 1, deterministic=False, family=FAMILY, args=(Arg.WAIT,))
def sleep(ctx: FunctionContext, seconds: Any) -> None:
    if not is_number(seconds) or seconds < 0:
        invalid_argument(ctx, "SLEEP")
        return None
    time.sleep(seconds)
    return None


# ----------------------------------------------------------------- identifiers of new things
@function("UUID", 0, deterministic=False, family=FAMILY)
def uuid_(ctx: FunctionContext) -> str:
    return str(uuid.uuid4())


# ----------------------------------------------------------------- schemas
def _schema_of(ctx: FunctionContext, value: Any) -> Any:
    name = collection_name_of(value)
    if not name:
        raise ArangoError(BAD_PARAMETER, "could not extract collection name from parameters")
    col = ctx.db.get_collection(name)
    if col is None:
        raise ArangoError(1203, f"could not find collection: {name}")
    return col.properties.get("schema")


@function("SCHEMA_GET", 1, deterministic=False, family=FAMILY)
def schema_get(ctx: FunctionContext, collection: Any) -> Any:
    schema = _schema_of(ctx, collection)
    if type(schema) is not dict:
        return None
    if type(schema.get("rule")) is not dict:
        name = collection_name_of(collection)
        raise ArangoError(
            BAD_PARAMETER, f"schema definition for collection {name} has no rule object"
        )
    return schema


SYSTEM_ATTRIBUTES = ("_key", "_id", "_rev", "_from", "_to")


@function("SCHEMA_VALIDATE", 2, deterministic=False, family=FAMILY)
def schema_validate(ctx: FunctionContext, doc: Any, schema: Any) -> Any:
    """Validate against a schema object (``{rule, level, message}``) with JSON Schema
    draft 4; system attributes are not validated, as on writes."""
    if type(doc) is not dict:
        ctx.warn(TYPE_MISMATCH, "in function 'SCHEMA_VALIDATE()': expecting document object")
        return None
    if schema is None or schema == {}:
        return {"valid": True}
    if type(schema) is not dict:
        raise ArangoError(
            BAD_PARAMETER, f"second parameter is not a schema object: {to_json(schema)}"
        )
    rule = schema.get("rule")
    if type(rule) is not dict:
        raise ArangoError(1621)
    import jsonschema

    try:
        validator = jsonschema.Draft4Validator(rule)
        validator.check_schema(rule)
    except jsonschema.SchemaError as exc:
        raise ArangoError(1621) from exc
    subject = {k: v for k, v in doc.items() if k not in SYSTEM_ATTRIBUTES}
    if validator.is_valid(subject):
        return {"valid": True}
    message = schema.get("message")
    return {"valid": False, "errorMessage": message if type(message) is str else ""}


# ----------------------------------------------------------------- geo and fulltext (legacy)
def _index_of(ctx: FunctionContext, name: Any, itype: str, fn: str) -> Any:
    """The collection's index of ``itype``; ArangoDB answers 1570/1571 without one."""
    if type(name) is not str:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, fn))
    col = ctx.collection(name)
    for index in col.indexes:
        if index.type == itype:
            return col, index
    raise ArangoError(
        1570 if itype == "geo" else 1571, message_for(1570 if itype == "geo" else 1571, name)
    )


def _path(doc: Any, field: str) -> Any:
    for part in field.split("."):
        if type(doc) is not dict:
            return None
        doc = doc.get(part)
    return doc


def _coordinates(doc: dict[str, Any], index: Any) -> tuple[float, float] | None:
    """(latitude, longitude) of a document as its geo index sees it."""
    fields = index.fields
    if len(fields) == 2:
        lat, lon = _path(doc, fields[0]), _path(doc, fields[1])
    else:
        value = _path(doc, fields[0])
        geo_json = bool(index.options.get("geoJson"))
        if type(value) is dict and value.get("type") == "Point":
            value, geo_json = value.get("coordinates"), True
        if type(value) is not list or len(value) < 2:
            return None
        lat, lon = (value[1], value[0]) if geo_json else (value[0], value[1])
    if not is_number(lat) or not is_number(lon) or abs(lat) > 90 or abs(lon) > 180:
        return None
    return float(lat), float(lon)


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d1, d2 = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d1 / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d2 / 2) ** 2
    return EARTH_RADIUS_M * 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def _by_distance(ctx: FunctionContext, fn: str, name: Any, lat: Any, lon: Any) -> list[Any]:
    col, index = _index_of(ctx, name, "geo", fn)
    if not is_number(lat) or not is_number(lon):
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, fn))
    found = []
    for doc in col.docs.values():
        point = _coordinates(doc, index)
        if point is not None:
            found.append((_distance(float(lat), float(lon), *point), doc))
    found.sort(key=lambda pair: pair[0])
    return found


def _with_distance(found: list[Any], attribute: Any) -> list[Any]:
    if type(attribute) is not str or not attribute:
        return [doc for _, doc in found]
    return [{**doc, attribute: dist} for dist, doc in found]


@function("NEAR", 3, 5, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def near(
    ctx: FunctionContext, coll: Any, lat: Any, lon: Any, limit: Any = 100, attr: Any = None
) -> list[Any]:
    """The documents closest to a point (default limit 100), nearest first."""
    found = _by_distance(ctx, "NEAR", coll, lat, lon)
    count = 100 if limit is None else max(int(limit), 0) if is_number(limit) else 100
    return _with_distance(found[:count], attr)


@function("WITHIN", 4, 5, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def within(
    ctx: FunctionContext, coll: Any, lat: Any, lon: Any, radius: Any, attr: Any = None
) -> list[Any]:
    """The documents within ``radius`` metres of a point, nearest first."""
    found = _by_distance(ctx, "WITHIN", coll, lat, lon)
    limit = float(radius) if is_number(radius) else 0.0
    return _with_distance([pair for pair in found if pair[0] <= limit], attr)


@function("WITHIN_RECTANGLE", 5, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def within_rectangle(
    ctx: FunctionContext, coll: Any, lat1: Any, lon1: Any, lat2: Any, lon2: Any
) -> list[Any]:
    col, index = _index_of(ctx, coll, "geo", "WITHIN_RECTANGLE")
    if not all(is_number(x) for x in (lat1, lon1, lat2, lon2)):
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "WITHIN_RECTANGLE"))
    lat_lo, lat_hi = sorted((float(lat1), float(lat2)))
    lon_lo, lon_hi = sorted((float(lon1), float(lon2)))
    out = []
    for doc in col.docs.values():
        point = _coordinates(doc, index)
        if point and lat_lo <= point[0] <= lat_hi and lon_lo <= point[1] <= lon_hi:
            out.append(doc)
    return out


_WORD = re.compile(r"\w+", re.UNICODE)


def _words(value: Any, min_length: int) -> set[str]:
    texts = value if type(value) is list else [value]
    return {
        w.lower()[:40]
        for text in texts
        if type(text) is str
        for w in _WORD.findall(text)
        if len(w) >= min_length
    }


def _term_matches(words: set[str], term: str) -> bool:
    if term.startswith("prefix:"):
        prefix = term[7:].lower()
        return any(w.startswith(prefix) for w in words)
    if term.startswith("complete:"):
        term = term[9:]
    return term.lower() in words


@function("FULLTEXT", 3, 4, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def fulltext(ctx: FunctionContext, coll: Any, attribute: Any, query: Any, limit: Any = None) -> Any:
    """Word search over a fulltext-indexed attribute: comma-separated terms, ``+`` (and,
    the default), ``|`` (or), ``-`` (not), and ``prefix:``/``complete:`` qualifiers."""
    col, index = _index_of(ctx, coll, "fulltext", "FULLTEXT")
    if type(attribute) is not str or type(query) is not str:
        raise ArangoError(TYPE_MISMATCH, message_for(TYPE_MISMATCH, "FULLTEXT"))
    min_length = int(index.options.get("minLength") or 2)
    terms = [t.strip() for t in query.split(",") if t.strip()]
    out = []
    for doc in col.docs.values():
        words = _words(_path(doc, attribute), min_length)
        selected = False
        for i, term in enumerate(terms):
            op = term[0] if term[0] in "+|-" else "+"
            hit = _term_matches(words, term.lstrip("+|-").strip())
            if i == 0 and op != "-":
                selected = hit
            elif op == "|":
                selected = selected or hit
            elif op == "-":
                selected = selected and not hit
            else:
                selected = selected and hit
        if selected:
            out.append(doc)
    if is_number(limit) and limit > 0:
        out = out[: int(limit)]
    return out


# ----------------------------------------------------------------- MinHash
@function("MINHASH", 2, family=FAMILY)
def minhash(ctx: FunctionContext, values: Any, num_hashes: Any) -> Any:
    """The MinHash signature of ``values`` with ``numHashes`` entries (fewer for small sets)."""
    if type(values) is not list or not is_number(num_hashes) or num_hashes < 1:
        invalid_argument(ctx, "MINHASH")
        return None
    return MH.of_values(values, int(num_hashes))
