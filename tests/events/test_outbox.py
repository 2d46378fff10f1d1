"""Events are written with the change they describe, or not at all (issue 7)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from localdata.collect import collector
from localdata.collect.announce import announce_overdue
from localdata.collect.fetch import Fetcher
from localdata.collect.sources import add_source
from localdata.collect.tables import sources
from localdata.events import outbox
from localdata.events.announce import announce_agreement, announce_standard
from localdata.events.tables import events
from localdata.events.types import SourceFailing
from localdata.store.library import Library
from tests.collect.server import SourceServer, failing_then, file, running_server
from tests.events.conftest import APRIL, BROKEN, HYNDBURN, MARCH, publish


def feed(library: Library) -> list[tuple[str, str | None, str | None]]:
    with library.database.engine.connect() as conn:
        found = outbox.read(conn, limit=1000)
    return [(e.event.type, e.event.dataset, e.event.organisation) for e in found]


def test_publish_announces_a_version_and_a_rejection_but_not_an_unchanged_file(
    library: Library,
) -> None:
    publish(library, MARCH)
    publish(library, MARCH)  # unchanged: no event
    publish(library, BROKEN)
    assert feed(library) == [
        ("version-published", "spend", HYNDBURN),
        ("submission-failed", "spend", HYNDBURN),
    ]
    with library.database.engine.connect() as conn:
        published, failed = outbox.read(conn)
    version = library.versions("spend")[0]
    assert published.event.subject == f"datasets/spend/versions/{version.id}"
    assert published.event.data["rows"] == 2
    assert failed.event.data["errors"] >= 1


def test_transaction_that_rolls_back_announces_nothing(library: Library) -> None:
    event = SourceFailing(dataset="spend", organisation=HYNDBURN, source=1, attempt=1)
    with pytest.raises(RuntimeError), library.database.transaction() as conn:
        outbox.emit(conn, event, source="/api/v1")
        raise RuntimeError("the change failed after the event was written")
    assert feed(library) == []
    with library.database.transaction() as conn:
        outbox.emit(conn, event, source="/api/v1")
    assert feed(library) == [("source-failing", "spend", HYNDBURN)]


def test_feed_sequence_increases_in_commit_order(library: Library) -> None:
    publish(library, MARCH)
    publish(library, APRIL)
    with library.database.engine.connect() as conn:
        found = outbox.read(conn)
        assert [e.seq for e in found] == sorted(e.seq for e in found)
        assert outbox.latest_seq(conn) == found[-1].seq
        assert outbox.read(conn, after=found[0].seq) == found[1:]


@pytest.fixture
def server() -> object:
    with running_server() as found:
        yield found


def test_source_failing_and_recovering_is_announced_once_each(
    library: Library, server: SourceServer
) -> None:
    route = failing_then(2, file(MARCH.encode()), status=404)
    source = add_source(library, "spend", HYNDBURN, server.serve("/spend.csv", route))
    fetcher = Fetcher(library.settings)
    try:
        for _ in range(3):
            attempt = collector.collect(library, fetcher, source.id)
            if attempt.outcome == "new":
                collector.publish(library, attempt.id)
    finally:
        fetcher.close()
    assert [t for t, _, _ in feed(library)] == [
        "source-failing",
        "version-published",
        "source-recovered",
    ]
    with library.database.engine.connect() as conn:
        recovered = outbox.read(conn)[-1].event
    assert recovered.subject == f"sources/{source.id}"
    assert recovered.data["source"] == source.id and recovered.data["failing_since"]


def test_organisation_becoming_overdue_is_announced_once_per_change(
    library: Library, server: SourceServer
) -> None:
    source = add_source(library, "spend", HYNDBURN, server.serve("/s.csv", file(MARCH.encode())))
    long_ago = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with library.database.transaction() as conn:
        conn.execute(sa.update(sources).values(created_at=long_ago))
    assert announce_overdue(library) == 1
    assert announce_overdue(library) == 0  # still overdue: not announced again
    publish(library, MARCH)  # caught up
    assert announce_overdue(library) == 0
    assert [t for t, _, _ in feed(library)] == ["organisation-overdue", "version-published"]
    with library.database.engine.connect() as conn:
        overdue = outbox.read(conn)[0].event
    assert overdue.data["source"] == source.id and overdue.organisation == HYNDBURN


def test_agreement_and_standard_changes_can_be_announced(library: Library) -> None:
    with library.database.transaction() as conn:
        announce_agreement(
            conn,
            agreement="lan-fraud",
            provider="local-authority:LAN",
            state="active",
            change="active",
            datasets=["spend"],
            source="/api/v1",
        )
    announce_standard(library.database, "spend", "1.1", "1.0", "/api/v1")
    assert feed(library) == [
        ("agreement-changed", None, "local-authority:LAN"),
        ("standard-versioned", "spend", None),
    ]


def test_adding_a_standard_version_announces_it_once(library: Library) -> None:
    # Issue 7: the real path (``localdata standards import``, the demo) announces.
    spend = library.standards.get("spend")
    newer = spend.model_copy(update={"version": spend.version + ".1"})
    library.add_standard(newer)
    library.add_standard(newer)
    assert feed(library) == [("standard-versioned", "spend", None)]
    with library.database.transaction() as conn:
        data = conn.execute(sa.select(events.c.data)).scalar_one()
    assert (data["version"], data["previous_version"]) == (newer.version, spend.version)
