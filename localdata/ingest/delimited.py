"""Read CSV, TSV and other delimited text: decide how from a sample, then stream every row.

The encoding (``encodings.py``), the delimiter (comma, tab, semicolon or pipe: whichever
splits the sample's rows most consistently into the most cells), the line endings and the
header (``shape.py``) are decided from the first 256 KB and, for a header on the last line,
the last 64 KB (checking the encoding reads the whole file once, in pieces, at memory speed).
Nothing else is read until ``batches()`` asks for rows.

Rows are streamed in batches, all columns as text, so memory stays bounded whatever the
file's size. Line endings may be CRLF, LF, bare CR or mixed, and quoted cells may hold line
breaks. Three ways of reading are tried in turn, each carrying on from the first row the one
before did not hand on:

1. fast: Polars' own CSV reader, on all cores, for the common case: a UTF-8 file with LF or
   CRLF line endings whose sample rows all have the same number of cells. It stops at a row
   with too many cells or a quote mark it cannot place. It fills a row with too few cells
   with empty cells without telling us, so rows short of cells are reported only when they
   are in the sample (which then starts at step 2).
2. exact: PyArrow's streaming reader on one core, which tells us the row number of every
   ragged row, so those rows are parsed again on their own and kept, with an issue. Files in
   other encodings are re-encoded to UTF-8 on the way in (``encodings.Utf8Stream``).
3. careful: Python's ``csv`` module, strictly, row by row; a row it cannot read strictly is
   read again on its own. Slow, but it reads any text: a cell larger than PyArrow's block, or
   a quote mark never closed (then each line after it is read as a row, with an issue). The
   fast readers hand the last batch here when its last row looks like such a quote.

A row number is the row a spreadsheet shows: records are counted from 1, a blank line is a row,
and a quoted cell with line breaks in it is one row.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any

import polars as pl

from localdata.errors import EmptyFile, FileTooLarge, UnsupportedFormat
from localdata.ingest.encodings import FALLBACK_ERRORS, TextEncoding, Utf8Stream, detect_encoding
from localdata.ingest.files import FileBytes
from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import (
    ROW,
    TOO_FEW_CELLS,
    TOO_MANY_CELLS,
    Layout,
    column_names,
)
from localdata.ingest.tables import RawRecords, RawTable, fit, records_frame
from localdata.settings import Settings

QUOTE_NOT_CLOSED = IssueType(
    "quote-not-closed",
    "Quote mark not closed",
    Severity.ERROR,
    'A quote mark (") opens a value on this row but nothing closes it, so the rest of the file '
    "looked like one value. We read each line after it as a row. Add the closing quote mark, "
    "or remove this one.",
    scope="row",
)

DELIMITERS = (",", "\t", ";", "|")
SAMPLE_BYTES = 256 * 1024
TAIL = 64 * 1024
BLOCK = 1024 * 1024
POLARS_CHUNK = 50_000
SNIFF_CHARS = 64 * 1024
UNEXPECTED_END = "unexpected end of data"
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Dialect:
    """How a delimited file is written: its encoding and the character between cells."""

    encoding: TextEncoding
    delimiter: str
    bare_cr: bool = False

    @property
    def fast(self) -> bool:
        """True when Polars' reader can read the file as it is: UTF-8, LF or CRLF lines."""
        return self.encoding.is_utf8 and not self.bare_cr


class _Restart(Exception):
    """The current way of reading cannot go on; the next one (or the careful one) carries on."""

    def __init__(self, *, careful: bool = False) -> None:
        super().__init__()
        self.careful = careful


def read_delimited(data: FileBytes, settings: Settings) -> RawTable:
    """Read a delimited text file's sample and make the stream of its rows."""
    guess = detect_encoding(data)
    complete = data.size <= SAMPLE_BYTES
    text = guess.encoding.decode(data.head(SAMPLE_BYTES), final=complete)
    refuse_binary(text)
    delimiter = sniff_delimiter(text)
    rows = parse_sample(text, delimiter, complete=complete, max_columns=settings.max_columns)
    if not any(any(cell.strip() for cell in row) for row in rows):
        raise EmptyFile("The file is empty. Check you chose the right file, then try again.")
    dialect = Dialect(
        guess.encoding,
        delimiter,
        bare_cr=text.count("\r") > text.count("\r\n"),
    )
    widths = Counter(len(r) for r in rows if r)
    return RawTable(
        format="tsv" if delimiter == "\t" else "csv",
        sample=[list(r) for r in rows],
        records=partial(stream_records, data, dialect, widths, settings),
        last_row=None if complete else last_record(data, dialect),
        encoding=guess.encoding.label,
        delimiter=delimiter,
        issues=guess.issues,
    )


def refuse_binary(text: str) -> None:
    """Stop at a file that is not text: many control characters in its first part."""
    sample = text[:SNIFF_CHARS]
    if sample and len(_CONTROL.findall(sample)) > 0.01 * len(sample):
        raise UnsupportedFormat(
            "The file is not a spreadsheet or CSV file. Save it as CSV (comma separated) or "
            "Excel (.xlsx) and try again."
        )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's rows most consistently into the most cells."""
    sample = text[:SNIFF_CHARS]
    scores = {d: _consistency(sample, d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: scores[d])


def _consistency(sample: str, delimiter: str) -> float:
    rows = islice(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter), 100)
    widths = Counter(len(r) for r in rows if any(c.strip() for c in r))
    if not widths:
        return 0.0
    width, count = max(widths.items(), key=lambda item: (item[1], item[0]))
    return count / sum(widths.values()) * width if width > 1 else 0.0


def parse_sample(text: str, delimiter: str, *, complete: bool, max_columns: int) -> list[list[str]]:
    """The rows of the sample; the last one is left out when the sample ends mid-file."""
    _allow_long_fields()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    widest = max((len(r) for r in rows), default=0)
    if widest > max_columns:
        raise FileTooLarge(
            f"The file has more than {max_columns:,} columns (it has at least {widest:,}). "
            "Check the file is a table with a heading for each column, and that the values "
            "are separated by commas."
        )
    return rows if complete or len(rows) < 2 else rows[:-1]


def _allow_long_fields() -> None:
    # The csv module's limit is process-wide; only ever raise it. A cell over max_cell_bytes
    # is cut after reading, with an issue, so here we only need to read it at all.
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def last_record(data: FileBytes, dialect: Dialect) -> list[str | None] | None:
    """The last row with any text in it, read from the end of the file."""
    tail = data.tail(TAIL)
    if dialect.encoding.codec.startswith("utf-16"):
        tail = tail[len(tail) % 2 :]
    text = dialect.encoding.decode(tail)
    lines = text.splitlines(keepends=True)[1:]
    rows = list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=dialect.delimiter))
    filled = [r for r in rows if any(c.strip() for c in r)]
    return list(filled[-1]) if filled else None


def stream_records(
    data: FileBytes,
    dialect: Dialect,
    sample_widths: Counter[int],
    settings: Settings,
    layout: Layout,
) -> Iterator[RawRecords]:
    """Every row of the file, in batches, trying the three ways of reading in turn.

    Rows are read ``width`` cells wide: the layout's width, or the number of cells most rows
    of the sample have when that is more (trailing empty cells are common).
    """
    width = max(layout.width, _typical_width(sample_widths, layout))
    reading = _Reading(data, dialect, layout, width, settings)
    modes = [reading.exact_rows, reading.careful_rows]
    if dialect.fast and set(sample_widths) <= {width}:
        modes.insert(0, reading.fast_rows)
    while modes:
        try:
            yield from modes.pop(0)()
            return
        except _Restart as restart:
            if restart.careful:
                modes = [reading.careful_rows]


class _Reading:
    """One pass over a delimited file, remembering the next row number still to hand on."""

    def __init__(
        self, data: FileBytes, dialect: Dialect, layout: Layout, width: int, settings: Settings
    ) -> None:
        self.data, self.dialect, self.layout, self.width = data, dialect, layout, width
        self.settings = settings
        self.next_row = 1

    def fast_rows(self) -> Iterator[RawRecords]:
        """Polars' own reader on all cores; restarts at a row it cannot read as expected."""
        source = str(self.data.path) if self.data.path is not None else self.data.data
        assert source is not None
        lazy = pl.scan_csv(
            source,
            has_header=False,
            separator=self.dialect.delimiter,
            schema=dict.fromkeys(column_names(self.width), pl.String),
            row_index_name=ROW,
            row_index_offset=1,
            raise_if_empty=False,
        )
        chunks = lazy.collect_batches(chunk_size=min(POLARS_CHUNK, self.batch_rows))
        try:
            for frame, last in _rebatched(chunks, self.batch_rows):
                frame = frame.with_columns(pl.col(ROW).cast(pl.Int64))
                if last and _may_end_in_open_quote(frame):
                    raise _Restart(careful=True)
                yield self._handed_on(frame, [])
        except pl.exceptions.PolarsError as error:
            raise _Restart from error

    def exact_rows(self) -> Iterator[RawRecords]:
        """PyArrow on one core; ragged rows are set aside by number and parsed on their own."""
        import pyarrow as pa  # only files with ragged rows need it, so not imported up front

        numbering = _Numbering()

        def set_aside(row: Any) -> str:
            numbering.set_aside(row.number, row.text)
            return "skip"

        try:
            frames = _rebatched(self._arrow_frames(set_aside, numbering), self.batch_rows)
            for frame, last in frames:
                ragged = numbering.take_ragged(None if last else _last(frame) + 1)
                merged, issues = self._with_ragged(frame, ragged)
                if last and _may_end_in_open_quote(merged):
                    raise _Restart(careful=True)
                yield self._handed_on(merged, issues)
            yield self._handed_on(*self._with_ragged(None, numbering.take_ragged()))
        except pa.ArrowException as error:
            raise _Restart from error

    def careful_rows(self) -> Iterator[RawRecords]:
        """Python's csv module, row by row: slow, but reads any text."""
        _allow_long_fields()
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        issues: list[Issue] = []
        for number, cells, unclosed in self._python_rows():
            if number < self.next_row:
                continue
            if unclosed and number >= self.layout.first_data_row:
                issues.append(Issue(QUOTE_NOT_CLOSED.slug, row=number))
            rows.append(self._fitted(cells, number, issues))
            numbers.append(number)
            if len(rows) >= self.batch_rows:
                yield self._handed_on(records_frame(rows, numbers, self.width), issues)
                rows, numbers, issues = [], [], []
        yield self._handed_on(records_frame(rows, numbers, self.width), issues)

    @property
    def batch_rows(self) -> int:
        """How many rows each batch holds."""
        return self.settings.batch_rows

    def _python_rows(self) -> Iterator[tuple[int, list[str], bool]]:
        """Each row's number, its cells, and whether it starts where a quote was not closed.

        The csv module reads strictly; a row it cannot read that way is read again from its
        own lines by ``split_record``, and reading carries on after it.
        """
        codec = self.dialect.encoding.codec
        number = 0
        with io.TextIOWrapper(
            self.data.open(), encoding=codec, errors=FALLBACK_ERRORS, newline=""
        ) as text:
            lines = _Lines(text)
            while not lines.finished:
                try:
                    for cells in csv.reader(lines, delimiter=self.dialect.delimiter, strict=True):
                        number += 1
                        lines.forget()
                        yield number, cells, False
                    return
                except csv.Error:
                    records, unclosed = split_record(lines.forget(), self.dialect.delimiter)
                    for offset, cells in enumerate(records):
                        yield number + offset + 1, cells, unclosed and offset == 0
                    number += len(records)

    def _arrow_frames(self, on_invalid: Any, numbering: _Numbering) -> Iterator[pl.DataFrame]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        names = column_names(self.width)
        reader = pacsv.open_csv(
            self._arrow_source(),
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=BLOCK),
            parse_options=pacsv.ParseOptions(
                delimiter=self.dialect.delimiter,
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=on_invalid,
            ),
            # The text is known to be UTF-8: checked in detect_encoding, or re-encoded.
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                check_utf8=False,
            ),
        )
        return (_numbered(batch, numbering) for batch in reader)

    def _arrow_source(self) -> Any:
        import pyarrow as pa

        if not self.dialect.encoding.is_utf8:
            return pa.PythonFile(Utf8Stream(self.data.open(), self.dialect.encoding), mode="r")
        if self.data.path is not None:
            return str(self.data.path)
        return pa.BufferReader(self.data.data)

    def _with_ragged(
        self, frame: pl.DataFrame | None, ragged: list[tuple[int, str]]
    ) -> tuple[pl.DataFrame, list[Issue]]:
        """The rows PyArrow read, with the ragged rows it set aside parsed and put in place."""
        issues: list[Issue] = []
        rows: list[list[str | None]] = []
        numbers: list[int] = []
        for number, text in ragged:
            records, unclosed = split_record(text, self.dialect.delimiter)
            if unclosed and number >= self.layout.first_data_row:
                issues.append(Issue(QUOTE_NOT_CLOSED.slug, row=number))
            for offset, cells in enumerate(records):
                rows.append(self._fitted(cells, number + offset, issues))
                numbers.append(number + offset)
        found = records_frame(rows, numbers, self.width)
        if frame is not None:
            found = pl.concat([frame, found]).sort(ROW) if rows else frame
        return found, issues

    def _fitted(self, cells: list[str], number: int, issues: list[Issue]) -> list[str | None]:
        found = []
        if number >= self.layout.first_data_row and any(c.strip() for c in cells):
            found = ragged_issues(cells, number, self.layout.width)
            issues += found
        too_many = any(i.type == TOO_MANY_CELLS.slug for i in found)
        return fit(cells[: self.layout.width] if too_many else cells, self.width)

    def _handed_on(self, frame: pl.DataFrame, issues: list[Issue]) -> RawRecords:
        first = frame[ROW].min() if frame.height else None
        if isinstance(first, int) and first < self.next_row:  # filtering copies: only if needed
            frame = frame.filter(pl.col(ROW) >= self.next_row)
        issues = [i for i in issues if i.row is None or i.row >= self.next_row]
        self.next_row = max(self.next_row, _last(frame) + 1)
        return RawRecords(frame, issues)


def ragged_issues(cells: list[str], number: int, width: int) -> list[Issue]:
    """An issue when a row has more filled cells, or fewer cells, than the table has columns."""
    extra = [c for c in cells[width:] if c.strip()]
    if extra:
        return [Issue(TOO_MANY_CELLS.slug, row=number, value=", ".join(extra))]
    if len(cells) < width:
        detail = f"{len(cells)} cells, but the table has {width} columns"
        return [Issue(TOO_FEW_CELLS.slug, row=number, detail=detail)]
    return []


def split_record(text: str, delimiter: str) -> tuple[list[list[str]], bool]:
    """The cells of one row the exact reader set aside, and whether a quote was left open.

    A quote left open swallows the rest of the file, so then each line is read as a row,
    with quote marks as plain text.
    """
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        if UNEXPECTED_END not in str(error):
            return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[:1], False
        lines = io.StringIO(text, newline="")
        return list(csv.reader(lines, delimiter=delimiter, quoting=csv.QUOTE_NONE)), True
    return rows[:1] or [[]], False


class _Lines:
    """The lines of a text, remembering those read since the last row ended."""

    def __init__(self, text: Iterator[str]) -> None:
        self._text = text
        self._held: list[str] = []
        self.finished = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._text, None)
        if line is None:
            self.finished = True
            raise StopIteration
        self._held.append(line)
        return line

    def forget(self) -> str:
        """The text read since the last row ended, which is then forgotten."""
        held, self._held = "".join(self._held), []
        return held


class _Numbering:
    """Row numbers for the rows PyArrow hands on, around the ragged rows it set aside."""

    def __init__(self) -> None:
        self.next = 1
        self._ragged: list[tuple[int, str]] = []

    def set_aside(self, number: int | None, text: str) -> None:
        """Remember a ragged row by its number (PyArrow gives it when reading on one core)."""
        assert number is not None
        self._ragged.append((number, text))

    def numbers(self, count: int) -> pl.Series:
        """The row numbers of the next ``count`` rows handed on, skipping ragged ones."""
        skipped = sorted(n for n, _ in self._ragged if n >= self.next)
        taken = 0
        while taken < len(skipped) and skipped[taken] < self.next + count + taken:
            taken += 1
        span = pl.int_range(self.next, self.next + count + taken, dtype=pl.Int64, eager=True)
        self.next += count + taken
        return span.filter(~span.is_in(skipped[:taken])) if taken else span

    def take_ragged(self, before: int | None = None) -> list[tuple[int, str]]:
        """The ragged rows numbered before ``before`` (all that are left, without it)."""
        taken = sorted(r for r in self._ragged if before is None or r[0] < before)
        self._ragged = [r for r in self._ragged if before is not None and r[0] >= before]
        return taken


def _typical_width(widths: Counter[int], layout: Layout) -> int:
    return max(widths, key=lambda w: (widths[w], w)) if widths else layout.width


def _numbered(batch: Any, numbering: _Numbering) -> pl.DataFrame:
    # Numbered block by block: adding a column to a frame of many blocks would copy it whole.
    frame = pl.from_arrow(batch)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(numbering.numbers(frame.height).alias(ROW))


def _may_end_in_open_quote(frame: pl.DataFrame) -> bool:
    """True when the last row has a line break in a cell, as a quote never closed leaves.

    Both fast readers read such a quote to the end of the file without a word when it is in
    the last column, so the last batch is then read again by the careful reader. A real
    line break in the last row only costs that re-read.
    """
    if frame.height == 0:
        return False
    last = frame.filter(pl.col(ROW) == pl.col(ROW).max()).drop(ROW)
    cells = [c for c in last.row(0) if isinstance(c, str)]
    return any("\n" in c or "\r" in c for c in cells)


def _rebatched(frames: Iterator[pl.DataFrame], rows: int) -> Iterator[tuple[pl.DataFrame, bool]]:
    """Frames cut and joined into frames of ``rows`` rows, each with whether it is the last.

    A full frame is handed on only once a row beyond it has arrived, so the last frame is
    known without holding a whole batch back.
    """
    pending: list[pl.DataFrame] = []
    count = 0
    for frame in frames:
        pending.append(frame)
        count += frame.height
        while count > rows:
            whole = _concat(pending)
            rest = whole.slice(rows)
            yield whole.slice(0, rows), False
            pending, count = [rest], rest.height
    if count:
        yield _concat(pending), True


def _concat(frames: list[pl.DataFrame]) -> pl.DataFrame:
    return pl.concat(frames, rechunk=False) if len(frames) > 1 else frames[0]


def _last(frame: pl.DataFrame) -> int:
    """The last row number in a raw frame (0 when it has no rows)."""
    last = frame[ROW].max() if frame.height else None
    return int(last) if isinstance(last, int) else 0
