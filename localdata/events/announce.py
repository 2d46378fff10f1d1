"""The events each kind of change announces, made from the records the change wrote.

Each function is called inside the transaction that makes the change, with its connection:

- ``announce_submission``: from ``Library._record`` (version-published, submission-failed).
- ``announce_agreement``: for the access side to call from agreement state changes
  (proposed, signed, made active, suspended).
- ``announce_standard``: when a new version of a standard is imported (standards live in
  files, so this opens its own transaction after the file is written).

Source and overdue events come from ``localdata.collect.announce``.
"""

from __future__ import annotations

from sqlalchemy import Connection

from localdata.events import types
from localdata.events.outbox import StoredEvent, emit
from localdata.store.database import Database
from localdata.store.metadata import Submission


def announce_submission(conn: Connection, submission: Submission, source: str) -> None:
    """Announce a published version or a rejected file; an unchanged file announces nothing."""
    if submission.status == "published":
        replaced = submission.replaced or []
        published = types.VersionPublished(
            dataset=submission.dataset,
            organisation=submission.organisation,
            submission=submission.id,
            standard_version=submission.standard_version,
            rows=submission.rows,
            warnings=submission.warnings,
            infos=submission.infos,
            period=submission.period.label if submission.period else None,
            replaced_versions=[entry["submission"] for entry in replaced],
            replaced_rows=sum(entry["rows"] for entry in replaced),
        )
        emit(conn, published, source=source)
    elif submission.status == "rejected":
        failed = types.SubmissionFailed(
            dataset=submission.dataset,
            organisation=submission.organisation,
            submission=submission.id,
            standard_version=submission.standard_version,
            rows=submission.rows,
            errors=submission.errors,
            warnings=submission.warnings,
        )
        emit(conn, failed, source=source)


def announce_agreement(
    conn: Connection,
    *,
    agreement: str,
    provider: str,
    state: str,
    change: str,
    datasets: list[str],
    source: str,
) -> StoredEvent:
    """Announce a change to a data sharing agreement (``change``: what happened, such as
    ``signed`` or ``active``), in the transaction that made it."""
    event = types.AgreementChanged(
        organisation=provider, agreement=agreement, state=state, change=change, datasets=datasets
    )
    return emit(conn, event, source=source)


def announce_standard(
    database: Database, name: str, version: str, previous: str | None, source: str
) -> StoredEvent:
    """Announce that a standard has a new version."""
    event = types.StandardVersioned(
        dataset=name, standard=name, version=version, previous_version=previous
    )
    with database.transaction() as conn:
        return emit(conn, event, source=source)
