"""Harmonise boundaries: WKT ``MULTIPOLYGON`` in WGS84.

A cell may hold WKT ``POLYGON`` or ``MULTIPOLYGON`` (with or without an SRID) or a GeoJSON
geometry, feature or feature collection, in longitude and latitude, latitude and longitude, or
eastings and northings (detected from the coordinates, as for points: see
``coordinates.py``). Each distinct value is worked on once, with Shapely's vectorised
functions.

- A ``POLYGON`` becomes a ``MULTIPOLYGON`` of one part (info).
- A boundary that crosses itself is repaired with ``shapely.make_valid`` (info); if nothing with
  an area is left, it is an error.
- Coordinates are kept to 6 decimal places (about 10 cm), and each outer ring runs
  anticlockwise (holes clockwise), as GeoJSON asks.
- Heights (Z) are dropped.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import shapely

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.coordinates import (
    COORDINATES_FROM_GRID,
    COORDINATES_SWAPPED,
    ENGLAND_BOUNDS,
    GEOMETRY_OUTSIDE_ENGLAND,
    GEOMETRY_OUTSIDE_UK,
    UK_BOUNDS,
    coordinate_system,
    grid_coordinates_to_lonlat,
    outside,
)
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.standards.model import StandardField

MULTIPOLYGON_UNRECOGNISED = IssueType(
    "multipolygon-unrecognised",
    "Not a boundary",
    Severity.ERROR,
    "Enter the boundary as a polygon in WKT, like MULTIPOLYGON (((-1.47 53.38, -1.46 53.38, "
    "-1.46 53.39, -1.47 53.38))), or as GeoJSON.",
)
MULTIPOLYGON_NO_AREA = IssueType(
    "multipolygon-no-area",
    "Boundary with no area",
    Severity.ERROR,
    "This boundary has no area: its points are all in a line or in one place. Check the "
    "coordinates.",
)
MULTIPOLYGON_MADE_VALID = IssueType(
    "multipolygon-made-valid",
    "Boundary repaired",
    Severity.INFO,
    "This boundary crossed over itself, so we repaired it. Check the shape on a map.",
    fixed_by="library",
)
MULTIPOLYGON_FROM_POLYGON = IssueType(
    "multipolygon-from-polygon",
    "Polygon written as a multipolygon",
    Severity.INFO,
    "We wrote this POLYGON as a MULTIPOLYGON, as the standard asks.",
    fixed_by="library",
)

Geometries = npt.NDArray[np.object_]
_PRECISION = 1e-6  # degrees: about 10 cm


def harmonise_multipolygon(values: pl.Series, field: StandardField) -> Harmonised:
    """Boundaries as WKT ``MULTIPOLYGON`` in WGS84 (pl.String)."""
    return by_distinct(values, lambda distinct: _multipolygons(distinct, field))


def read_geometries(text: pl.Series) -> Geometries:
    """Shapely geometries from WKT or GeoJSON text (None where the text is neither)."""
    plain = text.str.replace(r"(?i)^\s*srid=\d+\s*;\s*", "")
    is_json = plain.str.starts_with("{").fill_null(value=False).to_numpy()
    strings = plain.to_numpy().astype(object)
    geometries: Geometries = np.full(len(strings), None, dtype=object)
    geometries[~is_json] = shapely.from_wkt(strings[~is_json], on_invalid="ignore")
    geometries[is_json] = shapely.from_geojson(strings[is_json], on_invalid="ignore")
    return shapely.force_2d(geometries)  # type: ignore[no-any-return]  # shapely is untyped


def _multipolygons(distinct: pl.Series, field: StandardField) -> Harmonised:
    polygonal = np.array([_polygonal_parts(g) for g in read_geometries(distinct)], dtype=object)
    systems = _systems(polygonal)
    lonlat = _to_lonlat(polygonal, systems)
    off_grid = np.isnan(shapely.bounds(lonlat)).any(axis=1) & ~shapely.is_missing(lonlat)
    lonlat[off_grid], systems[off_grid] = None, None
    # Round each coordinate first, so a shape that rounding breaks is repaired too.
    rounded = shapely.set_precision(lonlat, _PRECISION, mode="pointwise")
    valid = shapely.is_valid(rounded)
    repaired = np.where(valid, rounded, shapely.make_valid(rounded))
    repaired = np.array([_polygonal_parts(g) for g in repaired], dtype=object)
    snapped = shapely.orient_polygons(repaired)
    multi = np.array([_as_multipolygon(g) for g in snapped], dtype=object)
    bounds = shapely.bounds(lonlat)
    frame = pl.DataFrame(
        {
            "readable": ~shapely.is_missing(polygonal),
            "empty": shapely.is_missing(multi) | shapely.is_empty(multi),
            "system": systems.tolist(),
            "repaired": ~valid & ~shapely.is_missing(rounded),
            "promoted": shapely.get_type_id(snapped) == shapely.GeometryType.POLYGON,
            "wkt": shapely.to_wkt(multi, rounding_precision=6, trim=True).tolist(),
            **{name: bounds[:, i] for i, name in enumerate(("west", "south", "east", "north"))},
        },
        schema_overrides={"system": pl.String, "wkt": pl.String},
        nan_to_null=True,
    )
    result = frame.select(*_value_and_issue())
    grid = (systems == "grid").any()
    column_issues = [Issue(COORDINATES_FROM_GRID.slug, field=field.name)] if grid else []
    return Harmonised(result["value"], result["issue"], column_issues)


def _polygonal_parts(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    """The polygons in a geometry, as one geometry; None when it has none."""
    if geometry is None or geometry.is_empty:
        return None
    if isinstance(geometry, shapely.Polygon | shapely.MultiPolygon):
        return geometry
    parts = [
        part for part in shapely.get_parts(geometry)
        if isinstance(part, shapely.Polygon | shapely.MultiPolygon) and not part.is_empty
    ]  # fmt: skip
    polygons = [p for part in parts for p in shapely.get_parts(part)]
    return shapely.MultiPolygon(polygons) if polygons else None


def _as_multipolygon(geometry: shapely.Geometry | None) -> shapely.Geometry | None:
    if isinstance(geometry, shapely.Polygon):
        return shapely.MultiPolygon([geometry])
    return geometry


def _systems(geometries: Geometries) -> Geometries:
    bounds = shapely.bounds(geometries)
    frame = pl.DataFrame(
        {name: bounds[:, i] for i, name in enumerate(("x0", "y0", "x1", "y1"))}, nan_to_null=True
    )
    corners = (pl.col(name) for name in ("x0", "y0", "x1", "y1"))
    return frame.select(coordinate_system(*corners)).to_series().to_numpy().astype(object)


def _to_lonlat(geometries: Geometries, systems: Geometries) -> Geometries:
    result = geometries.copy()
    swapped, grid = systems == "swapped", systems == "grid"
    result[swapped] = shapely.transform(geometries[swapped], _swap)
    result[grid] = shapely.transform(geometries[grid], grid_coordinates_to_lonlat)
    return result


def _swap(coordinates: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.ascontiguousarray(coordinates[:, ::-1])


def _value_and_issue() -> list[pl.Expr]:
    corners = [pl.col(name) for name in ("west", "south", "east", "north")]
    readable, empty = pl.col("readable"), pl.col("empty")
    outside_uk = pl.col("system").is_null() | outside(UK_BOUNDS, *corners)
    issue = first_issue(
        (~readable, MULTIPOLYGON_UNRECOGNISED),
        (outside_uk, GEOMETRY_OUTSIDE_UK),
        (empty, MULTIPOLYGON_NO_AREA),
        (outside(ENGLAND_BOUNDS, *corners), GEOMETRY_OUTSIDE_ENGLAND),
        (pl.col("repaired"), MULTIPOLYGON_MADE_VALID),
        (pl.col("system") == "swapped", COORDINATES_SWAPPED),
        (pl.col("promoted"), MULTIPOLYGON_FROM_POLYGON),
    )
    ok = readable & ~empty & ~outside_uk
    return [pl.when(ok).then(pl.col("wkt")).alias("value"), issue.alias("issue")]
