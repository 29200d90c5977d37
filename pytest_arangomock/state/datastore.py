"""ArangoSearch data-store properties shared by ``arangosearch`` views and inverted indexes.

ArangoDB keeps them in one ``IResearchDataStoreMeta``: commit, cleanup and consolidation
intervals, the consolidation policy and the write buffers. Since 3.12.7 the ``tier`` policy
has ``segmentsBytesMax``, ``maxSkewThreshold`` and ``minDeletionRatio`` (the older
``segmentsBytesFloor``/``segmentsMax``/``segmentsMin``/``minScore`` are gone); the OpenAPI
description of 3.12 gives the defaults used here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..base.errors import ArangoError

Err = Callable[[str], ArangoError]

# mutable properties, reset to these on a PUT that omits them
INTERVAL_DEFAULTS: dict[str, int] = {
    "cleanupIntervalStep": 2,
    "commitIntervalMsec": 1000,
    "consolidationIntervalMsec": 5000,
}
TIER_DEFAULT: dict[str, Any] = {
    "type": "tier",
    "segmentsBytesMax": 8589934592,
    "maxSkewThreshold": 0.4,
    "minDeletionRatio": 0.5,
}
WRITEBUFFER_DEFAULTS: dict[str, int] = {
    "writebufferActive": 0,
    "writebufferIdle": 64,
    "writebufferSizeMax": 33554432,
}


#: the largest ``size_t``: these properties are read with velocypack's
#: ``isNumber<size_t>``, which refuses anything a 64-bit unsigned integer cannot hold
_SIZE_MAX = 2**64 - 1


def is_uint(value: Any) -> bool:
    """A whole number that fits a ``size_t`` (JSON numbers like ``5.0`` count)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and 0 <= value <= _SIZE_MAX
        and int(value) == value
    )


def _ratio(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def consolidation(value: Any, err: Err) -> dict[str, Any]:
    """A consolidation policy with its type's defaults; ``err(attribute)`` for bad input."""
    if not isinstance(value, dict):
        raise err("consolidationPolicy")
    ctype = value.get("type")
    if ctype == "bytes_accum":
        threshold = value.get("threshold", 0)
        if not _ratio(threshold):
            raise err("consolidationPolicy.threshold")
        return {"type": "bytes_accum", "threshold": threshold}
    if ctype != "tier":
        raise err("consolidationPolicy.type")
    out = dict(TIER_DEFAULT)
    if "segmentsBytesMax" in value:
        if not is_uint(value["segmentsBytesMax"]):
            raise err("consolidationPolicy.segmentsBytesMax")
        out["segmentsBytesMax"] = int(value["segmentsBytesMax"])
    for key in ("maxSkewThreshold", "minDeletionRatio"):
        if key in value:
            if not _ratio(value[key]):
                raise err(f"consolidationPolicy.{key}")
            out[key] = value[key]
    return out


def uints(body: dict[str, Any], defaults: dict[str, int], err: Err) -> dict[str, int]:
    """The unsigned-integer properties of ``defaults``, taken from ``body`` where given."""
    out = dict(defaults)
    for key in defaults:
        if key in body:
            if not is_uint(body[key]):
                raise err(key)
            out[key] = int(body[key])
    return out


def sort_fields(value: Any, err: Err, prefix: str) -> list[dict[str, Any]]:
    """Primary-sort entries as ``IResearchSortBase`` reads them: each an object of exactly
    two attributes, ``field`` and either ``direction`` ("asc"/"desc") or ``asc`` (boolean);
    refusals name ``<prefix>[i]``, ``<prefix>[i].direction``, ``.asc`` or ``.field``."""
    if not isinstance(value, list):
        raise err(prefix)
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or len(item) != 2:
            raise err(f"{prefix}[{i}]")
        if "direction" in item:
            direction = item["direction"]
            if not isinstance(direction, str) or direction.lower() not in ("asc", "desc"):
                raise err(f"{prefix}[{i}].direction")
            asc = direction.lower() == "asc"
        elif isinstance(item.get("asc"), bool):
            asc = item["asc"]
        else:
            raise err(f"{prefix}[{i}].asc")
        field = item.get("field")
        if not isinstance(field, str) or not field:
            raise err(f"{prefix}[{i}].field")
        out.append({"field": field, "asc": asc})
    return out
