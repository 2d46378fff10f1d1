"""The metadata tables: resources, submissions and their issues, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.errors import VersionNotFound
from localdata.ingest.issues import Severity
from localdata.store import metadata
from localdata.store.database import Database
from localdata.store.metadata import CoverageRow, DatasetSummary

START = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)
SHA = "a" * 64


def add_submission(conn: Connection, minutes: int = 0, **values: Any) -> int:
    """Record a submission ``minutes`` after START, published unless told otherwise."""
    sha256 = values.pop("resource", SHA)
    if values.pop("record_resource", True):
        metadata.record_resource(conn, sha256, 100, "text/csv")
    defaults: dict[str, Any] = {
        "dataset": "spend",
        "standard_version": "1.0",
        "organisation": "local-authority:HYN",
        "resource": sha256,
        "filename": "spend.csv",
        "status": "published",
        "rows": 10,
        "errors": 0,
        "warnings": 1,
        "infos": 2,
        "report": {"ok": True},
        "submitted_at": START + timedelta(minutes=minutes),
    }
    merged = {**defaults, **values}
    if merged["status"] != "published":
        merged.setdefault("delta_version", None)
    return metadata.record_submission(conn, **merged)


def issue(row: int, severity: str = "error", **values: Any) -> dict[str, Any]:
    """An issue as the ingest pipeline reports it."""
    return {"type": "invalid-date", "severity": severity, "row": row, "field": "date", **values}


def test_record_resource_keeps_the_first_sighting(database: Database) -> None:
    with database.transaction() as conn:
        metadata.record_resource(conn, SHA, 100, "text/csv")
        metadata.record_resource(conn, SHA, 100, "application/zip")
        rows = conn.execute(sa.select(metadata.resources)).all()
    assert [(r.sha256, r.bytes, r.media_type) for r in rows] == [(SHA, 100, "text/csv")]
    assert rows[0].first_seen_at.tzinfo == UTC


def test_record_submission_round_trips_every_column(database: Database) -> None:
    with database.transaction() as conn:
        first = add_submission(conn, delta_version=0, submitted_by="officer@hyndburn.gov.uk")
        second = add_submission(conn, 1, status="rejected", errors=3, report={"counts": [1, 2]})
        found = metadata.submission(conn, second)
        assert metadata.submission(conn, first).submitted_by == "officer@hyndburn.gov.uk"
    assert second > first
    assert (found.status, found.errors, found.delta_version) == ("rejected", 3, None)
    assert (found.report, found.submitted_by, found.resource) == ({"counts": [1, 2]}, None, SHA)


def test_record_submission_stores_times_in_utc(database: Database) -> None:
    summer = datetime(2025, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    with database.transaction() as conn:
        found = metadata.submission(
            conn, add_submission(conn, delta_version=0, submitted_at=summer)
        )
    assert found.submitted_at == summer
    assert found.submitted_at.tzinfo == UTC
    assert found.submitted_at.hour == 9


def test_record_submission_without_a_time_uses_now(database: Database) -> None:
    before = datetime.now(UTC)
    with database.transaction() as conn:
        found = metadata.submission(conn, add_submission(conn, delta_version=0, submitted_at=None))
    assert before <= found.submitted_at <= datetime.now(UTC)


def test_record_submission_refuses_a_time_without_a_zone(database: Database) -> None:
    with pytest.raises(sa.exc.StatementError, match="no time zone"), database.transaction() as c:
        add_submission(c, delta_version=0, submitted_at=datetime(2025, 4, 1, 9, 0))


@pytest.mark.parametrize(
    "values",
    [
        {"status": "published", "delta_version": None},
        {"status": "rejected", "delta_version": 4},
        {"status": "withdrawn"},
        {"delta_version": 0, "resource": "b" * 64, "record_resource": False},
    ],
    ids=["published-without-version", "rejected-with-version", "unknown-status", "no-resource"],
)
def test_record_submission_refuses_inconsistent_rows(
    database: Database, values: dict[str, Any]
) -> None:
    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        add_submission(conn, **values)


def test_record_submission_refuses_a_delta_version_twice(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, delta_version=0)
        add_submission(conn, dataset="trees", delta_version=0)
    with pytest.raises(sa.exc.IntegrityError), database.transaction() as conn:
        add_submission(conn, organisation="local-authority:BUR", delta_version=0)


def test_transaction_rolls_back_on_error(database: Database) -> None:
    with pytest.raises(RuntimeError), database.transaction() as conn:
        add_submission(conn, delta_version=0)
        raise RuntimeError("stop")
    with database.transaction() as conn:
        assert metadata.latest_submission(conn, "spend", "local-authority:HYN") is None


def test_submission_unknown_raises_version_not_found(database: Database) -> None:
    with pytest.raises(VersionNotFound) as raised, database.transaction() as conn:
        metadata.submission(conn, 999)
    assert raised.value.status == 404
    assert "999" in raised.value.message


def test_latest_submission_is_the_newest_whatever_its_status(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0)
        rejected = add_submission(conn, 5, status="rejected")
        add_submission(conn, 9, organisation="local-authority:BUR", delta_version=1)
        add_submission(conn, 9, dataset="trees", delta_version=0)
        latest = metadata.latest_submission(conn, "spend", "local-authority:HYN")
        assert metadata.latest_submission(conn, "spend", "local-authority:XXX") is None
    assert latest is not None
    assert latest.id == rejected


def test_latest_submission_breaks_ties_by_id(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0)
        second = add_submission(conn, 0, status="unchanged")
        latest = metadata.latest_submission(conn, "spend", "local-authority:HYN")
    assert latest is not None
    assert latest.id == second


def test_current_version_is_the_latest_published(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0)
        published = add_submission(conn, 1, delta_version=1)
        add_submission(conn, 2, status="rejected")
        add_submission(conn, 3, status="unchanged")
        current = metadata.current_version(conn, "spend", "local-authority:HYN")
        assert metadata.current_version(conn, "trees", "local-authority:HYN") is None
    assert current is not None
    assert current.id == published


def test_published_versions_are_newest_first(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0)
        add_submission(conn, 1, organisation="local-authority:BUR", delta_version=1)
        add_submission(conn, 2, status="rejected")
        add_submission(conn, 3, delta_version=2)
        add_submission(conn, 4, dataset="trees", delta_version=0)
        every = metadata.published_versions(conn, "spend")
        one = metadata.published_versions(conn, "spend", "local-authority:HYN")
    assert [(s.organisation[-3:], s.delta_version) for s in every] == [
        ("HYN", 2),
        ("BUR", 1),
        ("HYN", 0),
    ]
    assert [s.delta_version for s in one] == [2, 0]


def test_latest_delta_version_is_the_highest_recorded(database: Database) -> None:
    with database.transaction() as conn:
        assert metadata.latest_delta_version(conn, "spend") is None
        add_submission(conn, 0, delta_version=0)
        add_submission(conn, 1, organisation="local-authority:BUR", delta_version=1)
        add_submission(conn, 2, status="rejected")
        add_submission(conn, 3, dataset="trees", delta_version=7)
        assert metadata.latest_delta_version(conn, "spend") == 1


def test_delta_version_as_of_is_the_version_current_then(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 10, delta_version=0)
        add_submission(conn, 20, organisation="local-authority:BUR", delta_version=1)
        add_submission(conn, 30, status="rejected")
        add_submission(conn, 15, dataset="trees", delta_version=5)
        found = [
            metadata.delta_version_as_of(conn, "spend", START + timedelta(minutes=m))
            for m in (5, 10, 19, 20, 40)
        ]
    assert found == [None, 0, 0, 1, 1]


def test_delta_version_as_of_compares_instants_across_zones(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0)
        london_summer = timezone(timedelta(hours=1))
        just_before = (START - timedelta(seconds=1)).astimezone(london_summer)
        assert metadata.delta_version_as_of(conn, "spend", just_before) is None
        assert metadata.delta_version_as_of(conn, "spend", START.astimezone(london_summer)) == 0


def test_submission_issues_are_kept_in_full_and_paged(database: Database) -> None:
    found = [
        issue(2, Severity.ERROR, column="Date", value="31/02/2024", message="Row 2: enter a date"),
        issue(3, Severity.WARNING, value=42, message="Row 3: check the date"),
        issue(4, "info", message="Row 4: we changed the date"),
    ]
    with database.transaction() as conn:
        submission_id = add_submission(conn, status="rejected")
        metadata.record_issues(conn, submission_id, found)
        first = metadata.submission_issues(conn, submission_id, limit=2)
        rest = metadata.submission_issues(conn, submission_id, limit=2, after=first[-1]["id"])
    assert [(i["row"], i["severity"]) for i in first + rest] == [
        (2, "error"),
        (3, "warning"),
        (4, "info"),
    ]
    assert {k: v for k, v in first[0].items() if k != "id"} == {
        "type": "invalid-date",
        "severity": "error",
        "row": 2,
        "field": "date",
        "column": "Date",
        "value": "31/02/2024",
        "message": "Row 2: enter a date",
    }
    assert (first[1]["value"], rest[0]["column"]) == ("42", None)


def test_record_issues_inserts_in_batches(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metadata, "ISSUE_BATCH", 2)
    with database.transaction() as conn:
        submission_id = add_submission(conn, status="rejected")
        metadata.record_issues(
            conn, submission_id, (issue(r, message=f"Row {r}") for r in range(5))
        )
        metadata.record_issues(conn, submission_id, [])
        rows = [i["row"] for i in metadata.submission_issues(conn, submission_id, limit=10)]
    assert rows == [0, 1, 2, 3, 4]


def test_submission_issues_belong_to_their_submission(database: Database) -> None:
    with database.transaction() as conn:
        first = add_submission(conn, 0, status="rejected")
        second = add_submission(conn, 1, status="rejected")
        metadata.record_issues(conn, first, [issue(1, message="Row 1")])
        metadata.record_issues(conn, second, [issue(2, message="Row 2")])
        rows = [i["row"] for i in metadata.submission_issues(conn, second, limit=10)]
    assert rows == [2]


def test_coverage_rows_show_latest_submission_and_current_version(database: Database) -> None:
    with database.transaction() as conn:
        add_submission(conn, 0, delta_version=0, rows=10)
        add_submission(conn, 1, delta_version=1, rows=12)
        rejected = add_submission(conn, 2, status="rejected")
        only_rejected = add_submission(
            conn, 3, organisation="local-authority:BUR", status="rejected"
        )
        add_submission(
            conn, 4, dataset="trees", organisation="local-authority:ZZZ", delta_version=0
        )
        coverage = metadata.coverage_rows(conn, "spend")
    assert coverage == [
        CoverageRow("local-authority:BUR", only_rejected, "rejected", _at(3), None, None, None),
        CoverageRow("local-authority:HYN", rejected, "rejected", _at(2), _at(1), 1, 12),
    ]


def test_coverage_rows_are_empty_for_a_dataset_never_submitted(database: Database) -> None:
    with database.transaction() as conn:
        assert metadata.coverage_rows(conn, "spend") == []


def test_dataset_summaries_count_current_versions(database: Database) -> None:
    with database.transaction() as conn:
        assert metadata.dataset_summaries(conn) == []
        add_submission(conn, 0, delta_version=0, rows=10)
        add_submission(conn, 1, delta_version=1, rows=12)
        add_submission(conn, 2, organisation="local-authority:BUR", delta_version=2, rows=5)
        add_submission(conn, 3, status="rejected")
        add_submission(conn, 4, dataset="trees", status="rejected")
        summaries = metadata.dataset_summaries(conn)
    assert summaries == [
        DatasetSummary("spend", organisations=2, rows=17, last_published_at=_at(2)),
        DatasetSummary("trees", organisations=0, rows=0, last_published_at=None),
    ]


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)
