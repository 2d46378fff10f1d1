"""Harmonise strings and text: collapse stray whitespace.

A ``string`` becomes one line: every run of whitespace (tabs, newlines, non-breaking spaces)
becomes one space. A ``text`` keeps its line breaks (as ``\\n``) but tidies the spaces around
them. A value of nothing but whitespace becomes empty (null).

Neither reports an issue: the original value is kept beside the harmonised one, and telling a
publisher about every double space would bury the findings that matter.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import map_distinct, no_issues, patch
from localdata.ingest.datatypes.result import Harmonised
from localdata.standards.model import StandardField

# Only cells that match these are rewritten; most cells are clean and are left as they are.
_UNTIDY_STRING = r"^\s|\s$|[^\S ]| {2}"
_UNTIDY_TEXT = r"^\s|\s$|[^\S\n ]| {2}| \n|\n "


def collapse_whitespace(values: pl.Series) -> pl.Series:
    """Each value on one line, with single spaces and no space at either end."""
    untidy = values.str.contains(_UNTIDY_STRING).fill_null(value=False).arg_true()
    tidy = map_distinct(values.gather(untidy), _one_line)
    return patch(values, untidy, tidy)


def tidy_text(values: pl.Series) -> pl.Series:
    """Each value with ``\\n`` line breaks, single spaces and no space around line breaks."""
    untidy = values.str.contains(_UNTIDY_TEXT).fill_null(value=False).arg_true()
    return patch(values, untidy, map_distinct(values.gather(untidy), _lines))


def _one_line(values: pl.Series) -> pl.Series:
    return values.str.replace_all(r"\s+", " ").str.strip_chars().replace("", None)


def _lines(values: pl.Series) -> pl.Series:
    return (
        values.str.replace_all(r"\r\n?", "\n")
        .str.replace_all(r"[^\S\n]+", " ")
        .str.replace_all(r" ?\n ?", "\n")
        .str.strip_chars()
        .replace("", None)
    )


def harmonise_string(values: pl.Series, field: StandardField) -> Harmonised:
    """Strings on one line with single spaces; no issues."""
    return Harmonised(collapse_whitespace(values), no_issues(values.len(), values.name))


def harmonise_text(values: pl.Series, field: StandardField) -> Harmonised:
    """Text with its line breaks kept and stray spaces removed; no issues."""
    return Harmonised(tidy_text(values), no_issues(values.len(), values.name))
