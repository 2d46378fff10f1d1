"""Reporting periods: their written forms, titles and how they compare (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdata.errors import UsageError
from localdata.standards.periods import Period

D = dt.date


@pytest.mark.parametrize(
    ("text", "label", "title"),
    [
        ("2025-03", "2025-03", "March 2025"),
        ("March 2025", "2025-03", "March 2025"),
        ("Mar-25", "2025-03", "March 2025"),
        ("2025-Q1", "2025-Q1", "January to March 2025"),
        ("Q4 2023", "2023-Q4", "October to December 2023"),
        ("2025", "2025", "2025"),
        ("2024/25", "2024/25", "April 2024 to March 2025"),
        ("2024/2025", "2024/25", "April 2024 to March 2025"),
        ("2023-04/2023-10", "2023-04/2023-10", "April to October 2023"),
        ("2023-11/2024-02", "2023-11/2024-02", "November 2023 to February 2024"),
        ("2025-03-03/2025-03-09", "2025-03-03/2025-03-09", "3 March 2025 to 9 March 2025"),
    ],
)
def test_period_parse_reads_the_written_forms(text: str, label: str, title: str) -> None:
    period = Period.parse(text)
    assert (period.label, period.title) == (label, title)
    assert Period.parse(period.label) == period


@pytest.mark.parametrize("text", ["2024-25", "2024-13", "spring", "2025-Q5", "2024/26", ""])
def test_period_parse_refuses_what_is_not_a_period_plainly(text: str) -> None:
    with pytest.raises(UsageError, match="is not a period"):
        Period.parse(text)


def test_period_contains_overlaps_and_months() -> None:
    quarter, february = Period.quarter(2024, 1), Period.month(2024, 2)
    assert quarter.contains(february) and not february.contains(quarter)
    assert Period.financial_year(2023).overlaps(quarter)
    assert not Period.month(2024, 4).overlaps(quarter)
    assert quarter.month_starts() == [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1)]
    assert Period.month(2024, 2).end == D(2024, 2, 29)


@given(st.integers(1990, 2090), st.integers(1, 12), st.integers(0, 30))
def test_period_label_round_trips_for_any_run_of_months(year: int, month: int, more: int) -> None:
    last = year * 12 + month - 1 + more
    period = Period.months(year, month, last // 12, last % 12 + 1)
    assert Period.parse(period.label) == period
    assert period.month_count == more + 1
