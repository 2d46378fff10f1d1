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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from localdata.registers import Register
from localdata.standards.model import Frequency, Standard
from localdata.store.metadata import CoverageRow

Status = Literal["current", "overdue", "failing", "never-published"]
STATUSES: tuple[Status, ...] = ("current", "overdue", "failing", "never-published")

DUE_WITHIN: dict[Frequency, dt.timedelta | None] = {
    Frequency.MONTHLY: dt.timedelta(days=31 + 31),
    Frequency.QUARTERLY: dt.timedelta(days=92 + 31),
    Frequency.ANNUAL: dt.timedelta(days=366 + 31),
    Frequency.CONTINUOUS: dt.timedelta(days=7),
    Frequency.AD_HOC: None,
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
        }


def coverage(
    standard: Standard,
    rows: Iterable[CoverageRow],
    register: Register,
    now: dt.datetime,
    collected_since: Mapping[str, dt.datetime] | None = None,
) -> list[Coverage]:
    """Every expected organisation's status for a dataset, by name.

    ``rows`` hold, per organisation that ever submitted, its latest submission and its latest
    published version. ``collected_since`` says, per organisation with an active source for the
    dataset, when its first one was registered (``localdata.collect.sources.collected_since``).
    """
    seen = {row.organisation: row for row in rows}
    since = dict(collected_since or {})
    expected = {o.id for o in register if o.is_council and o.is_current} | set(seen) | set(since)
    found = [
        _standing(standard, org_id, seen.get(org_id), register, now, since.get(org_id))
        for org_id in expected
    ]
    return sorted(found, key=lambda c: c.name)


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
