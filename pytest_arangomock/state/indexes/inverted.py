"""The ``inverted`` index: its full definition with ArangoDB's defaults; searches scan.

The data-store part (intervals, consolidation policy, write buffers) is the one
``arangosearch`` views share (``state/datastore.py``); the rest follows the 3.12 OpenAPI
description of ``POST /_api/index#inverted``. Invalid values answer 400/10 naming the
attribute, as ArangoDB's inverted-index factory does.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ...base.errors import ArangoError
from .. import datastore as DS
from .base import DescribedIndex
from .registry import Definition, IndexType, register, validate_fields

_FLAGS = ("includeAllFields", "trackListPositions", "searchField", "cache", "primaryKeyCache")


class InvertedIndex(DescribedIndex):
    """An inverted index (what ``search-alias`` views are made of)."""

    type = "inverted"


class _Invalid(ArangoError):
    """An attribute of the definition ArangoDB's inverted-index meta refuses."""

    def __init__(self, attr: str) -> None:
        super().__init__(10, attr, 400)
        self.attr = attr


def _err(attr: str) -> ArangoError:
    return _Invalid(attr)


def _refusal(attr: str, body: dict[str, Any]) -> ArangoError:
    """The factory's answer: the attribute, then the definition as it was sent."""
    shown = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return ArangoError(
        10,
        f"failed to normalize index fields from definition, error in attribute '{attr}': {shown}",
        400,
    )


def _flag(body: dict[str, Any], key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise _err(key)
    return value


def _primary_sort(value: Any) -> dict[str, Any]:
    """``{fields: [{field, asc}], compression, cache}``: the view's sort shape, per field."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _err("primarySort")
    out_fields = DS.sort_fields(value.get("fields", []), _err, "primarySort.fields")
    compression = value.get("compression", "lz4")
    if compression not in ("lz4", "none"):
        raise _err("primarySort.compression")
    return {"fields": out_fields, "compression": compression, "cache": _flag(value, "cache")}


def _stored_values(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _err("storedValues")
    out = []
    for item in value:
        item = {"fields": [item]} if isinstance(item, str) else item
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("fields"), list)
            or not all(isinstance(f, str) for f in item["fields"])
            or item.get("compression", "lz4") not in ("lz4", "none")
        ):
            raise _err("storedValues")
        out.append(
            {
                "fields": list(item["fields"]),
                "compression": item.get("compression", "lz4"),
                "cache": _flag(item, "cache"),
            }
        )
    return out


def _inverted_options(body: dict[str, Any], fields: list[Any]) -> dict[str, Any]:
    """An inverted index's definition with ArangoDB's defaults for what was not given."""
    norm_fields = [f if isinstance(f, dict) else {"name": f} for f in fields]
    analyzer = body.get("analyzer", "identity")
    if not isinstance(analyzer, str):
        raise _err("analyzer")
    features = body.get("features", [])
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise _err("features")
    top_k = body.get("optimizeTopK", [])
    if not isinstance(top_k, list) or not all(isinstance(t, str) for t in top_k):
        raise _err("optimizeTopK")
    policy = body.get("consolidationPolicy")
    out: dict[str, Any] = {"fields": norm_fields, "analyzer": analyzer, "features": features}
    out.update({key: _flag(body, key) for key in _FLAGS})
    out["primarySort"] = _primary_sort(body.get("primarySort"))
    out["storedValues"] = _stored_values(body.get("storedValues"))
    out["optimizeTopK"] = list(top_k)
    out["version"] = 1
    out.update(DS.uints(body, DS.INTERVAL_DEFAULTS, _err))
    out["consolidationPolicy"] = (
        dict(DS.TIER_DEFAULT) if policy is None else DS.consolidation(policy, _err)
    )
    out.update(DS.uints(body, DS.WRITEBUFFER_DEFAULTS, _err))
    return out


class _InvertedType(IndexType[InvertedIndex]):
    name = InvertedIndex.type
    ordered_fields = False
    index_class = InvertedIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, math.inf, inverted=True)
        try:
            options = _inverted_options(body, fields)
        except _Invalid as exc:
            raise _refusal(exc.attr, body) from None
        return Definition(self.name, options.pop("fields"), False, True, options)


register(_InvertedType())
