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
- **an unlabelled total**: only numbers (and marks), after the last record, in a table where
  the rest of the rows have text: at least two rows with text so far, a column that holds text
  in nine rows in ten of them, and rows of only numbers no more than 1% of them (or two). A
  table of numbers keeps its rows, and so does a row of only numbers with records after it: a
  record whose text cells are empty is reported as such, never dropped.

Why here and not after mapping: where a report writer puts a total does not follow the columns
(TfL's count sits under "Expence Account" and its total under "Clearing Date"), so the column
mapping and the fields' datatypes would miss it, while the text of the cells tells. Leaving the
rows out while shaping also means that everything downstream of ``TableSource.batches()``
(mapping, finding the organisation or the period, the check) sees only records.

Rows are judged one batch at a time with Polars expressions, never a Python loop per row. A
cheap first pass (how many cells a row fills, and a pattern on its first filled cell) picks the
few rows that could be one of these; only those are read cell by cell, in long form (one row per
cell), so a batch of records costs little more than counting its filled cells, however wide.
A ``RowProfile`` carries what the rows looked like in earlier batches, so a total alone in the
last batch is still recognised.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import Issue, IssueType, Severity
from localdata.ingest.shape import normalise_header

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
SAMPLE_CELLS = 100_000
PATTERN_HEADINGS = 10
PATTERN_HEADING_LENGTH = 100

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
    ``SAMPLE_ROWS`` rows, or ``SAMPLE_CELLS`` cells, spread through it); rows of only numbers
    are counted among the rows looked at cell by cell (see ``_candidates``).
    """

    rows: int = 0
    text_rows: int = 0
    text_cells: dict[int, int] = field(default_factory=dict)
    number_rows: int = 0

    def add_sample(self, cells: pl.DataFrame) -> None:
        """Count the rows with text, and the text cells of each column, in a sample's cells."""
        texts = cells.filter(pl.col("kind") == TEXT)
        self.text_rows += texts["row"].n_unique()
        for column, count in texts.group_by("column").len().iter_rows():
            self.text_cells[column] = self.text_cells.get(column, 0) + count

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
    profile.rows += frame.height
    sampled = max(10, min(SAMPLE_ROWS, SAMPLE_CELLS // frame.width))
    sample = frame[:: max(1, frame.height // sampled)]
    profile.add_sample(cells(sample))
    positions = _candidates(frame, headings).arg_true()
    verdicts = _verdicts(cells(frame[positions]), headings, profile)
    if verdicts.height == 0:
        return frame, rows, []
    verdicts = _totals_after_the_records(verdicts, positions, frame.height)
    dropped = positions.gather(verdicts["row"])
    issues = _issues(frame[dropped], rows[dropped], verdicts["kind"])
    keep = ~pl.int_range(frame.height, eager=True).is_in(dropped.implode())
    return frame.filter(keep), rows.filter(keep), issues


def cells(frame: pl.DataFrame) -> pl.DataFrame:
    """The filled cells of a frame, one a row: position of row and column, text and kind.

    Kinds are ``MARK``, ``NUMBER``, ``LABEL`` (a total label) and ``TEXT``; cells that are empty
    or only spaces are left out.
    """
    names = [f"c{i}" for i in range(frame.width)]  # a heading may be 'row', 'name' or '*'
    positions = pl.DataFrame({"name": names, "column": range(frame.width)})
    return (
        frame.rename(dict(zip(frame.columns, names, strict=True)))
        .with_columns(pl.all().cast(pl.String))
        .with_row_index("row")
        .unpivot(index="row", variable_name="name", value_name="text")
        .filter(pl.col("text").is_not_null())
        .with_columns(kind=_cell_kind(pl.col("text")))
        .filter(pl.col("kind") != EMPTY)
        .join(positions, on="name")
        .select(pl.col("row").cast(pl.Int64), pl.col("column").cast(pl.Int64), "text", "kind")
    )


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


def _candidates(frame: pl.DataFrame, headings: Sequence[str]) -> pl.Series:
    """Rows that could be left out: few cells filled, or a first cell that is not data.

    Only the first filled cell is read with a pattern, so this costs little on a batch of
    records: a total, separator, note or repeated heading either fills few cells or starts
    with a mark, a total label, a heading, or (filling fewer cells than most rows) a number.
    """
    shape = frame.select(
        pl.sum_horizontal(pl.all().is_not_null()).alias("filled"),
        pl.coalesce(pl.all()).cast(pl.String).alias("first"),
    )
    filled, first = pl.col("filled"), pl.col("first")
    typical = filled.median()
    return shape.select(
        (
            (filled <= pl.max_horizontal(pl.lit(2.0), typical / 2))
            | first.str.contains(_starts_like_non_record(headings))
            | (first.str.contains(_STARTS_NUMBER) & (filled < typical))
        ).fill_null(False)
    ).to_series()


def _starts_like_non_record(headings: Sequence[str]) -> str:
    """A pattern for a first cell that is a mark, a total label or one of the first headings.

    A repeated heading row starts with one of the first headings; only the first
    ``PATTERN_HEADINGS`` short ones go in, so no heading row makes the pattern too big to build.
    """
    named = [h for h in headings if h and not _POSITIONAL.match(h)]
    names = [
        r"\s+".join(re.escape(word) for word in h.split())
        for h in named[:PATTERN_HEADINGS]
        if len(h) <= PATTERN_HEADING_LENGTH
    ]
    heading = rf"|(?i:{'|'.join(names)})\s*$" if names else ""
    return rf"^\s*(?:{_STARTS_MARK}|{_STARTS_TOTAL}{heading})"


def _verdicts(found: pl.DataFrame, headings: Sequence[str], profile: RowProfile) -> pl.DataFrame:
    """Each row (by position) that is not a record, with the issue type to report it by."""
    wanted = _wanted_headings(headings)
    kind = pl.col("kind")
    stats = (
        found.join(wanted, on="column", how="left")
        .sort("row", "column")
        .group_by("row", maintain_order=True)
        .agg(
            filled=pl.len(),
            marks=(kind == MARK).sum(),
            numbers=(kind == NUMBER).sum(),
            labels=(kind == LABEL).sum(),
            texts=(kind == TEXT).sum(),
            first=pl.col("text").first(),
            matched=(_normalised(pl.col("text")) == pl.col("heading")).fill_null(False).sum(),
        )
    )
    only_numbers = (pl.col("numbers") > 0) & (pl.col("texts") == 0) & (pl.col("labels") == 0)
    profile.number_rows += stats.select(only_numbers.sum()).item()
    unlabelled = only_numbers & pl.lit(profile.has_text)
    return stats.select(
        "row",
        _kind(wanted.height, len(headings), profile).alias("kind"),
        unlabelled.alias("unlabelled"),
    ).filter(pl.col("kind").is_not_null())


def _totals_after_the_records(
    verdicts: pl.DataFrame, positions: pl.Series, height: int
) -> pl.DataFrame:
    """The verdicts, keeping an unlabelled total only when no record of the batch follows it."""
    dropped = positions.gather(verdicts["row"]).cast(pl.Int64)
    every = pl.int_range(height, eager=True, dtype=pl.Int64)
    records = every.filter(~every.is_in(dropped.implode()))
    last_record = records.max() if records.len() else -1
    after = dropped > last_record
    keep = ~verdicts["unlabelled"] | after
    return verdicts.filter(keep).select("row", "kind")


def _wanted_headings(headings: Sequence[str]) -> pl.DataFrame:
    """Each named column's position and its heading as ``normalise_header`` writes it."""
    wanted = [
        (position, normalise_header(_REPEAT_SUFFIX.sub("", heading)))
        for position, heading in enumerate(headings)
        if not _POSITIONAL.match(heading)
    ]
    return pl.DataFrame(
        [w for w in wanted if w[1]],
        schema={"column": pl.Int64, "heading": pl.String},
        orient="row",
    )


def _normalised(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.replace_all("[^a-z0-9]", "")


def _kind(named: int, width: int, profile: RowProfile) -> pl.Expr:
    """The issue type of a row from its counts of each kind of cell, or null for a record."""
    filled, marks, numbers, labels, texts, matched = (
        pl.col(c) for c in ("filled", "marks", "numbers", "labels", "texts", "matched")
    )
    repeated = (matched >= min(2, named)) & (matched * 4 >= filled * 3) & (matched * 2 >= named)
    note = pl.col("first").str.contains(_NOTE_MARK) & (texts == 1) & (numbers + labels == 0)
    only_numbers = (numbers > 0) & (texts == 0) & (labels == 0)
    return (
        pl.when(pl.lit(named > 0) & repeated)
        .then(pl.lit(HEADINGS_ROW.slug))
        .when(marks == filled)
        .then(pl.lit(SEPARATOR_ROW.slug))
        .when(note & pl.lit(width >= NOTE_MIN_COLUMNS))
        .then(pl.lit(NOTE_ROW.slug))
        .when(((labels > 0) & (texts == 0)) | (only_numbers & pl.lit(profile.has_text)))
        .then(pl.lit(TOTAL_ROW.slug))
        .otherwise(pl.lit(None, pl.String))
    )


def _issues(frame: pl.DataFrame, rows: pl.Series, kinds: pl.Series) -> list[Issue]:
    """One issue per row left out, quoting the row's filled cells."""
    text = pl.col("text").str.replace_all(r"\s+", " ").str.strip_chars()
    quoted = (
        cells(frame)
        .sort("row", "column")
        .group_by("row", maintain_order=True)
        .agg(value=pl.concat_str(pl.lit("'"), text, pl.lit("'")).str.join(", "))
    )
    return [
        Issue(kind, row=row, value=value)
        for kind, row, value in zip(kinds, rows, quoted["value"], strict=True)
    ]
