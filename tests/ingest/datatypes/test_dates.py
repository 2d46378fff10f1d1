"""Dates and date-times."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdata.ingest.datatypes import canonical_text, harmonise
from localdata.standards.model import Datatype
from tests.conftest import real_file
from tests.ingest.datatypes.factories import column, make_field, one

D = dt.date


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("2024-03-31", D(2024, 3, 31), None),
        ("2024/03/31", D(2024, 3, 31), None),
        ("20170405", D(2017, 4, 5), None),
        ("05-Apr-17", D(2017, 4, 5), None),
        ("05-APR-2017", D(2017, 4, 5), None),
        ("25 Jun 2023", D(2023, 6, 25), None),
        ("5 Jun 2023", D(2023, 6, 5), None),
        ("30-Jun-23", D(2023, 6, 30), None),
        ("30 Sept 2023", D(2023, 9, 30), None),
        ("03/05/2017", D(2017, 5, 3), None),
        ("15/07/24", D(2024, 7, 15), None),
        ("12/05/98", D(1998, 5, 12), None),
        ("01.09.2014", D(2014, 9, 1), None),
        ("22.09.2011", D(2011, 9, 22), None),
        ("Monday 25th June 2023", D(2023, 6, 25), None),
        ("March 31, 2024", D(2024, 3, 31), None),
        ("2024-03-31T00:00:00", D(2024, 3, 31), None),
        ("2025-04-01 01:00:00", D(2025, 4, 1), None),
        ("2025-04-01 00:00:00.000000", D(2025, 4, 1), None),
        ("2025-04-01 13:45:00", D(2025, 4, 1), "date-time-removed"),
        ("April 2017", D(2017, 4, 1), "date-month-only"),
        ("Apr-17", D(2017, 4, 1), "date-month-only"),
        ("2017-04", D(2017, 4, 1), "date-month-only"),
        ("04/2017", D(2017, 4, 1), "date-month-only"),
        ("42830", D(2017, 4, 5), "date-from-spreadsheet-number"),
        ("42830.0", D(2017, 4, 5), "date-from-spreadsheet-number"),
        ("1850-01-01", D(1850, 1, 1), "date-out-of-range"),
        ("2150-01-01", D(2150, 1, 1), "date-out-of-range"),
        ("29/02/2020", D(2020, 2, 29), None),
        ("05/25/2017", None, "date-month-first"),
        ("31/02/2020", None, "date-impossible"),
        ("29/02/2019", None, "date-impossible"),
        ("31 Sept 2023", None, "date-impossible"),
        ("13/13/2020", None, "date-impossible"),
        ("12345", None, "date-unrecognised"),
        ("5 foo 2020", None, "date-unrecognised"),
        ("next Tuesday", None, "date-unrecognised"),
        (None, None, None),
    ],
)
def test_date_reads_uk_forms(raw: str | None, expected: dt.date | None, slug: str | None):
    assert one(raw, Datatype.DATE) == (expected, slug)


def _styles(day: dt.date) -> list[str]:
    written = [
        day.isoformat(),
        f"{day:%Y%m%d}",
        f"{day:%d/%m/%Y}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day:%d-%m-%Y}",
        f"{day:%d.%m.%Y}",
        f"{day:%d %b %Y}",
        f"{day.day} {day:%B %Y}",
        f"{day:%A} {day.day} {day:%B %Y}",
        f"{day:%B} {day.day}, {day.year}",
        f"{day.isoformat()}T00:00:00",
        f"{day:%d/%m/%Y} 01:00:00",
    ]
    if 1970 <= day.year <= 2069:
        written += [f"{day:%d-%b-%y}", f"{day:%d/%m/%y}"]
    return written


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_date_reads_any_date_in_every_style(day: dt.date):
    styles = _styles(day)
    result = harmonise(column(*styles), make_field(Datatype.DATE))
    assert result.values.to_list() == [day] * len(styles)
    assert result.issues.null_count() == len(styles)


def test_date_column_month_first_is_reported_for_the_column():
    result = harmonise(column("05/25/2017", "03/04/2017"), make_field(Datatype.DATE))
    assert [i.type for i in result.column_issues] == ["dates-month-first"]
    assert result.column_issues[0].field == "example-field"


def test_date_column_with_day_first_evidence_is_not_month_first():
    result = harmonise(column("05/25/2017", "25/04/2017"), make_field(Datatype.DATE))
    assert [i.type for i in result.column_issues] == []


def test_date_column_two_digit_years_are_reported_once():
    result = harmonise(column("05-Apr-17", "06-Apr-17", "2017-04-07"), make_field(Datatype.DATE))
    assert [i.type for i in result.column_issues] == ["dates-two-digit-years"]
    assert result.issues.null_count() == 3


def test_date_canonical_text_is_iso():
    result = harmonise(column("05-Apr-17", None), make_field(Datatype.DATE))
    assert canonical_text(result.values, Datatype.DATE).to_list() == ["2017-04-05", None]


UTC = dt.UTC


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("2024-03-31T14:30:00", dt.datetime(2024, 3, 31, 13, 30, tzinfo=UTC), None),
        ("2024-01-15T14:30:00", dt.datetime(2024, 1, 15, 14, 30, tzinfo=UTC), None),
        ("2024-03-31T14:30:00Z", dt.datetime(2024, 3, 31, 14, 30, tzinfo=UTC), None),
        ("2024-03-31T14:30:00+01:00", dt.datetime(2024, 3, 31, 13, 30, tzinfo=UTC), None),
        ("2024-06-01T12:00:00-0530", dt.datetime(2024, 6, 1, 17, 30, tzinfo=UTC), None),
        ("31/03/2024 2:30pm", dt.datetime(2024, 3, 31, 13, 30, tzinfo=UTC), None),
        ("31/03/2024 12:05am", dt.datetime(2024, 3, 31, 0, 5, tzinfo=UTC), None),
        ("2024-06-01", dt.datetime(2024, 5, 31, 23, 0, tzinfo=UTC), None),
        (
            "2024-06-01T12:00:00.1234567",
            dt.datetime(2024, 6, 1, 11, 0, 0, 123456, tzinfo=UTC),
            None,
        ),
        ("2024-10-27 01:30", dt.datetime(2024, 10, 27, 0, 30, tzinfo=UTC), None),
        ("2024-03-31 01:30", None, "datetime-in-clock-change"),
        ("2024-06-01 25:00", None, "datetime-unrecognised"),
        ("soon", None, "datetime-unrecognised"),
        ("06/25/2024 10:00", None, "date-month-first"),
    ],
)
def test_datetime_reads_iso_and_uk_forms(raw: str, expected: dt.datetime | None, slug: str | None):
    assert one(raw, Datatype.DATETIME) == (expected, slug)


def test_datetime_canonical_text_is_iso_utc():
    result = harmonise(column("2024-03-31T14:30:00", None), make_field(Datatype.DATETIME))
    assert result.values.dtype == pl.Datetime("us", "UTC")
    text = canonical_text(result.values, Datatype.DATETIME)
    assert text.to_list() == ["2024-03-31T13:30:00Z", None]


@pytest.mark.realdata
def test_date_hyndburn_three_styles_in_one_file_all_read():
    path = real_file("spend/hyndburn/June-23-csv.csv")
    table = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", skip_rows=1)
    result = harmonise(table["Payment Date"], make_field(Datatype.DATE))
    assert result.issues.null_count() == table.height
    assert result.values.null_count() == 0
    assert result.values.dt.year().unique().to_list() == [2023]
