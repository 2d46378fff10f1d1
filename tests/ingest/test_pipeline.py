"""The whole check on small files built in the test: issues, batches and the report."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import localdata
from localdata.ingest.issues import CATALOGUE, Severity
from localdata.settings import Settings
from tests.factories import make_field, make_standard, write_file


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", **extra)  # type: ignore[arg-type]


def test_check_reports_missing_required_value(tmp_path: Path) -> None:
    path = write_file(tmp_path, "reference,amount\n1,\n,12\n")
    report = localdata.check(
        path, make_standard(required=["reference", "amount"]), settings=_settings(tmp_path)
    )
    assert report.flatten(["row", "field", "type"]) == [
        [2, "amount", "missing-value"],
        [3, "reference", "missing-value"],
    ]
    assert report.must_fix


def test_check_keeps_the_original_value_of_a_bad_cell(tmp_path: Path) -> None:
    path = write_file(tmp_path, "reference,amount\nA,twelve pounds\n")
    report = localdata.check(path, make_standard(), settings=_settings(tmp_path))
    [issue] = [i for i in report.issue_list() if i.field == "amount"]
    assert issue.value == "twelve pounds"
    assert issue.severity is Severity.ERROR
    assert issue.message.startswith("Row 2")


def test_check_accepts_bytes(tmp_path: Path) -> None:
    report = localdata.check(
        b"reference,amount\nA,1\n", make_standard(), filename="x.csv", settings=_settings(tmp_path)
    )
    assert report.rows == 1
    assert report.source.filename == "x.csv"


def test_check_finds_duplicates_of_a_unique_field_across_batches(tmp_path: Path) -> None:
    standard = make_standard([make_field("reference", constraints={"unique": True})])
    path = write_file(tmp_path, "reference\nA\nB\nC\nA\nB\n")
    report = localdata.check(path, standard, settings=_settings(tmp_path, batch_rows=2))
    assert report.flatten(["row", "type", "value"]) == [
        [5, "duplicate-value", "A"],
        [6, "duplicate-value", "B"],
    ]


def test_check_gives_the_same_result_in_small_batches(tmp_path: Path) -> None:
    text = "reference,amount\n" + "".join(f"R{i},{'x' if i % 7 == 0 else i}\n" for i in range(50))
    path = write_file(tmp_path, text)
    whole = localdata.check(path, make_standard(), settings=_settings(tmp_path))
    batched = localdata.check(path, make_standard(), settings=_settings(tmp_path, batch_rows=8))
    assert batched.rows == whole.rows == 50
    assert batched.flatten(["row", "field", "type"]) == whole.flatten(["row", "field", "type"])
    assert whole.table is not None and batched.table is not None
    assert batched.table.equals(whole.table)


def test_check_counts_every_issue_but_keeps_only_examples(tmp_path: Path) -> None:
    path = write_file(tmp_path, "reference,amount\n" + "R,bad\n" * 30)
    report = localdata.check(path, make_standard(), settings=_settings(tmp_path, example_issues=5))
    errors = [r for r in report.flatten(["field", "type"]) if r[0] == "amount"]
    assert len(errors) == 5
    assert report.counts_by_severity[Severity.ERROR] == 30


def test_check_warns_about_formulas_in_cells(tmp_path: Path) -> None:
    path = write_file(
        tmp_path, 'reference,amount\n"=HYPERLINK(""http://x"")",1\n@SUM(A1),2\n-12.50,3\n'
    )
    report = localdata.check(path, make_standard(), settings=_settings(tmp_path))
    flagged = [r for r in report.flatten(["row", "type"]) if r[1] == "formula-in-cell"]
    assert flagged == [[2, "formula-in-cell"], [3, "formula-in-cell"]]


def test_check_fills_and_checks_the_organisation(tmp_path: Path) -> None:
    standard = make_standard(
        [make_field("reference"), make_field("organisation", "organisation", required=True)]
    )
    path = write_file(tmp_path, "reference,organisation\nA,\nB,E07000120\nC,E08000035\n")
    report = localdata.check(path, standard, "Hyndburn", settings=_settings(tmp_path))
    assert report.table is not None
    hyndburn = report.organisation
    assert report.table["organisation"].to_list()[:2] == [hyndburn, hyndburn]
    assert [r[:2] for r in report.flatten(["row", "type"]) if r[1] == "organisation-mismatch"] == [
        [4, "organisation-mismatch"]
    ]


def test_check_report_uses_only_declared_issue_types(tmp_path: Path) -> None:
    path = write_file(tmp_path, "reference,amount,extra\n,£x,1\n")
    report = localdata.check(
        path, make_standard(required=["reference"]), settings=_settings(tmp_path)
    )
    assert set(report.issues["type"].to_list()) <= set(CATALOGUE)
    assert report.to_dict()["counts"]["error"] == report.counts_by_severity[Severity.ERROR]


def test_check_table_has_every_field_in_the_standards_order(tmp_path: Path) -> None:
    standard = make_standard([make_field("a"), make_field("b", "integer"), make_field("c")])
    report = localdata.check(
        write_file(tmp_path, "c,a\n1,2\n"), standard, settings=_settings(tmp_path)
    )
    assert report.table is not None
    assert report.table.columns == ["_row", "a", "b", "c"]
    assert report.table.schema["b"] == pl.Int64


def test_check_fills_gaps_from_a_second_column_for_the_same_field(tmp_path: Path) -> None:
    standard = make_standard(
        [make_field("reference"), make_field("amount", "money", aliases=("Net amount", "Paid"))]
    )
    path = write_file(tmp_path, "reference,Paid,Net amount\nA,5,\nB,7,9\n")
    report = localdata.check(path, standard, settings=_settings(tmp_path))
    assert report.table is not None
    assert [float(v) for v in report.table["amount"]] == [5.0, 9.0]


def test_check_harmonises_each_of_several_values_in_a_cell(tmp_path: Path) -> None:
    standard = make_standard([make_field("reference"), make_field("history", "url", separator="|")])
    path = write_file(
        tmp_path,
        "reference,history\nA,https://a.example/1 | www.b.example/2\n"
        "B,\nC,https://c.example|not a link\n",
    )
    report = localdata.check(path, standard, settings=_settings(tmp_path))
    assert report.table is not None
    assert report.table["history"].to_list() == [
        "https://a.example/1 | https://www.b.example/2",
        None,
        "https://c.example",
    ]
    found = {
        (row, sev)
        for row, name, sev in report.flatten(["row", "field", "severity"])
        if name == "history"
    }
    assert found == {(2, "info"), (4, "error")}


def test_check_reads_placeholders_as_empty_or_names_them_when_required(tmp_path: Path) -> None:
    # Issue 13: N/A, - and TBC are placeholders, not values.
    standard = make_standard(
        [
            make_field("reference", required=True),
            make_field("homes", "integer", required=True, example="18"),
            make_field("decided", "date"),
            make_field("notes", "text"),
        ]
    )
    path = write_file(
        tmp_path, "reference,homes,decided,notes\nA,N/A,-,TBC\n ,12,,\nB,  ,n/a,N/A\n"
    )
    report = localdata.check(path, standard, settings=_settings(tmp_path))
    assert report.flatten(["row", "field", "type", "value"]) == [
        [3, "reference", "missing-value", " "],
        [4, "homes", "missing-value", "  "],
        [2, "homes", "placeholder-in-required-field", "N/A"],
        [2, "decided", "placeholder-read-as-empty", "-"],
        [4, "decided", "placeholder-read-as-empty", "n/a"],
        [4, "notes", "placeholder-read-as-empty", "N/A"],
    ]
    assert report.table is not None
    assert report.table.select("homes", "decided", "notes").rows() == [
        (None, None, "TBC"),
        (12, None, None),
        (None, None, None),
    ]


def test_check_unwraps_quoted_values_and_reads_pay_ratios(tmp_path: Path) -> None:
    path = write_file(tmp_path, 'Ratio,Effective date\n7.14:1,"""2025-03-31"""\n')
    report = localdata.check(path, "pay-multiples", settings=_settings(tmp_path))
    assert report.table is not None
    assert report.table.select("ratio", pl.col("effective-date").cast(pl.String)).rows() == [
        (7.14, "2025-03-31")
    ]
    assert report.flatten(["field", "type"]) == [
        ["effective-date", "quotes-removed"],
        ["ratio", "ratio-read-as-number"],
    ]
