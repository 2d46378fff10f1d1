"""Harmonisers: turn a column of text as found into canonical values, one datatype each.

Every harmoniser takes the whole column (a Polars ``Series`` of strings, null where the cell was
empty) and returns a ``Harmonised``: the canonical values (typed; see ``CANONICAL_DTYPES``), one
issue slug per cell (null where there is nothing to say), and any issues about the column as a
whole. They work with Polars expressions over whole columns, never a Python loop per cell; work
per *distinct* value is allowed where distinct values are few (dates, flags, code lists,
organisation names, boundaries). See ``columns.py`` for the two patterns that keep them fast.

The original value is never lost: the pipeline keeps the column as found beside the harmonised
one, and a value that cannot be harmonised becomes null here with an ``error`` slug, never a
silent blank. ``warning`` and ``info`` slugs keep a value.

Before a column reaches its harmoniser, ``read_cells`` reads what each cell really says, the
same way for every datatype: quotation marks around the whole value come off (``quotes.py``),
and placeholders such as ``N/A``, ``-`` or ``TBC`` become empty (``blanks.py``). So no
harmoniser ever sees a placeholder as a value.

One module per family of datatypes, each stating its decisions in its docstring:
``text`` (string, text), ``numbers`` (integer, decimal, money), ``dates`` (date, datetime),
``flags``, ``urls``, ``identifiers`` (postcode, UPRN, GSS code, company number),
``organisations``, ``codes`` (any field with a code list), ``points`` and ``polygons`` (with
``coordinates``).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from localdata.ingest.datatypes.blanks import read_blanks
from localdata.ingest.datatypes.codes import CODE_NOT_ALLOWED, harmonise_codes
from localdata.ingest.datatypes.columns import most_serious
from localdata.ingest.datatypes.dates import harmonise_date, harmonise_datetime
from localdata.ingest.datatypes.flags import harmonise_flag
from localdata.ingest.datatypes.identifiers import (
    harmonise_company_number,
    harmonise_gss_code,
    harmonise_postcode,
    harmonise_uprn,
)
from localdata.ingest.datatypes.numbers import (
    MONEY,
    decimal_text,
    harmonise_decimal,
    harmonise_integer,
    harmonise_money,
)
from localdata.ingest.datatypes.organisations import harmonise_organisation
from localdata.ingest.datatypes.quotes import unwrap_quotes
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.datatypes.text import harmonise_string, harmonise_text
from localdata.ingest.datatypes.urls import harmonise_url
from localdata.standards.model import Datatype, StandardField

Harmoniser = Callable[[pl.Series, StandardField], Harmonised]

GEOMETRY_MODULES = ("localdata.ingest.datatypes.points", "localdata.ingest.datatypes.polygons")


# The geometry harmonisers need NumPy, Shapely and convertbng, which take a while to import;
# they are imported the first time a file has a geometry column, not on every start-up.
def harmonise_point(x: pl.Series, y: pl.Series, field: StandardField) -> Harmonised:
    """A point from separate x and y coordinate columns (see ``points.py``)."""
    from localdata.ingest.datatypes import points

    return points.harmonise_point(x, y, field)


def harmonise_point_text(values: pl.Series, field: StandardField) -> Harmonised:
    """Points written in one cell: WKT, GeoJSON or "Latitude: … Longitude: …"."""
    from localdata.ingest.datatypes import points

    return points.harmonise_point_text(values, field)


def harmonise_multipolygon(values: pl.Series, field: StandardField) -> Harmonised:
    """Boundaries as WKT or GeoJSON (see ``polygons.py``)."""
    from localdata.ingest.datatypes import polygons

    return polygons.harmonise_multipolygon(values, field)


CANONICAL_DTYPES: dict[Datatype, pl.DataType] = {
    Datatype.STRING: pl.String(),
    Datatype.TEXT: pl.String(),
    Datatype.INTEGER: pl.Int64(),
    Datatype.DECIMAL: pl.Float64(),
    Datatype.MONEY: MONEY,
    Datatype.DATE: pl.Date(),
    Datatype.DATETIME: pl.Datetime("us", "UTC"),
    Datatype.FLAG: pl.Boolean(),
    Datatype.URL: pl.String(),
    Datatype.POSTCODE: pl.String(),
    Datatype.UPRN: pl.String(),
    Datatype.GSS_CODE: pl.String(),
    Datatype.COMPANY_NUMBER: pl.String(),
    Datatype.ORGANISATION: pl.String(),
    Datatype.POINT: pl.String(),
    Datatype.MULTIPOLYGON: pl.String(),
}

HARMONISERS: dict[Datatype, Harmoniser] = {
    Datatype.STRING: harmonise_string,
    Datatype.TEXT: harmonise_text,
    Datatype.INTEGER: harmonise_integer,
    Datatype.DECIMAL: harmonise_decimal,
    Datatype.MONEY: harmonise_money,
    Datatype.DATE: harmonise_date,
    Datatype.DATETIME: harmonise_datetime,
    Datatype.FLAG: harmonise_flag,
    Datatype.URL: harmonise_url,
    Datatype.POSTCODE: harmonise_postcode,
    Datatype.UPRN: harmonise_uprn,
    Datatype.GSS_CODE: harmonise_gss_code,
    Datatype.COMPANY_NUMBER: harmonise_company_number,
    # Finding the organisation needs the register: the pipeline calls harmonise_organisation.
    Datatype.ORGANISATION: harmonise_string,
    Datatype.POINT: harmonise_point_text,
    Datatype.MULTIPOLYGON: harmonise_multipolygon,
}

_STRING_TYPES = {Datatype.STRING, Datatype.TEXT, Datatype.ORGANISATION}


def harmonise(values: pl.Series, field: StandardField) -> Harmonised:
    """Harmonise a column of text to the field's datatype, then to its code list if it has one.

    Example::

        result = harmonise(pl.Series(["05-Apr-17", "31/02/2020"]), StandardField(
            name="payment-date", datatype=Datatype.DATE))
        result.values   # [2017-04-05, null]
        result.issues   # [null, "date-impossible"]
    """
    if values.dtype != pl.String:
        values = values.cast(pl.String)
    result = HARMONISERS[field.datatype](values, field)
    if field.constraints.codes:
        result = _with_codes(result, field)
    return result


def read_cells(values: pl.Series, field: StandardField) -> Harmonised:
    """What each cell says before its datatype is read: wrapping quotes off, placeholders empty.

    The pipeline calls this once per column, before the column's harmoniser; see ``quotes.py``
    and ``blanks.py``. Cells it leaves alone come back unchanged, with no issue.
    """
    if values.dtype != pl.String:
        values = values.cast(pl.String)
    unquoted = unwrap_quotes(values)
    blanked = read_blanks(unquoted.values, field)
    issues = most_serious(blanked.issues, unquoted.issues)
    return Harmonised(blanked.values, issues, details=blanked.details)


def with_read_issues(read: Harmonised, result: Harmonised) -> Harmonised:
    """A harmoniser's ``result`` with the issues ``read_cells`` found merged in, cell by cell."""
    return Harmonised(
        result.values,
        most_serious(result.issues, read.issues),
        result.column_issues + read.column_issues,
        {**read.details, **result.details},
    )


def _with_codes(result: Harmonised, field: StandardField) -> Harmonised:
    """Match harmonised values to the field's code list, keeping the most serious issue."""
    if field.datatype in _STRING_TYPES:
        coded = harmonise_codes(result.values, field)
        values = coded.values
    else:
        coded = harmonise_codes(canonical_text(result.values, field.datatype), field)
        allowed = (coded.issues != CODE_NOT_ALLOWED.slug).fill_null(value=True)
        values = pl.select(pl.when(pl.lit(allowed)).then(pl.lit(result.values))).to_series()
    return Harmonised(
        values.alias(result.values.name),
        most_serious(result.issues, coded.issues),
        result.column_issues + coded.column_issues,
        {**result.details, **coded.details},
    )


def canonical_text(values: pl.Series, datatype: Datatype) -> pl.Series:
    """Canonical values as text, for CSV: ISO dates, plain decimals, yes/no, WKT in WGS84.

    Dates are ``2024-03-31``; date-times ``2024-03-31T13:30:00Z`` (UTC); money ``-1234.50``;
    decimals without exponents or thousands separators (``0.00000015``, ``1200``).
    """
    if datatype is Datatype.DECIMAL:
        text = decimal_text(values.cast(pl.Float64))
    elif datatype is Datatype.DATE:
        text = values.dt.to_string("%Y-%m-%d")
    elif datatype is Datatype.DATETIME:
        zoned = isinstance(values.dtype, pl.Datetime) and values.dtype.time_zone is not None
        utc = values.dt.convert_time_zone("UTC") if zoned else values  # naive means UTC here
        text = utc.dt.to_string("%Y-%m-%dT%H:%M:%S%.fZ")
    elif datatype is Datatype.FLAG:
        text = pl.select(
            pl.when(pl.lit(values))
            .then(pl.lit("yes"))
            .when(pl.lit(values).not_())
            .then(pl.lit("no"))
        ).to_series()
    else:
        text = values.cast(pl.String)
    return text.alias(values.name)


__all__ = [
    "CANONICAL_DTYPES",
    "HARMONISERS",
    "Harmonised",
    "Harmoniser",
    "canonical_text",
    "harmonise",
    "harmonise_organisation",
    "harmonise_point",
    "read_cells",
    "with_read_issues",
]
