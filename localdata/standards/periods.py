"""Reporting periods: the stretch of time a file of a periodic standard covers.

A period is a start and an end date, both included. Most are whole calendar months, quarters or
years, or a UK local government financial year (1 April to 31 March); a file can also cover
any run of whole months ("April to October 2023"), or any run of days.

Written forms, as ``Period.parse`` reads them and ``Period.label`` writes them:

========================  ==============================  ============================
form                      meaning                         title
========================  ==============================  ============================
``2025-03``               a calendar month                March 2025
``2025-Q1``               a calendar quarter              January to March 2025
``2025``                  a calendar year                 2025
``2024/25``               a financial year                April 2024 to March 2025
``2023-04/2023-10``       a run of whole months           April to October 2023
``2025-03-03/2025-03-09`` a run of days                   3 March 2025 to 9 March 2025
========================  ==============================  ============================

``Q1 2025``, ``2025 Q1``, ``March 2025``, ``Mar-25``, ``2024/2025`` and ``2024-2025`` are read
too. ``2024-25`` is refused: it reads as a month as easily as a year, so write ``2024/25``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from localdata.errors import UsageError

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS["sept"] = 9

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(?:(\d{4})\s*-?\s*q([1-4])|q([1-4])\s*-?\s*(\d{4}))")
_YEAR = re.compile(r"(\d{4})")
_FINANCIAL = re.compile(r"(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})")
_NAMED_MONTH = re.compile(r"([a-z]{3,9})[\s_-]*(\d{4}|\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, order=True)
class Period:
    """A stretch of time from ``start`` to ``end``, both days included."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(
                f"A period cannot end ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})."
            )

    # -- making periods --------------------------------------------------------------

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month."""
        return cls.months(year, month, year, month)

    @classmethod
    def months(cls, year: int, month: int, last_year: int, last_month: int) -> Period:
        """Whole months from one month to another, both included."""
        last_day = calendar.monthrange(last_year, last_month)[1]
        return cls(dt.date(year, month, 1), dt.date(last_year, last_month, last_day))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        """The calendar quarter (1 is January to March)."""
        first = 3 * (quarter - 1) + 1
        return cls.months(year, first, year, first + 2)

    @classmethod
    def year(cls, year: int) -> Period:
        """The calendar year."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def financial_year(cls, year: int) -> Period:
        """The UK local government financial year that starts on 1 April of ``year``."""
        return cls(dt.date(year, 4, 1), dt.date(year + 1, 3, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period a written form names (see the module docstring), or a plain-English error.

        Example::

            Period.parse("2025-Q1").title  # 'January to March 2025'
        """
        found = _parse(text.strip().lower())
        if found is None:
            raise UsageError(
                f"'{text}' is not a period. Write a month like 2025-03, a quarter like 2025-Q1, "
                "a year like 2025, a financial year like 2024/25, or a range like "
                "2024-04/2024-10."
            )
        return found

    # -- describing ------------------------------------------------------------------

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a 1st and ends on the last day of a month."""
        return self.start.day == 1 and self.end.day == _last_day(self.end)

    @property
    def month_count(self) -> int:
        """How many calendar months the period touches."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def kind(self) -> str:
        """``month``, ``quarter``, ``year``, ``financial-year``, ``months`` or ``days``."""
        if not self.whole_months:
            return "days"
        if self.month_count == 1:
            return "month"
        if self.month_count == 3 and self.start.month % 3 == 1:
            return "quarter"
        if self.month_count == 12 and self.start.month == 1:
            return "year"
        if self.month_count == 12 and self.start.month == 4:
            return "financial-year"
        return "months"

    @property
    def label(self) -> str:
        """The short written form, such as ``2025-03`` or ``2024/25``; ``parse`` reads it back."""
        start, end = self.start, self.end
        return {
            "month": f"{start:%Y-%m}",
            "quarter": f"{start.year}-Q{(start.month - 1) // 3 + 1}",
            "year": f"{start.year}",
            "financial-year": f"{start.year}/{(start.year + 1) % 100:02d}",
            "months": f"{start:%Y-%m}/{end:%Y-%m}",
        }.get(self.kind, f"{start.isoformat()}/{end.isoformat()}")

    @property
    def title(self) -> str:
        """The period in words, such as "March 2025" or "April 2024 to March 2025"."""
        start, end, kind = self.start, self.end, self.kind
        if kind == "month":
            return f"{start:%B %Y}"
        if kind == "year":
            return str(start.year)
        if kind == "days":
            return f"{_day(start)} to {_day(end)}" if start != end else _day(start)
        if start.year == end.year:
            return f"{start:%B} to {end:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"

    def __str__(self) -> str:
        return self.label

    def to_dict(self) -> dict[str, str]:
        """JSON-ready: the label, the title, and the first and last days."""
        return {
            "period": self.label,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    # -- comparing -------------------------------------------------------------------

    def contains(self, other: Period) -> bool:
        """True when every day of ``other`` is in this period."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share a day."""
        return self.start <= other.end and other.start <= self.end

    def holds(self, day: dt.date) -> bool:
        """True when the day is in the period."""
        return self.start <= day <= self.end

    def month_starts(self) -> list[dt.date]:
        """The first day of each calendar month the period touches, in order."""
        year, month = self.start.year, self.start.month
        found = []
        for _ in range(self.month_count):
            found.append(dt.date(year, month, 1))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _parse(text: str) -> Period | None:
    if "/" in text and not _FINANCIAL.fullmatch(text):
        return _parse_range(text)
    if match := _MONTH.fullmatch(text):
        return _month_or_none(int(match[1]), int(match[2]))
    if match := _QUARTER.fullmatch(text):
        year, quarter = (match[1], match[2]) if match[1] else (match[4], match[3])
        return Period.quarter(int(year), int(quarter))
    if match := _YEAR.fullmatch(text):
        return Period.year(int(match[1]))
    if match := _FINANCIAL.fullmatch(text):
        return _financial_or_none(text, int(match[1]), match[2])
    if (match := _NAMED_MONTH.fullmatch(text)) and match[1] in MONTHS:
        year = int(match[2]) if len(match[2]) == 4 else 2000 + int(match[2])
        return Period.month(year, MONTHS[match[1]])
    return None


def _parse_range(text: str) -> Period | None:
    first, _, last = (part.strip() for part in text.partition("/"))
    if _DAY.fullmatch(first) and _DAY.fullmatch(last):
        try:
            return Period(dt.date.fromisoformat(first), dt.date.fromisoformat(last))
        except ValueError:
            return None
    start, end = _MONTH.fullmatch(first), _MONTH.fullmatch(last)
    if start is None or end is None or not (1 <= int(start[2]) <= 12 and 1 <= int(end[2]) <= 12):
        return None
    return Period.months(int(start[1]), int(start[2]), int(end[1]), int(end[2]))


def _month_or_none(year: int, month: int) -> Period | None:
    return Period.month(year, month) if 1 <= month <= 12 else None


def _financial_or_none(text: str, year: int, second: str) -> Period | None:
    """A financial year written 2024/25, 2024/2025 or 2024-2025 (never 2024-25)."""
    if "-" in text and len(second) == 2:
        return None
    following = int(second) if len(second) == 4 else (year + 1) // 100 * 100 + int(second)
    return Period.financial_year(year) if following == year + 1 else None


def _last_day(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


__all__ = ["MONTHS", "Period"]
