"""`localdata standards` and `localdata organisations`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_check_command import run_cli


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(tmp_path / "data"))


def test_standards_list_names_every_builtin_standard(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_cli(["standards", "list"], capsys, monkeypatch)
    assert code == 0
    names = {line.split()[0] for line in out.splitlines()}
    assert {"spend", "brownfield-land"} <= names


def test_standards_show_prints_fields_and_guidance(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_cli(["standards", "show", "spend"], capsys, monkeypatch)
    assert code == 0
    assert "payment-date (date, required)" in out


def test_standards_export_then_import_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = tmp_path / "spend.json"
    assert (
        run_cli(["standards", "export", "spend", "--output", str(schema)], capsys, monkeypatch)[0]
        == 0
    )
    assert json.loads(schema.read_text())["fields"][0]["name"] == "organisation"
    code, out, _ = run_cli(
        ["standards", "import", str(schema), "--name", "my-spend"], capsys, monkeypatch
    )
    assert code == 0
    assert "Imported my-spend" in out
    code, out, _ = run_cli(["standards", "list"], capsys, monkeypatch)
    assert "my-spend" in out


def test_standards_import_explains_a_broken_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{oops")
    code, _, err = run_cli(["standards", "import", str(broken)], capsys, monkeypatch)
    assert code == 2
    assert "not valid JSON" in err


def test_organisations_find_lists_matches(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run_cli(["organisations", "find", "Hyndburn"], capsys, monkeypatch)
    assert code == 0
    assert "Hyndburn" in out
