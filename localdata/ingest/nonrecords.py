"""Part of step 2 of the check: leave out the rows of a table that are not records.

Council files carry rows that a person reading the spreadsheet skips without a thought, but that
would otherwise become records: a "Grand Total" of £50m as a payment, a line of ``*`` as a
supplier. Each kind is left out of the table and reported as ``info`` with its row number. The
rules look at each cell's text and sort it into one of five kinds:

- *empty*;
- a *mark*: only punctuation such as ``*``, ``-``, ``=``, ``_``;
- a *number*: digits with an optional sign, brackets, currency sign, thousands separators,
  decimals or ``%`` (``£ 83,711,939.00``, ``-£25,543,297``, ``(1,234.00)``, ``18019``);
- a *total label*: ``Total``, ``Totals``, ``TOTAL:``, ``Grand Total``, ``Sub-total``,
  ``Subtotal``, ``Total for March``, ``Total of ...``, or a name followed by ``Total``, as
  Excel's subtotals write it (``Adult Services Total``);
- *text*: anything else, dates included.

A row is left out when it is:

- **repeated headings**: at least two cells equal their column's heading (compared as
  ``normalise_header`` does), making up at least three quarters of its filled cells and at least
  half of the headings, as when sheets or pages were pasted together;
- **a separator**: only marks;
- **a report writer's note**: a comment mark (``*`` or ``#``) in its first filled cell and one
  text cell besides, in a table of three or more columns (the ``* | Report Parameters`` lines
  an ERP report writer prints below its data). A ``-`` is not a comment mark: councils write it
  for "none" in a record;
- **a total**: a total label, with only numbers and marks besides. A payment to "Total Gas &
  Power", or one whose purpose says "total cost", has a date, a purpose or a supplier beside
  it, so it stays a record;
- **an unlabelled total**: only numbers (and marks), in a table where the rest of the rows have
  text: at least two rows with text so far, a column that holds text in nine rows in ten of
  them, and rows of only numbers no more than 1% of them (or two). A table of numbers keeps its
  rows.

Why here and not after mapping: where a report writer puts a total does not follow the columns
(TfL's count sits under "Expence Account" and its total under "Clearing Date"), so the column
mapping and the fields' datatypes would miss it, while the text of the cells tells. Leaving the
rows out while shaping also means that everything downstream of ``TableSource.batches()``
(mapping, finding the organisation or the period, the check) sees only records.

Rows are judged one batch at a time with Polars expressions; a ``RowProfile`` carries what the
rows looked like in earlier batches, so a total alone in the last batch is still recognised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import column_names, normalise_header

TOTAL_ROW = IssueType(
    "total-row-left-out",
    "Total row left out",
    Severity.INFO,
    "This row looks like a total ({value}), not a record. We left it out. Leave totals out of "
    "the data you publish: anyone using it can add it up.",
    fixed_by="library",
    scope="row",
)
SEPARATOR_ROW = IssueType(
    "separator-row-left-out",
    "Separator row left out",
    Severity.INFO,
    "This row holds only {value}, which separates rows and is not a record. We left it out. "
    "Remove lines of marks from the data you publish.",
    fixed_by="library",
    scope="row",
)
NOTE_ROW = IssueType(
    "report-note-left-out",
    "Report note left out",
    Severity.INFO,
    "This row is a note from the program that made the report ({value}), not a record. We "
    "left it out. Publish the rows of data only.",
    fixed_by="library",
    scope="row",
)
HEADINGS_ROW = IssueType(
    "repeated-headings-left-out",
    "Repeated headings left out",
    Severity.INFO,
    "This row repeats the column headings ({value}), as happens when sheets or pages are "
    "pasted together. We left it out. Keep one row of headings, at the top.",
    fixed_by="library",
    scope="row",
)

TEXT_COLUMN_SHARE = 0.9
NUMBER_ROWS_SHARE = 0.01
NUMBER_ROWS_ALLOWED = 2
MIN_TEXT_ROWS = 2
NOTE_MIN_COLUMNS = 3
SAMPLE_ROWS = 1000

EMPTY, MARK, NUMBER, LABEL, TEXT = range(5)
_MARK = r"^[*\-=_~#.+|/\\:\s]+$"
_NUMBER = r"^[-+(]?\s*[£$€]?\s*[-+]?\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?\s*\)?\s*%?$"
_TOTAL = (
    r"(?i)^(?:(?:grand|sub|overall|final)[\s-]*)?totals?(?:\s+(?:for|of)\b.*)?[\s:.]*$"
    r"|^.*\S\s+(?:sub[\s-]*)?total[\s:.]*$"
)
_NOTE_MARK = r"^\s*[*#]+\s*$"
_STARTS_MARK = r"[*=_~#|/\\:]|[-+.](?:[^\d£$€.]|$)"
_STARTS_TOTAL = r"(?i:(?:grand|sub|overall|final)[\s-]*totals?\b|totals?\b)"
_STARTS_NUMBER = r"^\s*[-+(]?\s*[£$€]?\s*[-+]?\s*\.?\d"
_REPEAT_SUFFIX = re.compile(r" \(\d+\)$")
_POSITIONAL = re.compile(r"^Column \d+$")  # the name shaping gives a column with no heading


@dataclass
class RowProfile:
    """What the table's rows held in the batches so far, to tell an unlabelled total.

    Which rows have text, and in which columns, is counted on a sample of each batch (up to
    ``SAMPLE_ROWS`` rows spread through it); rows of only numbers are counted exactly.
    """

    rows: int = 0
    text_rows: int = 0
    text_cells: dict[str, int] = field(default_factory=dict)
    number_rows: int = 0

    def add_sample(self, kinds: pl.DataFrame) -> None:
        """Count the rows with text in a sample of cell kinds (from ``cell_kinds``)."""
        text_row = _count(kinds.columns, TEXT) > 0
        found = kinds.select(
            text_row.sum().alias("__text_rows"),
            *((text_row & (pl.col(c) == TEXT)).sum().alias(c) for c in kinds.columns),
        ).row(0, named=True)
        self.text_rows += found.pop("__text_rows")
        for name, count in found.items():
            self.text_cells[name] = self.text_cells.get(name, 0) + count

    @property
    def has_text(self) -> bool:
        """True when the rest of the rows have text, so a row of only numbers is a total."""
        if self.text_rows < MIN_TEXT_ROWS:
            return False
        common = max(self.text_cells.values(), default=0)
        allowed = max(NUMBER_ROWS_ALLOWED, NUMBER_ROWS_SHARE * self.rows)
        return common >= TEXT_COLUMN_SHARE * self.text_rows and self.number_rows <= allowed


def leave_out_non_records(
    frame: pl.DataFrame, rows: pl.Series, headings: Sequence[str], profile: RowProfile
) -> tuple[pl.DataFrame, pl.Series, list[Issue]]:
    """The batch without its totals, separators, report notes and repeated headings.

    ``frame`` holds the shaped rows (text columns named by ``headings``) and ``rows`` their row
    numbers; ``profile`` carries what earlier batches held and is updated with this one.
    Only rows that could be one of these (sparse rows, or rows whose first cell is a mark, a
    number, a total label or a heading) are looked at cell by cell, so a batch of records costs
    little more than counting its filled cells.
    """
    if frame.height == 0 or frame.width == 0:
        return frame, rows, []
    work = _positional(frame)
    positions, verdicts = _judge(work, headings, profile)
    if positions.len() == 0:
        return frame, rows, []
    issues = _issues(work[positions], rows[positions], verdicts)
    keep = ~pl.int_range(frame.height, eager=True).is_in(positions.implode())
    return frame.filter(keep), rows.filter(keep), issues


def _judge(
    frame: pl.DataFrame, headings: Sequence[str], profile: RowProfile
) -> tuple[pl.Series, pl.Series]:
    """The positions of the rows to leave out, and the issue type of each."""
    profile.rows += frame.height
    profile.add_sample(cell_kinds(frame.gather_every(max(1, frame.height // SAMPLE_ROWS))))
    positions = frame.select(_candidates(frame.columns, headings)).to_series().arg_true()
    candidates = frame[positions]
    kinds = cell_kinds(candidates)
    profile.number_rows += kinds.select(_only_numbers(kinds.columns).sum()).item()
    found = kinds.hstack(candidates.select(pl.all().name.prefix(_RAW)))
    verdicts = found.select(_kind(frame.columns, headings, profile)).to_series()
    return positions.filter(verdicts.is_not_null()), verdicts.drop_nulls()


def _positional(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with columns named c0, c1, ...: a heading such as '*' means all columns to
    ``pl.col``."""
    renamed = frame.clone()
    renamed.columns = column_names(frame.width)
    return renamed


_RAW = "__raw:"


def cell_kinds(frame: pl.DataFrame) -> pl.DataFrame:
    """Each cell's kind: ``EMPTY``, ``MARK``, ``NUMBER``, ``LABEL`` (a total label) or ``TEXT``."""
    return frame.select(_cell_kind(pl.col(name)).alias(name) for name in frame.columns)


def _cell_kind(cell: pl.Expr) -> pl.Expr:
    text = cell.str.strip_chars()
    return (
        pl.when(text.is_null() | (text == ""))
        .then(EMPTY)
        .when(text.str.contains(_MARK))
        .then(MARK)
        .when(text.str.contains(_NUMBER))
        .then(NUMBER)
        .when(text.str.contains(_TOTAL))
        .then(LABEL)
        .otherwise(TEXT)
        .cast(pl.Int8)
    )


def _candidates(columns: Sequence[str], headings: Sequence[str]) -> pl.Expr:
    """Rows that could be left out: few cells filled, or a first cell that is not data.

    Only the first filled cell is read with a pattern, so this costs little on a batch of
    records: a total, separator, note or repeated heading either fills few cells or starts
    with a mark, a total label, a heading, or (filling fewer cells than most rows) a number.
    """
    filled = pl.sum_horizontal(pl.col(c).is_not_null().cast(pl.Int32) for c in columns)
    typical = filled.median()
    first = pl.coalesce(columns)
    return (
        (filled <= pl.max_horizontal(pl.lit(2.0), typical / 2))
        | first.str.contains(_starts_like_non_record(headings))
        | (first.str.contains(_STARTS_NUMBER) & (filled < typical))
    ).fill_null(False)


def _starts_like_non_record(headings: Sequence[str]) -> str:
    names = [
        r"\s+".join(re.escape(word) for word in h.split())
        for h in headings
        if h and not _POSITIONAL.match(h)
    ]
    heading = rf"|(?i:{'|'.join(names)})\s*$" if names else ""
    return rf"^\s*(?:{_STARTS_MARK}|{_STARTS_TOTAL}{heading})"


def _count(columns: Sequence[str], kind: int) -> pl.Expr:
    return pl.sum_horizontal((pl.col(c) == kind).cast(pl.Int32) for c in columns)


def _only_numbers(columns: Sequence[str]) -> pl.Expr:
    return (
        (_count(columns, NUMBER) > 0) & (_count(columns, TEXT) == 0) & (_count(columns, LABEL) == 0)
    )


def _kind(columns: Sequence[str], headings: Sequence[str], profile: RowProfile) -> pl.Expr:
    """The issue type of each row that is not a record, or null for a record."""
    filled = len(columns) - _count(columns, EMPTY)
    marks, numbers, labels, texts = (_count(columns, k) for k in (MARK, NUMBER, LABEL, TEXT))
    matched, named = _heading_matches(columns, headings)
    repeated = (matched >= min(2, named)) & (matched * 4 >= filled * 3) & (matched * 2 >= named)
    first = pl.coalesce(pl.col(f"{_RAW}{c}") for c in columns)
    note = (
        first.str.contains(_NOTE_MARK).fill_null(False)
        & (texts == 1)
        & (numbers == 0)
        & (labels == 0)
    )
    total = (labels > 0) & (texts == 0)
    return (
        pl.when(pl.lit(named > 0) & repeated)
        .then(pl.lit(HEADINGS_ROW.slug))
        .when((filled > 0) & (marks == filled))
        .then(pl.lit(SEPARATOR_ROW.slug))
        .when(note & pl.lit(len(columns) >= NOTE_MIN_COLUMNS))
        .then(pl.lit(NOTE_ROW.slug))
        .when(total | (_only_numbers(columns) & pl.lit(profile.has_text)))
        .then(pl.lit(TOTAL_ROW.slug))
        .otherwise(pl.lit(None, pl.String))
        .alias("kind")
    )


def _heading_matches(columns: Sequence[str], headings: Sequence[str]) -> tuple[pl.Expr, int]:
    """How many cells of each row equal their column's heading, and how many headings there are."""
    wanted = {
        c: normalise_header(_REPEAT_SUFFIX.sub("", h))
        for c, h in zip(columns, headings, strict=True)
        if not _POSITIONAL.match(h)
    }
    matches = [
        pl.col(f"{_RAW}{c}").str.to_lowercase().str.replace_all("[^a-z0-9]", "").eq_missing(h)
        for c, h in wanted.items()
        if h
    ]
    if not matches:
        return pl.lit(0), 0
    return pl.sum_horizontal(m.cast(pl.Int32) for m in matches), len(matches)


def _issues(frame: pl.DataFrame, rows: pl.Series, kinds: pl.Series) -> list[Issue]:
    """One issue per row left out, quoting the row's filled cells."""
    cells = [pl.col(c).str.replace_all(r"\s+", " ").str.strip_chars() for c in frame.columns]
    quoted = pl.concat_str(
        [pl.when(cell != "").then(pl.lit("'") + cell + pl.lit("'")) for cell in cells],
        separator=", ",
        ignore_nulls=True,
    )
    shown = frame.select(quoted.alias("value")).to_series()
    return [
        Issue(kind, row=row, value=value)
        for kind, row, value in zip(kinds, rows, shown, strict=True)
    ]
