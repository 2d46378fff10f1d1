"""Coverage: which organisations publish a dataset, and whether each is up to date.

Each organisation expected to publish a dataset has one status:

- ``current``: its latest version is newer than the standard's publishing interval allows;
- ``overdue``: it has published, but its latest version is older than that; or it registered
  a source for the dataset (``collected_since``) longer ago than that and no valid version came;
- ``failing``: its latest submission had something that must be fixed (an earlier version
  may still be current and is still served);
- ``never-published``: nothing yet.

Councils (every current principal council) are expected to publish every dataset; any other
organisation that has submitted a file is expected from then on. The interval is the
standard's frequency plus a month's grace: councils publish, for example, March's spending
during April.

For a periodic standard (``Standard.publication``), coverage also says which periods each
organisation has published, and which are missing or were late. The periods expected are the
standard's frequency's (months for spend; quarters; financial years for annual standards), from
the first one the organisation published to the last one now due; a period is due a month after
it ends. A period counts as published when published files cover all of it (a quarterly file
covers its three months). ``overdue`` then means the latest period due is missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from localdata.registers import Register
from localdata.standards.model import Frequency, Standard
from localdata.standards.periods import Period
from localdata.store.metadata import CoverageRow, PublishedPeriod

Status = Literal["current", "overdue", "failing", "never-published"]
STATUSES: tuple[Status, ...] = ("current", "overdue", "failing", "never-published")

DUE_WITHIN: dict[Frequency, dt.timedelta | None] = {
    Frequency.MONTHLY: dt.timedelta(days=31 + 31),
    Frequency.QUARTERLY: dt.timedelta(days=92 + 31),
    Frequency.ANNUAL: dt.timedelta(days=366 + 31),
    Frequency.CONTINUOUS: dt.timedelta(days=7),
    Frequency.AD_HOC: None,
}


GRACE = dt.timedelta(days=31)  # a period is due this long after it ends


@dataclass(frozen=True)
class Periods:
    """For a periodic standard: the periods an organisation published, missed and was late with."""

    published: tuple[Period, ...]
    missing: tuple[Period, ...]
    late: tuple[Period, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: period labels, oldest first."""
        return {
            "published": [p.label for p in self.published],
            "missing": [p.label for p in self.missing],
            "late": [p.label for p in self.late],
        }


@dataclass(frozen=True)
class Coverage:
    """One organisation's standing for one dataset."""

    organisation: str
    name: str
    type: str
    region: str | None
    status: Status
    last_published: dt.datetime | None
    last_submitted: dt.datetime | None
    rows: int
    due_by: dt.datetime | None
    periods: Periods | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "organisation": self.organisation,
            "name": self.name,
            "type": self.type,
            "region": self.region,
            "status": self.status,
            "last_published": _iso(self.last_published),
            "last_submitted": _iso(self.last_submitted),
            "rows": self.rows,
            "due_by": _iso(self.due_by),
            "periods": self.periods.to_dict() if self.periods else None,
        }


def coverage(
    standard: Standard,
    rows: Iterable[CoverageRow],
    register: Register,
    now: dt.datetime,
    collected_since: Mapping[str, dt.datetime] | None = None,
    *,
    periods: Iterable[PublishedPeriod] = (),
    row_counts: Mapping[str, int] | None = None,
) -> list[Coverage]:
    """Every expected organisation's status for a dataset, by name.

    ``rows`` hold, per organisation that ever submitted, its latest submission and its latest
    published version. ``collected_since`` says, per organisation with an active source for the
    dataset, when its first one was registered (``localdata.collect.sources.collected_since``).
    For a periodic standard, ``periods`` are the periods published (``metadata.published_periods``)
    and ``row_counts`` each organisation's rows in the dataset now.
    """
    seen = {row.organisation: row for row in rows}
    since = dict(collected_since or {})
    by_organisation: dict[str, list[PublishedPeriod]] = {}
    for published in periods:
        by_organisation.setdefault(published.organisation, []).append(published)
    expected = {o.id for o in register if o.is_council and o.is_current} | set(seen) | set(since)
    found = []
    for org_id in expected:
        standing = _standing(standard, org_id, seen.get(org_id), register, now, since.get(org_id))
        if standard.periodic:
            standing = _with_periods(standing, standard, by_organisation.get(org_id, []), now)
        if row_counts is not None:
            standing = replace(standing, rows=row_counts.get(org_id, 0))
        found.append(standing)
    return sorted(found, key=lambda c: c.name)


def _with_periods(
    standing: Coverage, standard: Standard, published: list[PublishedPeriod], now: dt.datetime
) -> Coverage:
    """The standing of an organisation for a periodic standard, from the periods it published."""
    if not published:
        return standing
    found = period_standing(standard, published, now.date())
    status = standing.status
    if status in ("current", "overdue"):
        latest_due = _units(standard, published[0].period.start, now.date())
        status = "overdue" if latest_due and latest_due[-1] in found.missing else "current"
    due = _next_due(standard, found, now.date())
    return replace(standing, status=status, periods=found, due_by=due)


def period_standing(
    standard: Standard, published: Iterable[PublishedPeriod], today: dt.date
) -> Periods:
    """Which periods were published (oldest first), which are missing and which were late."""
    ordered = sorted(published, key=lambda p: (p.period_start, p.submitted_at))
    covered = {m for p in ordered for m in p.period.month_starts()}
    units = _units(standard, ordered[0].period.start, today) if ordered else []
    missing = tuple(u for u in units if not set(u.month_starts()) <= covered)
    first_published: dict[Period, dt.date] = {}
    for entry in ordered:
        first_published.setdefault(entry.period, entry.submitted_at.date())
    late = tuple(p for p, day in first_published.items() if day > p.end + GRACE)
    return Periods(tuple(first_published), missing, late)


def _units(standard: Standard, since: dt.date, today: dt.date) -> list[Period]:
    """The periods of the standard's frequency from the one holding ``since`` to the last due."""
    units = []
    unit = _unit_holding(standard.frequency, since)
    while unit is not None and unit.end + GRACE < today:
        units.append(unit)
        unit = _unit_holding(standard.frequency, unit.end + dt.timedelta(days=1))
    return units


def _unit_holding(frequency: Frequency, day: dt.date) -> Period | None:
    if frequency is Frequency.MONTHLY:
        return Period.month(day.year, day.month)
    if frequency is Frequency.QUARTERLY:
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)
    if frequency is Frequency.ANNUAL:
        return Period.financial_year(day.year if day.month >= 4 else day.year - 1)
    return None


def _next_due(standard: Standard, found: Periods, today: dt.date) -> dt.datetime | None:
    """When the next period not yet published falls due."""
    latest = max((p.end for p in found.published), default=None)
    if latest is None:
        return None
    upcoming = _unit_holding(standard.frequency, latest + dt.timedelta(days=1))
    if upcoming is None:
        return None
    day = upcoming.end + GRACE
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _standing(
    standard: Standard,
    org_id: str,
    row: CoverageRow | None,
    register: Register,
    now: dt.datetime,
    source_since: dt.datetime | None = None,
) -> Coverage:
    org = register.get(org_id)
    published = row.published_at if row else None
    window = DUE_WITHIN[standard.frequency]
    start = published if published is not None else source_since
    due_by = start + window if start is not None and window is not None else None
    return Coverage(
        organisation=org.id,
        name=org.name,
        type=org.type,
        region=org.region,
        status=_status(row, published, due_by, now),
        last_published=published,
        last_submitted=row.submitted_at if row else None,
        rows=(row.rows or 0) if row else 0,
        due_by=due_by,
    )


def _status(
    row: CoverageRow | None,
    published: dt.datetime | None,
    due_by: dt.datetime | None,
    now: dt.datetime,
) -> Status:
    if published is None and due_by is not None and due_by < now:
        return "overdue"  # a source was registered, and no valid version came in time
    if row is None:
        return "never-published"
    if row.status == "rejected":
        return "failing"
    if published is None:
        return "never-published"
    if due_by is not None and due_by < now:
        return "overdue"
    return "current"


def counts(found: Iterable[Coverage]) -> dict[str, int]:
    """How many organisations have each status."""
    totals: dict[str, int] = dict.fromkeys(STATUSES, 0)
    for entry in found:
        totals[entry.status] += 1
    return totals


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
