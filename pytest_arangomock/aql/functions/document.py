"""AQL document/object functions (ArangoDB 3.12): attributes, merging, filtering, JSON, DOCUMENT.

Key order follows what ArangoDB's velocypack produces: functions that rebuild an object by
walking its index table (UNSET, KEEP, MERGE's left side, ATTRIBUTES) emit keys in byte
order; VALUES, ENTRIES and ZIP keep the order of the input. Arguments are never mutated.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ...base.errors import ArangoError
from ...base.values import (
    equals,
    format_number,
    is_number,
    normalize_number,
    to_bool,
    to_json,
    to_string,
)
from . import Arg, FunctionContext, function, invalid_argument

FAMILY = "document"


# ----------------------------------------------------------------- attributes
@function("HAS", 2, family=FAMILY)
def has(ctx: FunctionContext, value: Any, name: Any) -> bool:
    """Non-string names are looked up by their string form (null is "")."""
    return type(value) is dict and to_string(name) in value


def _sorted_keys(obj: dict[str, Any]) -> list[str]:
    """Keys in velocypack index-table order (UTF-8 byte order, i.e. code point order)."""
    return sorted(obj)


@function("ATTRIBUTES", 1, 3, aliases=("KEYS",), family=FAMILY)
def attributes(
    ctx: FunctionContext, value: Any, remove_internal: Any = False, sort: Any = False
) -> Any:
    if type(value) is not dict:
        invalid_argument(ctx, "ATTRIBUTES")
        return None
    skip = to_bool(remove_internal)
    return [k for k in _sorted_keys(value) if not (skip and k.startswith("_"))]


@function("VALUES", 1, 2, family=FAMILY)
def values(ctx: FunctionContext, value: Any, remove_internal: Any = False) -> Any:
    if type(value) is not dict:
        invalid_argument(ctx, "VALUES")
        return None
    skip = to_bool(remove_internal)
    return [v for k, v in value.items() if not (skip and k.startswith("_"))]


@function("ENTRIES", 1, family=FAMILY)
def entries(ctx: FunctionContext, value: Any) -> Any:
    if type(value) is not dict:
        invalid_argument(ctx, "ENTRIES")
        return None
    return [[k, v] for k, v in value.items()]


@function("VALUE", 2, family=FAMILY)
def value_(ctx: FunctionContext, value: Any, path: Any) -> Any:
    """Follow a path of attribute names and array positions; any miss gives null."""
    if type(value) is not dict or type(path) is not list:
        invalid_argument(ctx, "VALUE")
        return None
    if not path:
        return None
    current: Any = value
    for step in path:
        if type(step) is str:
            if type(current) is not dict or step not in current:
                return None
            current = current[step]
        elif is_number(step):
            index = _array_index(step)
            if type(current) is not list or index is None or index >= len(current):
                return None
            current = current[index]
        else:
            return None
    return current


def _array_index(step: float | int) -> int | None:
    if type(step) is float and (math.isnan(step) or math.isinf(step)):
        return None
    index = int(step)
    return index if index >= 0 else None


@function("ZIP", 2, family=FAMILY)
def zip_(ctx: FunctionContext, keys: Any, vals: Any) -> Any:
    """Keys are stringified; a repeated key keeps its first value."""
    if type(keys) is not list or type(vals) is not list or len(keys) != len(vals):
        invalid_argument(ctx, "ZIP")
        return None
    out: dict[str, Any] = {}
    for k, v in zip(keys, vals, strict=True):
        out.setdefault(to_string(k), v)
    return out


@function("TRANSLATE", 2, 3, family=FAMILY)
def translate(ctx: FunctionContext, key: Any, lookup: Any, *default: Any) -> Any:
    if type(lookup) is not dict:
        invalid_argument(ctx, "TRANSLATE")
        return None
    name = to_string(key)
    if name in lookup:
        return lookup[name]
    return default[0] if default else key


# ----------------------------------------------------------------- keep / unset
def _names(ctx: FunctionContext, fn: str, args: tuple[Any, ...]) -> set[str]:
    """Attribute names from strings, numbers (as printed) and arrays of strings; other
    array members are warned about, other argument types ignored."""
    names: set[str] = set()
    for arg in args:
        if type(arg) is str:
            names.add(arg)
        elif is_number(arg):
            names.add(format_number(arg))
        elif type(arg) is list:
            for item in arg:
                if type(item) is str:
                    names.add(item)
                else:
                    invalid_argument(ctx, fn)
    return names


def _filter(obj: dict[str, Any], names: set[str], keep: bool, recursive: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in _sorted_keys(obj):
        if (k in names) == keep:
            v = obj[k]
            out[k] = _filter(v, names, keep, recursive) if recursive and type(v) is dict else v
    return out


def _keep_or_unset(fn: str, keep: bool, recursive: bool) -> Any:
    def impl(ctx: FunctionContext, value: Any, *args: Any) -> Any:
        if type(value) is not dict:
            invalid_argument(ctx, fn)
            return None
        return _filter(value, _names(ctx, fn, args), keep, recursive)

    impl.__doc__ = f"{fn}: {'keep' if keep else 'remove'} the named attributes" + (
        " at every level of nesting." if recursive else "."
    )
    return impl


for _fn, _keep, _recursive in (
    ("UNSET", False, False),
    ("UNSET_RECURSIVE", False, True),
    ("KEEP", True, False),
    ("KEEP_RECURSIVE", True, True),
):
    function(_fn, 2, None, family=FAMILY)(_keep_or_unset(_fn, _keep, _recursive))


# ----------------------------------------------------------------- merge
def merge_objects(left: dict[str, Any], right: dict[str, Any], recursive: bool) -> dict[str, Any]:
    """velocypack's Collection::merge: the left object's keys (index order) with right values
    winning, nested objects merged when ``recursive``, then the keys only right has."""
    out: dict[str, Any] = {}
    for k in _sorted_keys(left):
        if k not in right:
            out[k] = left[k]
        elif recursive and type(left[k]) is dict and type(right[k]) is dict:
            out[k] = merge_objects(left[k], right[k], True)
        else:
            out[k] = right[k]
    for k, v in right.items():
        if k not in left:
            out[k] = v
    return out


def _merge(fn: str, recursive: bool) -> Any:
    def impl(ctx: FunctionContext, first: Any, *rest: Any) -> Any:
        if type(first) is list and not rest:
            if any(type(item) is not dict for item in first):
                invalid_argument(ctx, fn)
                return None
            if not recursive:
                flat: dict[str, Any] = {}
                for item in first:
                    flat.update(item)
                return flat
            result: dict[str, Any] = {}
            for item in first:
                result = merge_objects(result, item, True)
            return result
        if type(first) is not dict or any(type(item) is not dict for item in rest):
            invalid_argument(ctx, fn)
            return None
        result = first
        for item in rest:
            result = merge_objects(result, item, recursive)
        return result

    impl.__doc__ = f"{fn}: merge objects (or one array of objects); later values win."
    return impl


function("MERGE", 1, None, family=FAMILY)(_merge("MERGE", False))
function("MERGE_RECURSIVE", 1, None, family=FAMILY)(_merge("MERGE_RECURSIVE", True))


# ----------------------------------------------------------------- matching
@function("MATCHES", 2, 3, family=FAMILY)
def matches(ctx: FunctionContext, doc: Any, examples: Any, return_index: Any = False) -> Any:
    """An example attribute that is null also matches a missing attribute."""
    if type(doc) is not dict:
        return False
    want_index = to_bool(return_index)
    candidates = examples if type(examples) is list else [examples]
    for i, example in enumerate(candidates):
        if type(example) is not dict:
            invalid_argument(ctx, "MATCHES")
            continue
        if all(
            (v is None and k not in doc) or (k in doc and equals(doc[k], v))
            for k, v in example.items()
        ):
            return i if want_index else True
    return -1 if want_index else False


# ----------------------------------------------------------------- JSON
@function("JSON_STRINGIFY", 1, family=FAMILY)
def json_stringify(ctx: FunctionContext, value: Any) -> str:
    return to_json(value)


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _json_int(text: str) -> Any:
    """Integers beyond int64 become doubles, as velocypack's parser stores them."""
    return normalize_number(int(text))


@function("JSON_PARSE", 1, family=FAMILY)
def json_parse(ctx: FunctionContext, text: Any) -> Any:
    """Strict JSON (no NaN/Infinity); anything else is warning 1542 and null."""
    if type(text) is not str:
        invalid_argument(ctx, "JSON_PARSE")
        return None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=_json_int)
    except (ValueError, RecursionError):
        invalid_argument(ctx, "JSON_PARSE")
        return None


# ----------------------------------------------------------------- DOCUMENT
def _lookup(ctx: FunctionContext, collection: str, identifier: str) -> Any:
    """One document by key or id; missing collection, missing document or an id of another
    collection all give None."""
    collection_name, slash, key = identifier.partition("/")
    if slash:
        if collection and collection != collection_name:
            return None
        collection = collection_name
    else:
        key = identifier
    if not collection:
        return None
    try:
        col = ctx.collection(collection)
    except ArangoError as exc:
        if exc.num == 1203:
            return None
        raise
    return col.docs.get(key)


def _fetch(ctx: FunctionContext, collection: str, ids: Any) -> Any:
    if type(ids) is str:
        return _lookup(ctx, collection, ids)
    if type(ids) is list:
        found = (_lookup(ctx, collection, i) for i in ids if type(i) is str)
        return [doc for doc in found if doc is not None]
    return None


@function("DOCUMENT", 1, 2, deterministic=False, family=FAMILY, args=(Arg.COLLECTION,))
def document(ctx: FunctionContext, first: Any, *rest: Any) -> Any:
    """DOCUMENT(id | [ids]) or DOCUMENT(collection, key | id | [keys or ids])."""
    if not rest:
        return _fetch(ctx, "", first)
    if type(first) is not str:
        invalid_argument(ctx, "DOCUMENT")
        return None
    return _fetch(ctx, first, rest[0])
