"""How a source is doing, in a word and a date, and whether its organisation is overdue.

A source's status comes from its recent attempts, newest first:

- ``waiting``: registered, not collected yet; ``paused`` and ``retired`` say so.
- ``failing`` since the first of the attempts in a row that failed (the fetch failed, the file
  could not be read, or it had something that must be fixed).
- ``checking``: the newest file is waiting for its check.
- ``unchanged`` since the source last brought a new file, when the latest fetch brought the
  same file (or a 304).
- ``working`` since the latest attempt, which brought a new file that was published.

Overdue: each standard says how often it is published (``coverage.DUE_WITHIN``). A source whose
organisation has had no valid version of the dataset within that time (counting from its last
published version, or from when the source was registered if there is none) makes the
organisation overdue for the dataset.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection

from localdata.collect.addresses import redact_addresses
from localdata.collect.sources import Attempt, Source, attempt_log, list_sources
from localdata.store import metadata
from localdata.store.coverage import DUE_WITHIN
from localdata.store.library import Library

State = Literal["waiting", "paused", "retired", "failing", "checking", "unchanged", "working"]
RECENT_ATTEMPTS = 200


@dataclass(frozen=True)
class SourceStatus:
    """Where a source stands: a state, since when, the latest error, and whether overdue."""

    state: State
    since: dt.datetime | None
    last_attempt: Attempt | None
    overdue: bool
    due_by: dt.datetime | None

    @property
    def summary(self) -> str:
        """The status as a phrase, such as "failing since 2026-11-20"."""
        words = self.state.capitalize()
        return f"{words} since {self.since.date().isoformat()}" if self.since else words

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        last = self.last_attempt
        return {
            "state": self.state,
            "since": self.since.isoformat() if self.since else None,
            "summary": self.summary,
            "last_attempt_at": last.started_at.isoformat() if last else None,
            "last_error": redact_addresses(last.error)
            if last and last.error and not last.ok
            else None,
            "overdue": self.overdue,
            "due_by": self.due_by.isoformat() if self.due_by else None,
        }


@dataclass(frozen=True)
class SourceWithStatus:
    """A source and its status, as the API and the organisation page show them."""

    source: Source
    status: SourceStatus

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        source = self.source
        return {
            "id": source.id,
            "dataset": source.dataset,
            "organisation": source.organisation,
            "url": source.url,
            "schedule": source.schedule,
            "period": source.period,
            "active": source.state == "active",
            "next_due_at": source.next_due_at.isoformat() if source.state == "active" else None,
            "created_at": source.created_at.isoformat(),
            "status": self.status.to_dict(),
        }


def source_status(
    conn: Connection, library: Library, source: Source, moment: dt.datetime
) -> SourceStatus:
    """The status of one source now (``moment``)."""
    recent = attempt_log(conn, source.id, limit=RECENT_ATTEMPTS)
    state, since = state_of(source, recent)
    due_by = _due_by(conn, library, source)
    overdue = source.state == "active" and due_by is not None and due_by < moment
    return SourceStatus(state, since, recent[0] if recent else None, overdue, due_by)


def state_of(source: Source, recent: list[Attempt]) -> tuple[State, dt.datetime | None]:
    """A source's state and since when, from its attempts, newest first."""
    if source.state != "active":
        return source.state, None
    if not recent:
        return "waiting", None
    latest = recent[0]
    if not latest.ok:
        run = _leading(recent, lambda a: not a.ok)
        return "failing", run[-1].started_at
    if latest.outcome == "new" and latest.submission_id is None:
        return "checking", latest.started_at
    if latest.outcome == "unchanged":
        run = _leading(recent, lambda a: a.ok and a.outcome == "unchanged")
        brought = recent[len(run)] if len(run) < len(recent) else run[-1]
        return "unchanged", brought.started_at
    return "working", latest.started_at


def _leading(attempts: list[Attempt], keep: Any) -> list[Attempt]:
    """The newest attempts, up to the first that ``keep`` rejects."""
    run: list[Attempt] = []
    for attempt in attempts:
        if not keep(attempt):
            break
        run.append(attempt)
    return run


def _due_by(conn: Connection, library: Library, source: Source) -> dt.datetime | None:
    """When the organisation next has to have a valid version of the dataset."""
    window = DUE_WITHIN[library.standards.get(source.dataset).frequency]
    if window is None:
        return None
    current = metadata.current_version(conn, source.dataset, source.organisation)
    return (current.submitted_at if current else source.created_at) + window


def sources_with_status(
    library: Library, *, organisation: str | None = None, dataset: str | None = None
) -> list[SourceWithStatus]:
    """Sources with their status, optionally of one organisation or dataset.

    For the organisation page: ``sources_with_status(library, organisation=org.id)``.
    """
    org = library.organisation(organisation) if organisation else None
    name = library.standards.get(dataset).name if dataset else None
    moment = metadata.now()
    with library.database.transaction() as conn:
        found = list_sources(conn, organisation=org, dataset=name)
        return [SourceWithStatus(s, source_status(conn, library, s, moment)) for s in found]


def overdue_organisations(library: Library, dataset: str) -> dict[str, dt.datetime]:
    """Organisations that an active source makes overdue for a dataset, with when they were due."""
    return {
        found.source.organisation: found.status.due_by
        for found in sources_with_status(library, dataset=dataset)
        if found.status.overdue and found.status.due_by is not None
    }
