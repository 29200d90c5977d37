"""AQL geo functions and GeoJSON constructors (ArangoDB 3.12).

ArangoDB evaluates geometry with Google's S2 library on the unit sphere: edges are great
circle arcs, a polygon's interior lies to the left of its first ring (holes given in the
wrong orientation are inverted), and distances use a 6371 km sphere or, on request, the
WGS84 ellipsoid. This module reimplements that with plain vector algebra:

* point-in-ring uses an edge-crossing count against a reference point just inside the
  ring, so rings larger than a hemisphere work; points exactly on an edge or vertex are
  decided arbitrarily (S2 decides them by a symbolic perturbation we do not replicate);
* ring validation only checks what is cheap: at least three distinct vertices and no two
  crossing edges (rings of more than 500 vertices skip the crossing check);
* WGS84 distances use Vincenty's inverse formula (sub-millimetre except for nearly
  antipodal points, where it falls back to the spherical result); WGS84 areas map the
  vertices to authalic latitudes and measure on the authalic sphere (relative error well
  below 0.1% for polygons of a few hundred kilometres, growing with size).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from ...base.values import is_number, to_json
from . import FunctionContext, function, invalid_argument

__all__ = ["Shape", "parse_geojson"]

EARTH_RADIUS = 6371000.0  # metres, ArangoDB's kEarthRadiusInMeters
WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563

BAD_PARAMETER = 10
TYPE_MISMATCH = 1542
ARRAY_EXPECTED = 1563

Vec = tuple[float, float, float]


class GeoError(Exception):
    """A failed parse, carrying ArangoDB's error number and message."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _warn(ctx: FunctionContext, name: str, code: int, message: str) -> None:
    ctx.warn(code, f"in function '{name}()': {message}")


# ----------------------------------------------------------------- vector algebra
def _vec(lat: float, lng: float) -> Vec:
    la, ln = math.radians(lat), math.radians(lng)
    return (math.cos(la) * math.cos(ln), math.cos(la) * math.sin(ln), math.sin(la))


def _latlng(v: Vec) -> tuple[float, float]:
    """(lat, lng) in radians."""
    return math.atan2(v[2], math.hypot(v[0], v[1])), math.atan2(v[1], v[0])


def _dot(a: Vec, b: Vec) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _cross(a: Vec, b: Vec) -> Vec:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _add(a: Vec, b: Vec, k: float = 1.0) -> Vec:
    return (a[0] + k * b[0], a[1] + k * b[1], a[2] + k * b[2])


def _scale(a: Vec, k: float) -> Vec:
    return (a[0] * k, a[1] * k, a[2] * k)


def _norm(a: Vec) -> float:
    return math.sqrt(_dot(a, a))


def _unit(a: Vec) -> Vec:
    n = _norm(a)
    return a if n == 0 else _scale(a, 1 / n)


def _angle(a: Vec, b: Vec) -> float:
    return math.atan2(_norm(_cross(a, b)), _dot(a, b))


def _crosses(a: Vec, b: Vec, c: Vec, d: Vec) -> bool:
    """Whether arcs ab and cd cross at a point interior to both (S2's simple crossing)."""
    ab = _cross(a, b)
    acb = -_dot(ab, c)
    bda = _dot(ab, d)
    if acb * bda <= 0:
        return False
    cd = _cross(c, d)
    cbd = -_dot(cd, b)
    dac = _dot(cd, a)
    return acb * cbd > 0 and acb * dac > 0


def _on_arc(p: Vec, a: Vec, b: Vec, eps: float = 1e-12) -> bool:
    return abs(_angle(a, p) + _angle(p, b) - _angle(a, b)) < eps


# ----------------------------------------------------------------- rings
@dataclass
class Ring:
    """A closed ring (last vertex not repeated) whose interior lies to its left."""

    vertices: list[Vec]

    def edges(self) -> Iterable[tuple[Vec, Vec]]:
        vs = self.vertices
        return ((vs[i], vs[(i + 1) % len(vs)]) for i in range(len(vs)))

    def _reference(self) -> Vec:
        """A point just to the left of the first edge, hence inside the ring."""
        a, b = self.vertices[0], self.vertices[1]
        left = _unit(_cross(a, b))
        step = min(1e-9, _angle(a, b) * 1e-3)
        return _unit(_add(_unit(_add(a, b)), left, step))

    def contains(self, p: Vec) -> bool:
        ref = self._reference()
        crossings = sum(1 for a, b in self.edges() if _crosses(p, ref, a, b))
        return crossings % 2 == 0

    def contains_ring(self, other: Ring) -> bool:
        """Region containment: other's vertices inside, no crossing, and no vertex of
        ours strictly inside other (which would mean other covers our outside)."""
        shared = set(self.vertices) & set(other.vertices)
        return (
            all(v in shared or self.contains(v) for v in other.vertices)
            and not any(v not in shared and other.contains(v) for v in self.vertices)
            and not any(_crosses(a, b, c, d) for a, b in self.edges() for c, d in other.edges())
        )

    def inverted(self) -> Ring:
        return Ring(self.vertices[::-1])

    def area(self) -> float:
        """Steradians to the left of the ring (Gauss-Bonnet: 2pi minus the turning)."""
        vs = self.vertices
        n = len(vs)
        turning = 0.0
        for i in range(n):
            a, b, c = vs[i - 1], vs[i], vs[(i + 1) % n]
            n1, n2 = _cross(a, b), _cross(b, c)
            turning += math.atan2(_dot(_cross(n1, n2), b), _dot(n1, n2))
        return 2 * math.pi - turning

    def centroid(self) -> Vec:
        """Integral of the position vector over the interior (unnormalized)."""
        total: Vec = (0.0, 0.0, 0.0)
        for a, b in self.edges():
            total = _add(total, _unit(_cross(a, b)), _angle(a, b) / 2)
        return total


# ----------------------------------------------------------------- shapes
@dataclass
class Shape:
    """A parsed GeoJSON geometry."""

    kind: str  # point, multipoint, linestring, multilinestring, polygon, multipolygon
    points: list[Vec] = field(default_factory=list)
    lines: list[list[Vec]] = field(default_factory=list)
    rings: list[Ring] = field(default_factory=list)

    @property
    def is_area(self) -> bool:
        return self.kind in ("polygon", "multipolygon")

    def edges(self) -> list[tuple[Vec, Vec]]:
        out = [(line[i], line[i + 1]) for line in self.lines for i in range(len(line) - 1)]
        for ring in self.rings:
            out.extend(ring.edges())
        return out

    def vertices(self) -> list[Vec]:
        return (
            self.points
            + [v for line in self.lines for v in line]
            + [v for ring in self.rings for v in ring.vertices]
        )

    def _depths(self) -> list[int]:
        return [
            sum(1 for j, other in enumerate(self.rings) if j != i and other.contains_ring(ring))
            for i, ring in enumerate(self.rings)
        ]

    def contains_point(self, p: Vec) -> bool:
        """Even-odd rule over all rings, as ArangoDB documents for (Multi)Polygons."""
        return sum(1 for ring in self.rings if ring.contains(p)) % 2 == 1

    def area(self) -> float:
        return sum(
            ring.area() * (-1 if depth % 2 else 1)
            for ring, depth in zip(self.rings, self._depths(), strict=True)
        )

    def centroid(self) -> Vec:
        if self.kind == "point":
            return self.points[0]
        if self.kind == "multipoint":
            # ArangoDB averages latitudes and longitudes
            pairs = [_latlng(p) for p in self.points]
            lat = sum(p[0] for p in pairs) / len(pairs)
            lng = sum(p[1] for p in pairs) / len(pairs)
            return _vec(math.degrees(lat), math.degrees(lng))
        if self.kind == "linestring":
            return _unit(_line_centroid(self.lines[0]))
        if self.kind == "multilinestring":
            lengths = [sum(_angle(a, b) for a, b in pairwise(ln)) for ln in self.lines]
            total = sum(lengths) or 1.0
            lat = lng = 0.0
            for line, length in zip(self.lines, lengths, strict=True):
                la, lo = _latlng(_unit(_line_centroid(line)))
                lat += la * length / total
                lng += lo * length / total
            return _vec(math.degrees(lat), math.degrees(lng))
        total_vec: Vec = (0.0, 0.0, 0.0)
        for ring, depth in zip(self.rings, self._depths(), strict=True):
            total_vec = _add(total_vec, ring.centroid(), -1.0 if depth % 2 else 1.0)
        return _unit(total_vec)

    def key(self) -> tuple[Any, ...]:
        def rounded(vs: Iterable[Vec]) -> tuple[tuple[float, ...], ...]:
            return tuple(tuple(round(c, 12) for c in v) for v in vs)

        return (
            self.kind,
            rounded(self.points),
            tuple(rounded(line) for line in self.lines),
            tuple(rounded(ring.vertices) for ring in self.rings),
        )


def _line_centroid(line: list[Vec]) -> Vec:
    total: Vec = (0.0, 0.0, 0.0)
    for a, b in pairwise(line):
        total = _add(total, _unit(_add(a, b)), _norm(_add(a, b, -1.0)))
    return total


# ----------------------------------------------------------------- GeoJSON parsing
_TYPES = {
    "point": "point",
    "multipoint": "multipoint",
    "linestring": "linestring",
    "multilinestring": "multilinestring",
    "polygon": "polygon",
    "multipolygon": "multipolygon",
    "geometrycollection": "geometrycollection",
}


def _position(value: Any, geojson: bool = True) -> Vec | None:
    """A [lng, lat] (or [lat, lng]) pair as a unit vector; None when invalid."""
    if not isinstance(value, list) or len(value) != 2 or not all(is_number(c) for c in value):
        return None
    lng, lat = (value[0], value[1]) if geojson else (value[1], value[0])
    if abs(lat) > 90 or abs(lng) > 180:
        return None
    return _vec(lat, lng)


def _positions(value: list[Any], geojson: bool = True) -> list[Vec]:
    out = []
    for item in value:
        if not isinstance(item, list):
            raise GeoError(BAD_PARAMETER, "Bad coordinates, should be array " + to_json(item))
        vertex = _position(item, geojson)
        if vertex is None:
            raise GeoError(BAD_PARAMETER, "Bad coordinates values " + to_json(item))
        out.append(vertex)
    return out


def _dedupe(vertices: list[Vec]) -> list[Vec]:
    out: list[Vec] = []
    for v in vertices:
        if not out or out[-1] != v:
            out.append(v)
    return out


def _line(value: Any) -> list[Vec]:
    vertices = _dedupe(_positions(value))
    if len(vertices) < 2:
        raise GeoError(
            BAD_PARAMETER,
            "Invalid LineString, adjacent vertices must not be identical or antipodal.",
        )
    return vertices


def _points(value: list[Any], geojson: bool = True) -> list[Vec]:
    vertices = _positions(value, geojson)
    if not vertices:
        raise GeoError(BAD_PARAMETER, "Invalid MultiPoint, it must contains at least one point.")
    return vertices


def _ring(value: Any, geojson: bool = True) -> Ring:
    """A linear ring: at least 4 positions, closed, no crossing edges."""
    if not isinstance(value, list):
        raise GeoError(BAD_PARAMETER, "Missing coordinates.")
    vertices = _points(value, geojson)
    if len(vertices) < 4:
        raise GeoError(BAD_PARAMETER, "Invalid loop in polygon, must have at least 4 vertices")
    vertices = _dedupe(vertices)
    if vertices[0] != vertices[-1]:
        raise GeoError(BAD_PARAMETER, "Loop not closed")
    if len(vertices) > 1:
        vertices.pop()
    if len(vertices) < 3:
        raise GeoError(
            BAD_PARAMETER,
            "Invalid Loop in Polygon: Non-empty, non-full loops must have at least 3 vertices",
        )
    ring = Ring(vertices)
    n = len(vertices)
    if n <= 500:
        edges = list(ring.edges())
        for i in range(n):
            for j in range(i + 2, n):
                if i == 0 and j == n - 1:
                    continue
                if _crosses(*edges[i], *edges[j]):
                    raise GeoError(
                        BAD_PARAMETER, f"Invalid Loop in Polygon: Edge {i} crosses edge {j}"
                    )
    return ring


def _polygon_rings(value: list[Any]) -> list[Ring]:
    """Rings of one polygon: the first as given, later ones inverted if not inside it."""
    rings: list[Ring] = []
    for item in value:
        ring = _ring(item)
        if rings and not rings[0].contains_ring(ring):
            ring = ring.inverted()
            if not rings[0].contains_ring(ring):
                raise GeoError(BAD_PARAMETER, "Subsequent loop not a hole in polygon.")
        rings.append(ring)
    return rings


def parse_geojson(value: Any) -> Shape:
    """Parse a GeoJSON geometry object the way ArangoDB's (non-legacy) parser does."""
    kind = None
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        kind = _TYPES.get(value["type"].lower())
    if kind is None:
        raise GeoError(BAD_PARAMETER, "Invalid GeoJSON Geometry Object.")
    coords = value.get("coordinates")
    if not isinstance(coords, list):
        raise GeoError(BAD_PARAMETER, "Coordinates missing.")
    if kind == "point":
        vertex = _position(coords)
        if vertex is None:
            raise GeoError(BAD_PARAMETER, "Bad coordinates " + to_json(coords))
        return Shape(kind, points=[vertex])
    if kind == "multipoint":
        return Shape(kind, points=_points(coords))
    if kind == "linestring":
        return Shape(kind, lines=[_line(coords)])
    if kind == "multilinestring":
        lines = []
        for item in coords:
            if not isinstance(item, list):
                raise GeoError(BAD_PARAMETER, "Missing coordinates.")
            lines.append(_line(item))
        if not lines:
            raise GeoError(
                BAD_PARAMETER,
                "Invalid MultiLinestring, it must contains at least one Linestring.",
            )
        return Shape(kind, lines=lines)
    if kind == "polygon":
        if not coords:
            raise GeoError(BAD_PARAMETER, "Invalid GeoJSON Geometry Object.")
        return Shape(kind, rings=_polygon_rings(coords))
    if kind == "multipolygon":
        if not coords:
            raise GeoError(BAD_PARAMETER, "MultiPolygon should contains at least one Polygon.")
        rings: list[Ring] = []
        for polygon in coords:
            if not isinstance(polygon, list) or not polygon:
                raise GeoError(BAD_PARAMETER, "Polygon should contains at least one Loop.")
            rings.extend(_polygon_rings(polygon))
        return Shape(kind, rings=rings)
    raise GeoError(9, "GeoJSON type GeometryCollection is not supported")


def _shape_arg(value: Any) -> Shape:
    """A GeoJSON object, or a [longitude, latitude] coordinate pair."""
    if isinstance(value, list):
        vertex = _position(value)
        if vertex is None:
            raise GeoError(BAD_PARAMETER, "Bad coordinates " + to_json(value))
        return Shape("point", points=[vertex])
    return parse_geojson(value)


# ----------------------------------------------------------------- measurements
def _vincenty(p: Vec, q: Vec) -> float:
    """Geodesic distance on WGS84 in metres (Vincenty's inverse formula)."""
    lat1, lng1 = _latlng(p)
    lat2, lng2 = _latlng(q)
    a, f = WGS84_A, WGS84_F
    b = a * (1 - f)
    u1 = math.atan((1 - f) * math.tan(lat1))
    u2 = math.atan((1 - f) * math.tan(lat2))
    big_l = lng2 - lng1
    lam = big_l
    su1, cu1, su2, cu2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    for _ in range(200):
        sl, cl = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cu2 * sl, cu1 * su2 - su1 * cu2 * cl)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = su1 * su2 + cu1 * cu2 * cl
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cu1 * cu2 * sl / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        cos2sm = cos_sigma - 2 * su1 * su2 / cos2_alpha if cos2_alpha else 0.0
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos2sm + c * cos_sigma * (-1 + 2 * cos2sm * cos2sm))
        )
        if abs(lam - previous) < 1e-12:
            break
    else:
        return _angle(p, q) * EARTH_RADIUS
    u_sq = cos2_alpha * (a * a - b * b) / (b * b)
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos2sm * cos2sm)
                - big_b / 6 * cos2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos2sm * cos2sm)
            )
        )
    )
    return b * big_a * (sigma - delta)


def _authalic(v: Vec) -> Vec:
    e = math.sqrt(WGS84_F * (2 - WGS84_F))
    lat, lng = _latlng(v)

    def q(phi: float) -> float:
        s = math.sin(phi)
        return (1 - e * e) * (
            s / (1 - e * e * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e)
        )

    beta = math.asin(max(-1.0, min(1.0, q(lat) / q(math.pi / 2))))
    return _vec(math.degrees(beta), math.degrees(lng))


def _authalic_radius_sq() -> float:
    e = math.sqrt(WGS84_F * (2 - WGS84_F))
    qp = 1 + (1 - e * e) / (2 * e) * math.log((1 + e) / (1 - e))
    return WGS84_A * WGS84_A * qp / 2


def _distance(a: Shape, b: Shape, ellipsoid: str) -> float:
    ca, cb = a.centroid(), b.centroid()
    if ellipsoid == "wgs84":
        return _vincenty(ca, cb)
    return _angle(ca, cb) * EARTH_RADIUS


def _area(shape: Shape, ellipsoid: str) -> float:
    if not shape.is_area:
        return 0.0
    if ellipsoid == "wgs84":
        mapped = Shape(
            shape.kind, rings=[Ring([_authalic(v) for v in r.vertices]) for r in shape.rings]
        )
        return mapped.area() * _authalic_radius_sq()
    return shape.area() * EARTH_RADIUS * EARTH_RADIUS


def _ellipsoid(ctx: FunctionContext, name: str, value: Any) -> str:
    """``sphere`` or ``wgs84``; anything else warns and falls back to the sphere."""
    if isinstance(value, str):
        if value in ("sphere", "wgs84"):
            return value
        _warn(
            ctx,
            name,
            BAD_PARAMETER,
            f'invalid ellipsoid {value} specified, falling back to "sphere"',
        )
    else:
        _warn(
            ctx,
            name,
            BAD_PARAMETER,
            'invalid value for ellipsoid specified, falling back to "sphere"',
        )
    return "sphere"


def _contains(outer: Shape, inner: Shape) -> bool:
    if not all(outer.contains_point(v) for v in inner.vertices()):
        return False
    edges = outer.edges()
    if any(_crosses(a, b, c, d) for a, b in edges for c, d in inner.edges()):
        return False
    if inner.is_area:  # a hole of the outer shape must not lie inside the inner one
        return not any(inner.contains_point(v) for r in outer.rings[1:] for v in r.vertices)
    return True


def _intersects(a: Shape, b: Shape) -> bool:
    edges_b = b.edges()
    if any(_crosses(p, q, r, s) for p, q in a.edges() for r, s in edges_b):
        return True
    if a.is_area and any(a.contains_point(v) for v in b.vertices()):
        return True
    if b.is_area and any(b.contains_point(v) for v in a.vertices()):
        return True
    for first, second in ((a, b), (b, a)):
        for p in first.points:
            if any(_angle(p, q) < 1e-12 for q in second.points):
                return True
            if any(_on_arc(p, x, y) for x, y in second.edges()):
                return True
    return False


# ----------------------------------------------------------------- functions
def _parsed(
    ctx: FunctionContext, name: str, parse: Callable[[Any], Shape], value: Any
) -> Shape | None:
    try:
        return parse(value)
    except GeoError as err:
        _warn(ctx, name, err.code, err.message)
        return None


def _two_parsed(
    ctx: FunctionContext, name: str, parse: Callable[[Any], Shape], a: Any, b: Any
) -> tuple[Shape, Shape] | None:
    """Both shape arguments, or None once the first bad one has warned."""
    first = _parsed(ctx, name, parse, a)
    if first is None:
        return None
    second = _parsed(ctx, name, parse, b)
    if second is None:
        return None
    return first, second


@function("DISTANCE", 4, family="geo")
def distance(ctx: FunctionContext, lat1: Any, lng1: Any, lat2: Any, lng2: Any) -> Any:
    """Haversine distance in metres on a 6371 km sphere."""
    if not all(is_number(v) for v in (lat1, lng1, lat2, lng2)):
        invalid_argument(ctx, "DISTANCE")
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d1, d2 = math.radians(lat2 - lat1), math.radians(lng2 - lng1)
    a = math.sin(d1 / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d2 / 2) ** 2
    c = 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))
    return EARTH_RADIUS * c


@function("GEO_DISTANCE", 2, 3, family="geo")
def geo_distance(ctx: FunctionContext, a: Any, b: Any, *ellipsoid: Any) -> Any:
    """Distance between the shapes' centroids, in metres."""
    name = "GEO_DISTANCE"
    shapes = _two_parsed(ctx, name, _shape_arg, a, b)
    if shapes is None:
        return None
    first, second = shapes
    model = _ellipsoid(ctx, name, ellipsoid[0]) if ellipsoid else "sphere"
    return _distance(first, second, model)


@function("GEO_IN_RANGE", 4, 7, family="geo")
def geo_in_range(ctx: FunctionContext, *args: Any) -> Any:
    """Whether the centroid distance lies between ``low`` and ``high``."""
    name = "GEO_IN_RANGE"
    shapes = _two_parsed(ctx, name, _shape_arg, args[0], args[1])
    if shapes is None:
        return None
    first, second = shapes
    checks = (
        (2, is_number, "3rd argument requires a number"),
        (3, is_number, "4th argument requires a number"),
        (4, _is_bool, "5th argument requires a bool"),
        (5, _is_bool, "6th argument requires a bool"),
    )
    for index, check, message in checks:
        if index < len(args) and not check(args[index]):
            _warn(ctx, name, BAD_PARAMETER, message)
            return None
    include_low = args[4] if len(args) > 4 else True
    include_high = args[5] if len(args) > 5 else True
    model = _ellipsoid(ctx, name, args[6]) if len(args) > 6 else "sphere"
    dist = _distance(first, second, model)
    low, high = args[2], args[3]
    above = dist >= low if include_low else dist > low
    below = dist <= high if include_high else dist < high
    return above and below


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _contains_or_intersects(ctx: FunctionContext, name: str, a: Any, b: Any, contains: bool) -> Any:
    if not isinstance(a, dict):
        _warn(ctx, name, TYPE_MISMATCH, "Expecting GeoJSON object")
        return None
    outer = _parsed(ctx, name, parse_geojson, a)
    if outer is None:
        return None
    if contains and not outer.is_area:
        _warn(
            ctx,
            name,
            TYPE_MISMATCH,
            "Only Polygon and MultiPolygon types are valid as first argument",
        )
        return None
    inner = _parsed(ctx, name, _shape_arg, b)
    if inner is None:
        return None
    return _contains(outer, inner) if contains else _intersects(outer, inner)


@function("GEO_CONTAINS", 2, family="geo")
def geo_contains(ctx: FunctionContext, a: Any, b: Any) -> Any:
    """Whether (Multi)Polygon ``a`` contains every point of ``b``."""
    return _contains_or_intersects(ctx, "GEO_CONTAINS", a, b, contains=True)


@function("GEO_INTERSECTS", 2, family="geo")
def geo_intersects(ctx: FunctionContext, a: Any, b: Any) -> Any:
    return _contains_or_intersects(ctx, "GEO_INTERSECTS", a, b, contains=False)


@function("GEO_EQUALS", 2, family="geo")
def geo_equals(ctx: FunctionContext, a: Any, b: Any) -> Any:
    """Same geometry type with the same vertices."""
    name = "GEO_EQUALS"
    if not isinstance(a, dict) or not isinstance(b, dict):
        _warn(ctx, name, TYPE_MISMATCH, "Expecting GeoJSON object")
        return None
    shapes = _two_parsed(ctx, name, parse_geojson, a, b)
    if shapes is None:
        return None
    first, second = shapes
    return first.key() == second.key()


@function("GEO_AREA", 1, 2, family="geo")
def geo_area(ctx: FunctionContext, value: Any, *ellipsoid: Any) -> Any:
    """Area in square metres of a (Multi)Polygon; other geometries have none (0)."""
    name = "GEO_AREA"
    shape = _parsed(ctx, name, parse_geojson, value)
    if shape is None:
        return None
    model = _ellipsoid(ctx, name, ellipsoid[0]) if ellipsoid else "sphere"
    return float(_area(shape, model))


@function("IS_IN_POLYGON", 2, 3, family="geo")
def is_in_polygon(ctx: FunctionContext, coords: Any, *args: Any) -> Any:
    """Deprecated point-in-ring test; the ring's smaller side counts as its inside."""
    name = "IS_IN_POLYGON"
    p2 = args[0]
    p3 = args[1] if len(args) > 1 else None
    if not _is_array(ctx, name, coords):
        return None
    geojson = False
    if isinstance(p2, list):
        if len(p2) < 2:
            invalid_argument(ctx, name)
            return None
        geojson = p3 is True
        lat, lng = (p2[1], p2[0]) if geojson else (p2[0], p2[1])
        if not is_number(lat) or not is_number(lng):
            invalid_argument(ctx, name)
            return None
    elif is_number(p2) and is_number(p3):
        lat, lng = p2, p3
    else:
        invalid_argument(ctx, name)
        return None
    try:
        ring = _ring(coords, geojson)
    except GeoError as err:
        _warn(ctx, name, err.code, err.message.replace("Invalid Loop in Polygon", "Invalid loop"))
        return None
    if ring.area() > 2 * math.pi:  # normalized: the smaller region is the inside
        ring = ring.inverted()
    # latitudes and longitudes out of range wrap like S2LatLng::Normalized()
    lat = max(-90.0, min(90.0, float(lat)))
    lng = math.remainder(float(lng), 360.0)
    return ring.contains(_vec(lat, lng))


# ----------------------------------------------------------------- constructors
def _geojson(kind: str, coordinates: list[Any]) -> dict[str, Any]:
    return {"type": kind, "coordinates": coordinates}


def _numbers(ctx: FunctionContext, name: str, position: Any) -> list[float] | None:
    """One position of a LineString/MultiPoint: an array of numbers."""
    if not isinstance(position, list):
        _warn(ctx, name, TYPE_MISMATCH, "not an array containing positions")
        return None
    if not all(is_number(c) for c in position):
        _warn(ctx, name, TYPE_MISMATCH, "not a numeric value")
        return None
    return [float(c) for c in position]


def _position_args(ctx: FunctionContext, name: str, items: list[Any]) -> list[list[float]] | None:
    """Every item as a position, or None once the first bad one has warned."""
    positions = []
    for item in items:
        pos = _numbers(ctx, name, item)
        if pos is None:
            return None
        positions.append(pos)
    return positions


def _is_array(ctx: FunctionContext, name: str, value: Any) -> bool:
    """Whether ``value`` is an array; warns 'array expected' when it is not."""
    if isinstance(value, list):
        return True
    _warn(ctx, name, ARRAY_EXPECTED, "array expected")
    return False


def _position_list(ctx: FunctionContext, name: str, value: Any, kind: str, noun: str) -> Any:
    if not _is_array(ctx, name, value):
        return None
    if len(value) < 2:
        _warn(ctx, name, TYPE_MISMATCH, f"a {noun} needs at least two positions")
        return None
    positions = _position_args(ctx, name, value)
    return None if positions is None else _geojson(kind, positions)


@function("GEO_POINT", 2, family="geo_constructor")
def geo_point(ctx: FunctionContext, lng: Any, lat: Any) -> Any:
    if not is_number(lng) or not is_number(lat):
        invalid_argument(ctx, "GEO_POINT")
        return None
    return _geojson("Point", [float(lng), float(lat)])


@function("GEO_MULTIPOINT", 1, family="geo_constructor")
def geo_multipoint(ctx: FunctionContext, points: Any) -> Any:
    return _position_list(ctx, "GEO_MULTIPOINT", points, "MultiPoint", "MultiPoint")


@function("GEO_LINESTRING", 1, family="geo_constructor")
def geo_linestring(ctx: FunctionContext, points: Any) -> Any:
    return _position_list(ctx, "GEO_LINESTRING", points, "LineString", "LineString")


@function("GEO_MULTILINESTRING", 1, family="geo_constructor")
def geo_multilinestring(ctx: FunctionContext, lines: Any) -> Any:
    name = "GEO_MULTILINESTRING"
    if not _is_array(ctx, name, lines):
        return None
    if not lines:
        _warn(ctx, name, TYPE_MISMATCH, "a MultiLineString needs at least one array of linestrings")
        return None
    out = []
    for line in lines:
        if not isinstance(line, list):
            _warn(ctx, name, TYPE_MISMATCH, "not an array containing positions")
            return None
        if len(line) <= 1:
            _warn(ctx, name, TYPE_MISMATCH, "not an array containing linestrings")
            return None
        positions = _position_args(ctx, name, line)
        if positions is None:
            return None
        out.append(positions)
    return _geojson("MultiLineString", out)


def _polygon_coordinates(polygon: list[Any]) -> list[Any]:
    """ArangoDB's lenient polygon input: one ring of positions or a list of rings."""
    unnested = any(isinstance(v, list) and len(v) == 2 for v in polygon)
    out: list[Any] = []
    for v in polygon:
        if isinstance(v, list) and len(v) > 2:
            ring: list[Any] = []
            for coord in v:
                if is_number(coord):
                    ring.append(float(coord))
                elif isinstance(coord, list):
                    if len(coord) < 2:
                        raise GeoError(
                            TYPE_MISMATCH, "a Position needs at least two numeric values"
                        )
                    ring.append(_pair_items(coord, "not an array describing a position"))
                else:
                    raise GeoError(TYPE_MISMATCH, "not an array containing positions")
            out.append(ring)
        elif isinstance(v, list) and len(v) == 2:
            if len(polygon) <= 2:
                raise GeoError(TYPE_MISMATCH, "a Polygon needs at least three positions")
            out.append(_pair_items(v, "not a numeric value"))
        else:
            raise GeoError(TYPE_MISMATCH, "not an array containing positions")
    return [out] if unnested else out


def _pair_items(values: list[Any], otherwise: str) -> list[Any]:
    items: list[Any] = []
    for inner in values:
        if is_number(inner):
            items.append(float(inner))
        elif isinstance(inner, list) and len(inner) == 2:
            if not (is_number(inner[0]) and is_number(inner[1])):
                raise GeoError(TYPE_MISMATCH, "coordinate is not a number")
            items.append([float(inner[0]), float(inner[1])])
        else:
            raise GeoError(TYPE_MISMATCH, otherwise)
    return items


@function("GEO_POLYGON", 1, family="geo_constructor")
def geo_polygon(ctx: FunctionContext, polygon: Any) -> Any:
    """A validated GeoJSON Polygon (warning and null when S2 would reject it)."""
    name = "GEO_POLYGON"
    if not _is_array(ctx, name, polygon):
        return None
    try:
        result = _geojson("Polygon", _polygon_coordinates(polygon))
        if not result["coordinates"]:
            raise GeoError(BAD_PARAMETER, "Polygon should contains at least one loop.")
        _polygon_rings(result["coordinates"])
    except GeoError as err:
        _warn(ctx, name, err.code, err.message)
        return None
    return result


@function("GEO_MULTIPOLYGON", 1, family="geo_constructor")
def geo_multipolygon(ctx: FunctionContext, polygons: Any) -> Any:
    name = "GEO_MULTIPOLYGON"
    if not _is_array(ctx, name, polygons):
        return None
    message = "a MultiPolygon needs at least two Polygons inside."
    if len(polygons) < 2 or not all(isinstance(p, list) for p in polygons):
        _warn(ctx, name, TYPE_MISMATCH, message)
        return None
    try:
        coordinates = []
        for polygon in polygons:
            rings: list[Any] = []
            for ring in polygon:
                if not isinstance(ring, list):
                    raise GeoError(TYPE_MISMATCH, "Polygon needs to be an array of positions.")
                rings.extend(_polygon_coordinates(ring))
            coordinates.append(rings)
        result = _geojson("MultiPolygon", coordinates)
        parse_geojson(result)
    except GeoError as err:
        _warn(ctx, name, err.code, err.message)
        return None
    return result
