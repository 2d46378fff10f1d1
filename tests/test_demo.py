"""The demo: its files are deterministic and realistic, and loading it twice changes nothing."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from localdata import check
from localdata.app import create_app
from localdata.cli.demo import demo_command
from localdata.demo import DATASETS, assets, brownfield, load_demo, spend
from localdata.demo.files import grid_reference
from localdata.demo.places import Council, choose_councils, usable_councils
from localdata.demo.plan import Planned, plan_demo
from localdata.errors import UsageError
from localdata.ingest.issues import Severity
from localdata.ingest.report import Report
from localdata.registers import Register
from localdata.settings import Settings
from localdata.store.library import Library

TODAY = date(2025, 6, 15)
MONTH = 2025 * 12 + 2  # March 2025


def make_plan(seed: int = 0, organisations: int = 6) -> list[Planned]:
    councils = choose_councils(Register.default(), seed, organisations)
    return plan_demo(councils, seed, TODAY)


def council(reference: str) -> Council:
    usable = usable_councils(Register.default())
    return next(c for c in usable if c.organisation.reference == reference)


def errors_of(report: Report) -> set[str]:
    return {issue.type for issue in report.issue_list(Severity.ERROR)}


def data_rows(content: bytes, encoding: str = "utf-8-sig") -> int:
    rows = csv.reader(io.StringIO(content.decode(encoding)))
    return len([r for r in rows if len(r) > 1]) - 1  # not the header, title or blank rows


def test_demo_files_are_the_same_for_the_same_seed() -> None:
    first, again, other = make_plan(), make_plan(), make_plan(seed=1)
    assert [(p.when, p.filename, p.content) for p in first] == [
        (p.when, p.filename, p.content) for p in again
    ]
    assert [p.content for p in first] != [p.content for p in other]


def test_demo_files_pass_the_check_unless_meant_to_be_rejected() -> None:
    for planned in make_plan():
        report = check(planned.content, planned.dataset, planned.council.id,
                       filename=planned.filename)  # fmt: skip
        assert report.must_fix == (planned.expect == "rejected"), (
            planned.filename,
            report.flatten(["row", "field", "type", "value"])[:5],
        )


def test_choose_councils_mixes_real_current_councils_of_each_type_and_region() -> None:
    chosen = choose_councils(Register.default(), 0, 36)
    assert len({c.id for c in chosen}) == 36
    assert all(c.organisation.is_council and c.organisation.is_current for c in chosen)
    assert len({c.organisation.type for c in chosen}) == 5
    assert len({c.organisation.region for c in chosen}) == 9


def test_choose_councils_refuses_more_councils_than_it_has_places_for() -> None:
    with pytest.raises(UsageError):
        choose_councils(Register.default(), 0, 500)


def test_demo_plan_has_every_kind_of_history() -> None:
    planned = make_plan(organisations=36)
    spend_files = [p for p in planned if p.dataset == "spend"]
    registers = [p for p in planned if p.dataset == "brownfield-land"]
    assert Counter(p.expect for p in planned) == {
        "published": 203,
        "rejected": 11,
        "unchanged": 6,
    }
    assert len({p.council.id for p in spend_files}) >= 30
    assert all(50 <= data_rows(p.content, "cp1252") <= 600 for p in spend_files)
    quarters = [p for p in spend_files if "-q" in p.filename]
    assert quarters and all(data_rows(q.content, "cp1252") > 150 for q in quarters)
    assert all(10 <= data_rows(p.content) <= 60 for p in registers)
    days = [p.when.date() for p in planned]
    assert (TODAY - min(days)).days > 450 and max(days) < TODAY


@pytest.mark.parametrize("layout", [layout.name for layout in spend.LAYOUTS])
def test_spend_layouts_map_to_the_standard(layout: str) -> None:
    style = replace(spend.spend_style(council("BIR"), 0), layout=layout)
    good = check(spend.spend_file(style, 0, MONTH), "spend", "local-authority:BIR")
    bad = check(spend.spend_file(style, 0, MONTH, broken=True), "spend", "local-authority:BIR")
    assert errors_of(good) == set()
    assert {"supplier-name", "payment-date", "amount"} <= set(good.mapping.columns.values())
    assert errors_of(bad) == {"placeholder-in-required-field", "missing-value"}


def test_spend_files_made_later_revise_and_withdraw_payments() -> None:
    style = spend.spend_style(council("LDS"), 0)
    made = [p.as_of(MONTH) for p in spend.payments(style, 0, MONTH)]
    corrected = [p.as_of(MONTH + 2) for p in spend.payments(style, 0, MONTH)]
    before = {(p.reference, p.line): p.pence for p in made if p}
    after = {(p.reference, p.line): p.pence for p in corrected if p}
    assert before.keys() - after.keys() and not after.keys() - before.keys()
    assert any(before[k] != after[k] for k in before.keys() & after.keys())


@pytest.mark.parametrize(("layout", "grid"), [("template-2017", True),
                                              ("template-2017", False),
                                              ("planning-data", False), ("own", True)])  # fmt: skip
def test_brownfield_layouts_map_to_the_standard(layout: str, grid: bool) -> None:
    style = replace(brownfield.register_style(council("HYN"), 0), layout=layout, grid=grid)
    reviews = [date(2024, 3, 1), date(2025, 3, 1)]
    good = check(brownfield.register_file(style, 0, reviews), "brownfield-land", style.council.id)
    bad = check(brownfield.register_file(style, 0, reviews, broken=True), "brownfield-land",
                style.council.id)  # fmt: skip
    assert errors_of(good) == set()
    assert good.table is not None and good.table["point"].null_count() == 0
    assert errors_of(bad) == {"placeholder-in-required-field", "missing-value"}


@pytest.mark.parametrize("layout", sorted(assets.COLUMNS))
def test_asset_layouts_map_to_the_standard(layout: str) -> None:
    place = council("ESS")
    good = check(assets.assets_file(place, 0, 1, layout=layout), "land-and-assets", place.id)
    bad = check(assets.assets_file(place, 0, 1, layout=layout, broken=True), "land-and-assets",
                place.id)  # fmt: skip
    assert errors_of(good) == set()
    assert errors_of(bad) == {"code-not-allowed", "missing-value"}


def test_grid_reference_has_the_right_letters() -> None:
    assert grid_reference(429905, 434005) == "SE 29905 34005"
    assert grid_reference(530000, 180000) == "TQ 30000 80000"


def test_load_demo_publishes_history_once(tmp_path) -> None:
    library = Library(Settings(data_dir=tmp_path))
    lines: list[str] = []
    summary = load_demo(library, organisations=6, today=TODAY, progress=lines.append)
    expected = Counter(p.expect for p in make_plan())
    assert (summary.published, summary.rejected, summary.unchanged) == (
        expected["published"],
        expected["rejected"],
        expected["unchanged"],
    )
    assert (summary.published, summary.rejected, summary.unchanged) == (28, 4, 2)
    assert len(lines) == 34 and summary.rows > 2000
    first = choose_councils(Register.default(), 0, 6)[0]
    corrected, latest = library.versions("spend", first.id)[:2]
    assert corrected.period is not None and latest.period is not None
    assert corrected.period < latest.period  # an earlier month, published again
    diff = library.diff(corrected.id)
    assert diff.changed and not diff.added
    assert library.diff(latest.id).removed == 0  # a new month takes nothing away
    versions = {dataset: len(library.versions(dataset)) for dataset in DATASETS}
    # Issue 5: the demo registers a source served on 127.0.0.1, shown in the API.
    listed = TestClient(create_app(library.settings, library)).get("/api/v1/sources").json()
    [source] = listed["sources"]
    assert source["url"].startswith("http://127.0.0.1:8001/") and source["dataset"] == "spend"

    again = load_demo(library, organisations=6, today=TODAY)

    assert again.already_loaded and (again.published, again.rejected, again.unchanged) == (0, 0, 0)
    assert {dataset: len(library.versions(dataset)) for dataset in DATASETS} == versions
    library.close()


def test_demo_command_prints_a_line_per_dataset_and_the_totals(tmp_path) -> None:
    app = typer.Typer()
    app.command()(demo_command)
    env = {"LOCALDATA_DATA_DIR": str(tmp_path)}

    result = CliRunner().invoke(app, ["--organisations", "1"], env=env)
    again = CliRunner().invoke(app, ["--organisations", "1"], env=env)

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == [*DATASETS, "Total", "Sharing demo"]
    assert lines[-2].startswith("Total: 1 organisations,")
    assert lines[-1].startswith("Sharing demo: homelessness-cases is restricted")
    keys = dict(line.split("=", 1) for line in (tmp_path / "demo-keys.env").read_text().split())
    assert set(keys) >= {"HYNDBURN_KEY", "PENDLE_KEY", "LANCASHIRE_KEY", "BURNLEY_IG_KEY"}
    assert (tmp_path / "demo-keys.env").stat().st_mode & 0o077 == 0
    assert "already loaded" in again.output
