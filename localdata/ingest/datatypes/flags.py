"""Harmonise flags: yes or no.

``yes``, ``y``, ``true``, ``t`` and ``1`` are yes; ``no``, ``n``, ``false``, ``f`` and ``0`` are
no, in any case. Anything else is an error: we do not guess what ``maybe`` or ``tbc`` means.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

FLAG_UNRECOGNISED = IssueType(
    "flag-unrecognised",
    "Not yes or no",
    Severity.ERROR,
    "Enter yes or no.",
)

FLAG_WORDS: dict[str, bool] = {
    **dict.fromkeys(("yes", "y", "true", "t", "1"), True),
    **dict.fromkeys(("no", "n", "false", "f", "0"), False),
}


def harmonise_flag(values: pl.Series, field: StandardField) -> Harmonised:
    """Flags as pl.Boolean."""
    return by_distinct(values, _flags)


def _flags(distinct: pl.Series) -> Harmonised:
    flag = (
        pl.col("raw")
        .str.strip_chars()
        .str.to_lowercase()
        .replace_strict(FLAG_WORDS, default=None, return_dtype=pl.Boolean)
    )
    found = (
        distinct.alias("raw")
        .to_frame()
        .select(
            flag.alias("value"), first_issue((flag.is_null(), FLAG_UNRECOGNISED)).alias("issue")
        )
    )
    return Harmonised(found["value"], found["issue"])
