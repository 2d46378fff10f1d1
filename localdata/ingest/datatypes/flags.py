"""Harmonise flags: yes or no.

``yes``, ``y``, ``true``, ``t`` and ``1`` are yes; ``no``, ``n``, ``false``, ``f`` and ``0`` are
no, in any case. A cell that holds the field's own name (``Deliverable`` in the deliverable
column, as registers tick a box by writing its heading) is yes, with an info issue. Anything
else is an error: we do not guess what ``maybe`` or ``tbc`` means.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

FLAG_NAMED = IssueType(
    "flag-written-as-its-name",
    "Yes written as the column's name",
    Severity.INFO,
    "We read '{value}', the name of this field, as yes. Write yes, or leave the cell empty.",
    fixed_by="library",
)
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
    names = [field.name, field.title, *field.aliases]
    own = {_key(name) for name in names if name}
    return by_distinct(values, lambda distinct: _flags(distinct, own))


def _key(text: str) -> str:
    return "".join(c for c in text.lower() if c.isalnum())


def _flags(distinct: pl.Series, own: set[str]) -> Harmonised:
    text = pl.col("raw").str.strip_chars().str.to_lowercase()
    word = text.replace_strict(FLAG_WORDS, default=None, return_dtype=pl.Boolean)
    named = word.is_null() & text.str.replace_all(r"[^a-z0-9]", "").is_in(list(own))
    flag = pl.when(named).then(pl.lit(True)).otherwise(word)
    found = (
        distinct.alias("raw")
        .to_frame()
        .select(
            flag.alias("value"),
            first_issue((flag.is_null(), FLAG_UNRECOGNISED), (named, FLAG_NAMED)).alias("issue"),
        )
    )
    return Harmonised(found["value"], found["issue"])
