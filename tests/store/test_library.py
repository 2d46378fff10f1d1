"""Publishing into the library: versions, unchanged files, rejections, history and diffs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest

from localdata.settings import Settings
from localdata.store.library import Library

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
MARCH = HEADER + "05/03/2024,T1,1,100.00,ACME LTD\n06/03/2024,T2,1,200.00,BETA LTD\n"
# March's file published again, corrected: T1 revised, T2 withdrawn, T3 added.
CORRECTED = HEADER + "05/03/2024,T1,1,150.00,ACME LTD\n07/03/2024,T3,1,300.00,GAMMA LTD\n"
BROKEN = HEADER + "TBC,T9,1,n/a,\n"
HYNDBURN = "local-authority:HYN"
LEEDS = "local-authority:LDS"


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = Library(settings)
    yield library
    library.close()


def _at(day: int) -> dt.datetime:
    return dt.datetime(2024, 4, day, 12, tzinfo=dt.UTC)


def test_publish_makes_the_file_current_with_provenance(library: Library) -> None:
    done = library.publish(MARCH.encode(), "spend", "E07000120", filename="march.csv")
    assert done.published
    assert (done.submission.rows, done.submission.errors) == (2, 0)
    rows = library.rows("spend").collect()
    assert rows.select("organisation", "transaction-number", "_row").rows() == [
        (HYNDBURN, "T1", 2),
        (HYNDBURN, "T2", 3),
    ]
    assert rows["_resource"].unique().to_list() == [done.submission.resource]
    assert library.lake.raw_path(done.submission.resource).read_bytes() == MARCH.encode()


def test_publish_same_bytes_again_changes_nothing(library: Library) -> None:
    first = library.publish(MARCH.encode(), "spend", HYNDBURN)
    again = library.publish(MARCH.encode(), "spend", HYNDBURN)
    assert again.submission.status == "unchanged"
    assert [v.id for v in library.versions("spend")] == [first.submission.id]


def test_publish_with_errors_keeps_the_earlier_version(library: Library) -> None:
    library.publish(MARCH.encode(), "spend", HYNDBURN)
    rejected = library.publish(BROKEN.encode(), "spend", HYNDBURN)
    assert rejected.submission.status == "rejected"
    assert rejected.submission.errors >= 3
    assert library.rows("spend").collect().height == 2
    issues = library.submission_issues(rejected.submission.id)
    assert {i["field"] for i in issues if i["severity"] == "error"} >= {"payment-date", "amount"}


def test_publish_replaces_only_that_organisations_rows(library: Library) -> None:
    library.publish(MARCH.encode(), "spend", HYNDBURN)
    library.publish(MARCH.encode(), "spend", LEEDS)
    library.publish(CORRECTED.encode(), "spend", HYNDBURN)
    rows = library.rows("spend").collect().sort("organisation", "transaction-number")
    assert rows.select("organisation", "transaction-number").rows() == [
        (HYNDBURN, "T1"),
        (HYNDBURN, "T3"),
        (LEEDS, "T1"),
        (LEEDS, "T2"),
    ]


def test_rows_as_of_a_date_and_a_version(library: Library) -> None:
    march = library.publish(MARCH.encode(), "spend", HYNDBURN, submitted_at=_at(1))
    library.publish(CORRECTED.encode(), "spend", HYNDBURN, submitted_at=_at(20))

    def numbers(as_of: str | None) -> list[str]:
        return sorted(library.rows("spend", as_of).collect()["transaction-number"])

    assert numbers(None) == ["T1", "T3"]
    assert numbers("2024-04-10") == ["T1", "T2"]
    assert numbers(str(march.submission.id)) == ["T1", "T2"]
    assert numbers("2024-03-01") == []


def test_diff_shows_added_changed_and_removed_rows(library: Library) -> None:
    library.publish(MARCH.encode(), "spend", HYNDBURN)
    corrected = library.publish(CORRECTED.encode(), "spend", HYNDBURN)
    diff = library.diff(corrected.submission.id)
    assert (diff.added, diff.changed, diff.removed) == (1, 1, 1)
    assert diff.key == ("transaction-number", "transaction-line")
    [change] = diff.examples["changed"]
    assert change["key"] == {"transaction-number": "T1", "transaction-line": 1}
    assert change["changes"]["amount"] == {"from": "100.00", "to": "150.00"}


def test_publish_rolls_back_a_commit_that_was_never_recorded(library: Library) -> None:
    library.publish(MARCH.encode(), "spend", HYNDBURN)
    recorded = library.delta_version("spend")
    # A publish that died after its Delta commit and before recording it:
    stray = library.rows("spend").collect().with_columns(pl.lit("STRAY").alias("supplier-name"))
    library.lake.replace("spend", HYNDBURN, stray)
    assert library.rows("spend").collect()["supplier-name"].to_list() == ["ACME LTD", "BETA LTD"]
    library.publish(MARCH.encode(), "spend", LEEDS)
    rows = library.rows("spend").collect()
    assert "STRAY" not in rows["supplier-name"].to_list()
    assert library.delta_version("spend") != recorded


def test_publish_after_a_first_publish_died_half_way(library: Library) -> None:
    (library.lake.table_path("spend") / "_delta_log").mkdir(parents=True)
    assert library.rows("spend").collect().height == 0
    assert library.publish(MARCH.encode(), "spend", HYNDBURN).published
    assert library.rows("spend").collect().height == 2


def test_open_library_is_the_public_way_in(settings: Settings) -> None:
    import localdata

    library = localdata.open_library(settings)
    assert library.publish(MARCH.encode(), "spend", "Hyndburn").published
    library.close()
