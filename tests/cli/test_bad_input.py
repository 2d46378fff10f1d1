"""Every bad file in tests/data/bad, and the large ones made here, through `localdata check`.

Each ends with a report (exit 0 or 1) or a plain-English error (exit 2): never a traceback,
and never a harmonised file with a cell a spreadsheet would run.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest

from tests.cli.test_check_command import run_cli
from tests.conftest import DATA

BAD = sorted(p.name for p in (DATA / "bad").iterdir() if p.suffix not in {".md", ".py"})
PYTHON_WORDS = ("Traceback", "Exception", "Error(", "polars", 'File "')
UNREADABLE = {
    "empty.csv",
    "whitespace-only.csv",
    "binary-garbage.csv",
    "pdf-named.csv",
    "html-named.xls",
    "word.docx",
    "password.xlsx",
    "truncated.xlsx",
    "no-data.xlsx",
    "invalid.json",
    "not-records.json",
    "nested.zip",
    "encrypted.zip",
}
# A cell a spreadsheet would run: starts with = + - @ or a tab or carriage return.
RUNNABLE = r"^[=+\-@\t\r]"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOCALDATA_DATA_DIR", str(tmp_path / "data"))


def _assert_plain(err: str) -> None:
    assert err.startswith("Error: "), err
    assert not any(word in err for word in PYTHON_WORDS), err


@pytest.mark.parametrize("name", BAD)
def test_check_command_answers_every_bad_file_plainly(
    name: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    output = tmp_path / "fixed.csv"
    code, _, err = run_cli(
        ["check", str(DATA / "bad" / name), "--standard", "spend", "--output", str(output)],
        capsys,
        monkeypatch,
    )
    if name in UNREADABLE:
        assert code == 2
        _assert_plain(err)
        assert not output.exists()
    else:
        assert code in {0, 1}, err
        assert err == ""
        frame = pl.read_csv(output, infer_schema=False)
        for column in frame.columns:
            assert not frame[column].str.contains(RUNNABLE).any(), column


def test_check_command_neutralises_formulas_in_the_fixed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    output = tmp_path / "fixed.csv"
    code, out, _ = run_cli(
        [
            "check",
            str(DATA / "bad" / "formulas.csv"),
            "-s",
            "spend",
            "-o",
            "HYN",
            "--output",
            str(output),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 1  # "=1+2" is not an amount
    assert "Spreadsheet formula in a cell" in out
    frame = pl.read_csv(output, infer_schema=False)
    assert frame["supplier-name"].to_list()[:2] == [
        '\'=HYPERLINK("http://example.com","click")',
        "'+cmd|' /C calc'!A0",
    ]
    assert frame["purpose"].to_list()[:2] == ["'@SUM(A1:A9)", "'-2+3"]
    assert frame["amount"].to_list()[2] is None


def _big(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("spend.csv", b"Amount\n" + b"0" * (1100 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "make", "code"),
    [
        ("wide.csv", lambda: b",".join(b"c%d" % i for i in range(100_000)) + b"\n", 2),
        ("one-cell.csv", lambda: b'Supplier Name\n"' + b"x" * (50 * 1024 * 1024) + b'"\n', 1),
        ("bomb.zip", _zip_bomb, 2),
    ],
)
def test_check_command_answers_huge_input_plainly(
    name: str,
    make: object,
    code: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert callable(make)
    path = _big(tmp_path, name, make())
    got, _, err = run_cli(["check", str(path), "--standard", "spend"], capsys, monkeypatch)
    assert got == code, err
    if code == 2:
        _assert_plain(err)
