"""Step 2 of the check: find the real header and shape every batch of rows the same way.

Shaping is planned once, from a sample of the first rows (and the last row, for a header at
the end of the file), into a ``Layout``; every batch is then shaped by ``shape_rows`` with
Polars expressions. The rules:

- **Header row.** With ``known_headers`` (normalised names the standard expects, see
  ``normalise_header``), the row among the first 30 with the most known names is the header,
  or the last row when that matches more. Without them, the first row that looks like headings:
  two or more filled cells, at least half as many as the data rows have, and none of them a
  number or a date. Rows above the header (titles, blank rows) are dropped, and so is a header
  row at the end of the file.
- **Multi-row headers.** A row under the header joins it when that makes more of its names
  known, or (without known names) when its cells are text that mostly starts in lower case,
  as a heading wrapped onto a second line does. A title's text repeated into every empty cell
  (merged cells filled down) is ignored in the heading.
- **Header text** is trimmed and its whitespace (line breaks too) collapsed to single spaces.
  A column with values but no heading is named ``Column 7`` (its position); a repeated heading
  becomes ``Amount (2)``. Each is reported.
- **Spacer columns** (no heading, and a value in at most 2% of sample rows, as spreadsheets
  with merged cells export) are removed. A value found in one is not lost: it is added to the
  column on its left (the merged cell it spilled out of) with a warning.
- **Blank rows** are dropped; every kept row keeps its row number in the source.
- **Long cells** over ``max_cell_bytes`` are cut, with an issue.
- **Rows above the header** (titles such as "Hyndburn Borough Council - payments over £250",
  "Business Unit | London Borough of Croydon") are kept in ``Layout.preamble`` as text, so
  the organisation can be read from them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

import polars as pl

from localdata.ingest.issues import Issue, IssueType, Severity

HEADER_NOT_FIRST = IssueType(
    "header-not-on-first-row",
    "Column headings not on the first row",
    Severity.INFO,
    "The column headings are on row {row}, not row 1. We ignored the rows above them. "
    "Put the headings on row 1.",
    fixed_by="library",
    scope="file",
)
HEADER_AT_END = IssueType(
    "header-on-last-row",
    "Column headings on the last row",
    Severity.INFO,
    "The column headings are on the last row, not row 1, and we read them from there. "
    "Put the headings on row 1.",
    fixed_by="library",
    scope="file",
)
HEADER_JOINED = IssueType(
    "header-split-over-rows",
    "Column headings split over rows",
    Severity.INFO,
    "The column headings are split over rows {detail}. We joined them. Put each heading in "
    "one cell on row 1.",
    fixed_by="library",
    scope="file",
)
SPACER_COLUMNS = IssueType(
    "empty-columns-removed",
    "Empty columns removed",
    Severity.INFO,
    "We removed {detail} empty columns with no heading, such as the gaps merged cells leave.",
    fixed_by="library",
    scope="file",
)
SPACER_TEXT = IssueType(
    "text-in-empty-column",
    "Text in a column with no heading",
    Severity.WARNING,
    "'{value}' is in a column with no heading, next to {field}. We added it to {field}. "
    "Check it belongs there, and move it into the right cell.",
    fixed_by="library",
)
BLANK_HEADING = IssueType(
    "column-without-heading",
    "Column without a heading",
    Severity.WARNING,
    "A column with values has no heading. We called it '{detail}'. Add a heading to it.",
    scope="column",
)
REPEATED_HEADING = IssueType(
    "repeated-heading",
    "Heading used twice",
    Severity.WARNING,
    "More than one column is headed '{value}'. We called this one '{detail}'. Give each "
    "column its own heading.",
    scope="column",
)
TOO_MANY_CELLS = IssueType(
    "too-many-cells",
    "More cells than headings",
    Severity.ERROR,
    "This row has more cells than there are column headings. The extra cells hold "
    "'{value}'. Check for a separator (such as a comma) inside a value that is not in quotes.",
    scope="row",
)
TOO_FEW_CELLS = IssueType(
    "too-few-cells",
    "Fewer cells than headings",
    Severity.WARNING,
    "This row has {detail}. We left the missing cells empty. Check whether a value or a "
    "separator is missing.",
    scope="row",
)
CELL_TOO_LONG = IssueType(
    "cell-too-long",
    "Value too long",
    Severity.ERROR,
    "The value is longer than {detail}. We kept only the start of it. Shorten it, or check "
    "that a quote mark has not joined several values into one.",
)

ROW = "__row"
HEADER_SEARCH_ROWS = 30
LAYOUT_ROWS = 1000
SPACER_SHARE = 0.02
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")
_VALUE = re.compile(
    r"""^[-+(]?\s*[£$€]?\s*[-+]?\d[\d,]*(\.\d+)?\s*\)?%?$        # 12, 1,234.50, (5.00), £3
      |^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}.*)?$  # 05/04/2017, 2017-04-05T10:00
      |^\d{1,2}[- ][A-Za-z]{3,9}[- ]\d{2,4}$                   # 05-Apr-17, 5 June 2023
    """,
    re.VERBOSE,
)

Cells = Sequence[str | None]


def normalise_header(text: str) -> str:
    """A header reduced for matching: lower case, only a-z and 0-9 ("Net Amount(£)" is
    "netamount")."""
    return _NOT_ALPHANUMERIC.sub("", text.lower())


def clean_header(text: str | None) -> str:
    """Header text trimmed, with every run of whitespace (line breaks too) one space."""
    return " ".join((text or "").replace("\ufeff", "").split())


def column_names(width: int) -> list[str]:
    """Names of the positional columns raw rows are read into: c0, c1, ..."""
    return [f"c{i}" for i in range(width)]


@dataclass(frozen=True)
class Layout:
    """Where the header is and which columns to keep: the plan for shaping every batch.

    Positions count from 0 in the rows as read; row numbers count from 1 as a spreadsheet does.
    """

    width: int
    columns: tuple[int, ...]
    names: tuple[str, ...]
    first_data_row: int = 1
    header_rows: tuple[int, ...] = ()
    header_at_end: tuple[str | None, ...] | None = None
    spills: tuple[tuple[int, int], ...] = ()
    issues: tuple[Issue, ...] = field(default=(), compare=False)
    preamble: tuple[tuple[int, tuple[str, ...]], ...] = field(default=(), compare=False)

    @classmethod
    def from_names(cls, names: Sequence[str]) -> Layout:
        """A layout for rows whose columns are named already (JSON keys): every row is data."""
        unique, issues = unique_names(list(names), range(len(names)), header_row=None)
        return cls(len(names), tuple(range(len(names))), tuple(unique), issues=tuple(issues))


def find_layout(
    rows: Sequence[Cells],
    *,
    known: Collection[str] = (),
    last_row: Cells | None = None,
) -> Layout:
    """Plan the shaping of a table from its first rows (row 1 first) and its last row."""
    grid = [[clean_header(c) for c in row] for row in rows[:LAYOUT_ROWS]]
    raw_last = last_row if last_row is not None else _last_raw(rows)
    last = [clean_header(c) for c in raw_last]
    head = grid[:HEADER_SEARCH_ROWS]
    if last_row is None:  # the sample is the whole file: look for the header above its end
        head = head[: max(0, _last_raw_index(rows))]
    if _header_is_last(grid, head, last, known):
        data = [r for r in grid if r != last]
        return _layout(last, data, header_at_end=tuple(c or None for c in raw_last))
    start = _header_index(grid, known)
    preamble = _preamble(rows[:start])
    header_rows = _header_rows(grid, start, known)
    layout = _layout(_joined(grid, header_rows), grid[header_rows[-1] + 1 :], header_rows)
    return replace(layout, preamble=preamble)


def _preamble(rows: Sequence[Cells]) -> tuple[tuple[int, tuple[str, ...]], ...]:
    """The rows above the header that hold text: (row number, their filled cells)."""
    found = []
    for index, row in enumerate(rows):
        cells = tuple(text for c in row if (text := clean_header(c)))
        if cells:
            found.append((index + 1, cells))
    return tuple(found)


def _layout(
    headings: list[str],
    data: list[list[str]],
    header_rows: Sequence[int] = (),
    header_at_end: tuple[str | None, ...] | None = None,
) -> Layout:
    width = max(len(headings), _modal_width(data))
    headings = headings + [""] * (width - len(headings))
    spacers = _spacer_positions(headings, data)
    kept = [p for p in range(width) if p not in spacers]
    header_row = header_rows[0] + 1 if header_rows else None
    names, issues = unique_names([headings[p] for p in kept], kept, header_row)
    return Layout(
        width=width,
        columns=tuple(kept),
        names=tuple(names),
        first_data_row=header_rows[-1] + 2 if header_rows else 1,
        header_rows=tuple(r + 1 for r in header_rows),
        header_at_end=header_at_end,
        spills=tuple((s, _neighbour(s, kept)) for s in sorted(spacers)),
        issues=tuple(_header_issues(header_rows, header_at_end, len(spacers)) + issues),
    )


def _header_issues(
    header_rows: Sequence[int], header_at_end: tuple[str | None, ...] | None, spacers: int
) -> list[Issue]:
    issues = [Issue(HEADER_AT_END.slug)] if header_at_end is not None else []
    if header_rows and header_rows[0] > 0:
        issues.append(Issue(HEADER_NOT_FIRST.slug, row=header_rows[0] + 1))
    if len(header_rows) > 1:
        numbers = [str(r + 1) for r in header_rows]
        detail = f"{', '.join(numbers[:-1])} and {numbers[-1]}"
        issues.append(Issue(HEADER_JOINED.slug, detail=detail))
    if spacers:
        issues.append(Issue(SPACER_COLUMNS.slug, detail=str(spacers)))
    return issues


def unique_names(
    headings: list[str], positions: Sequence[int], header_row: int | None
) -> tuple[list[str], list[Issue]]:
    """Column names from headings: blanks named by position, repeats numbered."""
    names: list[str] = []
    issues: list[Issue] = []
    seen: Counter[str] = Counter()
    for heading, position in zip(headings, positions, strict=True):
        name = heading or f"Column {position + 1}"
        seen[name.lower()] += 1
        if seen[name.lower()] > 1:
            name = f"{name} ({seen[name.lower()]})"
            issues.append(
                Issue(
                    REPEATED_HEADING.slug, row=header_row, column=name, value=heading, detail=name
                )
            )
        elif not heading:
            issues.append(Issue(BLANK_HEADING.slug, row=header_row, column=name, detail=name))
        names.append(name)
    return names, issues


def _neighbour(spacer: int, kept: list[int]) -> int:
    left = [p for p in kept if p < spacer]
    return left[-1] if left else min(kept)


def _spacer_positions(headings: list[str], data: list[list[str]]) -> set[int]:
    filled = [r for r in data if any(r)]
    allowed = max(1, int(SPACER_SHARE * len(filled)))
    counts = Counter(p for r in filled for p, cell in enumerate(r) if cell)
    spacers = {p for p, h in enumerate(headings) if not h and counts[p] <= allowed}
    return spacers if len(spacers) < len(headings) else set()


def _modal_width(rows: list[list[str]]) -> int:
    widths = Counter(_filled_width(r) for r in rows if any(r))
    return max(widths, key=lambda w: (widths[w], w)) if widths else 0


def _filled_width(row: list[str]) -> int:
    return max((i + 1 for i, cell in enumerate(row) if cell), default=0)


def _header_index(grid: list[list[str]], known: Collection[str]) -> int:
    search = range(min(len(grid), HEADER_SEARCH_ROWS))
    if known:
        scores = [_known_count(grid[i], known) for i in search]
        if scores and max(scores) >= _enough(known):
            return scores.index(max(scores))
    typical = _typical_filled(grid)
    found = next((i for i in search if _looks_like_header(grid[i], typical)), None)
    if found is not None:
        return found
    return next((i for i in range(len(grid)) if any(grid[i])), 0)


def _header_is_last(
    grid: list[list[str]], head: list[list[str]], last: list[str], known: Collection[str]
) -> bool:
    if not any(last) or not any(any(r) for r in head):
        return False
    if known:
        best = max((_known_count(r, known) for r in head), default=0)
        tail = _known_count(last, known)
        if max(best, tail) >= _enough(known):
            return tail > best
    typical = _typical_filled(grid)
    return _looks_like_header(last, typical) and not any(
        _looks_like_header(r, typical) for r in head
    )


def _header_rows(grid: list[list[str]], start: int, known: Collection[str]) -> list[int]:
    titles = {c for r in grid[:start] for c in r if c and sum(1 for x in r if x) == 1}
    rows = [start]
    for index in range(start + 1, min(start + 4, len(grid))):
        candidate = [c if c not in titles else "" for c in grid[index]]
        if not _continues_header(grid, rows, candidate, known, titles):
            break
        grid[index] = candidate
        rows.append(index)
    if titles:
        for index in rows:
            grid[index] = [c if c not in titles else "" for c in grid[index]]
    return rows


def _continues_header(
    grid: list[list[str]],
    rows: list[int],
    candidate: list[str],
    known: Collection[str],
    titles: set[str],
) -> bool:
    cells = [c for c in candidate if c]
    if not cells or any(_VALUE.match(c) for c in cells):
        return False
    if known:
        current = _joined(grid, rows, titles)
        before, after = (_known_count(r, known) for r in (current, _join_cells(current, candidate)))
        if after != before:
            return after > before
    lower = sum(1 for c in cells if c[0].islower())
    return lower * 2 > len(cells)


def _joined(grid: list[list[str]], rows: list[int], titles: Collection[str] = ()) -> list[str]:
    joined: list[str] = []
    for index in rows:
        joined = _join_cells(joined, [c if c not in titles else "" for c in grid[index]])
    return joined


def _join_cells(upper: list[str], lower: list[str]) -> list[str]:
    width = max(len(upper), len(lower))
    padded = [(upper + [""] * width)[:width], (lower + [""] * width)[:width]]
    return [" ".join(p for p in pair if p) for pair in zip(*padded, strict=True)]


def _looks_like_header(row: list[str], typical: int) -> bool:
    cells = [c for c in row if c]
    if len(cells) < min(2, typical) or len(cells) * 2 < typical:
        return False
    return not any(_VALUE.match(c) for c in cells) and len(set(cells)) * 2 > len(cells)


def _typical_filled(grid: list[list[str]]) -> int:
    counts = Counter(sum(1 for c in r if c) for r in grid if any(r))
    return max(counts, key=lambda n: (counts[n], n)) if counts else 0


def _known_count(row: Sequence[str], known: Collection[str]) -> int:
    return sum(1 for c in row if c and normalise_header(c) in known)


def _enough(known: Collection[str]) -> int:
    return min(2, len(known))


def _last_raw_index(rows: Sequence[Cells]) -> int:
    filled = (i for i in range(len(rows) - 1, -1, -1) if any(c and c.strip() for c in rows[i]))
    return next(filled, -1)


def _last_raw(rows: Sequence[Cells]) -> Cells:
    index = _last_raw_index(rows)
    return rows[index] if index >= 0 else []


def known_score(headers: Sequence[str], known: Collection[str]) -> int:
    """How many of these headers are names the standard knows (to choose a sheet or file)."""
    return _known_count(headers, known)


def shape_rows(
    raw: pl.DataFrame, layout: Layout, max_cell_bytes: int
) -> tuple[pl.DataFrame, pl.Series, list[Issue]]:
    """Shape one batch of raw rows (columns c0, c1, ... and ``__row``) by the layout.

    Returns the rows with their named columns, their row numbers, and the issues found.
    Columns past ``layout.width`` are extra cells of ragged rows: reported, then dropped.
    """
    raw = _drop_header_and_blank_rows(raw, layout)
    issues = _extra_cells(raw, layout)
    raw, spilled = _merge_spills(raw, layout)
    frame = raw.select(
        pl.col(f"c{p}").alias(name) for p, name in zip(layout.columns, layout.names, strict=True)
    )
    frame, cut = _cut_long_cells(frame, raw[ROW], max_cell_bytes)
    return frame, raw[ROW].cast(pl.Int64), issues + spilled + cut


def _drop_header_and_blank_rows(raw: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    cells = [c for c in raw.columns if c != ROW]
    keep = pl.any_horizontal(pl.col(c).is_not_null() for c in cells)
    keep = keep & (pl.col(ROW) >= layout.first_data_row)
    if layout.header_at_end is not None:
        header = list(layout.header_at_end) + [None] * len(cells)
        same = [
            pl.col(c).eq_missing(pl.lit(h, pl.String)) for c, h in zip(cells, header, strict=False)
        ]
        keep = keep & ~pl.all_horizontal(same)
    mask = raw.select(keep).to_series()
    return raw if mask.all() else raw.filter(mask)


def _extra_cells(raw: pl.DataFrame, layout: Layout) -> list[Issue]:
    extra = [c for c in raw.columns if c != ROW and int(c[1:]) >= layout.width]
    if not extra:
        return []
    text = pl.concat_str([pl.col(c) for c in extra], separator=", ", ignore_nulls=True)
    found = raw.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in extra))
    return [
        Issue(TOO_MANY_CELLS.slug, row=row, value=value)
        for row, value in found.select(ROW, text).iter_rows()
    ]


def _merge_spills(raw: pl.DataFrame, layout: Layout) -> tuple[pl.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    name_of = dict(zip(layout.columns, layout.names, strict=True))
    for spacer, target in layout.spills:
        source, into = pl.col(f"c{spacer}"), pl.col(f"c{target}")
        spilled = raw.filter(source.is_not_null() & (source.str.strip_chars() != ""))
        if spilled.height == 0:
            continue
        issues += [
            Issue(SPACER_TEXT.slug, row=row, field=name_of[target], value=text)
            for row, text in spilled.select(ROW, f"c{spacer}").iter_rows()
        ]
        merged = pl.concat_str([into, source], separator=" ", ignore_nulls=True)
        raw = raw.with_columns(
            pl.when(source.is_not_null() & (source.str.strip_chars() != ""))
            .then(merged)
            .otherwise(into)
            .alias(f"c{target}")
        )
    return raw, issues


def _cut_long_cells(
    frame: pl.DataFrame, rows: pl.Series, limit: int
) -> tuple[pl.DataFrame, list[Issue]]:
    if frame.width == 0 or frame.height == 0:
        return frame, []
    longest = frame.select(pl.all().str.len_bytes().max()).row(0)
    issues: list[Issue] = []
    for name, length in zip(frame.columns, longest, strict=True):
        if length is not None and length > limit:
            frame, found = _cut_column(frame, rows, name, limit)
            issues += found
    return frame, issues


def _cut_column(
    frame: pl.DataFrame, rows: pl.Series, name: str, limit: int
) -> tuple[pl.DataFrame, list[Issue]]:
    too_long = frame[name].str.len_bytes() > limit
    long_values = frame[name].filter(too_long).to_list()
    detail = _describe_bytes(limit)
    issues = [
        Issue(CELL_TOO_LONG.slug, row=row, field=name, value=value[:80], detail=detail)
        for row, value in zip(rows.filter(too_long), long_values, strict=True)
    ]
    cut = pl.Series(name, [_cut(v, limit) for v in long_values], dtype=pl.String)
    column = frame[name].scatter(too_long.arg_true(), cut)
    return frame.with_columns(column), issues


def _cut(value: str, limit: int) -> str:
    return value.encode()[:limit].decode("utf-8", "ignore")


def _describe_bytes(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit:,} bytes"
