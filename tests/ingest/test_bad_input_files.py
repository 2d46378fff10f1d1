"""Bad and awkward files: each is a plain-English error or an issue, never a traceback or hang.

Small files are in tests/data/bad (see its README.md); large ones are made here in tmp_path.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest

from localdata.errors import EmptyFile, FileTooLarge, UnreadableFile, UnsupportedFormat
from localdata.ingest.issues import Issue
from localdata.ingest.readers import open_table
from localdata.settings import Settings
from tests.conftest import DATA

BAD = DATA / "bad"


def read_all(source: Path | bytes, **limits: int) -> tuple[pl.DataFrame, list[Issue]]:
    """All rows of a file (with ``_row``) and every issue, file-level ones first."""
    table = open_table(source, settings=Settings(**limits))
    batches = list(table.batches())
    frames = [b.frame.with_columns(b.row_numbers.alias("_row")) for b in batches]
    frame = pl.concat(frames) if frames else pl.DataFrame()
    return frame, [*table.issues, *(i for b in batches for i in b.issues)]


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("empty.csv", EmptyFile, "The file is empty."),
        ("whitespace-only.csv", EmptyFile, "The file is empty."),
        ("binary-garbage.csv", UnsupportedFormat, "The file is not a spreadsheet or CSV file."),
        ("pdf-named.csv", UnsupportedFormat, "The file is a PDF document, not a spreadsheet"),
        ("html-named.xls", UnsupportedFormat, "The file is a web page (HTML)"),
        ("word.docx", UnsupportedFormat, "The file is a Word document"),
        ("invalid.json", UnreadableFile, "The file is not valid JSON: expecting property name"),
        ("not-records.json", UnsupportedFormat, "The JSON file does not hold a list of records."),
        ("password.xlsx", UnreadableFile, "The file is protected with a password"),
        ("encrypted.zip", UnreadableFile, "The file is protected with a password"),
        ("nested.zip", UnsupportedFormat, "The ZIP file holds no spreadsheet or CSV file."),
        ("truncated.xlsx", UnreadableFile, "it is damaged"),
        ("no-data.xlsx", EmptyFile, "The workbook has no data in it."),
    ],
)
def test_open_table_refuses_bad_file_in_plain_english(
    name: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        read_all(BAD / name)
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value)


def test_open_table_reads_file_with_only_a_header_as_zero_rows() -> None:
    table = open_table(BAD / "header-only.csv", settings=Settings())
    assert (table.headers, list(table.batches())) == (["ref", "name", "amount"], [])


def test_open_table_keeps_ragged_rows_with_issues() -> None:
    frame, issues = read_all(BAD / "ragged-rows.csv")
    assert frame.rows() == [
        ("A1", "Pool", "10", 2),
        ("A2", "Gym", None, 3),
        ("A3", "Park", "30", 4),
        ("A4", "Hall", "40", 5),
    ]
    assert [(i.type, i.row, i.value) for i in issues] == [
        ("too-few-cells", 3, None),
        ("too-many-cells", 4, "extra, more"),
    ]
    assert issues[1].message.startswith("Row 4: This row has more cells than there are column")


def test_open_table_reports_unclosed_quote_and_reads_the_lines_after_it() -> None:
    frame, issues = read_all(BAD / "unterminated-quote.csv")
    assert frame.rows() == [
        ("A1", "Pool", "10", 2),
        ("A2", '"Gym', "20", 3),
        ("A3", "Park", "30", 4),
    ]
    assert [(i.type, i.row) for i in issues] == [("quote-not-closed", 3)]


def test_open_table_reads_quote_marks_inside_values() -> None:
    frame, issues = read_all(BAD / "stray-quotes.csv")
    assert frame["item"].to_list() == ['12" ruler', "Paper, A4"]
    assert issues == []


def test_open_table_reads_mostly_utf8_file_with_stray_byte() -> None:
    frame, issues = read_all(BAD / "mixed-encoding.csv")
    assert frame["name"].to_list() == ["Café – crèche", "Tea cake"]
    assert frame["amount"].to_list() == ["£10", "£5"]
    assert [(i.type, i.detail) for i in issues] == [("encoding-mixed", "1")]


def test_open_table_reads_dos_code_page() -> None:
    table = open_table(BAD / "dos-code-page-850.csv", settings=Settings())
    assert (table.encoding, table.headers) == ("cp850", ["Ref", "Café name", "Net Amount(£)"])


def test_open_table_reads_utf16_text() -> None:
    frame, _ = read_all(BAD / "utf16.csv")
    assert frame.rows() == [("A1", "Café", "£10", 2)]


def test_open_table_reads_csv_saved_with_xls_name() -> None:
    frame, issues = read_all(BAD / "csv-named.xls")
    assert frame.rows() == [("A1", "Leisure centre", "12.50", 2)]
    assert [i.type for i in issues] == ["format-differs-from-name"]


def test_open_table_reads_file_with_title_rows_and_blank_rows() -> None:
    frame, issues = read_all(BAD / "title-rows.csv")
    assert frame.rows() == [("A1", "Pool", "10", 5), ("A2", "Gym", "20", 7)]
    assert [(i.type, i.row) for i in issues] == [("header-not-on-first-row", 4)]


def test_open_table_refuses_file_over_upload_limit_before_reading_it(tmp_path: Path) -> None:
    content = b"ref\n" + b"x\n" * 5000
    path = tmp_path / "big.csv"
    path.write_bytes(content)
    message = r"The file is 10 KB\. The largest file we can check is 4 KB\."
    with pytest.raises(FileTooLarge, match=message):
        open_table(content, settings=Settings(max_upload_bytes=4096))
    with pytest.raises(FileTooLarge, match=message):
        open_table(path, settings=Settings(max_file_bytes=4096))
    assert open_table(path, settings=Settings(max_upload_bytes=4096)).format == "csv"


def test_open_table_cuts_a_50_mb_cell(tmp_path: Path) -> None:
    path = tmp_path / "long-cell.csv"
    with path.open("wb") as out:
        out.write(b"ref,note\nA1,short\nA2,")
        out.write(b"x" * (50 * 1024 * 1024))
        out.write(b"\nA3,after\n")
    frame, issues = read_all(path, max_cell_bytes=1024 * 1024)
    assert frame["ref"].to_list() == ["A1", "A2", "A3"]
    assert frame["note"].str.len_bytes().to_list() == [5, 1024 * 1024, 5]
    assert [(i.type, i.row, i.detail) for i in issues] == [("cell-too-long", 3, "1 MB")]


def test_open_table_cuts_a_cell_longer_than_a_read_block_in_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "long-cell-1252.csv"
    path.write_bytes(b"ref,note\nA1,\xa35\nA2," + b"y" * (3 * 1024 * 1024) + b"\nA3,end\n")
    frame, issues = read_all(path, max_cell_bytes=1024 * 1024)
    assert frame.select("ref", "_row").rows() == [("A1", 2), ("A2", 3), ("A3", 4)]
    assert frame["note"].to_list()[0] == "£5"
    assert [(i.type, i.row) for i in issues] == [("encoding-not-utf8", None), ("cell-too-long", 3)]


def test_open_table_refuses_100000_columns_fast(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(",".join(f"c{i}" for i in range(100_000)).encode() + b"\n1,2\n")
    started = time.perf_counter()
    with pytest.raises(FileTooLarge, match="more than 2,000 columns"):
        open_table(path, settings=Settings())
    assert time.perf_counter() - started < 2


def test_open_table_refuses_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("spend.csv", "w") as member,
    ):
        member.write(b"ref,amount\n")
        for _ in range(64):
            member.write(b"0" * (1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileTooLarge, match="The ZIP file expands to more than 16 MB"):
        open_table(path, settings=Settings(max_uncompressed_bytes=16 * 1024 * 1024))


def test_open_table_refuses_workbook_that_expands_too_far() -> None:
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (8 * 1024 * 1024))
    with pytest.raises(FileTooLarge, match="expands to more than"):
        open_table(book.getvalue(), settings=Settings(max_uncompressed_bytes=1024 * 1024))


def test_open_table_reports_unclosed_quote_near_end_of_large_file(tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    lines = [b"R%d,item %d" % (i, i) for i in range(40_000)]
    lines[39_990] = b'R39990,"item'
    path.write_bytes(b"ref,item\n" + b"\n".join(lines) + b"\n")
    frame, issues = read_all(path)
    assert frame.height == 40_000
    assert [(i.type, i.row) for i in issues] == [("quote-not-closed", 39_992)]
    assert frame.filter(pl.col("_row") == 40_001)["ref"].to_list() == ["R39999"]


@pytest.mark.parametrize("name", ["missing.csv", "."])
def test_open_table_refuses_path_that_is_not_a_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(UnreadableFile, match="The file could not be opened"):
        open_table(tmp_path / name, settings=Settings())


def test_open_table_reads_random_bytes_as_error_not_traceback() -> None:
    for seed in range(20):
        data = bytes((seed * 37 + i * 101) % 256 for i in range(3000))
        with pytest.raises(UnreadableFile):
            open_table(data, settings=Settings())
