"""Harmonise dates and date-times.

Dates in the UK are written day first, and that is the rule here. These forms are read (each
distinct value once, so a column of a million payments costs no more than its few hundred
distinct dates):

- ISO: ``2024-03-31``, ``2024/03/31``, ``20240331``;
- day first in numbers: ``31/03/2024``, ``31-03-2024``, ``31.03.2024``, ``31/03/24``;
- day first with a month name: ``31 Mar 2024``, ``31-Mar-24``, ``Sunday 31st March 2024``;
- a month name first: ``March 31, 2024`` (the name makes it unambiguous);
- any of these followed by a time, as spreadsheets export dates: ``2024-03-31T00:00:00``,
  ``31/03/2024 01:00:00``.

Decisions, each reported rather than guessed silently:

- ``05/25/2017`` cannot be day first, so it is an error (``date-month-first``), not read as 25
  May. When the only dates in a column that settle the order are month first, the column gets
  ``dates-month-first`` too, because its other dates (``03/05/2017``) are probably wrong as well.
- A two-digit year is 2000-2069 for 00-69 and 1970-1999 for 70-99; the column gets the info
  issue ``dates-two-digit-years`` once, instead of every cell.
- A month without a day (``April 2017``, ``Apr-17``, ``2017-04``) becomes the first of the
  month, with the warning ``date-month-only``: the row stays in the right month for queries.
- A five-digit number from 18264 to 73050 is a spreadsheet's day number (1950 to 2099), read as
  a date with the info issue ``date-from-spreadsheet-number``.
- A time of 00:00 or 01:00 after a date is dropped silently (01:00 is how a spreadsheet saved
  in summer time stores midnight); any other time is dropped with ``date-time-removed``.
- Dates before 1900 or after 2100 are kept with the warning ``date-out-of-range``.

Date-times are kept to the microsecond in UTC. A time with no zone is UK time (Europe/London);
in the hour the clocks go back, it is the first of the two.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.standards.model import StandardField

DATE_UNRECOGNISED = IssueType(
    "date-unrecognised",
    "Not a date",
    Severity.ERROR,
    "Enter a date like 2024-03-31 or 31/03/2024.",
)
DATE_IMPOSSIBLE = IssueType(
    "date-impossible",
    "Date that does not exist",
    Severity.ERROR,
    "This date does not exist. Check the day and month, and enter it like 2024-03-31.",
)
DATE_MONTH_FIRST = IssueType(
    "date-month-first",
    "Date with the month first",
    Severity.ERROR,
    "This date has the month first. Enter it day first, like 25/05/2017, or as 2017-05-25.",
)
DATE_OUT_OF_RANGE = IssueType(
    "date-out-of-range",
    "Date far in the past or future",
    Severity.WARNING,
    "This date is before 1900 or after 2100. Check the year.",
)
DATE_MONTH_ONLY = IssueType(
    "date-month-only",
    "Month without a day",
    Severity.WARNING,
    "This gives a month but no day, so we used the first day of the month. "
    "Enter the full date, like 2017-04-30.",
)
DATE_FROM_SERIAL = IssueType(
    "date-from-spreadsheet-number",
    "Date read from a spreadsheet day number",
    Severity.INFO,
    "This looked like a spreadsheet's day number, so we read it as a date. Check the date, "
    "and format the spreadsheet column as dates like 2024-03-31.",
    fixed_by="library",
)
DATE_TIME_REMOVED = IssueType(
    "date-time-removed",
    "Time removed from a date",
    Severity.INFO,
    "We removed the time from this date, because only the date is needed.",
    fixed_by="library",
)
DATES_MONTH_FIRST = IssueType(
    "dates-month-first",
    "Dates written month first",
    Severity.ERROR,
    "The dates in {field} look like they have the month first, like 05/25/2017. Enter every "
    "date day first, like 25/05/2017, or as 2017-05-25.",
    scope="column",
)
DATES_TWO_DIGIT_YEARS = IssueType(
    "dates-two-digit-years",
    "Dates with two-digit years",
    Severity.INFO,
    "Some dates in {field} have two-digit years. We read 00 to 69 as 2000 to 2069, and 70 to "
    "99 as 1970 to 1999. Use four-digit years, like 2024-03-31, to be sure.",
    fixed_by="library",
    scope="column",
)
DATETIME_UNRECOGNISED = IssueType(
    "datetime-unrecognised",
    "Not a date and time",
    Severity.ERROR,
    "Enter a date and time like 2024-03-31T14:30:00, or 31/03/2024 14:30.",
)
DATETIME_IN_CLOCK_CHANGE = IssueType(
    "datetime-in-clock-change",
    "Time skipped when the clocks went forward",
    Severity.ERROR,
    "This time did not happen in the UK, because the clocks went forward. Check the time, or "
    "add the time zone, like 2024-03-31T01:30:00Z.",
)

MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip

# A value splits into its date and an optional time; the date is then one of these shapes.
_WITH_TIME = (
    r"^(?P<date>.+?)(?:(?:t|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{1,9}))?)?\s*(?P<meridiem>am|pm)?\s*"
    r"(?P<zone>z|utc|gmt|bst|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_SHAPES = {
    "ymd": r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})$",
    "ymd_basic": r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$",
    "numbers": r"^(?P<first>\d{1,2})[-/. ](?P<second>\d{1,2})[-/. ](?P<year>\d{4}|\d{2})$",
    "dmy_named": r"^(?P<day>\d{1,2})[-/. ]?(?P<name>[a-z]{3,9})\.?[-/. ]?(?P<year>\d{4}|\d{2})$",
    "mdy_named": r"^(?P<name>[a-z]{3,9})\.?[-/. ](?P<day>\d{1,2})[-/. ](?P<year>\d{4})$",
    "month_named": r"^(?P<name>[a-z]{3,9})\.?[-/. ]?(?P<year>\d{4}|\d{2})$",
    "month_ym": r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})$",
    "month_my": r"^(?P<month>\d{1,2})[-/.](?P<year>\d{4})$",
    "serial": r"^(?P<serial>\d{5})(?:\.\d+)?$",
}
# Spreadsheet day numbers count from 1899-12-30; these are 1950-01-01 and 2099-12-31.
_SERIAL_RANGE = (18264, 73050)
_MIDNIGHT = ("00:00:00", "01:00:00")


def harmonise_date(values: pl.Series, field: StandardField) -> Harmonised:
    """Dates as pl.Date, read day first."""
    return by_distinct(values, lambda distinct: _dates(distinct, field))


def harmonise_datetime(values: pl.Series, field: StandardField) -> Harmonised:
    """Date-times as UTC pl.Datetime; a time with no zone is UK time."""
    return by_distinct(values, lambda distinct: _datetimes(distinct, field))


def date_parts(raw: pl.Series) -> pl.DataFrame:
    """Read each value's date and time parts, without judging them.

    Columns: ``year``, ``month``, ``day`` (Int64), ``shape`` (which form matched: ``date``,
    ``month-first``, ``month-only``, ``serial``, or null for none), ``settles_day_first``
    (numbers whose first part can only be a day), ``two_digit_year``, and the time parts
    ``hour``, ``minute``, ``second``, ``microsecond`` (Int64), ``meridiem``, ``zone`` and
    ``time`` (the time as ``hh:mm:ss``).
    """
    normal = (
        pl.col("raw")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", "")
        .str.replace_all(r"(\d)(?:st|nd|rd|th)\b", "${1}")
        .str.replace_all(r"\s*,\s*|\s+", " ")
    )
    split = (
        raw.alias("raw").to_frame().select(normal.str.extract_groups(_WITH_TIME).struct.unnest())
    )
    found = split.with_columns(
        pl.col("date").str.extract_groups(pattern).alias(shape)
        for shape, pattern in _SHAPES.items()
    )
    return found.select(*_calendar_parts(), *_time_parts())


def _number(shape: str, part: str) -> pl.Expr:
    return pl.col(shape).struct.field(part).cast(pl.Int64)


def _matched(shape: str) -> pl.Expr:
    """Whether the value has this shape (its regular expression matched)."""
    return pl.col(shape).struct.field(_FIRST_GROUP[shape]).is_not_null()


_FIRST_GROUP = {
    "ymd": "year", "ymd_basic": "year", "numbers": "first", "dmy_named": "day",
    "mdy_named": "name", "month_named": "name", "month_ym": "year", "month_my": "month",
    "serial": "serial",
}  # fmt: skip


def _month_named(shape: str) -> pl.Expr:
    name = pl.col(shape).struct.field("name")
    return name.replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int64)


def _full_year(year: pl.Expr) -> pl.Expr:
    return pl.when(year >= 100).then(year).when(year <= 69).then(year + 2000).otherwise(year + 1900)


def _readings() -> list[tuple[str, str, pl.Expr, pl.Expr, pl.Expr]]:
    """For each shape: its kind of date, and how to read its year, month and day."""
    first, second = _number("numbers", "first"), _number("numbers", "second")
    serial = pl.date(1899, 12, 30) + pl.duration(days=_number("serial", "serial"))
    one = pl.lit(1, pl.Int64)
    return [
        ("ymd", "date", _number("ymd", "year"), _number("ymd", "month"), _number("ymd", "day")),
        ("ymd_basic", "date", _number("ymd_basic", "year"), _number("ymd_basic", "month"),
         _number("ymd_basic", "day")),
        ("numbers", "date", _number("numbers", "year"), second, first),
        ("dmy_named", "date", _number("dmy_named", "year"), _month_named("dmy_named"),
         _number("dmy_named", "day")),
        ("mdy_named", "date", _number("mdy_named", "year"), _month_named("mdy_named"),
         _number("mdy_named", "day")),
        ("month_named", "month-only", _number("month_named", "year"),
         _month_named("month_named"), one),
        ("month_ym", "month-only", _number("month_ym", "year"), _number("month_ym", "month"),
         one),
        ("month_my", "month-only", _number("month_my", "year"), _number("month_my", "month"),
         one),
        ("serial", "serial", serial.dt.year().cast(pl.Int64), serial.dt.month().cast(pl.Int64),
         serial.dt.day().cast(pl.Int64)),
    ]  # fmt: skip


def _calendar_parts() -> list[pl.Expr]:
    year, month, day = (pl.lit(None, pl.Int64),) * 3
    kind = pl.lit(None, pl.String)
    for shape, shape_kind, shape_year, shape_month, shape_day in reversed(_readings()):
        matched = _matched(shape)
        year = pl.when(matched).then(shape_year).otherwise(year)
        month = pl.when(matched).then(shape_month).otherwise(month)
        day = pl.when(matched).then(shape_day).otherwise(day)
        kind = pl.when(matched).then(pl.lit(shape_kind)).otherwise(kind)
    first, second = _number("numbers", "first"), _number("numbers", "second")
    kind = (
        pl.when(_matched("numbers") & (second > 12) & (first <= 12)).then(pl.lit("month-first"))
        .when(_matched("serial") & ~_number("serial", "serial").is_between(*_SERIAL_RANGE))
        .then(pl.lit(None, pl.String))
        .otherwise(kind)
    )  # fmt: skip
    two_digit = pl.lit(False)
    for shape in ("numbers", "dmy_named", "month_named"):
        two_digit = two_digit | (pl.col(shape).struct.field("year").str.len_chars() == 2)
    return [
        _full_year(year).alias("year"),
        month.alias("month"),
        day.alias("day"),
        kind.alias("shape"),
        (_matched("numbers") & (first > 12) & (second <= 12)).alias("settles_day_first"),
        two_digit.fill_null(value=False).alias("two_digit_year"),
    ]


def _time_parts() -> list[pl.Expr]:
    hour = pl.col("hour").cast(pl.Int64)
    meridiem = pl.col("meridiem")
    hour = (
        pl.when((meridiem == "pm") & (hour < 12)).then(hour + 12)
        .when((meridiem == "am") & (hour == 12)).then(0)
        .otherwise(hour)
    )  # fmt: skip
    microsecond = pl.col("fraction").str.pad_end(6, "0").str.slice(0, 6).cast(pl.Int64)
    second = pl.col("second").cast(pl.Int64).fill_null(0)
    return [
        hour.alias("hour"),
        pl.col("minute").cast(pl.Int64),
        second.alias("second"),
        microsecond.fill_null(0).alias("microsecond"),
        meridiem,
        pl.col("zone"),
        pl.format(
            "{}:{}:{}",
            hour.cast(pl.String).str.zfill(2),
            pl.col("minute"),
            second.cast(pl.String).str.zfill(2),
        ).alias("time"),
    ]


def _calendar_date(parts: pl.DataFrame) -> pl.DataFrame:
    """Add ``real`` (the parts make a day of the calendar) and ``date``."""
    year, month, day = pl.col("year"), pl.col("month"), pl.col("day")
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    days_in_month = (
        pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11])).then(30)
        .otherwise(31)
    )  # fmt: skip
    real = month.is_between(1, 12) & day.is_between(1, days_in_month)
    real = real.fill_null(value=False) & pl.col("shape").is_in(["date", "month-only", "serial"])
    return parts.with_columns(real=real).with_columns(
        date=pl.date(*(pl.when("real").then(part) for part in (year, month, day)))
    )


def _dates(distinct: pl.Series, field: StandardField) -> Harmonised:
    parts = _calendar_date(date_parts(distinct))
    shape, year = pl.col("shape"), pl.col("date").dt.year()
    error = first_issue(
        (shape.is_null() | pl.col("month").is_null(), DATE_UNRECOGNISED),
        (shape == "month-first", DATE_MONTH_FIRST),
        (~pl.col("real"), DATE_IMPOSSIBLE),
    )
    issue = pl.coalesce(
        error,
        first_issue(
            (~year.is_between(1900, 2100), DATE_OUT_OF_RANGE),
            (shape == "month-only", DATE_MONTH_ONLY),
            (shape == "serial", DATE_FROM_SERIAL),
            (~pl.col("time").is_in(_MIDNIGHT), DATE_TIME_REMOVED),
        ),
    )
    found = parts.select(pl.col("date"), issue.alias("issue"))
    return Harmonised(found["date"], found["issue"], _column_issues(parts, field))


def _column_issues(parts: pl.DataFrame, field: StandardField) -> list[Issue]:
    facts = parts.select(
        month_first=(pl.col("shape") == "month-first").any(),
        day_first=pl.col("settles_day_first").any(),
        two_digit=(pl.col("two_digit_year") & pl.col("real")).any(),
    ).row(0, named=True)
    issues = []
    if facts["month_first"] and not facts["day_first"]:
        issues.append(Issue(DATES_MONTH_FIRST.slug, field=field.name))
    if facts["two_digit"]:
        issues.append(Issue(DATES_TWO_DIGIT_YEARS.slug, field=field.name))
    return issues


def _datetimes(distinct: pl.Series, field: StandardField) -> Harmonised:
    parts = _calendar_date(date_parts(distinct))
    minute = pl.col("minute").fill_null(0)
    clock = (
        pl.col("hour").fill_null(0).is_between(0, 23)
        & minute.is_between(0, 59)
        & pl.col("second").is_between(0, 59)
    )
    naive = pl.col("date").cast(pl.Datetime("us")) + pl.duration(
        hours=pl.col("hour").fill_null(0),
        minutes=minute,
        seconds=pl.col("second"),
        microseconds=pl.col("microsecond"),
    )
    naive = pl.when(clock).then(naive)
    london = naive.dt.replace_time_zone(
        "Europe/London", ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")
    zoned = (naive - pl.duration(minutes=_zone_minutes(pl.col("zone")))).dt.replace_time_zone("UTC")
    value = pl.when(pl.col("zone").is_null()).then(london).otherwise(zoned)
    shape = pl.col("shape")
    issue = first_issue(
        (shape.is_null() | pl.col("month").is_null() | ~clock, DATETIME_UNRECOGNISED),
        (shape == "month-first", DATE_MONTH_FIRST),
        (~pl.col("real"), DATE_IMPOSSIBLE),
        (value.is_null(), DATETIME_IN_CLOCK_CHANGE),
        (~pl.col("date").dt.year().is_between(1900, 2100), DATE_OUT_OF_RANGE),
        (shape == "month-only", DATE_MONTH_ONLY),
        (shape == "serial", DATE_FROM_SERIAL),
    )
    found = parts.select(value.alias("value"), issue.alias("issue"))
    return Harmonised(found["value"], found["issue"], _column_issues(parts, field))


def _zone_minutes(zone: pl.Expr) -> pl.Expr:
    """Minutes ahead of UTC for ``z``, ``utc``, ``gmt``, ``bst`` or an offset like ``+01:00``."""
    offset = zone.str.extract_groups(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})?$")
    hours = offset.struct.field("hours").cast(pl.Int64)
    minutes = offset.struct.field("minutes").cast(pl.Int64).fill_null(0)
    signed = pl.when(offset.struct.field("sign") == "-").then(-1).otherwise(1)
    return (
        pl.when(zone == "bst").then(60)
        .when(zone.is_in(["z", "utc", "gmt"])).then(0)
        .otherwise(signed * (hours * 60 + minutes))
    )  # fmt: skip
