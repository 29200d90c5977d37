"""The ``inverted`` index: its full definition with ArangoDB's defaults; searches scan."""

from __future__ import annotations

import math
from typing import Any

from .base import DescribedIndex
from .registry import Definition, IndexType, flag, register, validate_fields


class InvertedIndex(DescribedIndex):
    """An inverted index (what ``search-alias`` views are made of)."""

    type = "inverted"


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
        "includeAllFields": flag(body, "includeAllFields", False),
        "trackListPositions": flag(body, "trackListPositions", False),
        "searchField": flag(body, "searchField", False),
        "cache": flag(body, "cache", False),
        "primaryKeyCache": flag(body, "primaryKeyCache", False),
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


class _InvertedType(IndexType[InvertedIndex]):
    name = InvertedIndex.type
    ordered_fields = False
    index_class = InvertedIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, math.inf, inverted=True)
        options = _inverted_options(body, fields)
        return Definition(self.name, options.pop("fields"), False, True, options)


register(_InvertedType())
