"""Which reporting period a file of a periodic standard covers.

A file of a periodic standard (``Standard.publication``) covers a period: publishing it replaces
what the organisation published before for that period, and nothing else. The period is given
by the person publishing (``--period 2025-03``) or worked out from the file, in this order:

1. **The standard's own period**: the calendar month (monthly standards), calendar quarter
   (quarterly) or financial year, then calendar year (annual) that holds nearly all (90%) of the
   dates in the standard's period field. A March spending file often has a few payments dated
   in February or April; they stay in the file and are reported.
2. **A period the file names** (in its file name, such as ``spend-2024-03.csv`` or
   ``March-25.csv``, or in a title row above its headings), when nearly all the dates fall in
   it or the month either side of it: files whose date column holds invoice dates spread back
   over earlier months.
3. **A longer calendar period** (a quarter, a year or a financial year) that holds nearly all
   the dates, with a fair share of them in every one of its months (at least two thirds of
   the average month's): a quarterly or yearly file.
4. **A run of whole months** that holds nearly all the dates, with a fair share of them in each
   month (at least two thirds of the average): a file covering, say, April to October.

When none of these fits, the period cannot be worked out and publishing needs one given: a
guess could replace another month's published data. Nothing here ever picks the period a
wrong date format would suggest: the dates are the harmonised ones, day first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.standards.model import Frequency, Standard
from localdata.standards.periods import MONTHS, Period

NEARLY_ALL = 0.9
FAIR_SHARE = 2 / 3  # of the average month, for a run of months to count as covered

PERIOD_FOUND = IssueType(
    "period-worked-out",
    "Period worked out",
    Severity.INFO,
    "This file covers {detail}. If it covers another period, say which when you publish it.",
    fixed_by="library",
    scope="file",
)
DATES_OUTSIDE_PERIOD = IssueType(
    "dates-outside-period",
    "Dates outside the file's period",
    Severity.INFO,
    "{detail} They stay in this file, and publishing another period will not remove them.",
    fixed_by="library",
    scope="file",
)
PERIOD_UNKNOWN = IssueType(
    "period-unknown",
    "Period not known",
    Severity.ERROR,
    "We could not tell which period this file covers: {detail} Say which period it covers "
    "when you publish it, such as 2025-03 for March 2025 or 2025-Q1 for January to March 2025.",
    scope="file",
)
PERIOD_DISAGREES = IssueType(
    "period-disagrees-with-dates",
    "Most dates outside the period given",
    Severity.WARNING,
    "{detail} Check that you gave the right period: publishing replaces what was published "
    "for that period.",
    scope="file",
)

_ISO_MONTH = re.compile(r"(?<!\d)(\d{4})[-_ .](\d{1,2})(?!\d)")
_WORD_MONTH = re.compile(r"([a-z]{3,9})[-_ .]*(\d{4}|\d{2})(?!\d)")


@dataclass(frozen=True)
class MonthCounts:
    """How many dates fall in each calendar month (keyed by the month's first day)."""

    counts: Counter[dt.date]

    @classmethod
    def of(cls, dates: pl.Series) -> MonthCounts:
        """The month counts of a column of dates (nulls left out)."""
        months = dates.drop_nulls().cast(pl.Date).dt.truncate("1mo").value_counts()
        return cls(Counter(dict(months.iter_rows())))

    def add(self, other: MonthCounts) -> MonthCounts:
        """Both counts together."""
        return MonthCounts(self.counts + other.counts)

    @property
    def total(self) -> int:
        """How many dates were counted."""
        return sum(self.counts.values())

    def within(self, period: Period) -> int:
        """How many dates fall in the period's months."""
        return sum(self.counts.get(month, 0) for month in period.month_starts())

    def share(self, period: Period) -> float:
        """The share of the dates that fall in the period's months."""
        return self.within(period) / self.total if self.total else 0.0

    @property
    def busiest(self) -> dt.date:
        """The month with the most dates (the earliest of equals)."""
        return max(sorted(self.counts), key=lambda month: self.counts[month])

    def evenly(self, period: Period) -> bool:
        """True when every month of the period holds a fair share of its dates.

        A fair share is two thirds of the average month's: a quarterly file's months are
        about equal, while a monthly file of invoice dates has a long thin tail before it.
        """
        fair = self.within(period) / period.month_count * FAIR_SHARE
        return all(self.counts.get(m, 0) >= fair for m in period.month_starts())


@dataclass(frozen=True)
class PeriodFinding:
    """The period a file covers, how it was found, and what to tell the publisher."""

    period: Period | None
    found_from: str  # "given", "dates", "file name", or "" when not found
    issues: tuple[Issue, ...] = ()


def find_period(
    standard: Standard,
    months: MonthCounts,
    *,
    given: Period | None = None,
    names: Sequence[str] = (),
    has_dates: bool = True,
) -> PeriodFinding:
    """The period a file covers: ``given``, or worked out from its dates and ``names``.

    ``months`` counts the dates in the standard's period field; ``names`` are texts that may
    name a period (the file name); ``has_dates`` is False when the file has no column for the
    period field.
    """
    if given is not None:
        return PeriodFinding(given, "given", tuple(_disagreement(given, months, standard)))
    found, how = _worked_out(standard, months, names)
    if found is None:
        return PeriodFinding(None, "", (_unknown(standard, months, has_dates),))
    issues = [Issue(PERIOD_FOUND.slug, detail=f"{found.title}, {how}")]
    issues += _outside(found, months, standard)
    return PeriodFinding(found, "file name" if "name" in how else "dates", tuple(issues))


def _worked_out(
    standard: Standard, months: MonthCounts, names: Sequence[str]
) -> tuple[Period | None, str]:
    if not months.total:
        return None, ""
    for period in _own_periods(standard, months):
        if months.share(period) >= NEARLY_ALL:
            return period, f"from its dates ({_percent(months.share(period))} are in it)"
    for period in named_periods(names):
        if months.share(_widened(period)) >= NEARLY_ALL:
            return period, "from its file name, and its dates agree"
    for period in _longer_periods(months):
        if months.share(period) >= NEARLY_ALL and months.evenly(period):
            return period, "from its dates, which are spread over every month of it"
    run = _run_of_months(months)
    if run is not None:
        return run, "from its dates, which are spread over those months"
    return None, ""


def _own_periods(standard: Standard, months: MonthCounts) -> list[Period]:
    """The periods of the standard's own frequency that hold the most dates."""
    year, month = months.busiest.year, months.busiest.month
    if standard.frequency is Frequency.MONTHLY:
        return [Period.month(year, month)]
    if standard.frequency is Frequency.QUARTERLY:
        return [Period.quarter(year, (month - 1) // 3 + 1)]
    if standard.frequency is Frequency.ANNUAL:
        return [Period.financial_year(year if month >= 4 else year - 1), Period.year(year)]
    return []


def _longer_periods(months: MonthCounts) -> list[Period]:
    """Calendar quarters, years and financial years around the busiest month."""
    year, month = months.busiest.year, months.busiest.month
    return [
        Period.quarter(year, (month - 1) // 3 + 1),
        Period.financial_year(year if month >= 4 else year - 1),
        Period.year(year),
    ]


def _run_of_months(months: MonthCounts) -> Period | None:
    """The shortest run of whole months holding nearly all the dates, each a fair share."""
    ordered = sorted(months.counts)
    best: Period | None = None
    for first in range(len(ordered)):
        for last in range(first, len(ordered)):
            start, end = ordered[first], ordered[last]
            span = Period.months(start.year, start.month, end.year, end.month)
            if months.share(span) >= NEARLY_ALL:
                if best is None or span.month_count < best.month_count:
                    best = span
                break
    if best is None or best.month_count < 2:
        return None
    return best if months.evenly(best) else None


def _widened(period: Period) -> Period:
    """The period with the month before and the month after it."""
    before, after = period.month_starts()[0], period.end
    year, month = (before.year - 1, 12) if before.month == 1 else (before.year, before.month - 1)
    next_year, next_month = (
        (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    )
    return Period.months(year, month, next_year, next_month)


def named_periods(texts: Iterable[str]) -> list[Period]:
    """The calendar months that texts such as file names name ("spend-2024-03", "March-25")."""
    found: list[Period] = []
    for text in texts:
        lowered = text.lower()
        for year, month in _ISO_MONTH.findall(lowered):
            if 1 <= int(month) <= 12 and 1990 <= int(year) <= 2100:
                found.append(Period.month(int(year), int(month)))
        for word, year in _WORD_MONTH.findall(lowered):
            if word in MONTHS:
                full = int(year) if len(year) == 4 else 2000 + int(year)
                found.append(Period.month(full, MONTHS[word]))
    return list(dict.fromkeys(found))


def _outside(period: Period, months: MonthCounts, standard: Standard) -> list[Issue]:
    outside = months.total - months.within(period)
    if not outside:
        return []
    named = sorted(m for m in months.counts if not period.holds(m))
    shown = ", ".join(f"{m:%B %Y}" for m in named[:4]) + (" and others" if len(named) > 4 else "")
    what = _dates_name(standard)
    detail = f"{outside:,} {what} are outside {period.title} (in {shown})."
    return [Issue(DATES_OUTSIDE_PERIOD.slug, field=standard.period_field, detail=detail)]


def _disagreement(given: Period, months: MonthCounts, standard: Standard) -> list[Issue]:
    if not months.total or months.share(given) >= 0.5:
        return []
    detail = (
        f"You said this file covers {given.title}, but only {_percent(months.share(given))} of "
        f"its {_dates_name(standard)} are in it."
    )
    return [Issue(PERIOD_DISAGREES.slug, field=standard.period_field, detail=detail)]


def _unknown(standard: Standard, months: MonthCounts, has_dates: bool) -> Issue:
    what = _dates_name(standard)
    if not has_dates or not months.total:
        return Issue(PERIOD_UNKNOWN.slug, detail=f"it has no {what} to work it out from.")
    busiest = months.busiest
    share = months.counts[busiest] / months.total
    detail = (
        f"its {what} are spread over {len(months.counts)} months, and the most in one month "
        f"is {_percent(share)} in {busiest:%B %Y}."
    )
    return Issue(PERIOD_UNKNOWN.slug, detail=detail)


def _dates_name(standard: Standard) -> str:
    if standard.period_field is None:
        return "dates"
    return standard.field(standard.period_field).label.lower() + "s"


def _percent(share: float) -> str:
    return f"{share:.0%}" if share < 0.995 or share == 1 else "over 99%"


__all__ = [
    "DATES_OUTSIDE_PERIOD",
    "PERIOD_DISAGREES",
    "PERIOD_FOUND",
    "PERIOD_UNKNOWN",
    "MonthCounts",
    "PeriodFinding",
    "find_period",
    "named_periods",
]
