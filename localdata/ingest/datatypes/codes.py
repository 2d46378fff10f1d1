"""Harmonise values of a code list: match them to the allowed values, as the standard spells them.

A value matches a code when it equals the code's value, label or one of its aliases, ignoring
case, spaces, hyphens and underscores: ``Not Permissioned``, ``not_permissioned`` and
``NOT-PERMISSIONED`` all become ``not permissioned`` if that is the code's value. A value
changed this way gets an info issue; a value that matches no code is an error whose message
lists the allowed values.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

CODE_MATCHED = IssueType(
    "code-matched",
    "Value matched to the allowed spelling",
    Severity.INFO,
    "We changed this to the spelling the standard uses for it.",
    fixed_by="library",
)
CODE_NOT_ALLOWED = IssueType(
    "code-not-allowed",
    "Value not in the list",
    Severity.ERROR,
    "Enter one of the allowed values: {detail}.",
)

_SHOWN = 12  # the message lists at most this many allowed values


def code_key(values: pl.Expr) -> pl.Expr:
    """The form in which values and codes are compared: lower case, no spaces, - or _."""
    return values.str.to_lowercase().str.replace_all(r"[\s_\-]+", "")


def code_lookup(field: StandardField) -> dict[str, str]:
    """Each spelling's comparison key, mapped to the code value it stands for.

    Values win over labels, and labels over aliases, when two codes share a spelling.
    """
    spellings = [
        *((code.value, code.value) for code in field.constraints.codes),
        *((code.label, code.value) for code in field.constraints.codes if code.label),
        *((alias, code.value) for code in field.constraints.codes for alias in code.aliases),
    ]
    frame = pl.DataFrame(spellings, schema=["spelling", "value"], orient="row")
    keyed = frame.select(code_key(pl.col("spelling")).alias("key"), "value")
    return dict(keyed.unique("key", keep="first", maintain_order=True).iter_rows())


def allowed_values(field: StandardField) -> str:
    """The allowed values, as the message lists them."""
    values = list(field.code_values)
    shown = ", ".join(values[:_SHOWN])
    more = len(values) - _SHOWN
    return f"{shown} (and {more} more: see the standard's guidance)" if more > 0 else shown


def harmonise_codes(values: pl.Series, field: StandardField) -> Harmonised:
    """The code value each value matches (pl.String), or null and an error."""
    lookup = code_lookup(field)
    result = by_distinct(values, lambda distinct: _matched(distinct, lookup))
    result.details[CODE_NOT_ALLOWED.slug] = allowed_values(field)
    return result


def _matched(distinct: pl.Series, lookup: dict[str, str]) -> Harmonised:
    raw = pl.col("raw")
    value = code_key(raw).replace_strict(lookup, default=None, return_dtype=pl.String)
    found = (
        distinct.alias("raw")
        .to_frame()
        .select(
            value.alias("value"),
            first_issue((value.is_null(), CODE_NOT_ALLOWED), (value != raw, CODE_MATCHED)).alias(
                "issue"
            ),
        )
    )
    return Harmonised(found["value"], found["issue"])
