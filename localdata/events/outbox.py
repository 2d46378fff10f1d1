"""The outbox: events written in the transaction of the change they describe, and read back.

``emit(conn, event, source=...)`` adds the event to ``events`` on the caller's connection, so it
commits with the change or not at all: no event is lost, and none is announced for a change
that rolled back. In the same transaction it adds a delivery for every subscription whose
filters match, and a ``deliver`` job for each (``localdata.events.delivery``); after the commit
the workers of this process are woken, so a delivery starts within milliseconds.

Events commit in ``seq`` order: on PostgreSQL ``emit`` takes a transaction-scoped advisory lock,
so a transaction that emits waits for the one before it to end; SQLite has one writer at a
time already. A feed reader that has seen ``seq`` N therefore never misses a smaller one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.events.tables import deliveries, events, subscriptions
from localdata.events.types import CloudEvent, Event
from localdata.jobs import queue
from localdata.jobs.worker import notify_work

EVENTS_LOCK = 7_140_404  # any fixed number, distinct from the migration lock
DELIVERY_ATTEMPTS = 10  # a deliver job is retried this often only when its worker dies


@dataclass(frozen=True)
class StoredEvent:
    """An event as kept in the outbox: its place in the feed and its envelope."""

    seq: int
    event: CloudEvent

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> StoredEvent:
        """The event an ``events`` row holds."""
        values = dict(row._mapping)
        seq = int(values.pop("seq"))
        return cls(seq, CloudEvent(**values))

    def to_dict(self) -> dict[str, Any]:
        """The CloudEvent, with its ``seq`` as the feed's cursor."""
        return self.event.to_dict() | {"seq": self.seq}


def emit(conn: Connection, event: Event, *, source: str) -> StoredEvent:
    """Record an event in the caller's transaction, with a delivery for each subscriber."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(EVENTS_LOCK)))
    envelope = CloudEvent.wrap(event, source)
    values = {
        "id": envelope.id,
        "type": envelope.type,
        "source": envelope.source,
        "subject": envelope.subject,
        "time": envelope.time,
        "dataset": envelope.dataset,
        "organisation": envelope.organisation,
        "data": envelope.data,
    }
    seq = int(conn.execute(sa.insert(events).values(values).returning(events.c.seq)).scalar_one())
    if _fan_out(conn, seq, envelope):
        sa.event.listen(conn, "commit", lambda _conn: notify_work(), once=True)
    return StoredEvent(seq, envelope)


def chain_of(dataset: str | None, organisation: str | None) -> str:
    """The ordering chain of an event: deliveries in one chain go in order."""
    return f"{dataset or ''}|{organisation or ''}"


def _fan_out(conn: Connection, seq: int, envelope: CloudEvent) -> int:
    """Add a delivery and a job for every live subscription the event matches."""
    query = sa.select(subscriptions.c.id, subscriptions.c.types).where(
        subscriptions.c.deleted_at.is_(None),
        sa.or_(subscriptions.c.dataset.is_(None), subscriptions.c.dataset == envelope.dataset),
        sa.or_(
            subscriptions.c.organisation.is_(None),
            subscriptions.c.organisation == envelope.organisation,
        ),
    )
    matching = [r.id for r in conn.execute(query) if not r.types or envelope.type in r.types]
    moment = envelope.time
    for subscription_id in matching:
        delivery_id = add_delivery(conn, subscription_id, seq, envelope, moment)
        queue_delivery(conn, delivery_id, "new", moment)
    return len(matching)


def add_delivery(
    conn: Connection, subscription_id: str, seq: int, envelope: CloudEvent, moment: dt.datetime
) -> int:
    """Add a pending delivery of an event to a subscription; return its id."""
    values = {
        "subscription_id": subscription_id,
        "event_seq": seq,
        "chain": chain_of(envelope.dataset, envelope.organisation),
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": moment,
    }
    added = conn.execute(sa.insert(deliveries).values(values).returning(deliveries.c.id))
    return int(added.scalar_one())


def queue_delivery(conn: Connection, delivery_id: int, reason: str, when: dt.datetime) -> None:
    """Queue a job that tries a delivery at ``when``; ``reason`` keeps the job's key unique."""
    queue.enqueue(
        conn,
        "deliver",
        f"deliver:{delivery_id}:{reason}",
        {"delivery_id": delivery_id},
        max_attempts=DELIVERY_ATTEMPTS,
        run_after=when,
    )


def read(
    conn: Connection,
    *,
    after: int = 0,
    limit: int = 100,
    types: Sequence[str] = (),
    dataset: str | None = None,
    organisation: str | None = None,
    visible: sa.ColumnElement[bool] | None = None,
    newest: bool = False,
) -> list[StoredEvent]:
    """Events after ``seq`` ``after``, oldest first, filtered, at most ``limit`` (the
    newest ``limit`` of them when ``newest``)."""
    order = events.c.seq.desc() if newest else events.c.seq
    query = sa.select(events).where(events.c.seq > after).order_by(order).limit(limit)
    if types:
        query = query.where(events.c.type.in_(list(types)))
    if dataset is not None:
        query = query.where(events.c.dataset == dataset)
    if organisation is not None:
        query = query.where(events.c.organisation == organisation)
    if visible is not None:
        query = query.where(visible)
    found = [StoredEvent.from_row(row) for row in conn.execute(query)]
    return found[::-1] if newest else found


def latest_seq(conn: Connection) -> int:
    """The newest event's ``seq``, or 0 when there is none."""
    return int(conn.execute(sa.select(sa.func.max(events.c.seq))).scalar() or 0)


def get_event(conn: Connection, seq: int) -> StoredEvent:
    """The event with this ``seq``."""
    return StoredEvent.from_row(conn.execute(sa.select(events).where(events.c.seq == seq)).one())
