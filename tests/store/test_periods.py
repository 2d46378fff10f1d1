"""Publishing by period: monthly files build up, quarters and corrections replace only theirs.

Issue 13: a council publishes its spending as monthly files; each must replace only its own
month, in any order, with nothing lost and nothing counted twice.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from localdata.errors import OrganisationNotIdentified
from localdata.settings import Settings
from localdata.standards.periods import Period
from localdata.store.library import Library
from tests.conftest import REAL

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
HYNDBURN = "local-authority:HYN"


def spend(*rows: tuple[str, str, float]) -> bytes:
    """A spend file from (date, reference, amount) rows."""
    lines = [f"{day},{ref},1,{amount:.2f},SUPPLIER {ref}\n" for day, ref, amount in rows]
    return (HEADER + "".join(lines)).encode()


def month_file(month: int, tag: str = "", count: int = 3, year: int = 2024) -> bytes:
    """A file of ``count`` payments dated in one month of 2024."""
    return spend(*((f"{d + 1:02d}/{month:02d}/{year}", f"{tag}M{month}-{d}", 600.0 + d)
                   for d in range(count)))  # fmt: skip


@pytest.fixture
def library(settings: Settings) -> Iterator[Library]:
    library = Library(settings)
    yield library
    library.close()


def references(library: Library, as_of: str | None = None) -> list[str]:
    return sorted(library.rows("spend", as_of).collect()["transaction-number"].to_list())


def test_monthly_files_build_up_in_any_order(library: Library) -> None:
    for month in (3, 1, 2):
        done = library.publish(month_file(month), "spend", HYNDBURN)
        assert done.published and done.replaced == []
        assert done.submission.period == Period.month(2024, month)
    assert references(library) == sorted(f"M{m}-{d}" for m in (1, 2, 3) for d in range(3))


def test_republishing_a_month_replaces_only_that_month(library: Library) -> None:
    library.publish(month_file(1), "spend", HYNDBURN)
    first_feb = library.publish(month_file(2), "spend", HYNDBURN)
    again = library.publish(month_file(2, tag="fixed-", count=2), "spend", HYNDBURN)
    assert again.replaced == [
        {"submission": first_feb.submission.id, "period": "2024-02", "rows": 3}
    ]
    assert references(library) == [*(f"M1-{d}" for d in range(3)), "fixed-M2-0", "fixed-M2-1"]
    diff = library.diff(again.submission.id)
    assert (diff.added, diff.removed) == (2, 3)


def test_a_quarter_replaces_the_months_it_covers(library: Library) -> None:
    for month in (1, 2, 3, 4):
        library.publish(month_file(month), "spend", HYNDBURN)
    quarter = library.publish(
        month_file(1, "q") + month_file(2, "q")[len(HEADER) :] + month_file(3, "q")[len(HEADER) :],
        "spend",
        HYNDBURN,
    )
    assert quarter.submission.period == Period.quarter(2024, 1)
    assert sorted(e["period"] for e in quarter.replaced) == ["2024-01", "2024-02", "2024-03"]
    assert references(library) == sorted(
        [*(f"qM{m}-{d}" for m in (1, 2, 3) for d in range(3)), *(f"M4-{d}" for d in range(3))]
    )


def test_a_month_corrected_inside_an_earlier_quarter_loses_and_doubles_nothing(
    library: Library,
) -> None:
    quarter = b"".join([month_file(1, "q"), *(month_file(m, "q")[len(HEADER) :] for m in (2, 3))])
    library.publish(quarter, "spend", HYNDBURN, period="2024-Q1")
    fix = library.publish(month_file(2, "fix-", count=1), "spend", HYNDBURN)
    assert fix.replaced[0]["rows"] == 3 and fix.replaced[0]["period"] == "2024-Q1"
    assert references(library) == sorted(
        [*(f"qM{m}-{d}" for m in (1, 3) for d in range(3)), "fix-M2-0"]
    )
    # The whole quarter again replaces what is left of it and the correction.
    library.publish(quarter + b"", "spend", HYNDBURN, period="2024-Q1")
    assert len(references(library)) == 9


def test_rows_dated_outside_the_period_stay_with_their_file(library: Library) -> None:
    march = spend(("28/02/2024", "late", 700.0), *((f"0{d}/03/2024", f"m{d}", 600.0)
                  for d in range(1, 10)))  # fmt: skip
    done = library.publish(march, "spend", HYNDBURN)
    assert done.submission.period == Period.month(2024, 3)
    assert "dates-outside-period" in {i["type"] for i in done.report.summary()}  # type: ignore[union-attr]
    library.publish(month_file(2), "spend", HYNDBURN)
    assert "late" in references(library)  # February's file does not take March's late payment


def test_the_same_file_for_its_period_changes_nothing(library: Library) -> None:
    library.publish(month_file(1), "spend", HYNDBURN)
    again = library.publish(month_file(1), "spend", HYNDBURN)
    assert again.submission.status == "unchanged"
    assert again.submission.period == Period.month(2024, 1)


def test_a_file_whose_period_cannot_be_told_is_rejected_until_one_is_given(
    library: Library,
) -> None:
    spread = spend(*((f"15/{m:02d}/2024", f"s{m}", 600.0 + m * m * 40) for m in (1, 5, 9)),
                   ("16/09/2024", "s9b", 800.0), ("17/09/2024", "s9c", 900.0))  # fmt: skip
    refused = library.publish(spread, "spend", HYNDBURN)
    assert refused.submission.status == "rejected"
    issues = library.submission_issues(refused.submission.id)
    assert [i["type"] for i in issues if i["severity"] == "error"] == ["period-unknown"]
    given = library.publish(spread, "spend", HYNDBURN, period="2024")
    assert given.published and given.submission.period == Period.year(2024)


def test_a_snapshot_standard_still_replaces_the_whole_register(
    library: Library, tmp_path: Path
) -> None:
    header = "reference,site-address,point,hectares,ownership-status,planning-permission-status,"
    header += "minimum-net-dwellings,maximum-net-dwellings,site-plan-url,start-date,entry-date\n"
    row = "{ref},1 High St,POINT (-2.3 53.7),1.5,owned by a public authority,permissioned,10,12,"
    row += "https://example.gov.uk/plan,2020-01-01,2024-01-01\n"
    library.publish((header + row.format(ref="A") + row.format(ref="B")).encode(),
                    "brownfield-land", HYNDBURN)  # fmt: skip
    later = library.publish((header + row.format(ref="C")).encode(), "brownfield-land", HYNDBURN)
    assert later.submission.period is None and later.replaced[0]["rows"] == 2
    found = library.rows("brownfield-land").collect()["reference"].to_list()
    assert found == ["C"]


def test_without_an_organisation_the_file_must_say_which(library: Library) -> None:
    with pytest.raises(OrganisationNotIdentified):
        library.publish(month_file(1), "spend")
    named = "Body,Body name," + HEADER
    named += "http://opendatacommunities.org/id/district-council/hyndburn,Hyndburn,"
    named += "01/01/2024,T1,1,600.00,ACME\n"
    done = library.publish(named.encode(), "spend")
    assert done.published and done.submission.organisation == HYNDBURN


def test_a_table_written_before_periods_keeps_working(library: Library) -> None:
    """Rows published before this change have no period; their own dates place them."""
    library.publish(month_file(1), "spend", HYNDBURN)
    path = library.lake.table_path("spend")
    # Rewrite the table as a library made before periods existed would have left it.
    old = pl.read_delta(str(path)).drop("_period_start", "_period_end", "_period_date")
    two_months = pl.concat([old, old.with_columns(
        pl.col("payment-date").dt.offset_by("1mo"),
        pl.col("transaction-number").str.replace("M1", "M2"),
    )])  # fmt: skip
    two_months.write_delta(str(path), mode="overwrite", delta_write_options={
        "partition_by": ["organisation"], "schema_mode": "overwrite"})  # fmt: skip
    with library.database.transaction() as conn:
        from localdata.store import metadata

        conn.execute(
            metadata.submissions.update().values(
                period_start=None, period_end=None, delta_version=DeltaTable(str(path)).version()
            )
        )
    done = library.publish(month_file(2, "new-"), "spend", HYNDBURN)
    assert done.published
    assert references(library) == sorted(
        [*(f"M1-{d}" for d in range(3)), *(f"new-M2-{d}" for d in range(3))]
    )


@pytest.mark.realdata
def test_hyndburn_monthly_files_published_in_any_order_hold_every_month_once(
    library: Library,
) -> None:
    """Issue 13's test: nine real monthly files, shuffled; then one month again; then as-of."""
    folder = REAL / "spend" / "hyndburn"
    if not folder.exists():
        pytest.skip("../shared/data/real/spend/hyndburn is not present beside this checkout")
    files = sorted(folder.glob("*.csv"))
    assert len(files) == 9
    random.Random(13).shuffle(files)
    expected: dict[str, int] = {}
    for path in files:
        done = library.publish(path, "spend", HYNDBURN)
        assert done.published, path.name
        assert done.replaced == [], path.name
        assert done.submission.period is not None
        expected[done.submission.period.label] = done.submission.rows
        last = done.submission.id
    table = library.rows("spend").collect()
    per_period = dict(
        table.group_by(pl.col("_period_start").dt.strftime("%Y-%m")).len().iter_rows()
    )
    assert per_period == expected
    assert table.height == sum(expected.values())
    assert table.select("_resource", "_row").is_duplicated().sum() == 0

    moment = dt.datetime.now(dt.UTC)
    march = next(p for p in files if p.name == "March-25-CSV.csv")
    edited = march.read_bytes().replace(b"Rhea Projects", b"Rhea Projects Ltd", 1)
    again = library.publish(edited, "spend", HYNDBURN, filename=march.name)
    assert again.replaced[0]["period"] == "2025-03"
    assert again.replaced[0]["rows"] == expected["2025-03"]
    after = library.rows("spend").collect()
    assert after.height == table.height
    changed = after.join(table, on=after.columns, how="anti", nulls_equal=True)
    assert set(changed["_period_start"].dt.strftime("%Y-%m")) == {"2025-03"}
    assert library.rows("spend", as_of=moment.isoformat()).collect().height == table.height
    as_of_before = library.rows("spend", as_of=str(last)).collect()
    assert "Rhea Projects Ltd" not in as_of_before["supplier-name"].to_list()


def test_coverage_shows_the_months_published_missing_and_late(library: Library) -> None:
    """Issue 13: "Hyndburn: March 2024 missing" in the coverage of a periodic dataset."""
    from localdata.store.catalogue import dataset_coverage, describe_dataset

    today = dt.datetime.now(dt.UTC)
    on_time = today.replace(year=2024, month=2, day=10)
    library.publish(month_file(1), "spend", HYNDBURN, submitted_at=on_time)
    library.publish(month_file(2), "spend", HYNDBURN, submitted_at=on_time.replace(month=9))
    library.publish(month_file(4), "spend", HYNDBURN, submitted_at=on_time.replace(month=5))
    [hyndburn] = [c for c in dataset_coverage(library, "spend") if c.organisation == HYNDBURN]
    assert hyndburn.periods is not None
    assert [p.label for p in hyndburn.periods.published] == ["2024-01", "2024-02", "2024-04"]
    assert [p.label for p in hyndburn.periods.late] == ["2024-02"]
    assert hyndburn.periods.missing[0].label == "2024-03"
    assert hyndburn.status == "overdue"  # every month since April is missing too
    assert hyndburn.rows == 9
    described = describe_dataset(library, "spend")
    entry = next(e for e in described["coverage"]["organisations"] if e["organisation"] == HYNDBURN)
    assert entry["periods"]["missing"][0] == "2024-03"
    assert described["rows"] == 9 and described["publication"] == "periodic"
