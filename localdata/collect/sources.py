"""Sources: register where an organisation publishes a dataset, and read them back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, get_args

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.collect.addresses import redact_addresses
from localdata.collect.fetch import FetchFailed, check_scheme
from localdata.collect.tables import (
    SCHEDULES,
    Outcome,
    Schedule,
    SourceState,
    attempts,
    sources,
)
from localdata.errors import SourceNotFound, UsageError
from localdata.standards.periods import Period
from localdata.store.library import Library
from localdata.store.metadata import now, submissions

INTERVALS: dict[str, dt.timedelta] = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=7),
}
MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class Source:
    """Where an organisation publishes a dataset, as recorded in ``sources``."""

    id: int
    dataset: str
    organisation: str
    url: str
    schedule: Schedule
    state: SourceState
    next_due_at: dt.datetime
    created_at: dt.datetime
    created_by: str | None
    period: str | None = None  # the period its files cover, when always the same

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> Source:
        """The source a ``sources`` row describes."""
        return cls(**row._mapping)


@dataclass(frozen=True)
class Attempt:
    """One fetch of a source, with what the library made of the file it brought."""

    id: int
    source_id: int
    started_at: dt.datetime
    elapsed_ms: int
    outcome: Outcome
    http_status: int | None
    bytes: int | None
    url: str
    etag: str | None
    last_modified: str | None
    resource: str | None
    error: str | None
    submission_id: int | None
    submission_status: str | None = None

    @property
    def ok(self) -> bool:
        """True when the fetch worked and the file, if checked, had nothing to fix."""
        return (
            self.outcome != "failed" and self.error is None and self.submission_status != "rejected"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "started_at": self.started_at.isoformat(),
            "elapsed_ms": self.elapsed_ms,
            "outcome": self.outcome,
            "http_status": self.http_status,
            "bytes": self.bytes,
            "url": self.url,
            "sha256": self.resource,
            "error": redact_addresses(self.error) if self.error else None,
            "submission": self.submission_id,
            "submission_status": self.submission_status,
        }


def add_source(
    library: Library,
    dataset: str,
    organisation: str,
    url: str,
    *,
    schedule: str = "daily",
    created_by: str | None = None,
    period: str | None = None,
) -> Source:
    """Register a URL an organisation publishes a dataset at; it is collected straight away.

    ``period``: for a periodic standard, the period every file at the URL covers (such as
    ``2024/25`` for a year-to-date file); without it, each file's period is worked out.
    """
    standard = library.standards.get(dataset)
    org = library.organisation(organisation)
    url = url.strip()
    if period is not None:
        if not standard.periodic:
            raise UsageError(
                f"The {standard.name} standard is not published by period: each file is the "
                "organisation's whole register, so leave out the period."
            )
        period = Period.parse(period).label
    _check_url(url)
    if schedule not in SCHEDULES:
        raise UsageError(f"'{schedule}' is not a schedule. Use one of: {', '.join(SCHEDULES)}.")
    with library.database.transaction() as conn:
        existing = conn.execute(
            sa.select(sources.c.id).where(
                sources.c.dataset == standard.name,
                sources.c.organisation == org,
                sources.c.url == url,
                sources.c.state != "retired",
            )
        ).scalar()
        if existing is not None:
            raise UsageError(
                f"{org} already has this address registered for {standard.name}, as "
                f"source {existing}."
            )
        moment = now()
        values = {
            "dataset": standard.name,
            "organisation": org,
            "url": url,
            "schedule": schedule,
            "state": "active",
            "next_due_at": moment,
            "created_at": moment,
            "created_by": created_by,
            "period": period,
        }
        source_id = conn.execute(sa.insert(sources).values(values).returning(sources.c.id))
        return get_source(conn, int(source_id.scalar_one()))


def _check_url(url: str) -> None:
    if len(url) > MAX_URL_LENGTH:
        raise UsageError(f"The address is longer than {MAX_URL_LENGTH} characters.")
    try:
        check_scheme(url)
    except FetchFailed as error:
        raise UsageError(error.message) from error


def get_source(conn: Connection, source_id: int) -> Source:
    """The source with this id."""
    row = conn.execute(sa.select(sources).where(sources.c.id == source_id)).first()
    if row is None:
        raise SourceNotFound(f"There is no source number {source_id}.")
    return Source.from_row(row)


def list_sources(
    conn: Connection, *, organisation: str | None = None, dataset: str | None = None
) -> list[Source]:
    """Sources, optionally of one organisation or one dataset, in the order registered."""
    query = sa.select(sources).order_by(sources.c.id)
    if organisation is not None:
        query = query.where(sources.c.organisation == organisation)
    if dataset is not None:
        query = query.where(sources.c.dataset == dataset)
    return [Source.from_row(row) for row in conn.execute(query)]


def set_state(library: Library, source_id: int, state: str) -> Source:
    """Pause, resume (``active``) or retire a source; a retired source stays retired."""
    if state not in get_args(SourceState):
        raise UsageError(f"'{state}' is not a source state.")
    with library.database.transaction() as conn:
        source = get_source(conn, source_id)
        if source.state == "retired" and state != "retired":
            raise UsageError(
                f"Source {source_id} is retired. Register the address again to collect it."
            )
        values: dict[str, Any] = {"state": state}
        if state == "active" and source.state != "active":
            values["next_due_at"] = now()  # collect at once when resumed
        conn.execute(sa.update(sources).where(sources.c.id == source_id).values(values))
        return get_source(conn, source_id)


def _attempts_query() -> sa.Select[Any]:
    joined = attempts.outerjoin(submissions, submissions.c.id == attempts.c.submission_id)
    return sa.select(attempts, submissions.c.status.label("submission_status")).select_from(joined)


def attempt_log(
    conn: Connection, source_id: int, *, limit: int = 50, before: int | None = None
) -> list[Attempt]:
    """A source's attempts, newest first, older than attempt ``before`` when given."""
    get_source(conn, source_id)
    query = _attempts_query().where(attempts.c.source_id == source_id)
    if before is not None:
        query = query.where(attempts.c.id < before)
    query = query.order_by(attempts.c.id.desc()).limit(limit)
    return [Attempt(**row._mapping) for row in conn.execute(query)]


def get_attempt(conn: Connection, attempt_id: int) -> Attempt:
    """The attempt with this id."""
    row = conn.execute(_attempts_query().where(attempts.c.id == attempt_id)).one()
    return Attempt(**row._mapping)


def last_collected(conn: Connection, source_id: int) -> Attempt | None:
    """The source's latest attempt that brought a file (new or unchanged)."""
    query = (
        _attempts_query()
        .where(attempts.c.source_id == source_id, attempts.c.resource.is_not(None))
        .order_by(attempts.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return Attempt(**row._mapping) if row else None


def record_attempt(conn: Connection, **values: Any) -> int:
    """Add an attempt to the log and return its id."""
    result = conn.execute(sa.insert(attempts).values(values).returning(attempts.c.id))
    return int(result.scalar_one())


def record_result(
    conn: Connection, attempt_id: int, *, submission_id: int | None, error: str | None = None
) -> None:
    """Say what the library made of an attempt's file: a submission, or why there is none."""
    conn.execute(
        sa.update(attempts)
        .where(attempts.c.id == attempt_id)
        .values(submission_id=submission_id, error=error)
    )


def due_sources(conn: Connection, moment: dt.datetime, limit: int) -> list[Source]:
    """Active sources whose next collection is due, the longest waiting first."""
    query = (
        sa.select(sources)
        .where(sources.c.state == "active", sources.c.next_due_at <= moment)
        .order_by(sources.c.next_due_at, sources.c.id)
        .limit(limit)
    )
    return [Source.from_row(row) for row in conn.execute(query)]


def move_due(conn: Connection, source: Source, moment: dt.datetime) -> bool:
    """Set the source's next collection one interval on; False if another worker just did."""
    result = conn.execute(
        sa.update(sources)
        .where(sources.c.id == source.id, sources.c.next_due_at == source.next_due_at)
        .values(next_due_at=moment + INTERVALS[source.schedule])
    )
    return bool(result.rowcount)


def collected_since(conn: Connection, dataset: str) -> dict[str, dt.datetime]:
    """For each organisation with an active source for the dataset, when it registered one."""
    query = (
        sa.select(sources.c.organisation, sa.func.min(sources.c.created_at))
        .where(sources.c.dataset == dataset, sources.c.state == "active")
        .group_by(sources.c.organisation)
    )
    return {str(org): moment for org, moment in conn.execute(query)}
