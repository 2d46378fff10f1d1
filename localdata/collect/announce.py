"""Announce a source's changes of state, and organisations becoming overdue, as events.

A source's state is read from its attempts whose outcome is decided (an attempt whose new
file is still waiting for its check is left out), with the rules of ``status.py``:

- ``source-failing`` when the newest decided attempt failed and the one before it did not
  (or there was none: a new source that never worked is failing too);
- ``source-recovered`` when it worked and the one before it was failing.

``announce_source`` runs in the transaction that records the attempt or its result, so the
event commits with it. ``announce_overdue`` runs in the worker's scheduler: an organisation
that becomes overdue for a dataset is announced once, and marked in ``overdue_marks``; the
mark is removed when it is no longer overdue, so the next lapse is announced again.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from localdata.collect.sources import Attempt, attempt_log, get_source
from localdata.collect.status import RECENT_ATTEMPTS, sources_with_status, state_of
from localdata.events.outbox import emit
from localdata.events.tables import overdue_marks
from localdata.events.types import OrganisationOverdue, SourceFailing, SourceRecovered
from localdata.store.library import Library
from localdata.store.metadata import now


def _decided(attempt: Attempt) -> bool:
    return not (
        attempt.outcome == "new" and attempt.submission_id is None and attempt.error is None
    )


def announce_source(conn: Connection, source_id: int, attempt_id: int, events_source: str) -> None:
    """Announce the source failing or recovering, if this attempt changed which it is."""
    source = get_source(conn, source_id)
    if source.state != "active":
        return
    decided = [a for a in attempt_log(conn, source_id, limit=RECENT_ATTEMPTS) if _decided(a)]
    if not decided or decided[0].id != attempt_id:
        return
    before, since = state_of(source, decided[1:])
    after, _ = state_of(source, decided)
    common = {"dataset": source.dataset, "organisation": source.organisation}
    if after == "failing" and before != "failing":
        latest = decided[0]
        event = SourceFailing(
            **common, source=source.id, attempt=latest.id, http_status=latest.http_status
        )
        emit(conn, event, source=events_source)
    elif before == "failing" and after != "failing" and since is not None:
        recovered = SourceRecovered(
            **common, source=source.id, attempt=attempt_id, failing_since=since
        )
        emit(conn, recovered, source=events_source)


def announce_overdue(library: Library) -> int:
    """Announce each organisation that has become overdue for a dataset; return how many."""
    statuses = sources_with_status(library)
    overdue: dict[tuple[str, str], tuple[int, dt.datetime]] = {}
    for found in statuses:
        if found.status.overdue and found.status.due_by is not None:
            key = (found.source.dataset, found.source.organisation)
            overdue.setdefault(key, (found.source.id, found.status.due_by))
    announced = 0
    with library.database.transaction() as conn:
        marked = {(r.dataset, r.organisation) for r in conn.execute(sa.select(overdue_marks))}
        for dataset, organisation in marked - set(overdue):
            conn.execute(
                sa.delete(overdue_marks).where(
                    overdue_marks.c.dataset == dataset, overdue_marks.c.organisation == organisation
                )
            )
        for (dataset, organisation), (source_id, due_by) in sorted(overdue.items()):
            if (dataset, organisation) in marked:
                continue
            values = {"dataset": dataset, "organisation": organisation, "due_by": due_by}
            insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
            added = conn.execute(
                insert(overdue_marks)
                .values(values | {"marked_at": now()})
                .on_conflict_do_nothing()
                .returning(overdue_marks.c.dataset)
            ).first()
            if added is None:  # another worker announced it a moment ago
                continue
            event = OrganisationOverdue(
                dataset=dataset, organisation=organisation, source=source_id, due_by=due_by
            )
            emit(conn, event, source=library.settings.events_source)
            announced += 1
    return announced
