"""The tables of collection: ``sources`` and ``collection_attempts``.

``sources``: where an organisation publishes a dataset, registered once and collected on a
schedule.

- ``id`` (primary key); ``dataset`` (the standard's name) and ``organisation`` (our id).
- ``url``: the file, or a page that links to it; only ``http`` and ``https``.
- ``schedule``: ``hourly``, ``daily`` or ``weekly``; ``next_due_at``: when it is next
  collected (the scheduler queues one ``collect`` job for that time and moves it on).
- ``state``: ``active``, ``paused`` (kept, not collected) or ``retired`` (no longer used).
- ``created_at``, ``created_by``: when it was registered, and by whom when known.
- ``period``: for a periodic standard, the period every file at the URL covers (such as
  ``2024/25``), when the publisher said so; null means each file's period is worked out.

``collection_attempts``: every fetch of a source, append-only except for ``submission_id``,
which the publish job fills in when it has checked the file.

- ``id`` (primary key), ``source_id`` (references ``sources.id``).
- ``started_at``, ``elapsed_ms``: when the fetch began and how long it took.
- ``outcome``: ``new`` (bytes not seen from this source last time, so they are published),
  ``unchanged`` (a 304, or the same sha256 as last time) or ``failed``.
- ``http_status``, ``bytes``, ``url`` (where the bytes came from, after redirects and
  following a link on a page), ``etag`` and ``last_modified`` (sent back next time).
- ``resource`` (references ``resources.sha256``): the file collected.
- ``error``: what went wrong, in plain English; also set when a page was not followed.
- ``submission_id`` (references ``submissions.id``): what the library made of the file; an
  unchanged attempt carries the submission of the attempt that first brought its bytes.
"""

from __future__ import annotations

from typing import Literal, get_args

import sqlalchemy as sa

from localdata.store.metadata import UtcDateTime, metadata, resources, submissions

Schedule = Literal["hourly", "daily", "weekly"]
SCHEDULES: tuple[str, ...] = get_args(Schedule)
SourceState = Literal["active", "paused", "retired"]
SOURCE_STATES: tuple[str, ...] = get_args(SourceState)
Outcome = Literal["new", "unchanged", "failed"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset", sa.String(255), nullable=False),
    sa.Column("organisation", sa.String(255), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("schedule", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("next_due_at", UtcDateTime, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("period", sa.String(40)),
    sa.CheckConstraint(_in("schedule", SCHEDULES), name="schedule"),
    sa.CheckConstraint(_in("state", SOURCE_STATES), name="state"),
    sa.Index(None, "state", "next_due_at"),
    sa.Index(None, "organisation", "dataset"),
)

attempts = sa.Table(
    "collection_attempts",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("source_id", sa.Integer, sa.ForeignKey(sources.c.id), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("elapsed_ms", sa.Integer, nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("http_status", sa.Integer),
    sa.Column("bytes", sa.BigInteger),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("resource", sa.String(64), sa.ForeignKey(resources.c.sha256)),
    sa.Column("error", sa.Text),
    sa.Column("submission_id", sa.Integer, sa.ForeignKey(submissions.c.id)),
    sa.CheckConstraint(_in("outcome", OUTCOMES), name="outcome"),
    sa.Index(None, "source_id", "id"),
)
