"""Turn coordinates into longitude and latitude (WGS84), whatever system and order they came in.

Councils publish points and boundaries as longitude and latitude, as latitude and longitude
(the North Kesteven brownfield register puts latitude in ``GeoX``), or as British National Grid
eastings and northings. The numbers say which, because Great Britain is small:

- latitude first: x from 49 to 61 and y from -9 to 2.5 (read the other way round, that is the
  Indian Ocean), so they are swapped, with the info issue ``coordinates-swapped``;
- longitude first: x from -180 to 180 and y from -90 to 90;
- otherwise eastings and northings: x from 0 to 700,000 and y from 0 to 1,300,000, converted
  with the Ordnance Survey's OSTN15 transformation (by ``convertbng``).

ETRS89 and WGS84 are treated as the same: they differ by less than a metre in Great Britain.
A place outside the UK is an error (``geometry-outside-uk``): it almost always means the
coordinates are wrong. A place in the UK but outside England is a warning
(``geometry-outside-england``): this library is for English councils.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
from convertbng.cutil import convert_lonlat

from localdata.ingest.datatypes.columns import patch
from localdata.ingest.issues import IssueType, Severity

GEOMETRY_OUTSIDE_UK = IssueType(
    "geometry-outside-uk",
    "Location outside the UK",
    Severity.ERROR,
    "This location is outside the UK. Check the coordinates: longitude comes first, like "
    "POINT (-1.4701 53.3811), or easting then northing, like 437500 387200.",
)
GEOMETRY_OUTSIDE_ENGLAND = IssueType(
    "geometry-outside-england",
    "Location outside England",
    Severity.WARNING,
    "This location is in the UK but outside England. Check the coordinates.",
)
COORDINATES_SWAPPED = IssueType(
    "coordinates-swapped",
    "Latitude and longitude swapped",
    Severity.INFO,
    "The latitude came before the longitude, so we swapped them. Put the longitude first, "
    "like POINT (-1.4701 53.3811).",
    fixed_by="library",
)
COORDINATES_FROM_GRID = IssueType(
    "coordinates-from-grid",
    "Eastings and northings converted",
    Severity.INFO,
    "We converted the eastings and northings in {field} (British National Grid) to longitude "
    "and latitude.",
    fixed_by="library",
    scope="column",
)

# (west, south, east, north) in degrees; generous boxes, so only clear mistakes are reported.
UK_BOUNDS = (-8.75, 49.8, 1.9, 60.95)
ENGLAND_BOUNDS = (-6.5, 49.85, 1.8, 55.85)

Floats = npt.NDArray[np.float64]


def coordinate_system(x_min: pl.Expr, y_min: pl.Expr, x_max: pl.Expr, y_max: pl.Expr) -> pl.Expr:
    """``swapped``, ``degrees`` or ``grid`` for coordinates in these ranges, or null."""

    def within(x_range: tuple[float, float], y_range: tuple[float, float]) -> pl.Expr:
        return (
            x_min.is_between(*x_range) & x_max.is_between(*x_range)
            & y_min.is_between(*y_range) & y_max.is_between(*y_range)
        )  # fmt: skip

    return (
        pl.when(within((49, 61), (-9, 2.5))).then(pl.lit("swapped"))
        .when(within((-180, 180), (-90, 90))).then(pl.lit("degrees"))
        .when(within((0, 700_000), (0, 1_300_000))).then(pl.lit("grid"))
        .otherwise(pl.lit(None, pl.String))
    )  # fmt: skip


def grid_to_lonlat(easting: Floats, northing: Floats) -> tuple[Floats, Floats]:
    """Longitudes and latitudes of British National Grid points, by OSTN15 (NaN off the grid)."""
    if easting.size == 0:
        return easting, northing
    lon, lat = convert_lonlat(
        np.ascontiguousarray(easting, dtype=np.float64),
        np.ascontiguousarray(northing, dtype=np.float64),
    )
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def grid_coordinates_to_lonlat(coordinates: Floats) -> Floats:
    """An (n, 2) array of eastings and northings as longitudes and latitudes."""
    lon, lat = grid_to_lonlat(coordinates[:, 0], coordinates[:, 1])
    return np.column_stack([lon, lat])


def outside(
    bounds: tuple[float, float, float, float],
    lon_min: pl.Expr,
    lat_min: pl.Expr,
    lon_max: pl.Expr,
    lat_max: pl.Expr,
) -> pl.Expr:
    """Whether any part of a place lies outside a box (true when it has no coordinates)."""
    west, south, east, north = bounds
    inside = (lon_min >= west) & (lon_max <= east) & (lat_min >= south) & (lat_max <= north)
    return ~inside.fill_null(value=False)


def coordinate_text(degrees: pl.Series) -> pl.Series:
    """Degrees rounded to 6 decimal places (about 10 cm), as plain text without trailing zeros."""
    rounded = pl.select(
        pl.when(pl.lit(degrees).round(6) == 0).then(0.0).otherwise(pl.lit(degrees).round(6))
    ).to_series()
    text = rounded.cast(pl.String).str.strip_suffix(".0")
    # Polars writes 1 to 9 millionths with an exponent (1e-6): write them out in full.
    tiny = ((rounded.abs() < 1e-5) & (rounded != 0)).fill_null(value=False).arg_true()
    millionths = (rounded.gather(tiny) * 1_000_000).round(0).cast(pl.Int64)
    written = pl.select(
        pl.when(pl.lit(millionths) < 0).then(pl.lit("-")).otherwise(pl.lit(""))
        + pl.lit("0.00000")
        + pl.lit(millionths).abs().cast(pl.String)
    ).to_series()
    return patch(text, tiny, written)
