"""The tables of change events: the outbox, webhook subscriptions and their deliveries.

They sit on the library's one ``MetaData`` and are created by the Alembic revision ``0004``.

``events``: the outbox and the feed. Written in the transaction of the change it describes
(``outbox.emit``), never updated or deleted.

- ``seq`` (primary key): the feed's order and its cursor. Writers of events take one lock for
  the rest of their transaction (SQLite has one writer; PostgreSQL takes an advisory lock), so
  events commit in ``seq`` order and a reader that has seen ``seq`` N never later finds a
  smaller one appear.
- ``id``: the CloudEvents id (``evt_`` and 32 hex digits), unique; receivers de-duplicate on it.
- ``type``, ``source``, ``subject``, ``time``, ``dataset``, ``organisation``: the CloudEvents
  attributes; ``data``: the event's data as JSON.

``webhook_subscriptions``: who wants which events, and where.

- ``id`` (``whs_`` and 16 hex digits); ``key_id`` (references ``api_keys.id``): the API key that
  owns it, whose principal decides which events it may receive.
- ``channel``: ``webhook`` (``url``) or ``email`` (``email``, sent through GOV.UK Notify).
- ``types``: event types wanted (JSON list; empty means every type); ``dataset`` and
  ``organisation``: only events about these, when set.
- ``secret``, ``previous_secret``: signing secrets, encrypted (Fernet) with a key derived from
  ``LOCALDATA_SECRET_KEY``; the previous one also signs until ``previous_until``.
- ``validated_at``: when the receiver accepted the CloudEvents validation handshake.
- ``created_at``, ``deleted_at``: a deleted subscription gets nothing more; its log is kept.

``webhook_deliveries``: one event for one subscription.

- ``id``; ``subscription_id``; ``event_seq`` (references ``events.seq``).
- ``chain``: ``dataset|organisation`` of the event; within a subscription and chain, a
  delivery is not attempted while an earlier one is still pending.
- ``state``: ``pending``, ``delivered``, ``dead`` (retries used up: the dead-letter list),
  ``withheld`` (the key may no longer see the event) or ``cancelled`` (subscription deleted).
- ``attempts``, ``first_attempt_at``, ``next_attempt_at``, ``last_status``, ``last_error``,
  ``delivered_at``; ``claimed_until``: a worker is sending it until then.

``webhook_attempts``: the delivery log, one row per try: when, how long, the HTTP status or
the error.

``overdue_marks``: organisations already announced as overdue for a dataset, so each change
to overdue is announced once; the mark is removed when the organisation catches up.
"""

from __future__ import annotations

import sqlalchemy as sa

from localdata.access.tables import api_keys
from localdata.store.metadata import UtcDateTime, metadata

BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
DELIVERY_STATES = ("pending", "delivered", "dead", "withheld", "cancelled")
CHANNELS = ("webhook", "email")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", BIG_ID, primary_key=True),
    sa.Column("id", sa.String(64), nullable=False),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("source", sa.String(255), nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("time", UtcDateTime, nullable=False),
    sa.Column("dataset", sa.String(255)),
    sa.Column("organisation", sa.String(255)),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index(None, "id", unique=True),
    sa.Index(None, "dataset", "seq"),
    sa.Index(None, "organisation", "seq"),
)

subscriptions = sa.Table(
    "webhook_subscriptions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("key_id", sa.String(32), sa.ForeignKey(api_keys.c.id), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("url", sa.Text),
    sa.Column("email", sa.String(320)),
    sa.Column("types", sa.JSON, nullable=False),
    sa.Column("dataset", sa.String(255)),
    sa.Column("organisation", sa.String(255)),
    sa.Column("secret", sa.Text, nullable=False),
    sa.Column("previous_secret", sa.Text),
    sa.Column("previous_until", UtcDateTime),
    sa.Column("validated_at", UtcDateTime),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("deleted_at", UtcDateTime),
    sa.CheckConstraint(_in("channel", CHANNELS), name="channel"),
    sa.Index(None, "key_id"),
)

deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", BIG_ID, primary_key=True),
    sa.Column("subscription_id", sa.String(32), sa.ForeignKey(subscriptions.c.id), nullable=False),
    sa.Column("event_seq", BIG_ID, sa.ForeignKey(events.c.seq), nullable=False),
    sa.Column("chain", sa.String(512), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("first_attempt_at", UtcDateTime),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("claimed_until", UtcDateTime),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("delivered_at", UtcDateTime),
    sa.CheckConstraint(_in("state", DELIVERY_STATES), name="state"),
    sa.Index(None, "subscription_id", "event_seq", unique=True),
    sa.Index(None, "subscription_id", "chain", "state", "event_seq"),
    sa.Index(None, "subscription_id", "state"),
)

attempts = sa.Table(
    "webhook_attempts",
    metadata,
    sa.Column("id", BIG_ID, primary_key=True),
    sa.Column("delivery_id", BIG_ID, sa.ForeignKey(deliveries.c.id), nullable=False),
    sa.Column("attempted_at", UtcDateTime, nullable=False),
    sa.Column("elapsed_ms", sa.Integer, nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("error", sa.Text),
    sa.Index(None, "delivery_id", "id"),
)

overdue_marks = sa.Table(
    "overdue_marks",
    metadata,
    sa.Column("dataset", sa.String(255), primary_key=True),
    sa.Column("organisation", sa.String(255), primary_key=True),
    sa.Column("due_by", UtcDateTime, nullable=False),
    sa.Column("marked_at", UtcDateTime, nullable=False),
)

TABLES = tuple(t.name for t in (events, subscriptions, deliveries, attempts, overdue_marks))
