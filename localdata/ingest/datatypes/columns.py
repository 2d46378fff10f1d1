"""Building blocks for harmonising whole columns: per distinct value, per subset, issue choice.

Harmonisers never loop over cells in Python. Two patterns keep them fast:

- ``by_distinct``: harmonise each distinct value once and join the results back. Columns of
  dates, flags and codes have few distinct values, so every rule becomes cheap.
- ``patch``: parse every row with one fast cast, then run the slower clean-up rules only on the
  rows the fast cast could not read (amounts with ``£`` or thousands separators).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import CATALOGUE, IssueType


def no_issues(length: int, name: str = "") -> pl.Series:
    """An issue column with nothing to say about any of ``length`` cells."""
    return pl.repeat(None, length, dtype=pl.String, eager=True).alias(name)


def by_distinct(
    values: pl.Series, harmonise_distinct: Callable[[pl.Series], Harmonised]
) -> Harmonised:
    """Harmonise each distinct non-empty value once, then give every cell its value's result."""
    distinct = values.unique().drop_nulls()
    found = harmonise_distinct(distinct)
    table = pl.DataFrame(
        {"key": distinct, "value": found.values, "issue": found.issues.cast(pl.String)}
    )
    joined = values.alias("key").to_frame().join(table, on="key", how="left", maintain_order="left")
    return Harmonised(
        joined["value"].alias(values.name),
        joined["issue"].alias(values.name),
        found.column_issues,
        found.details,
    )


def map_distinct(values: pl.Series, function: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """``function`` applied to each distinct value once, given back to every cell."""
    distinct = values.unique()
    return values.replace_strict(distinct, function(distinct), return_dtype=values.dtype)


def patch(base: pl.Series, rows: pl.Series, replacement: pl.Series) -> pl.Series:
    """``base`` with the cells at positions ``rows`` replaced, in order, by ``replacement``."""
    if rows.len() == 0:
        return base
    patched = base.clone()
    patched.scatter(rows, replacement.cast(base.dtype))
    return patched


def first_issue(*rules: tuple[pl.Expr, IssueType]) -> pl.Expr:
    """The slug of the most serious issue whose condition holds, or null when none holds.

    Rules of the same severity are tried in the order given.
    """
    chosen: pl.Expr = pl.lit(None, pl.String)
    by_severity = sorted(rules, key=lambda rule: rule[1].severity.rank)
    for condition, issue_type in reversed(by_severity):
        chosen = pl.when(condition).then(pl.lit(issue_type.slug)).otherwise(chosen)
    return chosen


def most_serious(first: pl.Series, second: pl.Series) -> pl.Series:
    """Cell by cell, the more serious of two issue slugs (``first`` when they tie)."""
    ranks = {slug: issue_type.severity.rank for slug, issue_type in CATALOGUE.items()}
    frame = pl.DataFrame({"a": first, "b": second})
    rank = {
        name: pl.col(name).replace_strict(ranks, default=99, return_dtype=pl.Int8)
        for name in ("a", "b")
    }
    return frame.select(
        pl.when(pl.col("b").is_not_null() & (rank["b"] < rank["a"]).fill_null(value=True))
        .then(pl.col("b"))
        .otherwise(pl.col("a"))
        .alias(first.name)
    ).to_series()
