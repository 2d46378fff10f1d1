"""Read workbooks (XLSX, XLSM, XLSB, XLS, ODS) with python-calamine, as text.

Macros are never run: calamine reads stored cell values only. A workbook inside a ZIP
container is decompressed once, counting bytes, before calamine opens it, so a workbook that
expands past ``max_uncompressed_bytes`` is refused.

The sheet read is the one whose header best matches the standard's known headers; without
known headers (or on a tie), the one with the most columns, then the most rows, then the
first. A sheet named as an example ("Example Data", which the 2017 brownfield land register
template ships beside its "Data" sheet) counts half its known headers, so the council's own
sheet wins even when it renamed a heading or two.
Hidden sheets are read only when no visible sheet has data.

Cells become the text a person would type:

- numbers as plain text with at most 15 significant digits, as Excel shows them, so binary
  float noise goes (``0.30000000000000004`` is ``0.3``) and whole numbers have no ``.0``;
- dates as ``yyyy-mm-dd``, date-times as ``yyyy-mm-ddTHH:MM:SS``, times as ``HH:MM:SS``;
- TRUE and FALSE as ``TRUE`` and ``FALSE``; text, including numbers stored as text, unchanged.

Calamine hands over Python objects, so cells are converted one by one here; everything after
this works on whole columns.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Iterator
from decimal import Decimal
from functools import partial
from itertools import islice
from typing import Any

import python_calamine as calamine

from localdata.errors import EmptyFile, UnreadableFile
from localdata.ingest.archives import check_expansion
from localdata.ingest.files import FileBytes
from localdata.ingest.formats import password_protected
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import Layout, find_layout, known_score
from localdata.ingest.tables import RawRecords, RawTable, fit, records_frame
from localdata.settings import Settings

SHEET_CHOSEN = IssueType(
    "sheet-chosen",
    "One sheet read from the workbook",
    Severity.INFO,
    "The workbook has {detail} sheets with data. We read the sheet '{value}'. Check it is "
    "the right one, or put the data in a workbook with one sheet.",
    fixed_by="library",
    scope="file",
)
MACROS_NOT_RUN = IssueType(
    "macros-not-run",
    "Macros not run",
    Severity.INFO,
    "The workbook contains macros. We read the values saved in its cells and did not run the "
    "macros. Check the saved values are up to date.",
    fixed_by="library",
    scope="file",
)

SAMPLE_ROWS = 50
_EXAMPLE = re.compile(r"\bexample", re.IGNORECASE)
Cell = Any


def read_workbook(
    data: FileBytes, found: str, settings: Settings, known: Collection[str]
) -> RawTable:
    """Open a workbook, choose its sheet, and make the stream of that sheet's rows."""
    if found != "xls":
        check_expansion(data, settings.max_uncompressed_bytes)
    book = _open(data)
    sheets = [s for s in _sheets(book) if s.height and _sample(s)]
    if not sheets:
        raise EmptyFile("The workbook has no data in it. Check you chose the right file.")
    sheet = max(sheets, key=lambda s: _fit(s, known))
    issues = (
        [Issue(SHEET_CHOSEN.slug, value=sheet.name, detail=str(len(sheets)))]
        if len(sheets) > 1
        else []
    )
    if found == "xlsm":
        issues.append(Issue(MACROS_NOT_RUN.slug))
    return RawTable(
        format=found,
        sample=_sample(sheet),
        records=partial(sheet_records, sheet, settings.batch_rows),
        last_row=_last_row(sheet),
        sheet=sheet.name,
        issues=issues,
    )


def _open(data: FileBytes) -> calamine.CalamineWorkbook:
    try:
        if data.path is not None:
            return calamine.CalamineWorkbook.from_path(str(data.path))
        return calamine.CalamineWorkbook.from_filelike(data.open())
    except calamine.PasswordError as error:
        raise password_protected() from error
    except Exception as error:  # calamine raises many kinds, all meaning "cannot read"
        raise UnreadableFile(
            "The workbook cannot be read. It may be damaged or protected with a password. "
            "Open it in a spreadsheet program, save it again as Excel (.xlsx) or CSV, and "
            "try again."
        ) from error


def _sheets(book: calamine.CalamineWorkbook) -> list[calamine.CalamineSheet]:
    metadata = [m for m in book.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    visible = [m for m in metadata if m.visible == calamine.SheetVisibleEnum.Visible]
    return [_load(book, m.name) for m in visible] or [_load(book, m.name) for m in metadata]


def _load(book: calamine.CalamineWorkbook, name: str) -> calamine.CalamineSheet:
    try:
        return book.get_sheet_by_name(name)
    except Exception as error:  # calamine raises many kinds, all meaning "cannot read"
        raise UnreadableFile(
            f"The sheet '{name}' cannot be read. Open the workbook in a spreadsheet program, "
            "save it again as Excel (.xlsx) or CSV, and try again."
        ) from error


def _fit(sheet: calamine.CalamineSheet, known: Collection[str]) -> tuple[int, int, int]:
    """How well a sheet fits: known headers first (half for an example sheet), then the
    widest table, then the longest."""
    names = find_layout(_sample(sheet), known=known).names
    weight = 1 if _EXAMPLE.search(sheet.name) else 2
    return known_score(names, known) * weight, len(names), sheet.height


def _sample(sheet: calamine.CalamineSheet) -> list[list[str | None]]:
    rows = [[cell_text(c) for c in row] for row in islice(sheet.iter_rows(), SAMPLE_ROWS)]
    return rows if any(any(r) for r in rows) else []


def _last_row(sheet: calamine.CalamineSheet) -> list[str | None] | None:
    """The sheet's last row, or None when the sample already holds every row."""
    end = sheet.end
    if end is None or end[0] < SAMPLE_ROWS:  # iter_rows starts at row 1, so end[0] + 1 rows
        return None
    last: list[Cell] | None = None
    for last in sheet.iter_rows():  # noqa: B007  # the last row is what we want
        pass
    return [cell_text(c) for c in last] if last is not None else None


def sheet_records(
    sheet: calamine.CalamineSheet, batch_rows: int, layout: Layout
) -> Iterator[RawRecords]:
    """Every row of the sheet as text, ``batch_rows`` at a time, numbered as Excel does.

    ``iter_rows`` starts at the sheet's first row even when it is empty, so the n-th row it
    gives is row n; it leaves out empty columns on the left.
    """
    width = max(layout.width, sheet.width)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    for number, row in enumerate(sheet.iter_rows(), start=1):
        rows.append(fit([cell_text(c) for c in row], width))
        numbers.append(number)
        if len(rows) >= batch_rows:
            yield RawRecords(records_frame(rows, numbers, width))
            rows, numbers = [], []
    yield RawRecords(records_frame(rows, numbers, width))


def cell_text(value: Cell) -> str | None:
    """A workbook cell as the text a person would type in it; None when it is empty."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    return _temporal_text(value)


def _temporal_text(value: Cell) -> str | None:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        return f"{seconds // 3600}:{seconds // 60 % 60:02}:{seconds % 60:02}"
    return None if value is None else str(value)


def number_text(value: float) -> str:
    """A float as Excel shows it: 15 significant digits, no exponent, no trailing zeros."""
    if not math.isfinite(value):
        return str(value)
    text = format(Decimal(f"{value:.15g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
