"""Harmonise points: one location, as WKT ``POINT (longitude latitude)`` in WGS84.

A point comes in one cell or in two columns (``harmonise_point``). A cell may hold:

- WKT, in any case, with or without an SRID: ``POINT (-0.2403 51.5325)``,
  ``SRID=27700;POINT(538221 183691)``;
- GeoJSON: ``{"type": "Point", "coordinates": [-0.2403, 51.5325]}``;
- labelled degrees, as in Exeter's brownfield register: ``Latitude: 50.7275 Longitude: -3.52239``;
- labelled eastings and northings: ``E 538221 N 183691``;
- a bare pair: ``-0.2403, 51.5325``.

Which coordinate system and order the numbers are in is read from the numbers themselves (see
``coordinates.py``). Points are kept to 6 decimal places, about 10 cm.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import first_issue, patch
from localdata.ingest.datatypes.coordinates import (
    COORDINATES_FROM_GRID,
    COORDINATES_SWAPPED,
    ENGLAND_BOUNDS,
    GEOMETRY_OUTSIDE_ENGLAND,
    GEOMETRY_OUTSIDE_UK,
    UK_BOUNDS,
    coordinate_system,
    coordinate_text,
    grid_to_lonlat,
    outside,
)
from localdata.ingest.datatypes.numbers import harmonise_decimal
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.standards.model import StandardField

POINT_UNRECOGNISED = IssueType(
    "point-unrecognised",
    "Not a point",
    Severity.ERROR,
    "Enter the point as longitude and latitude, like POINT (-1.4701 53.3811), or as an "
    "easting and northing.",
)
POINT_MISSING_COORDINATE = IssueType(
    "point-missing-coordinate",
    "Point with one coordinate",
    Severity.ERROR,
    "Enter both coordinates of the point: one of the pair is missing.",
)

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?"
_LATITUDE = r"lat(?:itude)?\.?\s*[:=]?\s*"
_LONGITUDE = r"(?:lon(?:g(?:itude)?)?|lng)\.?\s*[:=]?\s*"
_BETWEEN = r"\s*[,;]?\s*"
_FORMS = [
    rf"(?i)^(?:srid=\d+\s*;)?\s*point\s*(?:zm|z|m)?\s*\(\s*(?P<x>{_NUMBER})[\s,]+(?P<y>{_NUMBER})"
    rf"(?:\s+{_NUMBER})*\s*\)$",
    rf"(?i)\"coordinates\"\s*:\s*\[\s*(?P<x>{_NUMBER})\s*,\s*(?P<y>{_NUMBER})",
    rf"(?i)^{_LATITUDE}(?P<y>{_NUMBER}){_BETWEEN}{_LONGITUDE}(?P<x>{_NUMBER})$",
    rf"(?i)^{_LONGITUDE}(?P<x>{_NUMBER}){_BETWEEN}{_LATITUDE}(?P<y>{_NUMBER})$",
    rf"(?i)^e(?:asting)?\s*[:=]?\s*(?P<x>{_NUMBER}){_BETWEEN}n(?:orthing)?\s*[:=]?\s*"
    rf"(?P<y>{_NUMBER})$",
    rf"(?i)^\(?\s*(?P<x>{_NUMBER})\s*[,;\s]\s*(?P<y>{_NUMBER})\s*\)?$",
]


def harmonise_point_text(values: pl.Series, field: StandardField) -> Harmonised:
    """Points written in one cell, as WKT ``POINT (lon lat)`` in WGS84."""
    x, y = _coordinates_in_text(values)
    unreadable = values.is_not_null() & (x.is_null() | y.is_null())
    return points_from_xy(x, y, field, unreadable.alias(values.name))


def harmonise_point(x: pl.Series, y: pl.Series, field: StandardField) -> Harmonised:
    """Points from separate x and y columns, as WKT ``POINT (lon lat)`` in WGS84.

    ``x`` and ``y`` are text as found: eastings and northings, or longitudes and latitudes in
    either order.
    """
    x_number, y_number = harmonise_decimal(x, field).values, harmonise_decimal(y, field).values
    unreadable = (x.is_not_null() & x_number.is_null()) | (y.is_not_null() & y_number.is_null())
    result = points_from_xy(x_number, y_number, field, unreadable.alias(field.name))
    missing = ~unreadable & (x_number.is_null() ^ y_number.is_null())
    rows = missing.arg_true()
    slugs = pl.repeat(POINT_MISSING_COORDINATE.slug, rows.len(), eager=True)
    result.issues = patch(result.issues, rows, slugs)
    return result


def points_from_xy(
    x: pl.Series, y: pl.Series, field: StandardField, unreadable: pl.Series
) -> Harmonised:
    """WKT points from x and y numbers in any supported system and order."""
    frame = pl.DataFrame({"x": x, "y": y, "unreadable": unreadable})
    x_col, y_col = pl.col("x"), pl.col("y")
    frame = frame.with_columns(system=coordinate_system(x_col, y_col, x_col, y_col)).with_columns(
        lon=pl.when(pl.col("system") == "swapped").then(y_col).otherwise(x_col),
        lat=pl.when(pl.col("system") == "swapped").then(x_col).otherwise(y_col),
    )
    grid = (frame["system"] == "grid").fill_null(value=False).arg_true()
    lon, lat = grid_to_lonlat(
        frame["x"].gather(grid).to_numpy(), frame["y"].gather(grid).to_numpy()
    )
    frame = frame.with_columns(
        lon=patch(frame["lon"], grid, pl.Series(lon)).fill_nan(None),
        lat=patch(frame["lat"], grid, pl.Series(lat)).fill_nan(None),
    )
    found = frame.select(*_point_and_issue())
    wkt = pl.concat_str(
        [
            pl.lit("POINT ("),
            pl.lit(coordinate_text(frame["lon"])),
            pl.lit(" "),
            pl.lit(coordinate_text(frame["lat"])),
            pl.lit(")"),
        ]
    )
    values = found.select(pl.when(pl.col("ok")).then(wkt)).to_series()
    column_issues = [Issue(COORDINATES_FROM_GRID.slug, field=field.name)] if grid.len() else []
    return Harmonised(values.alias(field.name), found["issue"].alias(field.name), column_issues)


def _point_and_issue() -> list[pl.Expr]:
    lon, lat = pl.col("lon"), pl.col("lat")
    present = pl.col("x").is_not_null() & pl.col("y").is_not_null()
    outside_uk = present & (pl.col("system").is_null() | outside(UK_BOUNDS, lon, lat, lon, lat))
    issue = first_issue(
        (pl.col("unreadable"), POINT_UNRECOGNISED),
        (outside_uk, GEOMETRY_OUTSIDE_UK),
        (present & outside(ENGLAND_BOUNDS, lon, lat, lon, lat), GEOMETRY_OUTSIDE_ENGLAND),
        (pl.col("system") == "swapped", COORDINATES_SWAPPED),
    )
    ok = present & ~pl.col("unreadable") & ~outside_uk
    return [ok.alias("ok"), issue.alias("issue")]


def _coordinates_in_text(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The x and y numbers in each cell (null where none of the forms matches)."""
    x = y = pl.repeat(None, values.len(), dtype=pl.Float64, eager=True)
    rows = values.is_not_null().arg_true()
    for form in _FORMS:
        if rows.len() == 0:
            break
        found = values.gather(rows).str.extract_groups(form).struct.unnest()
        numbers = found.select(pl.all().cast(pl.Float64, strict=False)).with_columns(
            pl.when(pl.all().is_finite()).then(pl.all())
        )
        x, y = patch(x, rows, numbers["x"]), patch(y, rows, numbers["y"])
        still = (numbers["x"].is_null() | numbers["y"].is_null()).arg_true()
        rows = rows.gather(still)
    return x, y
