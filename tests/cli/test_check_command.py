"""`localdata check` as a person and a script use it: messages and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from localdata.cli import main
from localdata.standards.catalogue import StandardCatalogue
from tests.factories import write_file

SPEND_OK = (
    "Payment Date,Transaction Number,Amount,Supplier Name\n"
    '05-Apr-17,T1,"£1,234.50",EDEN BROWN LTD\n'
    '25 Apr 2017,T2,858.00,=HYPERLINK("http://x")\n'
)
SPEND_BAD = "Payment Date,Transaction Number,Amount,Supplier Name\nTBC,T1,n/a,\n"


def run_cli(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run the command line in this process and return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["localdata", *args])
    with pytest.raises(SystemExit) as done:
        main()
    out = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(tmp_path / "data"))


def test_check_command_exits_0_and_groups_issues_for_a_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path, SPEND_OK)
    code, out, err = run_cli(
        ["check", str(path), "--standard", "spend", "--organisation", "E07000120"],
        capsys,
        monkeypatch,
    )
    assert (code, err) == (0, "")
    assert "2 rows" in out
    assert "Should fix" in out and "We fixed these for you" in out
    assert "This file can be published." in out


def test_check_command_exits_1_when_something_must_be_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path, SPEND_BAD)
    code, out, _ = run_cli(
        ["check", str(path), "--standard", "spend", "-o", "E07000120", "--format", "json"],
        capsys,
        monkeypatch,
    )
    report = json.loads(out)
    assert code == 1
    assert report["ok"] is False
    assert report["counts"]["error"] >= 3
    assert {i["field"] for i in report["issues"] if i["severity"] == "error"} >= {
        "payment-date",
        "amount",
        "supplier-name",
    }
    assert all(i["message"] for i in report["issues"])


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".json"])
def test_check_command_writes_the_fixed_table(
    tmp_path: Path,
    suffix: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_file(tmp_path, SPEND_OK)
    output = tmp_path / f"fixed{suffix}"
    code, _, _ = run_cli(
        ["check", str(path), "-s", "spend", "-o", "E07000120", "--output", str(output)],
        capsys,
        monkeypatch,
    )
    assert code == 0
    if suffix == ".csv":
        frame = pl.read_csv(output, infer_schema=False)
    elif suffix == ".parquet":
        frame = pl.read_parquet(output).cast(pl.String)
    else:
        body = json.loads(output.read_text())
        assert body["standard"] == "spend"
        frame = pl.DataFrame(body["rows"]).cast(pl.String)
    assert frame.columns == list(StandardCatalogue().get("spend").field_names)
    first = frame.row(0, named=True)
    assert first["payment-date"] == "2017-04-05"
    assert first["amount"] in {"1234.50", "1234.5"}
    if suffix == ".csv":
        assert frame["supplier-name"][1].startswith("'=")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.csv", "--standard", "spend"], "There is no file"),
        (["check", "{file}", "--standard", "no-such-standard"], "no standard called"),
        (
            ["check", "{file}", "--standard", "spend", "--organisation", "Atlantis"],
            "No organisation matches",
        ),
        (["check", "{file}", "--standard", "spend", "--output", "out.xlsx"], "must end in"),
        (["check", "{file}"], "--standard"),
    ],
)
def test_check_command_usage_errors_exit_2_in_plain_english(
    tmp_path: Path,
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_file(tmp_path, SPEND_OK)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli([a.replace("{file}", str(path)) for a in args], capsys, monkeypatch)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_check_command_runs_as_a_real_process(tmp_path: Path) -> None:
    path = write_file(tmp_path, SPEND_BAD)
    done = subprocess.run(
        [sys.executable, "-m", "localdata", "check", str(path), "-s", "spend", "-o", "HYN"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Must fix before publishing" in done.stdout


def test_check_command_reads_the_organisation_from_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: without --organisation, the file's 'Body Name' column says who it is."""
    path = write_file(
        tmp_path,
        "Body Name,Payment Date,Transaction Number,Amount,Supplier Name\n"
        "Hyndburn Borough Council,05/03/2024,T1,100.00,ACME LTD\n",
    )
    code, out, _ = run_cli(
        ["check", str(path), "--standard", "spend", "--format", "json"], capsys, monkeypatch
    )
    report = json.loads(out)
    assert (code, report["organisation"]) == (0, "local-authority:HYN")
    assert any("from the column 'Body Name'" in s["message"] for s in report["summary"])
