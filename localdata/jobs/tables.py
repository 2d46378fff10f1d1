"""The ``jobs`` table: work waiting for, held by, or finished by a worker.

``jobs``: one row per piece of work.

- ``id`` (primary key): increases as jobs are added.
- ``kind``: what to do, such as ``collect`` (fetch a source) or ``publish`` (check and publish
  a collected file); ``payload``: its arguments as JSON.
- ``key`` (unique): names the work so it is never queued twice, such as
  ``collect:7:2026-11-22T00:00:00+00:00`` for one source's scheduled slot.
- ``state``: ``queued`` (waiting), ``running`` (held by ``worker`` until ``lease_until``),
  ``done`` or ``failed`` (gave up after ``max_attempts``; ``error`` says why).
- ``attempts``: how many times a worker has taken it; ``run_after``: not before this time
  (a retry waits here, with backoff).
- ``created_at``, ``finished_at``: when it was added and when it ended.

A running job whose lease has passed belongs to a worker that stopped: another worker takes it.
"""

from __future__ import annotations

from typing import Literal, get_args

import sqlalchemy as sa

from localdata.store.metadata import UtcDateTime, metadata

State = Literal["queued", "running", "done", "failed"]
STATES: tuple[str, ...] = get_args(State)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("key", sa.String(255), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("run_after", UtcDateTime, nullable=False),
    sa.Column("lease_until", UtcDateTime),
    sa.Column("worker", sa.String(255)),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("error", sa.Text),
    sa.CheckConstraint(f"state IN ({', '.join(repr(s) for s in STATES)})", name="state"),
    sa.Index(None, "key", unique=True),
    sa.Index(None, "state", "run_after"),
)
