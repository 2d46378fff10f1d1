"""The metadata tables (SQLAlchemy Core) and the functions that read and write them.

Every timestamp is stored and returned as a timezone-aware UTC ``datetime``. History is
append-only: nothing here updates or deletes a row.

Tables
------

``resources``: one row per raw file, identified by its content.

- ``sha256`` (primary key): hex digest of the file's bytes; the file is kept under this name.
- ``bytes``: size of the file.
- ``media_type``: what the file is, such as ``text/csv``.
- ``first_seen_at``: when the library first received these bytes.

``submissions``: every attempt to publish a file for a dataset and an organisation.

- ``id`` (primary key): increases with each submission.
- ``dataset``: the name of the data standard, such as ``spend``; ``standard_version`` the
  version of it the file was checked against.
- ``organisation``: our organisation identifier, such as ``local-authority:HYN``.
- ``resource`` (references ``resources.sha256``) and ``filename``: the file, by content and by
  the name it arrived with.
- ``submitted_by``: who submitted it, when known; ``submitted_at``: when.
- ``status``: ``published`` (it is now the organisation's current version), ``rejected``
  (something must be fixed first) or ``unchanged`` (the same bytes as the current version).
- ``rows``, ``errors``, ``warnings``, ``infos``: counts of rows, and of issues by severity.
- ``delta_version``: the Delta Lake table version the publish created. A published submission
  always has one, other submissions never do, and no two submissions of a dataset share one.
- ``report``: the check report summary as JSON.
- ``period_start``, ``period_end``: for a periodic standard, the reporting period the file
  covers (both days included); null for a snapshot standard, and for files published before
  periods existed. Both are set or neither is.
- ``replaced``: for a published file, what the publish took out of the dataset, as a JSON list
  of ``{"submission": id, "period": label or null, "rows": n}``, one entry per earlier file
  that lost rows (null before this was recorded).

Indexes serve the questions asked most: the latest submission of a dataset by an organisation
(``dataset, organisation, submitted_at``) and a dataset's published versions in the order they
were made (the unique ``dataset, delta_version``).

``submission_issues``: the issues of a submission kept in full (the report holds the counts).

- ``id`` (primary key): increases in the order issues were recorded, and pages through them.
- ``submission_id`` (references ``submissions.id``; deleting a submission deletes its issues).
- ``type`` (an issue type slug), ``severity`` (``error``, ``warning`` or ``info``), ``row``,
  ``field`` (the standard's field), ``column`` (the header in the file), ``value`` (as found)
  and ``message`` (what to do, in plain English).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, cast, get_args

import sqlalchemy as sa
from sqlalchemy import Connection, Dialect, Row, Select
from sqlalchemy.dialects import postgresql, sqlite

from localdata.errors import VersionNotFound
from localdata.standards.periods import Period

Status = Literal["published", "rejected", "unchanged"]
STATUSES: tuple[str, ...] = get_args(Status)
SEVERITIES = ("error", "warning", "info")
ISSUE_COLUMNS = ("type", "severity", "row", "field", "column", "value", "message")
ISSUE_BATCH = 10_000  # issues per INSERT, so memory stays bounded on files with many issues


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp, stored in UTC on every database (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value.isoformat()} has no time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _in(column: str, values: Iterable[str]) -> str:
    """A CHECK condition that the column holds one of the values."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Names are fixed by convention so migrations can refer to them on every database.
metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

resources = sa.Table(
    "resources",
    metadata,
    sa.Column("sha256", sa.String(64), primary_key=True),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("media_type", sa.String(255), nullable=False),
    sa.Column("first_seen_at", UtcDateTime, nullable=False),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dataset", sa.String(255), nullable=False),
    sa.Column("standard_version", sa.String(64), nullable=False),
    sa.Column("organisation", sa.String(255), nullable=False),
    sa.Column("resource", sa.String(64), sa.ForeignKey(resources.c.sha256), nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("submitted_by", sa.Text),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
    sa.Column("warnings", sa.Integer, nullable=False),
    sa.Column("infos", sa.Integer, nullable=False),
    sa.Column("delta_version", sa.BigInteger),
    sa.Column("report", sa.JSON, nullable=False),
    sa.Column("period_start", sa.Date),
    sa.Column("period_end", sa.Date),
    sa.Column("replaced", sa.JSON),
    sa.CheckConstraint(_in("status", STATUSES), name="status"),
    sa.CheckConstraint(
        "(status = 'published') = (delta_version IS NOT NULL)", name="delta_version"
    ),
    sa.Index(None, "dataset", "organisation", "submitted_at"),
    sa.Index(None, "dataset", "delta_version", unique=True),
)

issues = sa.Table(
    "submission_issues",
    metadata,
    # 64-bit on PostgreSQL: a national service records billions of issues over the years.
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column(
        "submission_id",
        sa.Integer,
        sa.ForeignKey(submissions.c.id, ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("row", sa.BigInteger),
    sa.Column("field", sa.Text),
    sa.Column("column", sa.Text),
    sa.Column("value", sa.Text),
    sa.Column("message", sa.Text, nullable=False),
    sa.CheckConstraint(_in("severity", SEVERITIES), name="severity"),
    sa.Index(None, "submission_id", "id"),
)


@dataclass(frozen=True)
class Submission:
    """One attempt to publish a file, as recorded in ``submissions``."""

    id: int
    dataset: str
    standard_version: str
    organisation: str
    resource: str
    filename: str
    submitted_by: str | None
    submitted_at: datetime
    status: Status
    rows: int
    errors: int
    warnings: int
    infos: int
    delta_version: int | None
    report: dict[str, Any]
    period_start: date | None = None
    period_end: date | None = None
    replaced: list[dict[str, Any]] | None = None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Submission:
        """The submission a ``submissions`` row describes."""
        return cls(**row._mapping)

    @property
    def period(self) -> Period | None:
        """The reporting period the file covers, for a periodic standard."""
        if self.period_start is None or self.period_end is None:
            return None
        return Period(self.period_start, self.period_end)


@dataclass(frozen=True)
class CoverageRow:
    """Where one organisation stands with a dataset: its latest submission and current version."""

    organisation: str
    submission_id: int
    status: Status
    submitted_at: datetime
    published_at: datetime | None
    delta_version: int | None
    rows: int | None


@dataclass(frozen=True)
class PublishedPeriod:
    """One period an organisation published a dataset for, and when."""

    organisation: str
    period_start: date
    period_end: date
    submitted_at: datetime
    submission_id: int

    @property
    def period(self) -> Period:
        """The period as a ``Period``."""
        return Period(self.period_start, self.period_end)


@dataclass(frozen=True)
class DatasetSummary:
    """How much of a dataset is published: by how many organisations, how many rows, when."""

    dataset: str
    organisations: int
    rows: int
    last_published_at: datetime | None


def now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def record_resource(conn: Connection, sha256: str, size: int, media_type: str) -> None:
    """Record a raw file by its content, unless these bytes were seen before."""
    values = {"sha256": sha256, "bytes": size, "media_type": media_type, "first_seen_at": now()}
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    conn.execute(insert(resources).values(values).on_conflict_do_nothing())


def record_submission(
    conn: Connection,
    *,
    dataset: str,
    standard_version: str,
    organisation: str,
    resource: str,
    filename: str,
    status: Status,
    rows: int,
    errors: int,
    warnings: int,
    infos: int,
    report: Mapping[str, Any] | None = None,
    delta_version: int | None = None,
    submitted_by: str | None = None,
    submitted_at: datetime | None = None,
    period: Period | None = None,
    replaced: list[dict[str, Any]] | None = None,
) -> int:
    """Record an attempt to publish a file and return its id."""
    values = {k: v for k, v in locals().items() if k not in {"conn", "period"}}  # the columns
    values.update(submitted_at=submitted_at or now(), report=dict(report or {}))
    values.update(
        period_start=period.start if period else None, period_end=period.end if period else None
    )
    result = conn.execute(sa.insert(submissions).values(values).returning(submissions.c.id))
    return int(result.scalar_one())


def record_issues(conn: Connection, submission_id: int, found: Iterable[Mapping[str, Any]]) -> None:
    """Keep a submission's issues in full, inserted in batches."""
    rows = (_issue_values(submission_id, issue) for issue in found)
    while batch := list(itertools.islice(rows, ISSUE_BATCH)):
        conn.execute(sa.insert(issues), batch)


def _issue_values(submission_id: int, issue: Mapping[str, Any]) -> dict[str, Any]:
    """The column values for one issue; text is stored as plain strings (not enum members)."""
    values = {k: _text(issue.get(k)) for k in ISSUE_COLUMNS if k != "row"}
    return {**values, "submission_id": submission_id, "row": issue.get("row")}


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _submissions_of(dataset: str, organisation: str | None = None) -> Select[Any]:
    """All submissions of a dataset, optionally by one organisation."""
    query = sa.select(submissions).where(submissions.c.dataset == dataset)
    if organisation is not None:
        query = query.where(submissions.c.organisation == organisation)
    return query


def latest_submission(conn: Connection, dataset: str, organisation: str) -> Submission | None:
    """The organisation's most recent submission of the dataset, whatever became of it."""
    query = _submissions_of(dataset, organisation).order_by(
        submissions.c.submitted_at.desc(), submissions.c.id.desc()
    )
    row = conn.execute(query.limit(1)).first()
    return Submission.from_row(row) if row else None


def current_version(
    conn: Connection, dataset: str, organisation: str, period: Period | None = None
) -> Submission | None:
    """The organisation's latest published submission of the dataset (touching this period).

    With ``period``, the latest publish whose period overlaps it, whatever that period was.
    """
    if period is None:
        versions = published_versions(conn, dataset, organisation, limit=1)
        return versions[0] if versions else None
    query = (
        _submissions_of(dataset, organisation)
        .where(
            submissions.c.status == "published",
            submissions.c.period_start <= period.end,
            submissions.c.period_end >= period.start,
        )
        .order_by(submissions.c.delta_version.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    return Submission.from_row(row) if row else None


def published_periods(conn: Connection, dataset: str) -> list[PublishedPeriod]:
    """Every period each organisation has published the dataset for, oldest first."""
    query = (
        sa.select(
            submissions.c.organisation,
            submissions.c.period_start,
            submissions.c.period_end,
            submissions.c.submitted_at,
            submissions.c.id.label("submission_id"),
        )
        .where(
            submissions.c.dataset == dataset,
            submissions.c.status == "published",
            submissions.c.period_start.is_not(None),
        )
        .order_by(submissions.c.organisation, submissions.c.period_start, submissions.c.id)
    )
    return [PublishedPeriod(**row._mapping) for row in conn.execute(query)]


def published_versions(
    conn: Connection, dataset: str, organisation: str | None = None, *, limit: int | None = None
) -> list[Submission]:
    """The dataset's published submissions, newest first, optionally by one organisation."""
    query = _submissions_of(dataset, organisation).where(submissions.c.status == "published")
    query = query.order_by(submissions.c.delta_version.desc()).limit(limit)
    return [Submission.from_row(row) for row in conn.execute(query)]


def submission(conn: Connection, submission_id: int) -> Submission:
    """The submission with this id."""
    query = sa.select(submissions).where(submissions.c.id == submission_id)
    row = conn.execute(query).first()
    if row is None:
        raise VersionNotFound(f"There is no submission number {submission_id}")
    return Submission.from_row(row)


def latest_delta_version(conn: Connection, dataset: str) -> int | None:
    """The newest Delta Lake version recorded for the dataset, if it was ever published."""
    query = sa.select(sa.func.max(submissions.c.delta_version))
    return cast(int | None, conn.execute(query.where(submissions.c.dataset == dataset)).scalar())


def delta_version_as_of(conn: Connection, dataset: str, moment: datetime) -> int | None:
    """The dataset's Delta Lake version that was current at this moment, if any was yet."""
    query = sa.select(sa.func.max(submissions.c.delta_version)).where(
        submissions.c.dataset == dataset, submissions.c.submitted_at <= moment
    )
    return cast(int | None, conn.execute(query).scalar())


def submission_issues(
    conn: Connection, submission_id: int, limit: int, after: int | None = None
) -> list[dict[str, Any]]:
    """A page of a submission's issues in recorded order, after the issue with id ``after``."""
    columns = [issues.c.id, *(issues.c[k] for k in ISSUE_COLUMNS)]
    query = sa.select(*columns).where(issues.c.submission_id == submission_id)
    if after is not None:
        query = query.where(issues.c.id > after)
    query = query.order_by(issues.c.id).limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]


def _ranked(dataset: str | None, *, published: bool) -> sa.Subquery:
    """Submissions numbered 1, 2, ... from the newest within each dataset and organisation."""
    query = sa.select(submissions)
    newest: tuple[sa.UnaryExpression[Any], ...]
    if published:
        query = query.where(submissions.c.status == "published")
        newest = (submissions.c.delta_version.desc(),)
    else:
        newest = (submissions.c.submitted_at.desc(), submissions.c.id.desc())
    if dataset is not None:
        query = query.where(submissions.c.dataset == dataset)
    rank = sa.func.row_number().over(
        partition_by=(submissions.c.dataset, submissions.c.organisation), order_by=newest
    )
    return query.add_columns(rank.label("rank")).subquery()


def coverage_rows(conn: Connection, dataset: str) -> list[CoverageRow]:
    """For each organisation that ever submitted the dataset: latest submission and version."""
    latest, current = _ranked(dataset, published=False), _ranked(dataset, published=True)
    joined = latest.outerjoin(
        current, (current.c.organisation == latest.c.organisation) & (current.c.rank == 1)
    )
    query = (
        sa.select(
            latest.c.organisation,
            latest.c.id.label("submission_id"),
            latest.c.status,
            latest.c.submitted_at,
            current.c.submitted_at.label("published_at"),
            current.c.delta_version,
            current.c.rows,
        )
        .select_from(joined)
        .where(latest.c.rank == 1)
        .order_by(latest.c.organisation)
    )
    return [CoverageRow(**row._mapping) for row in conn.execute(query)]


def dataset_summaries(conn: Connection) -> list[DatasetSummary]:
    """For each dataset ever submitted: organisations with a current version, rows, last publish."""
    names = sa.select(submissions.c.dataset).distinct().subquery()
    current = _ranked(None, published=True)
    joined = names.outerjoin(
        current, (current.c.dataset == names.c.dataset) & (current.c.rank == 1)
    )
    query = (
        sa.select(
            names.c.dataset,
            sa.func.count(current.c.organisation).label("organisations"),
            # SUM of a bigint is numeric on PostgreSQL; cast so every database returns an int.
            sa.cast(sa.func.coalesce(sa.func.sum(current.c.rows), 0), sa.BigInteger).label("rows"),
            sa.func.max(current.c.submitted_at).label("last_published_at"),
        )
        .select_from(joined)
        .group_by(names.c.dataset)
        .order_by(names.c.dataset)
    )
    return [DatasetSummary(**row._mapping) for row in conn.execute(query)]
