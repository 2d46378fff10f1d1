"""Step 5 of the check: validate harmonised values against the standard's rules.

Each check looks at whole columns and returns a table of issues in the report's issue schema;
none of them raises, and none of them changes a value.
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import Datatype, StandardField

MISSING_VALUE = IssueType(
    "missing-value",
    "Missing value",
    Severity.ERROR,
    "Enter a value for {field}: it is required.",
)
TOO_SMALL = IssueType(
    "value-too-small",
    "Value too small",
    Severity.ERROR,
    "{field} is {value}, which is below the lowest allowed value, {detail}. Check the value.",
)
TOO_LARGE = IssueType(
    "value-too-large",
    "Value too large",
    Severity.ERROR,
    "{field} is {value}, which is above the highest allowed value, {detail}. Check the value.",
)
PATTERN_MISMATCH = IssueType(
    "pattern-mismatch",
    "Value not in the expected form",
    Severity.ERROR,
    "'{value}' is not in the form {field} needs. {detail}",
)
TOO_LONG = IssueType(
    "value-too-long",
    "Value too long",
    Severity.ERROR,
    "{field} can be at most {detail} characters long. Shorten it.",
)
TOO_SHORT = IssueType(
    "value-too-short",
    "Value too short",
    Severity.ERROR,
    "{field} must be at least {detail} characters long.",
)
DUPLICATE_VALUE = IssueType(
    "duplicate-value",
    "Value used more than once",
    Severity.ERROR,
    "'{value}' appears in more than one row, but each row needs its own {field}. "
    "Give each row a different value.",
)
FORMULA = IssueType(
    "formula-in-cell",
    "Spreadsheet formula in a cell",
    Severity.WARNING,
    "'{value}' starts like a spreadsheet formula. We publish it as plain text, so it will not "
    "run. If you meant a value, enter the value itself.",
)

# A cell a spreadsheet would run: it starts with = or @, a tab or a carriage return, or with
# + or - followed by anything but a plain number ("-12.50" is a value; "-2+3" and
# "+cmd|' /C calc'!A0" are formulas).
_STARTS_FORMULA = r"^\s*[=@]|^[\t\r]"
_SIGNED = r"^\s*[+\-]"
_PLAIN_NUMBER = r"^\s*[+\-]\s*£?[0-9][0-9,]*(?:\.[0-9]+)?\s*$"


def runnable(cell: pl.Expr) -> pl.Expr:
    """True where a spreadsheet would run the cell as a formula."""
    signed = cell.str.contains(_SIGNED) & ~cell.str.contains(_PLAIN_NUMBER)
    return cell.str.contains(_STARTS_FORMULA) | signed


NUMERIC = {Datatype.INTEGER, Datatype.DECIMAL, Datatype.MONEY}


def _issues(
    frame: pl.DataFrame,
    mask: pl.Expr,
    slug: str,
    field_name: str,
    value: pl.Expr,
    detail: str = "",
) -> pl.DataFrame:
    """The rows of ``frame`` where ``mask`` holds, as issues of one type."""
    return frame.filter(mask).select(
        pl.col("_row").alias("row"),
        pl.lit(field_name, pl.String).alias("field"),
        pl.lit(None, pl.String).alias("column"),
        pl.lit(slug, pl.String).alias("type"),
        value.cast(pl.String).alias("value"),
        pl.lit(detail, pl.String).alias("detail"),
    )


def check_field(
    table: pl.DataFrame, original: pl.Series | None, standard_field: StandardField
) -> list[pl.DataFrame]:
    """Issues for one field's harmonised column (``original`` is the column as found)."""
    name = standard_field.name
    value = pl.col(name)
    checks: list[tuple[pl.Expr, str, pl.Expr, str]] = []
    if standard_field.required:
        # A cell of only spaces is as empty as no cell; any other cell that gave no value has
        # already been reported by its harmoniser, with the reason.
        empty = pl.col("_raw").is_null() | (pl.col("_raw").str.strip_chars() == "")
        checks.append((value.is_null() & empty, MISSING_VALUE.slug, pl.col("_raw"), ""))
    checks += _range_checks(standard_field)
    checks += _text_checks(standard_field)
    if not checks:
        return []
    raw = (
        original
        if original is not None
        else pl.repeat(None, table.height, dtype=pl.String, eager=True)
    )
    frame = table.select("_row", name).with_columns(raw.alias("_raw"))
    found = [
        _issues(frame, mask, slug, name, shown, detail) for mask, slug, shown, detail in checks
    ]
    return [hits for hits in found if hits.height]


def _range_checks(standard_field: StandardField) -> list[tuple[pl.Expr, str, pl.Expr, str]]:
    rules = standard_field.constraints
    if standard_field.datatype not in NUMERIC:
        return []
    value = pl.col(standard_field.name).cast(pl.Float64)
    checks = []
    if rules.minimum is not None:
        checks.append(
            (value < rules.minimum, TOO_SMALL.slug, pl.col("_raw"), _number(rules.minimum))
        )
    if rules.maximum is not None:
        checks.append(
            (value > rules.maximum, TOO_LARGE.slug, pl.col("_raw"), _number(rules.maximum))
        )
    return checks


def _text_checks(standard_field: StandardField) -> list[tuple[pl.Expr, str, pl.Expr, str]]:
    rules = standard_field.constraints
    if standard_field.datatype not in {Datatype.STRING, Datatype.TEXT} or rules.codes:
        return []
    value = pl.col(standard_field.name)
    checks = []
    if rules.pattern:
        hint = (
            f"Use the form of this example: {standard_field.example}."
            if (standard_field.example)
            else ""
        )
        checks.append(
            (~value.str.contains(f"^(?:{rules.pattern})$"), PATTERN_MISMATCH.slug, value, hint)
        )
    if rules.max_length is not None:
        checks.append(
            (value.str.len_chars() > rules.max_length, TOO_LONG.slug, value, str(rules.max_length))
        )
    if rules.min_length is not None:
        checks.append(
            (value.str.len_chars() < rules.min_length, TOO_SHORT.slug, value, str(rules.min_length))
        )
    return checks


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def check_formulas(originals: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame | None:
    """Cells, in the columns as found, that a spreadsheet would run as a formula.

    Only text columns need this: a formula in a date or number column cannot be read as a
    date or number, so it is already reported there, and it is never published.
    """
    found = [
        _issues(
            originals,
            runnable(pl.col(column)),
            FORMULA.slug,
            field_name,
            pl.col(column),
        )
        for column, field_name in columns.items()
    ]
    found = [hits for hits in found if hits.height]
    return pl.concat(found) if found else None


def duplicate_values(values: pl.Series, rows: pl.Series, field_name: str) -> pl.DataFrame:
    """Rows whose value of a unique field appears more than once (after the first)."""
    frame = pl.DataFrame({"_row": rows, "v": values}).filter(pl.col("v").is_not_null())
    repeated = pl.col("v").is_duplicated() & ~pl.col("v").is_first_distinct()
    return _issues(frame, repeated, DUPLICATE_VALUE.slug, field_name, pl.col("v"))
