"""What a format reader hands to shaping: a sample of the first rows, and every row as a stream.

Each reader (``delimited.py``, ``workbooks.py``, ``jsonfiles.py``) turns a file into a
``RawTable``. Rows are read into positional text columns ``c0, c1, ...`` with the row number
each has in the source in ``__row``; empty cells are null. ``readers.py`` finds the layout
from the sample (``shape.find_layout``) and shapes each ``RawRecords`` batch by it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import polars as pl

from localdata.ingest.issues import Issue
from localdata.ingest.shape import ROW, Layout, column_names


@dataclass
class RawRecords:
    """One batch of rows as read: text columns c0, c1, ... and their row numbers in ``__row``."""

    frame: pl.DataFrame
    issues: list[Issue] = field(default_factory=list)


@dataclass
class RawTable:
    """A table as a format reader found it, before shaping."""

    format: str
    sample: list[list[str | None]]
    records: Callable[[Layout], Iterator[RawRecords]]
    last_row: list[str | None] | None = None
    encoding: str | None = None
    sheet: str | None = None
    delimiter: str | None = None
    layout: Layout | None = None
    issues: list[Issue] = field(default_factory=list)


def records_frame(
    rows: Sequence[Sequence[str | None]], numbers: Sequence[int], width: int
) -> pl.DataFrame:
    """A raw frame from rows of text already cut or padded to ``width`` cells."""
    schema = dict.fromkeys(column_names(width), pl.String)
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    return frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))


def fit(cells: Sequence[str | None], width: int) -> list[str | None]:
    """Cells cut or padded with nulls to ``width``; empty text becomes null."""
    fitted = [c if c != "" else None for c in cells[:width]]
    return fitted + [None] * (width - len(fitted))
