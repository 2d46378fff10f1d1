"""Rows that are not records (totals, separators, report notes, repeated headings) are left out.

Issue 13: "Grand Total" rows and rows of `*` came through as records (a £50m "supplier").
Each test builds a small file; the row numbers are the rows a spreadsheet shows.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import polars as pl
import pytest

import localdata
from localdata.ingest.issues import Issue
from localdata.ingest.nonrecords import HEADINGS_ROW, NOTE_ROW, SEPARATOR_ROW, TOTAL_ROW
from localdata.ingest.readers import open_table
from localdata.settings import Settings
from tests.conftest import real_file
from tests.factories import make_field, make_standard, write_file

LEFT_OUT = {TOTAL_ROW.slug, SEPARATOR_ROW.slug, NOTE_ROW.slug, HEADINGS_ROW.slug}
HEADER = "Date,Supplier,Purpose,Amount\n"
RECORDS = (
    "01/03/2024,Acme Ltd,Repairs,120.00\n"
    "02/03/2024,Widget Co,Stationery,55.10\n"
    '03/03/2024,Bolt plc,Fuel,"1,230.00"\n'
)


def left_out(source: Path | bytes, **settings: int) -> tuple[list[int], list[tuple[str, int]]]:
    """The rows kept, and the (type, row) of every row left out."""
    table = open_table(source, settings=Settings(**settings))  # type: ignore[arg-type]
    batches = list(table.batches())
    kept = [r for b in batches for r in b.row_numbers.to_list()]
    issues: list[Issue] = [i for b in batches for i in b.issues if i.type in LEFT_OUT]
    return kept, [(i.type, i.row or 0) for i in issues]


@pytest.mark.parametrize(
    "label",
    [
        "Total",
        "TOTAL",
        "Totals",
        "Total:",
        "Grand Total",
        "GRAND TOTAL",
        "Sub-total",
        "Sub Total",
        "Subtotal",
        "Total for March 2024",
        "Total of payments",
        "Adult Services Total",
    ],
)
def test_leave_out_total_row_with_a_label(tmp_path: Path, label: str) -> None:
    path = write_file(tmp_path, HEADER + RECORDS + f'{label},,,"1,405.10"\n')
    assert left_out(path) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_leave_out_total_row_labelled_in_any_cell_with_a_count(tmp_path: Path) -> None:
    path = write_file(tmp_path, HEADER + RECORDS + ",Grand Total,3,£1405.10\n")
    assert left_out(path) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_leave_out_subtotals_between_records(tmp_path: Path) -> None:
    text = HEADER + RECORDS + "Sub-total,,,1405.10\n" + RECORDS + "Sub-total,,,1405.10\n"
    text += "Grand Total,,,2810.20\n"
    kept, issues = left_out(write_file(tmp_path, text))
    assert kept == [2, 3, 4, 6, 7, 8]
    assert issues == [(TOTAL_ROW.slug, 5), (TOTAL_ROW.slug, 9), (TOTAL_ROW.slug, 10)]


@pytest.mark.parametrize("total", ["1405.1", '"£1,405.10"', "-£25,543,297", "(1,405.10)"])
def test_leave_out_total_row_without_a_label(tmp_path: Path, total: str) -> None:
    path = write_file(tmp_path, HEADER + RECORDS + f",,,{total}\n")
    assert left_out(path) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_leave_out_total_without_a_label_under_other_columns(tmp_path: Path) -> None:
    # TfL's footer: the count under one heading and the total under another.
    path = write_file(tmp_path, HEADER + RECORDS + ',3,"£1,405.10",\n')
    assert left_out(path) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_leave_out_total_without_a_label_alone_in_the_last_batch(tmp_path: Path) -> None:
    path = write_file(tmp_path, HEADER + RECORDS + ",,,1405.10\n")
    assert left_out(path, batch_rows=3) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


@pytest.mark.parametrize("marks", ["-----", "*", "=====", "_____", "*,*,*,*", "---,---,---,---"])
def test_leave_out_separator_row(tmp_path: Path, marks: str) -> None:
    path = write_file(tmp_path, HEADER + "-----,-----,-----,-----\n" + RECORDS + marks + "\n")
    kept, issues = left_out(path)
    assert kept == [3, 4, 5]
    assert issues == [(SEPARATOR_ROW.slug, 2), (SEPARATOR_ROW.slug, 6)]


def test_leave_out_report_writer_notes(tmp_path: Path) -> None:
    # WYCA's report writer marks data rows LIST and its own notes '*'.
    text = "*,Reference,Supplier,Purpose,Amount\n"
    text += "LIST,A1,Acme Ltd,Repairs,120\nLIST,A2,Widget Co,Fuel,55\nLIST,A3,Bolt plc,Fuel,9\n"
    text += "*,,,,\n*,Report Parameters,,,\n*,Date Posted From = 01-Jan-2024,,,\n*,,,,\n"
    kept, issues = left_out(write_file(tmp_path, text))
    assert kept == [2, 3, 4]
    assert issues == [
        (SEPARATOR_ROW.slug, 5),
        (NOTE_ROW.slug, 6),
        (NOTE_ROW.slug, 7),
        (SEPARATOR_ROW.slug, 8),
    ]


def test_leave_out_repeated_headings(tmp_path: Path) -> None:
    text = HEADER + RECORDS + HEADER + RECORDS + "DATE, supplier ,Purpose,Amount\n" + RECORDS
    kept, issues = left_out(write_file(tmp_path, text))
    assert kept == [2, 3, 4, 6, 7, 8, 10, 11, 12]
    assert issues == [(HEADINGS_ROW.slug, 5), (HEADINGS_ROW.slug, 9)]


@pytest.mark.parametrize(
    "record",
    [
        "04/03/2024,Total Gas & Power,Electricity,900.00",
        "04/03/2024,TOTAL PEST CONTROL,Pest control,295",
        "04/03/2024,Acme Ltd,Total cost of repairs,900.00",
        "04/03/2024,Acme Ltd,Total,900.00",
        "04/03/2024,-,-,900.00",
        "Total Gas & Power,,,900.00",
        "*,Acme Ltd,Repairs,900.00",
        "-,Acme Ltd,,",
        "Date,Acme Ltd,Repairs,900.00",
    ],
)
def test_leave_out_keeps_records_that_only_look_like_totals(tmp_path: Path, record: str) -> None:
    path = write_file(tmp_path, HEADER + RECORDS + record + "\n")
    assert left_out(path) == ([2, 3, 4, 5], [])


def test_leave_out_keeps_rows_of_a_table_of_numbers(tmp_path: Path) -> None:
    path = write_file(tmp_path, "Year,Ratio,Median\n2023,7.1,30000\n2024,7.3,31000\n,,32000\n")
    assert left_out(path) == ([2, 3, 4], [])


def test_leave_out_keeps_numbers_only_rows_when_many_rows_are_like_that(tmp_path: Path) -> None:
    text = HEADER + RECORDS + ",,,1\n,,,2\n,,,3\n"
    assert left_out(write_file(tmp_path, text)) == ([2, 3, 4, 5, 6, 7], [])


def test_leave_out_reads_a_column_headed_with_a_star(tmp_path: Path) -> None:
    text = "*,Supplier,Purpose,Amount\nLIST,Acme Ltd,Repairs,1\nLIST,Widget Co,Fuel,2\n*,,,\n"
    assert left_out(write_file(tmp_path, text)) == ([2, 3], [(SEPARATOR_ROW.slug, 4)])


def test_leave_out_non_records_of_a_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Supplier", "Purpose", "Amount"])
    sheet.append(["01/03/2024", "Total Gas & Power", "Electricity", 120.0])
    sheet.append(["02/03/2024", "Widget Co", "Total cost", 55.1])
    sheet.append(["03/03/2024", "Bolt plc", "Fuel", 1230])
    sheet.append(["*****"])
    sheet.append(["Date", "Supplier", "Purpose", "Amount"])
    sheet.append(["04/03/2024", "Acme Ltd", "Repairs", 99.5])
    sheet.append(["Grand Total", None, None, 1504.6])
    sheet.append([None, None, None, 3009.2])
    path = tmp_path / "spend.xlsx"
    book.save(path)
    assert left_out(path) == (
        [2, 3, 4, 7],
        [
            (SEPARATOR_ROW.slug, 5),
            (HEADINGS_ROW.slug, 6),
            (TOTAL_ROW.slug, 8),
            (TOTAL_ROW.slug, 9),
        ],
    )


def test_check_leaves_a_total_out_of_the_table_and_says_so(tmp_path: Path) -> None:
    standard = make_standard(
        [
            make_field("payment-date", "date", aliases=["Date"]),
            make_field("supplier-name", aliases=["Supplier"]),
            make_field("purpose", aliases=["Purpose"]),
            make_field("amount", "money", aliases=["Amount"]),
        ]
    )
    path = write_file(tmp_path, HEADER + RECORDS + 'Grand Total,,,"£50,312,004.12"\n')
    report = localdata.check(path, standard, settings=Settings(data_dir=tmp_path / "data"))
    assert report.table is not None
    assert report.rows == 3
    assert report.table["_row"].to_list() == [2, 3, 4]
    [issue] = [i for i in report.issue_list() if i.type in LEFT_OUT]
    assert (issue.row, issue.type, issue.severity.value) == (5, TOTAL_ROW.slug, "info")
    assert issue.message == (
        "Row 5: This row looks like a total ('Grand Total', '£50,312,004.12'), not a record. "
        "We left it out. Leave totals out of the data you publish: anyone using it can add it up."
    )
    assert not report.must_fix


def test_leave_out_keeps_every_record_of_a_file_read_in_batches() -> None:
    rows = 20_000
    frame = pl.DataFrame(
        {
            "Date": ["01/03/2024"] * rows,
            "Supplier": ["Total Gas & Power"] * rows,
            "Amount": [str(i) for i in range(rows)],
        }
    )
    text = frame.write_csv().encode()
    assert left_out(text, batch_rows=5_000) == (list(range(2, rows + 2)), [])


WYCA_NOTES = [
    (SEPARATOR_ROW.slug, 1819),
    (NOTE_ROW.slug, 1820),
    (NOTE_ROW.slug, 1821),
    (SEPARATOR_ROW.slug, 1822),
    (NOTE_ROW.slug, 1823),
    (SEPARATOR_ROW.slug, 1824),
    (SEPARATOR_ROW.slug, 1825),
    (NOTE_ROW.slug, 1826),
    (SEPARATOR_ROW.slug, 1827),
    (SEPARATOR_ROW.slug, 1828),
]
MAYOR_SECTIONS = [
    (TOTAL_ROW.slug, 83),
    (HEADINGS_ROW.slug, 87),
    (TOTAL_ROW.slug, 100),
    (HEADINGS_ROW.slug, 104),
    (TOTAL_ROW.slug, 111),
    (HEADINGS_ROW.slug, 116),
    (TOTAL_ROW.slug, 127),
    (HEADINGS_ROW.slug, 132),
    (TOTAL_ROW.slug, 186),
    (HEADINGS_ROW.slug, 191),
    (TOTAL_ROW.slug, 197),
    (HEADINGS_ROW.slug, 204),
    (TOTAL_ROW.slug, 211),
    (HEADINGS_ROW.slug, 215),
    (TOTAL_ROW.slug, 223),
    (HEADINGS_ROW.slug, 226),
    (TOTAL_ROW.slug, 232),
]
REAL_NON_RECORDS = [
    # file, standard, rows kept, every row left out
    ("more/spend/wyca-spend-2024-03.xlsx", "spend", 1812, WYCA_NOTES),
    ("more/spend/wyca-spend-2023-03.xlsx", "spend", 1981, [(TOTAL_ROW.slug, 1995)]),
    ("more/spend/peterborough-spend-2024-03.xlsx", "spend", 6185, [(TOTAL_ROW.slug, 6187)]),
    ("more/spend/redcar-cleveland-spend-2024-03.xlsx", "spend", 2322, [(TOTAL_ROW.slug, 2324)]),
    ("more/spend/tfl-spend-2024-03.csv", "spend", 18019, [(TOTAL_ROW.slug, 18027)]),
    ("more/spend/hackney-spend-2024-03.csv", "spend", 7204, [(TOTAL_ROW.slug, 7206)]),
    ("more/spend/worcestershire-spend-2024-03.xlsx", "spend", 5142, [(TOTAL_ROW.slug, 4775)]),
    ("more/spend/kingston-upon-thames-spend-2024-03.csv", "spend", 3754, [(TOTAL_ROW.slug, 3756)]),
    ("more/spend/lewisham-spend-2024-03.xlsx", "spend", 7208, [(TOTAL_ROW.slug, 7212)]),
    ("more/spend/oldham-spend-2024-03.xlsx", "spend", 6696, [(TOTAL_ROW.slug, 6698)]),
    ("more/spend/bury-spend-2024-01.xlsx", "spend", 3804, [(TOTAL_ROW.slug, 3806)]),
    ("more/spend/st-helens-spend-2025-12.xlsx", "spend", 9976, [(TOTAL_ROW.slug, 9978)]),
    (
        "more/brownfield-land/liverpool-city-region-brownfield-2018.xlsx",
        "brownfield-land",
        28,
        [(TOTAL_ROW.slug, 30)],
    ),
    (
        "brownfield/pdf-extracted-with-fix/"
        "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.txt",
        "brownfield-land",
        None,
        [(HEADINGS_ROW.slug, 36)],
    ),
    (
        "more/contracts/west-yorkshire-mayor-contracts-2024-03.xlsx",
        "contracts",
        None,
        MAYOR_SECTIONS,
    ),
    ("spend/hyndburn/1704.csv", "spend", 258, []),
    ("spend/lancashire-fire/fire-2025-26-q1.xlsx", "spend", 919, []),
    ("more/spend/thames-valley-pcc-spend-2023-12.ods", "spend", 5897, []),
    ("more/spend/gla-spend-2024-03.csv", "spend", None, []),
]


@pytest.mark.parametrize(("name", "standard", "rows", "expected"), REAL_NON_RECORDS)
def test_leave_out_non_records_of_real_files(
    name: str, standard: str, rows: int | None, expected: list[tuple[str, int]]
) -> None:
    report = localdata.check(real_file(name), standard)
    found = report.issues.filter(pl.col("type").is_in(LEFT_OUT)).sort("row")
    assert list(found.select("type", "row").iter_rows()) == expected
    if rows is not None:
        assert report.rows == rows
    assert report.table is not None
    assert not set(report.table["_row"].to_list()) & {row for _, row in expected}


def test_leave_out_keeps_thames_valley_payments_to_suppliers_named_total() -> None:
    # An amount, 'TOTAL POLITICS GROUP' or 'TOTAL PEST CONTROL', and a category: records.
    report = localdata.check(real_file("more/spend/thames-valley-pcc-spend-2023-12.ods"), "spend")
    assert report.table is not None
    kept = report.table.filter(pl.col("supplier-name").str.starts_with("TOTAL "))
    assert kept["_row"].to_list()[:4] == [450, 530, 780, 783]


def test_leave_out_reads_a_wide_table_with_long_headings(tmp_path: Path) -> None:
    headings = [f"Heading {i} " + "word " * 300 for i in range(300)]
    record = ",".join(f"value {i}" for i in range(300))
    text = (
        ",".join(headings) + "\n" + f"{record}\n{record}\n{record}\n" + "Total" + ",1" * 299 + "\n"
    )
    assert left_out(write_file(tmp_path, text)) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_leave_out_reads_columns_headed_like_its_own_names(tmp_path: Path) -> None:
    text = "row,name,column,text,kind,Amount\n1,a,b,c,d,5\n2,e,f,g,h,6\n3,i,j,k,l,7\n,,,,,18\n"
    assert left_out(write_file(tmp_path, text)) == ([2, 3, 4], [(TOTAL_ROW.slug, 5)])


def test_a_row_of_only_numbers_before_other_records_stays_a_record(tmp_path: Path) -> None:
    """A record whose text cells are empty is reported, never dropped as a total."""
    text = "Date,Supplier,Amount\n" + "".join(
        f"0{d}/03/2024,ACME {d},{d}00.00\n" for d in range(1, 8)
    )
    text = text.replace("04/03/2024,ACME 4,", ",,")
    report = localdata.check(write_file(tmp_path, text), "spend", "E07000120")
    assert report.rows == 7
    assert "total-row-left-out" not in {s["type"] for s in report.summary()}
