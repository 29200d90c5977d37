"""A vector index's ``params``: parsed and checked as ArangoDB 3.12.10 parses them.

ArangoDB reads ``params`` into ``UserVectorIndexDefinition`` with its inspection library, so
errors come out as that library words them ("Missing required attribute 'metric'",
"Unknown enum value cosinus", "Found unexpected attribute 'x'") behind the index factory's
prefix. Fields are read in the definition's order and the first failure wins; unknown
attributes are only reported once every known field parsed. ``nLists`` is a number (fixed
mode) or a scaling object; when neither parses, the library only says it found no matching
alternative.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ...base.errors import ArangoError

#: the metrics and the AQL function each one answers
METRIC_FUNCTIONS = {
    "l2": "APPROX_NEAR_L2",
    "cosine": "APPROX_NEAR_COSINE",
    "innerProduct": "APPROX_NEAR_INNER_PRODUCT",
}

#: the tiers used when a scaling ``nLists`` gives none (values from autofaiss)
DEFAULT_TIERS = [
    {"fixedValue": 16384, "threshold": 1000000},
    {"fixedValue": 65536, "threshold": 10000000},
    {"fixedValue": 131072, "threshold": 300000000},
]

#: the scaling specification used when ``nLists`` is not given at all
DEFAULT_NLISTS: dict[str, Any] = {
    "minNLists": 2,
    "multiplier": 4,
    "strategy": "autoSqrt",
    "tiers": DEFAULT_TIERS,
}

_UINT_MAX = 2**64 - 1
_INT_MAX = 2**63 - 1


class _Invalid(Exception):
    """One inspection failure (its text becomes the error message)."""


def _number(value: Any, maximum: int) -> int:
    """An integer field as velocypack's ``getNumber`` reads it (doubles are truncated)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid("Invalid value type for operation")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("Number out of range")
    if value < 0 or value > maximum:
        raise _Invalid("Number out of range")
    return int(value)


def _signed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Invalid("Invalid value type for operation")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("Number out of range")
    if not -(2**63) <= value <= _INT_MAX:
        raise _Invalid("Number out of range")
    return int(value)


def _at_least_one(value: int, message: str) -> int:
    if value < 1:
        raise _Invalid(message)
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid("Expecting type Object")
    return value


def _unexpected(value: dict[str, Any], known: tuple[str, ...]) -> None:
    for key in value:
        if key not in known:
            raise _Invalid(f"Found unexpected attribute '{key}'")


def _required(obj: dict[str, Any], name: str) -> Any:
    if name not in obj:
        raise _Invalid(f"Missing required attribute '{name}'")
    return obj[name]


def _tier(value: Any) -> dict[str, Any]:
    obj = _object(value)
    threshold = _number(_required(obj, "threshold"), _UINT_MAX)
    _at_least_one(threshold, "threshold must be 1 or greater!")
    fixed = _number(_required(obj, "fixedValue"), _UINT_MAX)
    _at_least_one(fixed, "fixedValue must be 1 or greater!")
    _unexpected(obj, ("threshold", "fixedValue"))
    return {"fixedValue": fixed, "threshold": threshold}


def _scaling(value: Any) -> dict[str, Any]:
    known = ("strategy", "multiplier", "minNLists", "tiers")
    obj = _object(value)
    strategy = _required(obj, "strategy")
    if not isinstance(strategy, str):
        raise _Invalid("Expecting type String")
    if strategy != "autoSqrt":
        raise _Invalid(f"Unknown enum value {strategy}")
    multiplier = _number(_required(obj, "multiplier"), _UINT_MAX)
    _at_least_one(multiplier, "multiplier must be 1 or greater!")
    minimum = _number(_required(obj, "minNLists"), _UINT_MAX)
    _at_least_one(minimum, "minNLists must be 1 or greater!")
    tiers = obj.get("tiers", None) if "tiers" in obj else [dict(t) for t in DEFAULT_TIERS]
    if not isinstance(tiers, list):
        raise _Invalid("Expecting type Array")
    parsed = [_tier(t) for t in tiers]
    _unexpected(obj, known)
    return {"minNLists": minimum, "multiplier": multiplier, "strategy": strategy, "tiers": parsed}


def _nlists(value: Any) -> int | dict[str, Any]:
    """A number, else a scaling object; the variant gives one message when both fail."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            fixed = _number(value, _UINT_MAX)
        except _Invalid:
            pass
        else:
            return _at_least_one(fixed, "nLists must be 1 or greater!")
    try:
        return _scaling(value)
    except _Invalid:
        raise _Invalid("Could not find matching inline type") from None


_FIELDS = (
    "dimension",
    "metric",
    "nLists",
    "factory",
    "trainingIterations",
    "defaultNProbe",
    "numberOfDocsPerCentroid",
)


def _params(raw: Any) -> dict[str, Any]:
    obj = _object(raw)
    dimension = _at_least_one(
        _number(_required(obj, "dimension"), _UINT_MAX), "Dimension must be greater than 0!"
    )
    metric = _required(obj, "metric")
    if not isinstance(metric, str):
        raise _Invalid("Expecting type String")
    if metric not in METRIC_FUNCTIONS:
        raise _Invalid(f"Unknown enum value {metric}")
    nlists: int | dict[str, Any] = (
        _nlists(obj["nLists"]) if "nLists" in obj else dict(DEFAULT_NLISTS)
    )
    out: dict[str, Any] = {"dimension": dimension, "metric": metric, "nLists": nlists}
    factory = obj.get("factory")
    if factory is not None:
        if not isinstance(factory, str):
            raise _Invalid("Expecting type String")
        out["factory"] = factory
    out["trainingIterations"] = (
        _number(obj["trainingIterations"], _UINT_MAX) if "trainingIterations" in obj else 25
    )
    out["defaultNProbe"] = _at_least_one(
        _signed(obj["defaultNProbe"]) if "defaultNProbe" in obj else 1,
        "defaultNProbe must be 1 or greater!",
    )
    out["numberOfDocsPerCentroid"] = _at_least_one(
        _number(obj["numberOfDocsPerCentroid"], _UINT_MAX)
        if "numberOfDocsPerCentroid" in obj
        else 100,
        "numberOfDocsPerCentroid must be 1 or greater!",
    )
    _unexpected(obj, _FIELDS)
    return {k: out[k] for k in sorted(out)}


def parse_params(raw: Any) -> dict[str, Any]:
    """The normalized ``params`` (keys in velocypack order) or IndexFactory's error 10."""
    try:
        return _params(raw)
    except _Invalid as exc:
        raise ArangoError(
            10,
            f"Error with parsing the `params` field in vector index definition: {exc}",
            400,
        ) from None


def parse_search_options(raw: Any) -> int | None:
    """``nProbe`` from an APPROX_NEAR options object, or the optimizer's parse error 1501."""
    try:
        obj = _object(raw)
        probe = _signed(obj["nProbe"]) if "nProbe" in obj and obj["nProbe"] is not None else None
        if probe is not None:
            _at_least_one(probe, "nProbe must be 1 or greater!")
        _unexpected(obj, ("nProbe",))
    except _Invalid as exc:
        raise ArangoError(1501, f"error parsing searchParameters: {exc}!", 400) from None
    return probe


def resolve_nlists(nlists: int | dict[str, Any], count: int) -> int:
    """The number of centroids training uses for ``count`` documents."""
    if isinstance(nlists, int):
        return nlists
    best = None
    for tier in nlists["tiers"]:
        if tier["threshold"] <= count and (best is None or tier["threshold"] > best["threshold"]):
            best = tier
    if best is not None:
        return int(best["fixedValue"])
    return max(int(nlists["minNLists"]), int(nlists["multiplier"] * math.sqrt(count)))


def training_threshold(nlists: int | dict[str, Any]) -> int:
    """How many documents trigger training: ``nLists``, or ``minNLists`` when scaling."""
    return nlists if isinstance(nlists, int) else int(nlists["minNLists"])


_IVF = re.compile(r"IVF(\d+)")


def factory_problem(factory: str | None, nlists: int) -> str | None:
    """Why training with ``factory`` for ``nlists`` centroids fails (None: it does not)."""
    if factory is None:
        return None
    resolved = factory.replace("{}", str(nlists))
    match = _IVF.match(resolved)
    if match is None:
        return "Index definition not supported. Expected IVF index."
    implied = int(match.group(1))
    if implied != nlists:
        return (
            f"The nLists parameter ({nlists}) has to agree with the actual nlists implied by "
            f"the factory string '{resolved}' (which is {implied})"
        )
    return None
