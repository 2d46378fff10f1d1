"""The demo's history: which council submits which file when, over the past 18 months.

Each council gets a role per dataset from its place in the chosen list, so that every demo,
however small, has councils in each state a standards owner needs to see:

- current: publishes every month (spend) or after each yearly review (the others);
- corrects: publishes every month, and publishes the month before its latest again, corrected;
- quarterly: publishes spend a quarter at a time, each file replacing its three months;
- gap: publishes every month but one, so coverage shows that month missing;
- overdue: published spend for a while, then stopped 3 to 7 months ago;
- failing: its latest file has mistakes, so it was rejected and the version before stays current;
- fixed: one file was rejected, and a corrected one published a few days later;
- repeat: sent the same file twice, so the second changed nothing;
- never: has not published the dataset at all.

Spend roles follow ``SPEND_ROLES`` from the second council on (the first always publishes
every month and corrects one, so ``load_demo`` can tell from it whether the demo is loaded);
brownfield roles follow ``BROWNFIELD_ROLES`` for planning authorities (county councils keep no
register); every third council publishes its land and building assets, a year apart, and two
of them fail.

A spend file holds one month (spend is a periodic standard: each file replaces only its own
month), and is submitted between the 5th and the 25th of the next month, in working hours; a
file whose date has not come yet is not submitted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from localdata.demo import assets, brownfield, spend
from localdata.demo.files import seeded
from localdata.demo.places import Council

SPEND_ROLES = (
    "overdue",
    "failing",
    "fixed",
    "never",
    "repeat",
    "corrects",
    "current",
    "quarterly",
    "gap",
    "overdue",
    "current",
    "corrects",
    "current",
    "current",
)
BROWNFIELD_ROLES = (
    "current",
    "failing",
    "current",
    "repeat",
    "current",
    "never",
    "current",
    "current",
    "current",
    "current",
    "current",
    "current",
)

FAILING_ASSETS = (4, 22)  # places in the list of councils whose latest asset list is rejected


@dataclass(frozen=True)
class Planned:
    """One file a council submits, when, and what the library should make of it."""

    when: datetime
    dataset: str
    council: Council
    filename: str
    content: bytes
    expect: str  # published, rejected or unchanged


def plan_demo(councils: list[Council], seed: int, today: date) -> list[Planned]:
    """Every submission of the demo, oldest first."""
    planned: list[Planned] = []
    for index, council in enumerate(councils):
        spend_role = "corrects" if index == 0 else SPEND_ROLES[(index - 1) % len(SPEND_ROLES)]
        planned += plan_spend(council, seed, today, spend_role)
        if council.is_planning_authority:
            role = BROWNFIELD_ROLES[index % len(BROWNFIELD_ROLES)]
            planned += plan_brownfield(council, seed, today, role)
        if index % 3 == 1:
            role = "failing" if index in FAILING_ASSETS else "current"
            planned += plan_assets(council, seed, today, role)
    return sorted(planned, key=lambda p: (p.when, p.dataset, p.council.id))


def plan_spend(council: Council, seed: int, today: date, role: str) -> list[Planned]:
    """A council's spend files, one a month (or a quarter), with its role's mistakes."""
    if role == "never":
        return []
    rng = seeded(seed, "spend-plan", council.id)
    style = spend.spend_style(council, seed)
    if role == "quarterly":
        return _plan_quarters(council, style, seed, today, rng)
    latest = _month(today) - 1
    last = latest - rng.randint(3, 7) if role == "overdue" else latest
    months = range(last - rng.randint(2, 4), last + 1)
    due = [(m, _submitted(rng, m)) for m in months]
    due = [(month, when) for month, when in due if when.date() < today]
    if role == "gap" and len(due) > 2:
        del due[-2]
    planned: list[Planned] = []
    for number, (month, when) in enumerate(due, start=1):
        name = spend.spend_filename(style, month)
        left = len(due) - number  # files still to come after this one
        if (role == "failing" and left == 0) or (role == "fixed" and left == 1):
            broken = spend.spend_file(style, seed, month, broken=True)
            planned.append(Planned(when, "spend", council, name, broken, "rejected"))
            if role == "failing":
                break
            when += timedelta(days=rng.randint(1, 4))
        content = spend.spend_file(style, seed, month)
        planned.append(Planned(when, "spend", council, name, content, "published"))
        if role == "repeat" and left == 2:
            again = when + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 3))
            planned.append(Planned(again, "spend", council, name, content, "unchanged"))
        if role == "corrects" and left == 0 and number >= 2:
            earlier = due[number - 2][0]
            corrected = spend.spend_file(style, seed, earlier, made=month)
            again = when + timedelta(hours=rng.randint(1, 5))
            name = spend.spend_filename(style, earlier)
            planned.append(Planned(again, "spend", council, name, corrected, "published"))
    return planned


def _plan_quarters(
    council: Council, style: spend.SpendStyle, seed: int, today: date, rng: random.Random
) -> list[Planned]:
    """A council that publishes spend a calendar quarter at a time."""
    latest = _month(today) - 1
    last_quarter_end = latest - (latest % 12 + 1) % 3  # the last month of a complete quarter
    planned = []
    for end in (last_quarter_end - 6, last_quarter_end - 3, last_quarter_end):
        when = _submitted(rng, end)
        if when.date() < today:
            content = spend.spend_file(style, seed, end, months=3)
            name = spend.spend_filename(style, end, months=3)
            planned.append(Planned(when, "spend", council, name, content, "published"))
    return planned


def _submitted(rng: random.Random, month: int) -> datetime:
    """When a council submits the file for a month: the 5th to the 25th of the next one."""
    return _working_time(rng, _month_start(month + 1) + timedelta(days=rng.randint(4, 24)))


def plan_brownfield(council: Council, seed: int, today: date, role: str) -> list[Planned]:
    """A planning authority's brownfield land register after each review."""
    if role == "never":
        return []
    rng = seeded(seed, "brownfield-plan", council.id)
    style = brownfield.register_style(council, seed)
    first = today - timedelta(days=rng.randint(400, 520))
    reviews = [first]
    if rng.random() < 0.15:
        reviews.append(first + timedelta(days=rng.randint(150, 220)))
    reviews.append(first + timedelta(days=rng.randint(330, 390)))
    reviews = [day for day in reviews if day < today]
    planned: list[Planned] = []
    for number, review in enumerate(reviews, start=1):
        when = _working_time(rng, review)
        name = brownfield.register_filename(style, review)
        broken = role == "failing" and number == len(reviews) and number > 1
        content = brownfield.register_file(style, seed, reviews[:number], broken=broken)
        planned.append(
            Planned(
                when,
                "brownfield-land",
                council,
                name,
                content,
                "rejected" if broken else "published",
            )
        )
    if role == "repeat":
        again = planned[-1].when + timedelta(days=rng.randint(2, 10))
        planned.append(
            Planned(
                again,
                "brownfield-land",
                council,
                planned[-1].filename,
                planned[-1].content,
                "unchanged",
            )
        )
    return [p for p in planned if p.when.date() < today]


def plan_assets(council: Council, seed: int, today: date, role: str) -> list[Planned]:
    """A council's yearly list of land and building assets."""
    rng = seeded(seed, "assets-plan", council.id)
    first = today - timedelta(days=rng.randint(400, 480))
    planned: list[Planned] = []
    for year in range(2):
        day = first + timedelta(days=365 * year + rng.randint(-15, 15))
        broken = role == "failing" and year == 1
        content = assets.assets_file(council, seed, year, broken=broken)
        planned.append(
            Planned(
                _working_time(rng, day),
                "land-and-assets",
                council,
                assets.assets_filename(council, day.year),
                content,
                "rejected" if broken else "published",
            )
        )
    return [p for p in planned if p.when.date() < today]


def _month(day: date) -> int:
    """Months since the year 0, so that month arithmetic is plain subtraction."""
    return day.year * 12 + day.month - 1


def _month_start(month: int) -> date:
    year, index = divmod(month, 12)
    return date(year, index + 1, 1)


def _working_time(rng: random.Random, day: date) -> datetime:
    """A moment in working hours on the day, or on the Monday after a weekend."""
    if day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    at = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, at, tzinfo=UTC)
