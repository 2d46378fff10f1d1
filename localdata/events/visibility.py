"""Which events a principal may see: events about restricted data pass the access gate.

An event carries no personal data, but that a council published a new version of a
restricted dataset is itself only for those who may read that council's rows. So:

- events about no dataset, or an ``open`` one, are for everyone;
- ``registered`` datasets' events are for any signed-in user or key;
- ``restricted`` datasets' events are for principals the gate (``localdata.access.gate``)
  lets read that organisation's rows: its own organisations' members, and receivers of an
  agreement in force today that shares the dataset with them. Events about a restricted
  dataset as a whole (no organisation, such as a new version of its standard) are for
  everyone, as the standard is public.

The rule is applied once per request or delivery, as a SQL condition for the feed and as a
yes or no for one event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access import gate
from localdata.access.agreements import list_agreements
from localdata.access.model import Level, Principal
from localdata.access.tables import dataset_access
from localdata.errors import LocalDataError
from localdata.events.tables import events
from localdata.standards.catalogue import StandardCatalogue

ALL = None  # every organisation's events of a dataset may be seen


def levels(conn: Connection) -> dict[str, Level]:
    """The datasets whose access level is not ``open``, with their level."""
    query = sa.select(dataset_access.c.dataset, dataset_access.c.level)
    return {r.dataset: r.level for r in conn.execute(query) if r.level != "open"}


def readable(
    conn: Connection,
    principal: Principal,
    standards: StandardCatalogue,
    dataset: str,
    level: Level,
    today: date,
) -> frozenset[str] | None:
    """The organisations whose events of a dataset the principal may see (``ALL`` for all)."""
    if level == "open":
        return ALL
    if level == "registered":
        return ALL if principal.signed_in else frozenset()
    try:
        standard = standards.get(dataset)
        agreements = list_agreements(conn, standard.name)
        grant = gate.decide(principal, standard, "restricted", agreements, None, today)
    except LocalDataError:  # not signed in, no agreement, or no such standard
        return frozenset()
    return grant.own | {a.provider for a in grant.agreements}


def condition(
    conn: Connection, principal: Principal, standards: StandardCatalogue, today: date
) -> sa.ColumnElement[bool]:
    """A condition on ``events`` that holds for the events the principal may see."""
    found = levels(conn)
    if not found:
        return sa.true()
    parts: list[sa.ColumnElement[bool]] = [
        events.c.dataset.is_(None),
        events.c.dataset.not_in(list(found)),
        events.c.organisation.is_(None),
    ]
    for dataset, level in found.items():
        orgs = readable(conn, principal, standards, dataset, level, today)
        if orgs is ALL:
            parts.append(events.c.dataset == dataset)
        elif orgs:
            parts.append(sa.and_(events.c.dataset == dataset, events.c.organisation.in_(orgs)))
    return sa.or_(*parts)


def may_see(
    conn: Connection,
    principal: Principal,
    standards: StandardCatalogue,
    event: Mapping[str, str | None],
    today: date,
) -> bool:
    """True when the principal may see an event with this ``dataset`` and ``organisation``."""
    dataset, organisation = event.get("dataset"), event.get("organisation")
    if dataset is None or organisation is None:
        return True
    level = levels(conn).get(dataset, "open")
    orgs = readable(conn, principal, standards, dataset, level, today)
    return orgs is ALL or organisation in orgs
