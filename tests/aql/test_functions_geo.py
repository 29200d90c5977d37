"""AQL geo functions and GeoJSON constructors, called through the function registry."""

from __future__ import annotations

import math
from typing import Any

import pytest

from .conftest import call_logged as call
from .conftest import ok


def polygon(*rings: list[list[float]]) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": list(rings)}


SQUARE = [[100.0, 0.0], [101.0, 0.0], [101.0, 1.0], [100.0, 1.0], [100.0, 0.0]]
HOLE_CW = [[100.8, 0.8], [100.8, 0.2], [100.2, 0.2], [100.2, 0.8], [100.8, 0.8]]


# ----------------------------------------------------------------- distances
def test_distance_haversine() -> None:
    berlin_to_cologne = ok("DISTANCE", 52.5163, 13.3777, 50.9322, 6.94)
    assert berlin_to_cologne == pytest.approx(476_919, abs=1)
    quarter = ok("DISTANCE", 0, 0, 0, 90)
    assert quarter == pytest.approx(math.pi / 2 * 6_371_000)
    result, warnings = call("DISTANCE", "52", 13, 50, 6)
    assert result is None and warnings[0][0] == 1542


def test_geo_distance_between_centroids() -> None:
    one_degree = ok("GEO_DISTANCE", [0, 0], [1, 0])
    assert one_degree == pytest.approx(math.radians(1) * 6_371_000)
    on_ellipsoid = ok("GEO_DISTANCE", [0, 0], [1, 0], "wgs84")
    assert on_ellipsoid == pytest.approx(111_319.49, abs=0.5)  # equatorial degree on WGS84
    centre = ok("GEO_DISTANCE", polygon(SQUARE), [100.5, 0.5])
    assert centre < 10
    result, warnings = call("GEO_DISTANCE", [0, 0], [1, 0], "mars")
    assert result == pytest.approx(one_degree)
    assert warnings == [
        (
            10,
            "in function 'GEO_DISTANCE()': invalid ellipsoid mars specified, "
            'falling back to "sphere"',
        )
    ]


def test_geo_in_range() -> None:
    assert ok("GEO_IN_RANGE", [0, 0], [1, 0], 100_000, 120_000) is True
    assert ok("GEO_IN_RANGE", [0, 0], [1, 0], 0, 100_000) is False
    exact = ok("GEO_DISTANCE", [0, 0], [1, 0])
    assert ok("GEO_IN_RANGE", [0, 0], [1, 0], 0, exact) is True
    assert ok("GEO_IN_RANGE", [0, 0], [1, 0], 0, exact, True, False) is False
    result, warnings = call("GEO_IN_RANGE", [0, 0], [1, 0], "0", 5)
    assert result is None and warnings[0] == (
        10,
        "in function 'GEO_IN_RANGE()': 3rd argument requires a number",
    )


def test_geo_area() -> None:
    square = ok("GEO_AREA", polygon(SQUARE))
    assert square == pytest.approx(1.2364e10, rel=1e-3)  # one degree square at the equator
    with_hole = ok("GEO_AREA", polygon(SQUARE, HOLE_CW))
    assert with_hole == pytest.approx(square * 0.64, rel=1e-3)
    wgs84 = ok("GEO_AREA", polygon(SQUARE), "wgs84")
    assert wgs84 != square and wgs84 == pytest.approx(square, rel=0.01)
    assert ok("GEO_AREA", {"type": "Point", "coordinates": [1, 2]}) == 0
    result, warnings = call("GEO_AREA", {"type": "Circle", "coordinates": []})
    assert result is None
    assert warnings == [(10, "in function 'GEO_AREA()': Invalid GeoJSON Geometry Object.")]


# ----------------------------------------------------------------- predicates
def test_geo_contains_points_and_holes() -> None:
    assert ok("GEO_CONTAINS", polygon(SQUARE), [100.5, 0.5]) is True
    assert ok("GEO_CONTAINS", polygon(SQUARE), [102, 0.5]) is False
    assert ok("GEO_CONTAINS", polygon(SQUARE, HOLE_CW), [100.5, 0.5]) is False
    assert ok("GEO_CONTAINS", polygon(SQUARE, HOLE_CW), [100.1, 0.5]) is True
    inner = polygon([[100.1, 0.1], [100.9, 0.1], [100.9, 0.9], [100.1, 0.9], [100.1, 0.1]])
    assert ok("GEO_CONTAINS", polygon(SQUARE), inner) is True
    assert ok("GEO_CONTAINS", polygon(SQUARE, HOLE_CW), inner) is False


def test_ring_orientation_and_geodesic_edges() -> None:
    ccw = polygon([[4, 54], [4, 47], [16, 47], [16, 54], [4, 54]])
    cw = polygon([[4, 54], [16, 54], [16, 47], [4, 47], [4, 54]])
    assert ok("GEO_CONTAINS", ccw, [10, 50]) is True
    assert ok("GEO_CONTAINS", ccw, [10, 47]) is False  # the edge bulges north of 47
    assert ok("GEO_CONTAINS", ccw, [10, 54]) is True
    assert ok("GEO_CONTAINS", cw, [10, 50]) is False
    assert ok("GEO_CONTAINS", cw, [0, 90]) is True


def test_geo_contains_needs_an_area_first() -> None:
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    result, warnings = call("GEO_CONTAINS", line, [0, 0])
    assert result is None and warnings[0][0] == 1542
    assert "Only Polygon and MultiPolygon" in str(warnings[0][1])
    result, warnings = call("GEO_CONTAINS", [0, 0], [0, 0])
    assert result is None
    assert warnings == [(1542, "in function 'GEO_CONTAINS()': Expecting GeoJSON object")]


def test_geo_intersects() -> None:
    crossing = {"type": "LineString", "coordinates": [[99, 0.5], [102, 0.5]]}
    outside = {"type": "LineString", "coordinates": [[99, 5], [102, 5]]}
    assert ok("GEO_INTERSECTS", polygon(SQUARE), crossing) is True
    assert ok("GEO_INTERSECTS", polygon(SQUARE), outside) is False
    equator = {"type": "LineString", "coordinates": [[99, 0], [102, 0]]}
    assert ok("GEO_INTERSECTS", equator, {"type": "Point", "coordinates": [100, 0]}) is True
    multi = {"type": "MultiPoint", "coordinates": [[0, 0], [100.5, 0.5]]}
    assert ok("GEO_INTERSECTS", polygon(SQUARE), multi) is True


def test_geo_equals() -> None:
    a = ok("GEO_POLYGON", [[-11.5, 23.5], [-10.5, 26.1], [-11.2, 27.1], [-11.5, 23.5]])
    b = ok("GEO_POLYGON", [[-11.5, 23.5], [-10.5, 26.1], [-11.2, 27.1], [-11.5, 23.5]])
    c = ok("GEO_POLYGON", [[-11.1, 24.0], [-10.5, 26.1], [-11.2, 27.1], [-11.1, 24.0]])
    assert ok("GEO_EQUALS", a, b) is True
    assert ok("GEO_EQUALS", a, c) is False
    assert ok("GEO_EQUALS", ok("GEO_POINT", 1, 2), {"type": "point", "coordinates": [1, 2]})


def test_is_in_polygon() -> None:
    ring = [[0, 0], [0, 10], [10, 10], [10, 0], [0, 0]]
    assert ok("IS_IN_POLYGON", ring, 4, 7) is True
    assert ok("IS_IN_POLYGON", ring, [4, 7]) is True
    assert ok("IS_IN_POLYGON", ring, 14, 7) is False
    lon_lat = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    assert ok("IS_IN_POLYGON", lon_lat, [7, 4], True) is True
    assert call("IS_IN_POLYGON", "x", 1, 2) == (
        None,
        [(1563, "in function 'IS_IN_POLYGON()': array expected")],
    )
    result, warnings = call("IS_IN_POLYGON", ring[:-1], 4, 7)
    assert result is None and warnings[0] == (10, "in function 'IS_IN_POLYGON()': Loop not closed")


# ----------------------------------------------------------------- constructors
def test_constructors() -> None:
    assert ok("GEO_POINT", 1, 2.5) == {"type": "Point", "coordinates": [1, 2.5]}
    assert ok("GEO_MULTIPOINT", [[1, 2], [3, 4]]) == {
        "type": "MultiPoint",
        "coordinates": [[1, 2], [3, 4]],
    }
    assert ok("GEO_LINESTRING", [[35, 10], [45, 45]])["type"] == "LineString"
    lines = ok("GEO_MULTILINESTRING", [[[100, 0], [101, 1]], [[102, 2], [101, 2.3]]])
    assert lines["coordinates"][1] == [[102, 2], [101, 2.3]]
    simple = ok("GEO_POLYGON", [[0, 0], [7.5, 2.5], [0, 5], [0, 0]])
    assert simple == {"type": "Polygon", "coordinates": [[[0, 0], [7.5, 2.5], [0, 5], [0, 0]]]}
    outer = [[35, 10], [45, 45], [15, 40], [10, 20], [35, 10]]
    hole = [[20, 30], [30, 20], [35, 35], [20, 30]]
    assert ok("GEO_POLYGON", [outer, hole])["coordinates"] == [outer, hole]
    multi = ok(
        "GEO_MULTIPOLYGON",
        [[[[40, 40], [20, 45], [45, 30], [40, 40]]], [outer, hole]],
    )
    assert multi["type"] == "MultiPolygon" and multi["coordinates"][1] == [outer, hole]


@pytest.mark.parametrize(
    ("name", "arg", "code", "message"),
    [
        ("GEO_POINT", ["1", 2], 1542, "invalid argument type in call to function 'GEO_POINT()'"),
        ("GEO_LINESTRING", {}, 1563, "in function 'GEO_LINESTRING()': array expected"),
        (
            "GEO_LINESTRING",
            [[1, 2]],
            1542,
            "in function 'GEO_LINESTRING()': a LineString needs at least two positions",
        ),
        (
            "GEO_MULTIPOINT",
            [[1, 2], [3, "x"]],
            1542,
            "in function 'GEO_MULTIPOINT()': not a numeric value",
        ),
        (
            "GEO_MULTILINESTRING",
            [[[1, 2]]],
            1542,
            "in function 'GEO_MULTILINESTRING()': not an array containing linestrings",
        ),
        (
            "GEO_POLYGON",
            [[0, 0], [1, 1]],
            1542,
            "in function 'GEO_POLYGON()': a Polygon needs at least three positions",
        ),
        (
            "GEO_POLYGON",
            [[0, 0], [1, 0], [1, 1], [0, 1]],
            10,
            "in function 'GEO_POLYGON()': Loop not closed",
        ),
        (
            "GEO_MULTIPOLYGON",
            [[[[0, 0], [1, 0], [1, 1], [0, 0]]]],
            1542,
            "in function 'GEO_MULTIPOLYGON()': a MultiPolygon needs at least two Polygons inside.",
        ),
    ],
)
def test_constructor_warnings(name: str, arg: Any, code: int, message: str) -> None:
    args = arg if name == "GEO_POINT" else [arg]
    assert call(name, *args) == (None, [(code, message)])


def test_self_crossing_ring_is_rejected() -> None:
    bowtie = [[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]
    result, warnings = call("GEO_POLYGON", bowtie)
    assert result is None and warnings[0][0] == 10
    assert "Invalid Loop in Polygon" in str(warnings[0][1])
