"""Working out the period a file covers from its dates and its name (issue 13)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from localdata.ingest.periods import MonthCounts, find_period, named_periods
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import Standard
from localdata.standards.periods import Period

D = dt.date


@pytest.fixture(scope="module")
def spend() -> Standard:
    return StandardCatalogue(None).get("spend")


def months(**shares: int) -> MonthCounts:
    """Month counts from keywords like m2024_03=90."""
    return MonthCounts(Counter({D(int(k[1:5]), int(k[6:8]), 1): v for k, v in shares.items()}))


def test_a_month_holding_nearly_all_dates_is_the_period(spend: Standard) -> None:
    found = find_period(spend, months(m2025_03=95, m2025_02=3, m2025_04=2))
    assert (found.period, found.found_from) == (Period.month(2025, 3), "dates")
    assert [i.type for i in found.issues] == ["period-worked-out", "dates-outside-period"]


def test_a_file_name_decides_when_invoice_dates_spread_back(spend: Standard) -> None:
    counts = months(m2024_03=67, m2024_02=27, m2024_01=2, m2023_12=1)
    assert find_period(spend, counts).period is None
    named = find_period(spend, counts, names=["kingston-spend-2024-03.csv"])
    assert (named.period, named.found_from) == (Period.month(2024, 3), "file name")


def test_a_quarter_with_every_month_is_a_quarter(spend: Standard) -> None:
    found = find_period(spend, months(m2023_10=36, m2023_11=33, m2023_12=31),
                        names=["sunderland-spend-2023-12.xlsx"])  # fmt: skip
    assert found.period == Period.quarter(2023, 4)


def test_an_even_run_of_months_is_the_period(spend: Standard) -> None:
    counts = months(**{f"m{y}_{m:02d}": 14 for y, m in [(2023, 9), (2023, 10), (2023, 11),
                    (2023, 12), (2024, 1), (2024, 2), (2024, 3)]})  # fmt: skip
    assert find_period(spend, counts).period == Period.months(2023, 9, 2024, 3)


def test_a_period_is_never_guessed_from_a_lopsided_spread(spend: Standard) -> None:
    found = find_period(spend, months(m2024_03=76, m2024_02=17, m2023_06=7))
    assert found.period is None
    [issue] = found.issues
    assert issue.type == "period-unknown" and "76% in March 2024" in issue.detail


def test_a_given_period_wins_and_is_questioned_when_the_dates_disagree(spend: Standard) -> None:
    found = find_period(spend, months(m2025_03=100), given=Period.month(2025, 2))
    assert found.period == Period.month(2025, 2)
    assert [i.type for i in found.issues] == ["period-disagrees-with-dates"]


def test_a_file_without_dates_needs_a_period(spend: Standard) -> None:
    found = find_period(spend, months(), has_dates=False)
    assert found.period is None and "no payment dates" in found.issues[0].detail


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("March-25-CSV.csv", [Period.month(2025, 3)]),
        ("spending_2024_10_october.xlsx", [Period.month(2024, 10)]),
        ("Transparency-Payments-2025-03.xls", [Period.month(2025, 3)]),
        ("1704.csv", []),
        ("Over500_23_P12_-_Published.xlsx", []),
    ],
)
def test_named_periods_reads_months_in_file_names(name: str, expected: list[Period]) -> None:
    assert named_periods([name]) == expected
