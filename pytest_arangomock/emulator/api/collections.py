"""Collections API: create, list, inspect, configure, rename, truncate and drop collections.

Field order matters to clients that compare bodies, so responses follow ArangoDB's: most
endpoints answer through ``generateOk``, which merges the payload into ``{error, code}`` via
a ``std::unordered_map``; :func:`merge_order` replays libstdc++'s bucket order to put the
keys where a real server puts them.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import json
import unicodedata
from typing import TYPE_CHECKING, Any

from ...base.errors import ArangoError
from ...state import graphs
from ...state.model import DOCUMENT, EDGE
from ..auth import require_collection
from ..router import COL_RO, DB_RO, DB_RW, route

if TYPE_CHECKING:
    from ...backend import BackendResponse
    from ...state import Collection, Database
    from ..context import Context

SERVER_ID = "5C3DDE5391BF"  # the hex part of globally unique ids

# ----------------------------------------------------------------- key order
_M64 = (1 << 64) - 1
_MUL = ((0xC6A4A793 << 32) + 0x5BD1E995) & _M64
_PRIMES = (
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
    89, 97, 103, 109, 113, 127, 137, 139, 149, 157, 167, 179, 193, 199, 211, 227, 241, 257,
)  # fmt: skip
_FAST_BUCKETS = (2, 2, 2, 3, 5, 5, 7, 7, 11, 11, 11, 11, 13, 13)


def _hash_bytes(text: str, seed: int = 0xC70F6907) -> int:
    """libstdc++'s ``std::hash<std::string_view>`` (64-bit ``_Hash_bytes``)."""

    def mix(v: int) -> int:
        return v ^ (v >> 47)

    data = text.encode("utf-8")
    n = len(data)
    aligned = n & ~7
    h = (seed ^ (n * _MUL)) & _M64
    for i in range(0, aligned, 8):
        word = int.from_bytes(data[i : i + 8], "little")
        h ^= (mix((word * _MUL) & _M64) * _MUL) & _M64
        h = (h * _MUL) & _M64
    if n & 7:
        h ^= int.from_bytes(data[aligned:], "little")
        h = (h * _MUL) & _M64
    h = (mix(h) * _MUL) & _M64
    return mix(h)


def merge_order(keys: list[str]) -> list[str]:
    """The iteration order of a libstdc++ ``unordered_map`` after inserting ``keys`` in order.

    ArangoDB's velocypack ``Collection::merge`` collects the right-hand object into such a
    map and then emits it in map order; this is that order. Answers repeat the same few key
    lists, so orders are remembered (replaying the buckets was half of a collection create).
    """
    return list(_merge_order(tuple(keys)))


@functools.lru_cache(maxsize=512)
def _merge_order(keys: tuple[str, ...]) -> tuple[str, ...]:
    order: list[str] = []
    hashes: dict[str, int] = {}
    buckets = 1
    next_resize = 0

    def place(target: list[str], key: str, nb: int) -> None:
        b = hashes[key] % nb
        for i, other in enumerate(target):
            if hashes[other] % nb == b:
                target.insert(i, key)
                return
        target.insert(0, key)

    for key in keys:
        if key in hashes:
            continue
        hashes[key] = _hash_bytes(key)
        count = len(order) + 1
        if count > next_resize:
            wanted = max(count, 0 if next_resize else 11)
            if wanted >= buckets:
                n = max(wanted + 1, buckets * 2)
                if n < len(_FAST_BUCKETS):
                    grown = _FAST_BUCKETS[n]
                else:
                    pos = bisect.bisect_left(_PRIMES, n, 6)
                    grown = _PRIMES[pos] if pos < len(_PRIMES) else n | 1
                next_resize = grown
                rehashed: list[str] = []
                for other in order:
                    place(rehashed, other, grown)
                order, buckets = rehashed, grown
            else:
                next_resize = buckets
        place(order, key, buckets)
    return tuple(order)


def generate_ok(payload: dict[str, Any], code: int = 200) -> dict[str, Any]:
    """``{"error": false, "code": N}`` merged with ``payload`` the way ``generateOk`` orders it."""
    body: dict[str, Any] = {"error": False, "code": code}
    for key in _merge_order(tuple(payload)):
        body[key] = payload[key]
    return body


# ----------------------------------------------------------------- representation
def guid(col: Collection) -> str:
    """The collection's globally unique id (system collections use their name)."""
    return col.name if col.is_system else f"h{SERVER_ID}/{col.id}"


def key_options(col: Collection) -> dict[str, Any]:
    """keyOptions as KeyGenerator::toVelocyPack writes them, lastValue included."""
    opts = col.key_options
    kind = str(opts.get("type", "traditional"))
    out: dict[str, Any] = {"allowUserKeys": bool(opts.get("allowUserKeys", True)), "type": kind}
    if kind == "autoincrement":
        out["offset"] = opts.get("offset", 0)
        out["increment"] = opts.get("increment", 1)
    if kind != "uuid":
        out["lastValue"] = col.last_value
    return out


def _schema_out(col: Collection) -> Any:
    return col.properties.get("schema")


def _base(col: Collection) -> dict[str, Any]:
    return {"id": col.id, "name": col.name, "status": 3, "type": col.type}


def short_info(col: Collection) -> dict[str, Any]:
    """The representation without properties (list entries, info, truncate, rename...)."""
    body = _base(col)
    body["isSystem"] = col.is_system
    body["globallyUniqueId"] = guid(col)
    return body


def properties(col: Collection) -> dict[str, Any]:
    """id, name, status, type followed by the properties in velocypack key order (byte-wise,
    as the literal is written: a test checks it); every collection answer builds this."""
    props = col.properties
    return {
        "id": col.id,
        "name": col.name,
        "status": 3,
        "type": col.type,
        "cacheEnabled": bool(props.get("cacheEnabled", False)),
        "computedValues": props.get("computedValues"),
        "globallyUniqueId": guid(col),
        "internalValidatorType": 0,
        "isSmartChild": False,
        "isSystem": col.is_system,
        "keyOptions": key_options(col),
        "objectId": col.object_id,
        "schema": _schema_out(col),
        "statusString": "loaded",
        "supportsRBAC": True,
        "syncByRevision": True,
        "usesRevisionsAsDocumentIds": True,
        "waitForSync": bool(props.get("waitForSync", False)),
        "writeConcern": props.get("writeConcern", 1),
    }


def _with_properties(col: Collection, **extra: Any) -> dict[str, Any]:
    body = properties(col)
    body.update(extra)
    return body


def _location(ctx: Context) -> dict[str, str]:
    path = ctx.request.path
    if not path.startswith("/_db/"):
        path = f"/_db/{ctx.db.name}{path}"
    return {"location": path}


def _ok(ctx: Context, payload: dict[str, Any], *, location: bool = True) -> BackendResponse:
    return ctx.json(200, generate_ok(payload), _location(ctx) if location else None)


# ----------------------------------------------------------------- lookups
def lookup(db: Database, name: str) -> Collection:
    """A collection by name or numeric id; 404/1203 with ArangoDB's plain message."""
    col = db.find_collection(name)
    if col is None:
        raise ArangoError(1203, "collection or view not found", 404)
    return col


# ----------------------------------------------------------------- validation
def valid_collection_name(name: str, allow_system: bool) -> bool:
    """CollectionNameValidator with extended names (the 3.12 default)."""
    if not name or len(name.encode("utf-8", "surrogatepass")) > 256:
        return False
    if any(c == "/" or ord(c) < 32 for c in name):
        return False
    first = name[0]
    if "0" <= first <= "9" or first in ". " or name[-1] == " ":
        return False
    if first == "_" and not allow_system:
        return False
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_collection_name(name: str, allow_system: bool) -> None:
    if not valid_collection_name(name, allow_system):
        raise ArangoError(1208, "illegal name: collection name invalid", 400)
    # ASCII text is always in NFC: most names never reach the Unicode tables
    if not name.isascii() and unicodedata.normalize("NFC", name) != name:
        raise ArangoError(1208, "collection name is not properly UTF-8 NFC-normalized", 400)


def _key_generator_error(message: str) -> ArangoError:
    return ArangoError(1232, message, 400)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def normalize_key_options(raw: Any) -> dict[str, Any]:
    """keyOptions with defaults; ArangoDB's 1232 errors for bad generator settings."""
    if not isinstance(raw, dict):
        raw = {}
    kind = raw.get("type", "traditional")
    if not isinstance(kind, str):
        kind = "traditional"
    kind = kind.lower()
    if kind not in ("traditional", "autoincrement", "uuid", "padded"):
        raise _key_generator_error("invalid key generator type")
    allow = raw.get("allowUserKeys", True)
    out: dict[str, Any] = {
        "allowUserKeys": allow if isinstance(allow, bool) else True,
        "type": kind,
    }
    last = raw.get("lastValue")
    if _number(last) and last < 0:
        raise _key_generator_error("'lastValue' value must be greater than zero")
    if kind == "autoincrement":
        increment, offset = 1, 0
        inc = raw.get("increment")
        if _number(inc):
            if inc <= 0:
                raise _key_generator_error("increment value must be greater than zero")
            increment = int(inc)
            if increment == 0 or increment >= 1 << 16:
                raise _key_generator_error(
                    "increment value must be greater than zero and smaller than 65536"
                )
        off = raw.get("offset")
        if _number(off):
            if off < 0:
                raise _key_generator_error("offset value must be zero or greater")
            offset = int(off)
            if offset >= (1 << 64) - 1:
                raise _key_generator_error("offset value is too high")
        out["increment"] = increment
        out["offset"] = offset
    if _number(last):
        out["lastValue"] = int(last)
    return out


_LEVELS = ("none", "new", "moderate", "strict")


def normalize_schema(raw: Any) -> dict[str, Any] | None:
    """The stored schema (message, level, type, rule) or ``None``; 1621 for bad definitions."""
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, dict):
        raise ArangoError(1621, "Schema description is not an object.", 400)
    level = raw.get("level", "strict")
    if isinstance(level, str) and level not in _LEVELS:
        raise ArangoError(1621, "Valid validation levels are: " + ", ".join(_LEVELS), 400)
    if not isinstance(level, str):
        level = "strict"
    rule = raw.get("rule")
    if not isinstance(rule, dict):
        text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
        raise ArangoError(1621, f"No valid schema in rule attribute given (no object): {text}", 400)
    message = raw.get("message")
    return {
        "message": message if isinstance(message, str) else "",
        "level": level,
        "type": "json",
        "rule": rule,
    }


_RESERVED = ("_id", "_rev", "_key", "_from", "_to")


def normalize_computed_values(raw: Any) -> list[dict[str, Any]] | None:
    """Computed value definitions in ArangoDB's stored form; 10 with its messages if invalid."""
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise ArangoError(10, "Computed values description is not an array.", 400)
    if not raw:
        return None
    out: list[dict[str, Any]] = []
    names: set[str] = set()

    def bad(detail: str) -> ArangoError:
        return ArangoError(
            10,
            f"Error when validating computedValues: invalid 'computedValues' entry: {detail}",
            400,
        )

    for item in raw:
        item = item if isinstance(item, dict) else {}
        name = item.get("name")
        if not isinstance(name, str) or not name:
            raise bad("invalid attribute name")
        if name in _RESERVED:
            raise bad(f"'{name}' attribute must not be computed via computation expression")
        if name == "_key":
            raise bad("cannot compute values for shard key attributes")
        overwrite = item.get("overwrite")
        if not isinstance(overwrite, bool):
            raise bad("'overwrite' must be a boolean")
        on = item.get("computeOn", ["insert", "update", "replace"])
        if not isinstance(on, list):
            raise bad("invalid 'computeOn' value")
        for value in on:
            if not isinstance(value, str):
                raise bad("invalid 'computeOn' value")
            if value not in ("insert", "update", "replace"):
                raise bad(f"invalid 'computeOn' value: '{value}'")
        if not on:
            raise bad("empty 'computeOn' value")
        expression = item.get("expression")
        if not isinstance(expression, str):
            raise bad("invalid 'expression' value")
        if name in names:
            raise bad(f"duplicate attribute name '{name}'")
        names.add(name)
        fow, keep = item.get("failOnWarning"), item.get("keepNull")
        out.append(
            {
                "name": name,
                "expression": expression,
                "computeOn": [v for v in ("insert", "update", "replace") if v in on],
                "overwrite": overwrite,
                "failOnWarning": fow if isinstance(fow, bool) else False,
                "keepNull": keep if isinstance(keep, bool) else True,
            }
        )
    return out


def _collection_type(value: Any) -> int:
    if value == "edge" or value == "3" or (_number(value) and int(value) == EDGE):
        return EDGE
    return DOCUMENT


# ----------------------------------------------------------------- routes
@route("GET", "/_api/collection", area="collection", access=DB_RO)
def list_collections(ctx: Context) -> BackendResponse:
    """List the collections the user can read."""
    exclude = ctx.flag("excludeSystem")
    result = []
    for col in ctx.db.collections.values():
        if exclude and col.is_system:
            continue
        try:
            require_collection(ctx, col.name, "ro")
        except ArangoError:
            continue
        result.append(short_info(col))
    return ctx.json(200, {"error": False, "code": 200, "result": result})


@route("POST", "/_api/collection", area="collection", access=DB_RW)
def create_collection(ctx: Context) -> BackendResponse:
    """Create a document or edge collection."""
    body = ctx.body()
    if not isinstance(body, dict):
        raise ArangoError(1208, "illegal name", 400)
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise ArangoError(1208, "illegal name", 400)
    is_system = body.get("isSystem") is True
    check_collection_name(name, is_system)
    ctype = _collection_type(body.get("type"))
    keys = normalize_key_options(body.get("keyOptions"))
    schema = normalize_schema(body.get("schema"))
    computed = normalize_computed_values(body.get("computedValues"))
    props: dict[str, Any] = {"schema": schema, "computedValues": computed}
    for flag in ("waitForSync", "cacheEnabled"):
        if isinstance(body.get(flag), bool):
            props[flag] = body[flag]
    if name in ctx.db.collections:
        raise ArangoError(1207, "duplicate name", 409)
    last = keys.pop("lastValue", 0)
    col = ctx.db.create_collection(
        name, ctype, is_system=is_system or name.startswith("_"), properties=props, key_options=keys
    )
    col.last_value = last
    return ctx.json(200, generate_ok(properties(col)))


@route("GET", "/_api/collection/{collection}", area="collection", access=COL_RO)
def get_collection(ctx: Context) -> BackendResponse:
    """Basic information about a collection."""
    col = lookup(ctx.db, ctx.params["collection"])
    return _ok(ctx, short_info(col), location=False)


def _figures(col: Collection, details: bool = False) -> dict[str, Any]:
    """``figures``; with ``details`` also ``engine``: the document count and, per index
    (ArangoSearch-based ones aside), its type, numeric id and number of entries, as
    ``RocksDBCollection::figuresSpecific`` reports them."""
    docs_size = sum(len(json.dumps(d, separators=(",", ":"))) + 16 for d in col.docs.values())
    figures: dict[str, Any] = {
        "indexes": {"count": len(col.indexes), "size": 0 if not col.docs else docs_size // 4},
        "documentsSize": docs_size,
        "cacheInUse": bool(col.properties.get("cacheEnabled", False)),
        "cacheSize": 0,
        "cacheUsage": 0,
    }
    if details:
        figures["engine"] = {
            "documents": len(col.docs),
            "indexes": [
                {"type": index.type, "id": int(index.id), "count": _index_entries(col, index)}
                for index in col.indexes
                if index.type != "inverted"
            ],
        }
    return figures


def _index_entries(col: Collection, index: Any) -> int:
    """How many entries ``index`` holds: one per document, or what it derives from each
    (array expansion, sparse skips) where the index says."""
    entries = getattr(index, "entries", None)
    if entries is None:
        return len(col.docs)
    return sum(len(entries(doc)) for doc in col.docs.values())


def checksum(col: Collection, with_revisions: bool, with_data: bool) -> str:
    """An order-independent checksum over keys (and revisions, and data) as a decimal string."""
    total = 0
    for key, doc in col.docs.items():
        h = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
        if with_revisions:
            rev = str(doc.get("_rev", ""))
            h = (
                h + int.from_bytes(hashlib.blake2b(rev.encode(), digest_size=8).digest(), "big")
            ) & _M64
        if with_data:
            rest = {k: v for k, v in doc.items() if k not in ("_id", "_key", "_rev")}
            text = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            h ^= int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")
        total ^= h
    return str(total)


def revision(col: Collection) -> str:
    return str(col.revision)


def _sub(ctx: Context) -> str:
    """The action segment, whether the route names it or matched it as a parameter."""
    return ctx.params.get("sub") or ctx.request.path.rstrip("/").rsplit("/", 1)[-1]


_GET_SUBS = ("checksum", "count", "figures", "properties", "revision", "shards")
_PUT_SUBS = (
    "load",
    "unload",
    "compact",
    "responsibleShard",
    "truncate",
    "properties",
    "rename",
    "loadIndexesIntoMemory",
    "recalculateCount",
)


def get_collection_sub(ctx: Context) -> BackendResponse:
    """checksum, count, figures, properties, revision, shards of a collection."""
    col = lookup(ctx.db, ctx.params["collection"])
    sub = _sub(ctx)
    if sub == "checksum":
        payload = {
            "checksum": checksum(col, ctx.flag("withRevisions"), ctx.flag("withData")),
            "revision": revision(col),
        }
        payload.update(short_info(col))
        return _ok(ctx, payload)
    if sub == "figures":
        figures = _figures(col, ctx.flag("details"))
        return _ok(ctx, _with_properties(col, figures=figures, count=len(col.docs)))
    if sub == "count":
        return _ok(ctx, _with_properties(col, count=len(col.docs)))
    if sub == "properties":
        return _ok(ctx, properties(col))
    if sub == "revision":
        payload = {"revision": revision(col)}
        payload.update(properties(col))
        return _ok(ctx, payload)
    if sub == "shards":
        raise ArangoError(9, "shards API is only available in a cluster", 501)
    raise ArangoError(
        404,
        "expecting one of the resources 'checksum', 'count', 'figures', 'properties', "
        "'responsibleShard', 'revision', 'shards'",
        404,
    )


_PUT_ACTIONS = (
    "expecting one of the actions 'load', 'unload', 'truncate', 'properties', 'compact', "
    "'rename', 'loadIndexesIntoMemory'"
)
_WRITES = ("truncate", "properties", "rename")


def put_collection_sub(ctx: Context) -> BackendResponse:
    """load, unload, compact, truncate, properties, rename, loadIndexesIntoMemory..."""
    sub = _sub(ctx)
    body = ctx.body(allow_empty=True)
    if sub != "responsibleShard" and not isinstance(body, dict):
        body = {}
    col = lookup(ctx.db, ctx.params["collection"])
    if sub in _WRITES:
        ctx.require_database("rw")
        ctx.require_collection(col.name, "rw")
    if sub == "load":
        info = short_info(col)
        if body.get("count", True) is not False:
            info["count"] = len(col.docs)
        return _ok(ctx, info)
    if sub in ("unload", "compact"):
        return _ok(ctx, short_info(col))
    if sub == "responsibleShard":
        raise ArangoError(1471, "this operation is only valid on a coordinator in a cluster", 501)
    if sub == "truncate":
        col.truncate()
        return _ok(ctx, short_info(col))
    if sub == "properties":
        _update_properties(col, body)
        return _ok(ctx, properties(col))
    if sub == "rename":
        return _rename(ctx, col, body)
    if sub == "loadIndexesIntoMemory":
        return _ok(ctx, {"result": True})
    if sub == "recalculateCount":
        return _ok(ctx, {"result": True, "count": len(col.docs)})
    raise ArangoError(404, _PUT_ACTIONS, 404)


def _update_properties(col: Collection, body: dict[str, Any]) -> None:
    """Apply the changeable properties; validate everything before changing anything."""
    changes: dict[str, Any] = {}
    if "schema" in body:
        changes["schema"] = normalize_schema(body["schema"])
    if "computedValues" in body:
        changes["computedValues"] = normalize_computed_values(body["computedValues"])
    for flag in ("waitForSync", "cacheEnabled"):
        if isinstance(body.get(flag), bool):
            changes[flag] = body[flag]
    col.properties.update(changes)


def _rename(ctx: Context, col: Collection, body: dict[str, Any]) -> BackendResponse:
    new_name = body.get("name")
    if not isinstance(new_name, str):
        raise ArangoError(1208, "name is empty", 400)
    if not new_name:
        raise ArangoError(10, "<name> must be non-empty", 400)
    if new_name != col.name:
        if col.is_system:
            raise ArangoError(11, "forbidden", 403)
        if new_name.startswith("_"):
            raise ArangoError(
                1208,
                "a system collection shall not be renamed to a non-system collection name "
                "or vice versa",
                400,
            )
        check_collection_name(new_name, False)
        old_name = col.name
        ctx.db.rename_collection(col, new_name)
        graphs.rename_collection(ctx.db, old_name, new_name)
    return _ok(ctx, short_info(col))


@route("DELETE", "/_api/collection/{collection}", area="collection", access=COL_RO)
def drop_collection(ctx: Context) -> BackendResponse:
    """Drop a collection (system collections need ``isSystem=true``)."""
    col = lookup(ctx.db, ctx.params["collection"])
    ctx.require_database("rw")
    try:
        require_collection(ctx, col.name, "rw")
    except ArangoError:
        raise ArangoError(11, f"Insufficient rights to drop collection {col.name}", 403) from None
    reason = graphs.membership(ctx.db, col.name)
    if reason is not None:
        raise ArangoError(1942, f"must not drop collection while part of graph: {reason}", 403)
    if col.is_system and not ctx.flag("isSystem"):
        raise ArangoError(11, "forbidden", 403)
    ctx.db.drop_collection(col.name)
    return ctx.json(200, {"error": False, "code": 200, "id": col.id})


@route("PUT", "/_api/collection/{collection}/{sub}/{extra}", area="collection", access=COL_RO)
def put_too_deep(ctx: Context) -> BackendResponse:
    """Extra path segments: ArangoDB's 400."""
    raise ArangoError(400, "expected PUT /_api/collection/<collection-name>/<action>", 400)


@route("GET", "/_api/collection/{collection}/{sub}/{extra}", area="collection", access=COL_RO)
def get_too_deep(ctx: Context) -> BackendResponse:
    """Extra path segments: ArangoDB's 400."""
    raise ArangoError(400, "expect GET /_api/collection/<collection-name>/<method>", 400)


def _register() -> None:
    """One route per documented action plus a catch-all; the cluster-only actions answer
    501 on a single server and count as not emulated."""
    for method, subs, handler, cluster_only in (
        ("GET", _GET_SUBS, get_collection_sub, "shards"),
        ("PUT", _PUT_SUBS, put_collection_sub, "responsibleShard"),
    ):
        for sub in (*subs, "{sub}"):
            pattern = f"/_api/collection/{{collection}}/{sub}"
            emulated = sub != cluster_only
            route(method, pattern, area="collection", access=COL_RO, emulated=emulated)(handler)


_register()
