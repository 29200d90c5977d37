"""The ``geo`` index (aliases ``geo1``, ``geo2``): described; geo functions scan instead."""

from __future__ import annotations

from typing import Any

from .base import DescribedIndex
from .registry import Definition, IndexType, check_expansion, flag, register, validate_fields


class GeoIndex(DescribedIndex):
    """A geo index over one GeoJSON (or ``[lat, lng]``) attribute or two number attributes."""

    type = "geo"


class _GeoType(IndexType[GeoIndex]):
    name = GeoIndex.type
    aliases = ("geo1", "geo2")
    ordered_fields = False
    index_class = GeoIndex

    def define(self, body: dict[str, Any]) -> Definition:
        fields = validate_fields(body, "fields", 1, 2)
        check_expansion(fields, False)
        options = {
            "geoJson": flag(body, "geoJson", False) if len(fields) == 1 else False,
            "legacyPolygons": flag(body, "legacyPolygons", False),
            "bestIndexedLevel": 17,
            "worstIndexedLevel": 4,
            "maxNumCoverCells": 8,
        }
        return Definition(self.name, fields, False, True, options)

    def same_options(self, existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
        return existing.get("geoJson") == wanted.get("geoJson")


register(_GeoType())
