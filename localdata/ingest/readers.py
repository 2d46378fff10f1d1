"""Steps 1 and 2 of the check: read any council file as a table of text, shaped.

``open_table`` is the front door. It decides the format from the file's content
(``formats.py``), reads a sample with the reader for that format (``delimited.py``,
``workbooks.py``, ``jsonfiles.py``; ZIP files through ``archives.py``), finds the header and
plans the shaping (``shape.py``), and returns a ``TableSource``: the headers, what was found
about the file, and ``batches()``, which streams the rows ``Settings.batch_rows`` at a time.

Example::

    source = open_table(Path("spend.csv"), settings=Settings(), known_headers={"amount"})
    source.headers          # ["Service Cost Centre", ..., "Net Amount(£)"]
    for batch in source.batches():
        batch.frame         # every column pl.String, named by source.headers
        batch.row_numbers   # the row each record has in the file, as a spreadsheet shows it

What a file cannot be read as raises an ``UnreadableFile`` (or ``EmptyFile``,
``UnsupportedFormat``, ``FileTooLarge``) with a plain-English message. Everything read and
fixed along the way is an ``Issue``: file-level ones in ``TableSource.issues``, row-level ones
(ragged rows, cut cells, text in spacer columns) in each ``RawBatch.issues``.

Headers and column names: ``headers`` holds each kept column's heading as found, trimmed with
its whitespace collapsed. A column with no heading is named ``Column 7`` (its position) and a
repeated heading ``Amount (2)``, so that ``headers`` are unique and are the frame's column
names. Empty cells are null.
"""

from __future__ import annotations

import tempfile
import weakref
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from localdata.errors import FileTooLarge, UnreadableFile
from localdata.ingest.archives import (
    ZIP_MEMBER_CHOSEN,
    ExpansionBudget,
    data_members,
    extract,
    open_zip,
    remove_folder,
)
from localdata.ingest.delimited import read_delimited
from localdata.ingest.files import FileBytes
from localdata.ingest.formats import detect_format, format_issues, is_workbook
from localdata.ingest.issues import Issue
from localdata.ingest.jsonfiles import read_json
from localdata.ingest.nonrecords import RowProfile, leave_out_non_records
from localdata.ingest.shape import Layout, find_layout, known_score, shape_rows
from localdata.ingest.tables import RawTable
from localdata.ingest.workbooks import read_workbook
from localdata.settings import Settings

__all__ = ["RawBatch", "TableSource", "open_table"]


@dataclass
class RawBatch:
    """Rows of the table, shaped: text columns named by the headers, and their row numbers."""

    frame: pl.DataFrame
    row_numbers: pl.Series
    issues: list[Issue] = field(default_factory=list)


@dataclass
class TableSource:
    """A file opened as a table: its headers, how it was read, and its rows in batches."""

    headers: list[str]
    format: str
    encoding: str | None
    sheet: str | None
    issues: list[Issue]
    raw: RawTable = field(repr=False)
    layout: Layout = field(repr=False)
    settings: Settings = field(repr=False)
    delimiter: str | None = None
    member: str | None = None

    @property
    def preamble(self) -> tuple[tuple[int, tuple[str, ...]], ...]:
        """The rows above the header that hold text, as (row number, filled cells)."""
        return self.layout.preamble

    def batches(self) -> Iterator[RawBatch]:
        """The rows, ``settings.batch_rows`` at a time, in file order.

        Blank rows are left out, and so are rows that are not records (totals, separators,
        report notes, repeated headings: see ``nonrecords.py``), each with an issue.
        """
        profile = RowProfile()
        for records in self.raw.records(self.layout):
            frame, rows, issues = shape_rows(
                records.frame, self.layout, self.settings.max_cell_bytes
            )
            frame, rows, left_out = leave_out_non_records(frame, rows, self.layout.names, profile)
            if frame.height or records.issues or issues or left_out:
                yield RawBatch(frame, rows, [*records.issues, *issues, *left_out])


def open_table(
    source: Path | bytes,
    *,
    filename: str | None = None,
    settings: Settings,
    known_headers: Collection[str] = (),
) -> TableSource:
    """Open a file as a table, deciding format, encoding, delimiter, sheet and header.

    ``source`` is a path or the file's bytes; ``filename`` is its name as uploaded (only
    used to say when the content differs from the extension). ``known_headers`` are the
    normalised header names (see ``shape.normalise_header``) the standard expects: they
    choose the header row, the sheet, and the file inside a ZIP.
    """
    data = FileBytes(source, filename)
    data.check_size(settings)
    found = detect_format(data)
    if found == "zip":
        return _open_zip(data, settings, known_headers)
    return _open(data, found, settings, known_headers)


def _open(data: FileBytes, found: str, settings: Settings, known: Collection[str]) -> TableSource:
    raw = _read(data, found, settings, known)
    layout = raw.layout or find_layout(raw.sample, known=known, last_row=raw.last_row)
    _check_width(layout, settings)
    return TableSource(
        headers=list(layout.names),
        format=raw.format,
        encoding=raw.encoding,
        sheet=raw.sheet,
        issues=[*format_issues(data, raw.format), *raw.issues, *layout.issues],
        raw=raw,
        layout=layout,
        settings=settings,
        delimiter=raw.delimiter,
    )


def _read(data: FileBytes, found: str, settings: Settings, known: Collection[str]) -> RawTable:
    if is_workbook(found):
        return read_workbook(data, found, settings, known)
    if found == "json":
        try:
            return read_json(data, settings, known)
        except UnreadableFile:
            if data.suffix in {"json", "geojson"}:
                raise
    return read_delimited(data, settings)


def _check_width(layout: Layout, settings: Settings) -> None:
    if layout.width > settings.max_columns:
        raise FileTooLarge(
            f"The file has {layout.width:,} columns, more than the {settings.max_columns:,} "
            "we accept. Check the file is a table with a heading for each column."
        )


def _open_zip(data: FileBytes, settings: Settings, known: Collection[str]) -> TableSource:
    folder = Path(tempfile.mkdtemp(prefix="localdata-"))
    try:
        with data.open() as stream, open_zip(stream) as archive:
            chosen, issues = _choose_member(archive, folder, settings, known)
    except BaseException:
        remove_folder(folder)
        raise
    weakref.finalize(chosen, remove_folder, folder)
    chosen.issues = [*issues, *chosen.issues]
    return chosen


def _choose_member(
    archive: zipfile.ZipFile, folder: Path, settings: Settings, known: Collection[str]
) -> tuple[TableSource, list[Issue]]:
    members, issues = data_members(archive)
    budget = ExpansionBudget(settings.max_uncompressed_bytes)
    opened: list[TableSource] = []
    failures: list[UnreadableFile] = []
    for info in members:
        try:
            opened.append(_open_member(archive, info, folder, budget, settings, known))
        except FileTooLarge:
            raise
        except UnreadableFile as error:
            failures.append(error)
    if not opened:
        raise failures[0]
    best = max(opened, key=lambda t: known_score(t.headers, known))
    if len(members) > 1:
        issues.append(Issue(ZIP_MEMBER_CHOSEN.slug, value=best.member, detail=str(len(members))))
    return best, issues


def _open_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    folder: Path,
    budget: ExpansionBudget,
    settings: Settings,
    known: Collection[str],
) -> TableSource:
    path = extract(archive, info, folder, budget)
    inner = FileBytes(path, PurePosixPath(info.filename).name)
    found = detect_format(inner)
    if found == "zip":
        raise UnreadableFile(f"'{info.filename}' is a ZIP file inside the ZIP file.")
    table = _open(inner, found, settings, known)
    table.member = info.filename
    return table
