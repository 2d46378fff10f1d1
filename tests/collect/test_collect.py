"""Collecting sources from a real HTTP server on 127.0.0.1 (issue 5)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from localdata.app import create_app
from localdata.collect import collector
from localdata.collect.fetch import Fetcher
from localdata.collect.sources import (
    Attempt,
    add_source,
    attempt_log,
    record_attempt,
    record_result,
)
from localdata.collect.status import sources_with_status
from localdata.collect.tables import sources
from localdata.errors import UsageError
from localdata.jobs import queue
from localdata.store.library import Library
from tests.collect.conftest import collect_settings
from tests.collect.server import (
    APRIL,
    BROKEN,
    MARCH,
    SourceServer,
    dripping,
    dripping_headers,
    endless,
    failing_then,
    file,
    page,
    redirect,
    slow,
)

HYNDBURN = "local-authority:HYN"


def collect(library: Library, fetcher: Fetcher, url: str) -> Attempt:
    """Register the URL for Hyndburn's spend and collect it once, publishing a new file."""
    found = sources_with_status(library, organisation=HYNDBURN)
    source = next((s.source for s in found if s.source.url == url), None)
    if source is None:
        source = add_source(library, "spend", HYNDBURN, url)
    attempt = collector.collect(library, fetcher, source.id)
    return collector.publish(library, attempt.id) if attempt.outcome == "new" else attempt


def summary(attempt: Attempt) -> tuple[str, int | None, str | None]:
    return attempt.outcome, attempt.http_status, attempt.submission_status


def test_collect_publishes_a_new_file_and_records_the_attempt(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", file(MARCH.encode()))
    attempt = collect(library, fetcher, url)
    assert summary(attempt) == ("new", 200, "published")
    assert attempt.bytes == len(MARCH) and attempt.resource and attempt.error is None
    assert library.rows("spend").collect().height == 2
    assert [s.status.state for s in sources_with_status(library)] == ["working"]


def test_collect_same_bytes_is_unchanged_and_not_published_again(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", file(MARCH.encode()))
    first = collect(library, fetcher, url)
    again = collect(library, fetcher, url)
    assert summary(again) == ("unchanged", 200, "published")
    assert again.submission_id == first.submission_id
    server.serve("/spend.csv", file(APRIL.encode()))
    changed = collect(library, fetcher, url)
    assert summary(changed) == ("new", 200, "published")
    assert len(library.versions("spend")) == 2
    with library.database.transaction() as conn:
        assert queue.counts(conn)["queued"] == 2  # one publish job per new file, none for unchanged
    status = sources_with_status(library)[0].status
    assert status.state == "working"


def test_collect_checks_again_a_file_whose_check_never_finished(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    # Issue 5: after a fault on our side, the same bytes must not count as "unchanged".
    url = server.serve("/spend.csv", file(MARCH.encode()))
    add_source(library, "spend", HYNDBURN, url)
    source = sources_with_status(library)[0].source
    first = collector.collect(library, fetcher, source.id)
    with library.database.transaction() as conn:
        record_result(conn, first.id, submission_id=None, error="A fault on our side.")
    assert sources_with_status(library)[0].status.state == "failing"
    again = collector.collect(library, fetcher, source.id)
    assert (again.outcome, again.resource) == ("new", first.resource)
    assert collector.publish(library, again.id).submission_status == "published"
    assert sources_with_status(library)[0].status.state == "working"


@pytest.mark.parametrize("validator", ["etag", "last-modified"])
def test_collect_sends_validators_and_takes_a_304_as_unchanged(
    library: Library, fetcher: Fetcher, server: SourceServer, validator: str
) -> None:
    route = (
        file(MARCH.encode(), etag='"v1"')
        if validator == "etag"
        else file(MARCH.encode(), modified=1_700_000_000)
    )
    url = server.serve("/spend.csv", route)
    first = collect(library, fetcher, url)
    again = collect(library, fetcher, url)
    assert summary(again) == ("unchanged", 304, "published")
    assert again.bytes is None and again.resource == first.resource
    sent = server.headers["/spend.csv"][-1]
    header = "If-None-Match" if validator == "etag" else "If-Modified-Since"
    assert header in sent
    status = sources_with_status(library)[0].status
    assert (status.state, status.since) == ("unchanged", first.started_at)


def test_collect_retries_server_errors_then_succeeds(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", failing_then(2, file(MARCH.encode())))
    assert summary(collect(library, fetcher, url)) == ("new", 200, "published")
    assert server.hits["/spend.csv"] == 3


def test_collect_gives_up_after_its_retries_and_says_why(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    url = server.serve("/spend.csv", failing_then(100, file(MARCH.encode()), status=503))
    attempt = collect(library, fetcher, url)
    assert summary(attempt) == ("failed", 503, None)
    assert attempt.error and "503" in attempt.error
    assert server.hits["/spend.csv"] == 3
    status = sources_with_status(library)[0].status
    assert (status.state, status.since) == ("failing", attempt.started_at)


def test_collect_does_not_retry_a_client_error(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    attempt = collect(library, fetcher, server.url + "/missing.csv")
    assert summary(attempt) == ("failed", 404, None)
    assert attempt.error and "no file at this address" in attempt.error
    assert server.hits["/missing.csv"] == 1


def test_collect_times_out_a_slow_server(library: Library, server: SourceServer) -> None:
    settings = collect_settings(library.settings, collect_timeout=0.3, collect_retries=0)
    fetcher = Fetcher(settings)
    url = server.serve("/spend.csv", slow(1.5, file(MARCH.encode())))
    attempt = collect(library, fetcher, url)
    fetcher.close()
    assert summary(attempt) == ("failed", None, None)
    assert attempt.error and "did not answer within 0.3 seconds" in attempt.error


def test_collect_stops_a_server_that_drips_its_file_at_the_total_timeout(
    library: Library, server: SourceServer
) -> None:
    # Issue 5: every read arrives within the read timeout, but the file never finishes.
    settings = collect_settings(
        library.settings, collect_timeout=0.5, collect_total_timeout=1.0, collect_retries=0
    )
    fetcher = Fetcher(settings)
    started = time.monotonic()
    attempt = collect(library, fetcher, server.serve("/spend.csv", dripping(0.05)))
    fetcher.close()
    assert summary(attempt) == ("failed", None, None)
    assert attempt.error and "took longer than 1 seconds" in attempt.error
    assert time.monotonic() - started < 5


def test_collect_stops_a_server_that_drips_its_headers_at_the_total_timeout(
    library: Library, server: SourceServer
) -> None:
    # Issue 15: the total deadline covers the headers too, and the retries.
    settings = collect_settings(
        library.settings, collect_timeout=0.5, collect_total_timeout=1.0, collect_retries=1
    )
    fetcher = Fetcher(settings)
    started = time.monotonic()
    attempt = collect(library, fetcher, server.serve("/spend.csv", dripping_headers(0.05)))
    fetcher.close()
    elapsed = time.monotonic() - started
    assert summary(attempt) == ("failed", None, None)
    assert attempt.error and "took longer than 1 seconds" in attempt.error
    assert elapsed < 2.5, f"the fetch took {elapsed:.1f} s against a 1 s limit"


def test_collect_stops_an_endless_file_at_the_size_limit(
    library: Library, server: SourceServer
) -> None:
    fetcher = Fetcher(collect_settings(library.settings, collect_max_bytes=200_000))
    attempt = collect(library, fetcher, server.serve("/spend.csv", endless))
    fetcher.close()
    assert summary(attempt) == ("failed", None, None)
    assert attempt.error and "larger than 200,000 bytes" in attempt.error
    assert not list((library.settings.data_dir / "incoming").iterdir())


def test_collect_refuses_a_redirect_loop(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    url = server.serve("/loop", redirect("/loop"))
    attempt = collect(library, fetcher, url)
    assert summary(attempt) == ("failed", None, None)
    assert attempt.error and "redirected more than 5 times" in attempt.error
    assert server.hits["/loop"] == 6


def test_collect_follows_a_redirect(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    target = server.serve("/files/spend.csv", file(MARCH.encode()))
    attempt = collect(library, fetcher, server.serve("/latest", redirect(target)))
    assert summary(attempt) == ("new", 200, "published") and attempt.url == target


def test_collect_follows_a_page_to_its_one_data_file(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    server.serve("/files/Spend%20March.csv", file(MARCH.encode()))
    html = """<html><body><h1>Transparency</h1>
    <a href="/about.html">About</a>
    <a href="files/Spend%20March.csv">Spending over £500, March (CSV)</a>
    <a href="/files/contracts.csv">Contracts register</a></body></html>"""
    attempt = collect(library, fetcher, server.serve("/transparency", page(html)))
    assert summary(attempt) == ("new", 200, "published")
    assert attempt.url == server.url + "/files/Spend%20March.csv"


def test_collect_says_why_it_does_not_guess_between_data_files(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    html = '<a href="/a.csv">March</a> <a href="/b.xlsx">April</a>'
    attempt = collect(library, fetcher, server.serve("/page", page(html)))
    assert summary(attempt) == ("failed", 200, None)
    assert attempt.error and "linking to 2 data files" in attempt.error
    assert "/a.csv" in attempt.error and "Register the address of the file itself" in attempt.error


def test_collect_records_a_file_that_fails_the_check(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    attempt = collect(library, fetcher, server.serve("/spend.csv", file(BROKEN.encode())))
    assert summary(attempt) == ("new", 200, "rejected")
    assert library.versions("spend") == []
    again = collect(library, fetcher, server.url + "/spend.csv")
    assert summary(again) == ("unchanged", 200, "rejected")
    status = sources_with_status(library)[0].status
    assert (status.state, status.since) == ("failing", attempt.started_at)


def test_collect_refuses_private_addresses_unless_allowed(
    library: Library, server: SourceServer
) -> None:
    fetcher = Fetcher(collect_settings(library.settings, collect_allow_private=False))
    url = server.serve("/spend.csv", file(MARCH.encode()))
    for address in (url, url.replace("127.0.0.1", "localhost")):
        attempt = collect(library, fetcher, address)
        assert attempt.outcome == "failed"
        assert attempt.error and "private, loopback or link-local" in attempt.error
    fetcher.close()
    assert server.hits["/spend.csv"] == 0
    # Issue 15: what localhost resolves to is not for whoever reads the log.
    assert "127.0.0.1" not in (attempt.error or "") and "::1" not in (attempt.error or "")


def test_collection_log_withholds_addresses_recorded_before(library: Library) -> None:
    # Issue 15: refusals recorded before they stopped naming the address are shown without it.
    source = add_source(library, "spend", HYNDBURN, "https://db.internal.example/spend.csv")
    error = "db.internal.example is at 10.20.30.40, a private, loopback or link-local address."
    with library.database.transaction() as conn:
        record_attempt(
            conn,
            source_id=source.id,
            started_at=dt.datetime.now(dt.UTC),
            elapsed_ms=1,
            outcome="failed",
            url=source.url,
            error=error,
        )
    client = TestClient(create_app(library.settings, library))
    log = client.get(f"/api/v1/sources/{source.id}/log").json()
    listed = client.get("/api/v1/sources").json()
    assert "10.20.30.40" not in str(log) and "10.20.30.40" not in str(listed)
    assert "db.internal.example is at a private" in log["attempts"][0]["error"]


def test_collect_refuses_a_redirect_to_a_private_address(
    library: Library, server: SourceServer
) -> None:
    fetcher = Fetcher(
        collect_settings(library.settings, collect_allow_private=False),
        allowed=frozenset({("127.0.0.1", int(server.url.rsplit(":", 1)[1]))}),
    )
    url = server.serve("/go", redirect("http://169.254.169.254/latest/meta-data/"))
    attempt = collect(library, fetcher, url)
    fetcher.close()
    assert attempt.error and "169.254.169.254" in attempt.error


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a.csv", "example.org/a.csv", "http://"]
)
def test_add_source_accepts_only_http_and_https(library: Library, url: str) -> None:
    with pytest.raises(UsageError):
        add_source(library, "spend", HYNDBURN, url)


def test_add_source_refuses_the_same_address_twice(library: Library) -> None:
    add_source(library, "spend", HYNDBURN, "https://example.org/spend.csv")
    with pytest.raises(UsageError, match="already has this address"):
        add_source(library, "spend", "E07000120", "https://example.org/spend.csv")


def test_source_with_no_valid_version_in_time_makes_its_organisation_overdue(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    attempt = collect(library, fetcher, server.serve("/spend.csv", file(BROKEN.encode())))
    assert not sources_with_status(library)[0].status.overdue
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    with library.database.transaction() as conn:
        conn.execute(sa.update(sources).values(created_at=long_ago))
    status = sources_with_status(library)[0].status
    assert status.overdue and status.due_by == long_ago + dt.timedelta(days=62)
    with library.database.transaction() as conn:
        assert [a.id for a in attempt_log(conn, attempt.source_id)] == [attempt.id]


def test_coverage_counts_an_organisation_overdue_when_its_source_brought_nothing_in_time(
    library: Library,
) -> None:
    from localdata.collect.sources import collected_since
    from localdata.store import metadata
    from localdata.store.coverage import coverage

    add_source(library, "spend", HYNDBURN, "https://example.org/spend.csv")
    standard = library.standards.get("spend")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=63)
    with library.database.transaction() as conn:
        since = collected_since(conn, "spend")
        rows = metadata.coverage_rows(conn, "spend")
    assert since[HYNDBURN].tzinfo is not None

    def status(moment: dt.datetime) -> str:
        found = coverage(standard, rows, library.register, moment, since)
        return next(c.status for c in found if c.organisation == HYNDBURN)

    assert status(dt.datetime.now(dt.UTC)) == "never-published"
    assert status(later) == "overdue"


def test_dataset_coverage_shows_an_organisation_overdue_when_its_source_brought_nothing(
    library: Library,
) -> None:
    from localdata.store.catalogue import dataset_coverage

    add_source(library, "spend", HYNDBURN, "https://example.org/spend.csv")

    def status() -> str:
        found = dataset_coverage(library, "spend")
        return next(c.status for c in found if c.organisation == HYNDBURN)

    assert status() == "never-published"
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=100)
    with library.database.transaction() as conn:
        conn.execute(sa.update(sources).values(created_at=long_ago))
    assert status() == "overdue"


def test_collect_checks_the_file_for_its_sources_organisation(
    library: Library, fetcher: Fetcher, server: SourceServer
) -> None:
    """Issue 13: the source's organisation wins; a file naming another one is not published."""
    titled = "Hyndburn Borough Council - payments over £250,,,,\n" + MARCH
    attempt = collect(library, fetcher, server.serve("/spend.csv", file(titled.encode())))
    assert summary(attempt) == ("new", 200, "published")
    assert library.rows("spend").collect()["organisation"].unique().to_list() == [HYNDBURN]
    other = "Burnley Borough Council - payments over £250,,,,\n" + APRIL
    attempt = collect(library, fetcher, server.serve("/spend.csv", file(other.encode())))
    assert summary(attempt) == ("new", 200, "rejected")
    assert attempt.submission_id is not None
    report = library.submission(attempt.submission_id).report
    assert "another-organisation-named" in {s["type"] for s in report["summary"]}
