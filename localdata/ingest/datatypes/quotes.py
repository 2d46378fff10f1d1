"""Take off quotation marks that wrap a whole cell, before any datatype's harmoniser sees it.

Some exports write a value's quotation marks into the cell itself: ``"Kingston upon Hull, City
of"`` with the quote characters, or a date as ``"2019-12-13"``. A cell that starts with a
double quotation mark (straight ``"`` or curly ``“``) and ends with one, with none in between,
has them taken off, with the info issue ``quotes-removed``; spaces inside them go too. This is
done for every datatype.

A cell with quotation marks inside as well (``"a" and "b"``) or with only an opening one (a
value cut short) is left as it is: we cannot tell which marks belong to the value. A cell of
quotation marks with nothing inside (``""``) is left for ``blanks.py``, which reads it as a
placeholder. Single
quotation marks are left alone, because a leading apostrophe is how spreadsheets mark text
and names can be quoted on purpose.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import no_issues, patch
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity

QUOTES_REMOVED = IssueType(
    "quotes-removed",
    "Quotation marks removed",
    Severity.INFO,
    "We removed the quotation marks around this value. You can enter it without them.",
    fixed_by="library",
)

_OPENS = r'^\s*["“”]'
_WRAPPED = r'^\s*["“”]([^"“”]*)["“”]\s*$'


def unwrap_quotes(values: pl.Series) -> Harmonised:
    """The column with wrapping quotation marks taken off, and an issue where they were."""
    issues = no_issues(values.len(), values.name)
    rows = values.str.contains(_OPENS).fill_null(value=False).arg_true()
    if rows.len() == 0:
        return Harmonised(values, issues)
    quoted = values.gather(rows)
    inner = quoted.str.extract(_WRAPPED, 1).str.strip_chars().replace("", None)
    unwrapped = inner.is_not_null()
    slugs = pl.select(pl.when(pl.lit(unwrapped)).then(pl.lit(QUOTES_REMOVED.slug))).to_series()
    return Harmonised(
        patch(values, rows, inner.fill_null(quoted)),
        patch(issues, rows, slugs),
    )
