"""`localdata init`, `publish`, `versions`, `diff` and `export` against a library in tmp_path."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from localdata.settings import Settings
from tests.cli.test_check_command import run_cli

HEADER = "Payment Date,Transaction Number,Line,Amount,Supplier Name\n"
MARCH = HEADER + "05/03/2024,T1,1,100.00,ACME LTD\n06/03/2024,T2,1,200.00,BETA LTD\n"
MARCH_CORRECTED = HEADER + "05/03/2024,T1,1,150.00,ACME LTD\n07/03/2024,T3,1,300.00,GAMMA LTD\n"
APRIL = HEADER + "04/04/2024,T4,1,400.00,DELTA LTD\n"
BROKEN = HEADER + "TBC,T9,1,n/a,\n"


@pytest.fixture(autouse=True)
def _library(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LOCALDATA_DATABASE_URL", settings.sqlalchemy_url)


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_publish_versions_diff_and_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(["init"], capsys, monkeypatch)[0] == 0
    code, out, _ = run_cli(
        ["publish", _file(tmp_path, "march.csv", MARCH), "-s", "spend", "-o", "Hyndburn"],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "Published as version 1 of spend (March 2024) for local-authority:HYN: 2 rows." in out
    code, out, _ = run_cli(
        ["publish", _file(tmp_path, "march-v2.csv", MARCH_CORRECTED), "-s", "spend", "-o", "HYN"],
        capsys,
        monkeypatch,
    )
    assert "It replaced 2 rows of the file published as version 1 for March 2024." in out
    code, out, _ = run_cli(["versions", "spend"], capsys, monkeypatch)
    assert [line.split()[0] for line in out.splitlines()] == ["2", "1"]
    assert [line.split()[4] for line in out.splitlines()] == ["2024-03", "2024-03"]
    code, out, _ = run_cli(["diff", "2"], capsys, monkeypatch)
    assert "1 added, 1 changed, 1 removed" in out
    target = tmp_path / "spend.parquet"
    code, _, _ = run_cli(
        ["export", "spend", "--format", "parquet", "--as-of", "1", "--output", str(target)],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert sorted(pl.read_parquet(target)["transaction-number"]) == ["T1", "T2"]


def test_publish_of_another_month_adds_it_and_says_when_it_is_older(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13: a monthly file replaces only its month; an older month is allowed."""
    for name, text in [("april.csv", APRIL), ("march.csv", MARCH)]:
        code, out, _ = run_cli(
            ["publish", _file(tmp_path, name, text), "-s", "spend", "-o", "HYN"],
            capsys,
            monkeypatch,
        )
        assert code == 0
    assert "March 2024 is older than the newest period published, April 2024" in out
    code, out, _ = run_cli(["export", "spend"], capsys, monkeypatch)
    assert out.count("\n") == 4  # the header, March's two rows and April's one


def test_publish_exits_1_and_keeps_the_earlier_version_when_something_must_be_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(
        ["publish", _file(tmp_path, "march.csv", MARCH), "-s", "spend", "-o", "HYN"],
        capsys,
        monkeypatch,
    )
    code, out, _ = run_cli(
        ["publish", _file(tmp_path, "bad.csv", BROKEN), "-s", "spend", "-o", "HYN"],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "Nothing was published: what was published before stays as it was." in out
    code, out, _ = run_cli(["export", "spend"], capsys, monkeypatch)
    assert out.count("\n") == 3


def test_export_to_stdout_writes_csv_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(
        ["publish", _file(tmp_path, "march.csv", MARCH), "-s", "spend", "-o", "HYN"],
        capsys,
        monkeypatch,
    )
    code, out, _ = run_cli(["export", "spend", "--organisation", "E07000120"], capsys, monkeypatch)
    assert code == 0
    header = out.splitlines()[0].split(",")
    assert header[0] == "organisation" and header[-3:] == ["resource", "row", "entry_date"]


def test_diff_of_an_unknown_version_is_a_plain_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_cli(["diff", "99"], capsys, monkeypatch)
    assert code == 2
    assert err.startswith("Error: ")


@pytest.mark.parametrize(
    "command",
    [
        ["versions", "spend", "--organisation", "{org}"],
        ["export", "spend", "--organisation", "{org}"],
        ["publish", "{file}", "-s", "spend", "-o", "{org}"],
        ["sources", "list", "--organisation", "{org}"],
    ],
)
def test_cli_organisation_options_take_any_identifier_and_name_an_unknown_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """Issue 13: every door that takes an organisation takes any code or name of it."""
    march = _file(tmp_path, "march.csv", MARCH)
    run_cli(["publish", march, "-s", "spend", "-o", "HYN"], capsys, monkeypatch)
    for organisation in ("E07000120", "30UG", "Hyndburn Borough Council"):
        args = [a.format(org=organisation, file=march) for a in command]
        assert run_cli(args, capsys, monkeypatch)[0] == 0, args
    args = [a.format(org="Atlantis", file=march) for a in command]
    code, _, err = run_cli(args, capsys, monkeypatch)
    assert code == 2
    assert "No organisation matches 'Atlantis'" in err
