"""Add, take, renew and finish jobs in the ``jobs`` table.

Taking a job is one transaction: find the oldest job that is queued and due, or running with
a lease that has passed (its worker stopped), and mark it running for this worker until a new
lease ends. On PostgreSQL the row is read with ``FOR UPDATE SKIP LOCKED``, so workers taking
jobs at the same moment each get a different one without waiting. SQLite has one writer at a
time (``BEGIN IMMEDIATE``), so the read and the update cannot interleave with another worker's.

Every change to a running job checks that this worker still holds it, so a worker that lost its
lease (it paused for longer than the lease) cannot finish a job another worker has taken over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from localdata.jobs.tables import State, jobs
from localdata.store.metadata import now


@dataclass(frozen=True)
class Job:
    """One piece of work, as recorded in ``jobs``."""

    id: int
    kind: str
    key: str
    payload: dict[str, Any]
    state: State
    attempts: int
    max_attempts: int
    run_after: dt.datetime
    lease_until: dt.datetime | None
    worker: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    error: str | None

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> Job:
        """The job a ``jobs`` row describes."""
        return cls(**row._mapping)


def enqueue(
    conn: Connection,
    kind: str,
    key: str,
    payload: Mapping[str, Any],
    *,
    max_attempts: int,
    run_after: dt.datetime | None = None,
) -> bool:
    """Queue a job unless one with this key was ever queued; True when it was added."""
    moment = now()
    values = {
        "kind": kind,
        "key": key,
        "payload": dict(payload),
        "state": "queued",
        "attempts": 0,
        "max_attempts": max_attempts,
        "run_after": run_after or moment,
        "created_at": moment,
    }
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    added = insert(jobs).values(values).on_conflict_do_nothing().returning(jobs.c.id)
    return conn.execute(added).first() is not None


def claim(
    conn: Connection,
    worker: str,
    lease: dt.timedelta,
    kinds: Collection[str] | None = None,
) -> Job | None:
    """Take the next job that is due, or whose worker's lease has passed, for this worker.

    With ``kinds``, only a job of one of those kinds: workers kept for one kind of work (see
    ``localdata.collect.work.worker_pool``) leave the others' jobs alone.
    """
    fail_abandoned(conn)
    moment = now()
    takeable = sa.or_(
        sa.and_(jobs.c.state == "queued", jobs.c.run_after <= moment),
        sa.and_(jobs.c.state == "running", jobs.c.lease_until < moment),
    )
    if kinds is not None:
        takeable = sa.and_(takeable, jobs.c.kind.in_(sorted(kinds)))
    query = (
        sa.select(jobs.c.id)
        .where(takeable)
        .order_by(jobs.c.run_after, jobs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    job_id = conn.execute(query).scalar()
    if job_id is None:
        return None
    conn.execute(
        sa.update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            state="running",
            attempts=jobs.c.attempts + 1,
            worker=worker,
            lease_until=moment + lease,
        )
    )
    return get(conn, int(job_id))


def get(conn: Connection, job_id: int) -> Job:
    """The job with this id."""
    row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()
    return Job.from_row(row)


def renew(conn: Connection, job: Job, worker: str, lease: dt.timedelta) -> bool:
    """Extend this worker's lease on a running job; False when it no longer holds it."""
    result = conn.execute(_held(job, worker).values(lease_until=now() + lease))
    return bool(result.rowcount)


def finish(conn: Connection, job: Job, worker: str) -> bool:
    """Mark a job this worker holds as done; False when it no longer holds it."""
    moment = now()
    values = {"state": "done", "finished_at": moment, "lease_until": None, "error": None}
    return bool(conn.execute(_held(job, worker).values(values)).rowcount)


def give_up_or_retry(
    conn: Connection, job: Job, worker: str, error: str, retry_in: dt.timedelta
) -> State:
    """Record a job's failure: queue it again after ``retry_in``, or fail it at its last try."""
    if job.attempts >= job.max_attempts:
        values: dict[str, Any] = {"state": "failed", "finished_at": now(), "lease_until": None}
    else:
        values = {"state": "queued", "run_after": now() + retry_in, "lease_until": None}
    conn.execute(_held(job, worker).values({**values, "error": error}))
    return "failed" if job.attempts >= job.max_attempts else "queued"


def fail_abandoned(conn: Connection) -> int:
    """Fail running jobs whose lease passed on their last allowed attempt; return how many.

    Their workers stopped (killed, or the machine went down) every time they tried, so the
    job is not taken again.
    """
    result = conn.execute(
        sa.update(jobs)
        .where(
            jobs.c.state == "running",
            jobs.c.lease_until < now(),
            jobs.c.attempts >= jobs.c.max_attempts,
        )
        .values(
            state="failed",
            finished_at=now(),
            lease_until=None,
            error="The worker stopped before finishing this job on every attempt.",
        )
    )
    return int(result.rowcount)


def counts(conn: Connection) -> dict[str, int]:
    """How many jobs are in each state."""
    query = sa.select(jobs.c.state, sa.func.count()).group_by(jobs.c.state)
    found = {str(state): int(n) for state, n in conn.execute(query)}
    return {state: found.get(state, 0) for state in ("queued", "running", "done", "failed")}


def _held(job: Job, worker: str) -> sa.Update:
    """An update of the job, only while this worker holds it on this attempt."""
    return sa.update(jobs).where(
        jobs.c.id == job.id,
        jobs.c.state == "running",
        jobs.c.worker == worker,
        jobs.c.attempts == job.attempts,
    )
