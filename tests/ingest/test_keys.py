"""Keys used on more than one row of one organisation are reported as one warning.

Issue 13: the key of spend repeats in real files (33 keys in Hyndburn's 1704.csv, 78 in
June-23-csv.csv) and the check said nothing, although diffs and record history match on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import localdata
from localdata.ingest.issues import Issue
from localdata.ingest.keys import DUPLICATE_KEY
from localdata.ingest.report import Report
from localdata.settings import Settings
from localdata.standards.model import Standard
from tests.conftest import real_file
from tests.factories import make_field, make_standard, write_file

HYNDBURN = "E07000120"
LEEDS = "E08000035"


def keyed_standard(**constraints: bool) -> Standard:
    return make_standard(
        [
            make_field("organisation", "organisation"),
            make_field("transaction-number", constraints=constraints),
            make_field("transaction-line", "integer"),
            make_field("amount", "money"),
        ],
        key=["transaction-number", "transaction-line"],
    )


def check(tmp_path: Path, text: str, standard: Standard | None = None, **extra: int) -> Report:
    settings = Settings(data_dir=tmp_path / "data", **extra)  # type: ignore[arg-type]
    path = write_file(tmp_path, text)
    return localdata.check(path, standard or keyed_standard(), HYNDBURN, settings=settings)


def repeated(report: Report) -> list[list[object]]:
    found = report.issues.filter(report.issues["type"] == DUPLICATE_KEY.slug)
    return [list(r) for r in found.select("field", "detail", "value").iter_rows()]


def test_duplicate_keys_listed_in_one_warning_across_batches(tmp_path: Path) -> None:
    text = "transaction-number,transaction-line,amount\n"
    text += "A,1,10\nA,1,11\nB,1,12\nA,2,13\nC,1,14\nB,1,15\nA,1,16\nC,1,17\nD,1,18\n"
    report = check(tmp_path, text, batch_rows=2)
    assert repeated(report) == [
        [
            "transaction-number and transaction-line",
            "3 values of transaction-number and transaction-line are",
            "A, 1 (rows 2, 3 and 8); B, 1 (rows 4 and 7); C, 1 (rows 6 and 9)",
        ]
    ]
    assert report.rows == 9
    assert not report.must_fix


def test_duplicate_keys_message_says_what_to_do() -> None:
    issue = Issue(
        DUPLICATE_KEY.slug,
        field="reference",
        value="BLR/1 (rows 2 and 3)",
        detail="1 value of reference is",
    )
    assert issue.severity.value == "warning"
    assert issue.message == (
        "1 value of reference is each on more than one row. Give each row its own reference. "
        "We kept every row; when you publish again, rows with the same reference are matched "
        "in the order they come in the file. The repeated values: BLR/1 (rows 2 and 3)"
    )


def test_duplicate_keys_shortens_runs_of_rows(tmp_path: Path) -> None:
    rows = "".join(f"A,,{i}\n" for i in range(30)) + "B,,1\nA,,2\n"
    report = check(tmp_path, "transaction-number,transaction-line,amount\n" + rows)
    assert repeated(report)[0][2] == "A (rows 2 to 31 and 33)"


def test_duplicate_keys_compares_an_empty_part_as_diffs_do(tmp_path: Path) -> None:
    text = "transaction-number,transaction-line,amount\nA,,1\nA,,2\nA,1,3\n"
    assert repeated(check(tmp_path, text))[0][2] == "A (rows 2 and 3)"


def test_duplicate_keys_leaves_out_rows_with_no_key(tmp_path: Path) -> None:
    text = "transaction-number,transaction-line,amount\n,,1\n,,2\nA,1,3\n"
    assert repeated(check(tmp_path, text)) == []


def test_duplicate_keys_compares_harmonised_values(tmp_path: Path) -> None:
    text = "transaction-number,transaction-line,amount\nA,1,1\nA,1.0,2\n"
    assert repeated(check(tmp_path, text))[0][2] == "A, 1 (rows 2 and 3)"


def test_duplicate_keys_are_per_organisation(tmp_path: Path) -> None:
    text = "organisation,transaction-number,transaction-line,amount\n"
    text += f"{HYNDBURN},A,1,1\n{LEEDS},A,1,2\n{LEEDS},B,1,3\n{LEEDS},B,1,4\n"
    settings = Settings(data_dir=tmp_path / "data")
    report = localdata.check(write_file(tmp_path, text), keyed_standard(), settings=settings)
    assert repeated(report) == [
        [
            "transaction-number and transaction-line",
            "1 value of transaction-number and transaction-line for local-authority:LDS is",
            "B, 1 (rows 4 and 5)",
        ]
    ]


def test_duplicate_keys_not_checked_without_a_key(tmp_path: Path) -> None:
    standard = make_standard([make_field("transaction-number"), make_field("amount", "money")])
    text = "transaction-number,amount\nA,1\nA,2\n"
    assert repeated(check(tmp_path, text, standard)) == []


def test_duplicate_keys_left_to_duplicate_value_for_a_unique_key(tmp_path: Path) -> None:
    standard = make_standard(
        [make_field("reference", constraints={"unique": True})], key=["reference"]
    )
    report = check(tmp_path, "reference\nA\nA\n", standard)
    assert repeated(report) == []
    assert report.flatten(["row", "type"]) == [[3, "duplicate-value"]]


@pytest.mark.parametrize(
    ("name", "keys", "rows", "first"),
    [
        ("1704.csv", 33, 128, "B000018766/33923 (rows 2 and 3)"),
        ("June-23-csv.csv", 78, 348, "B000024092/65816 (rows 19 and 20)"),
    ],
)
def test_duplicate_keys_in_hyndburn_spend(name: str, keys: int, rows: int, first: str) -> None:
    report = localdata.check(real_file(f"spend/hyndburn/{name}"), "spend", HYNDBURN)
    [[field, detail, value]] = repeated(report)
    assert field == "transaction-number and transaction-line"
    assert detail == f"{keys} values of transaction-number and transaction-line are"
    listed = value.split("; ")
    assert len(listed) == keys
    assert listed[0] == first
    assert _rows_named(listed) == rows
    assert report.counts_by_severity[DUPLICATE_KEY.severity] >= 1


def _rows_named(listed: list[str]) -> int:
    """How many rows the listed keys name, counting a run '12 to 32' as 21 rows."""
    total = 0
    for entry in listed:
        rows = entry.rsplit(" (rows ", 1)[1].rstrip(")").replace(" and ", ", ")
        for part in rows.split(", "):
            low, _, high = part.partition(" to ")
            total += int(high or low) - int(low) + 1
    return total
