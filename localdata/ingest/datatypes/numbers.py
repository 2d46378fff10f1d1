"""Harmonise integers, decimals and money.

Every row is first read with one fast cast; only the rows it cannot read go through the
clean-up rules, which take off what spreadsheets and finance systems add around a number:

- spaces and thousands separators: ``1,234.50``, ``1 234.50`` (commas must group thousands,
  so ``1,23`` is not read);
- a negative in brackets, ``(1,234.00)``, or with a trailing minus, ``1234.00-``;
- for money only: the pound sign or ``GBP`` anywhere (``£-5``, ``-£5.00``, ``GBP 10``), and a
  trailing ``CR`` (a credit, so negative) or ``DR`` (a debit, so positive). Another currency's
  sign or code (``€``, ``$``, ``EUR``, ``USD``) is an error: we do not convert currencies.

A value that needed any of these is read with the info issue ``number-formatting-removed``.

A decimal written as a ratio to one, ``7.14:1`` or ``7.14 : 1`` (as councils write a pay
multiple), is that number, 7.14, with the info issue ``ratio-read-as-number``. Any other ratio
(``1:7.14``, ``3:2``) is the error ``ratio-unrecognised``: ``1:7.14`` is 0.14 as a number, but
a council writing a pay multiple that way means 7.14, so we ask rather than guess. Integers and
money are never ratios.
Exponents (``1.2E3``) and a zero fraction on a whole number (``12.0``) are plain number syntax
and read without an issue.

Money is ``Decimal(18, 2)``: exact pence, sums without float error, and a native decimal in
Parquet and Delta. An amount with more than two decimal places is rounded to the nearest
penny, halves away from zero as a spreadsheet rounds, with the warning
``money-rounded-to-pence``: the value is kept, but the publisher should check it.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from localdata.ingest.datatypes.columns import first_issue, no_issues, patch
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

FORMATTING_REMOVED = IssueType(
    "number-formatting-removed",
    "Number formatting removed",
    Severity.INFO,
    "We removed currency signs, spaces, thousands separators or brackets to read this number. "
    "You can enter numbers without them, like -1234.50.",
    fixed_by="library",
)
INTEGER_UNRECOGNISED = IssueType(
    "integer-unrecognised",
    "Not a whole number",
    Severity.ERROR,
    "Enter a whole number, like 25.",
)
INTEGER_NOT_WHOLE = IssueType(
    "integer-not-whole",
    "Number with a fraction",
    Severity.ERROR,
    "Enter a whole number, like 25, with no decimal part.",
)
DECIMAL_UNRECOGNISED = IssueType(
    "decimal-unrecognised",
    "Not a number",
    Severity.ERROR,
    "Enter a number, like 12.5.",
)
MONEY_UNRECOGNISED = IssueType(
    "money-unrecognised",
    "Not an amount of money",
    Severity.ERROR,
    "Enter an amount in pounds, like 1234.50 or -25.00.",
)
MONEY_FOREIGN_CURRENCY = IssueType(
    "money-foreign-currency",
    "Amount in another currency",
    Severity.ERROR,
    "Enter the amount in pounds sterling, like 1234.50. We cannot convert other currencies.",
)
MONEY_ROUNDED = IssueType(
    "money-rounded-to-pence",
    "Amount rounded to the nearest penny",
    Severity.WARNING,
    "We rounded this amount to the nearest penny. Check it is right, and enter amounts with "
    "no more than 2 decimal places, like 1234.50.",
)

RATIO_READ = IssueType(
    "ratio-read-as-number",
    "Ratio read as a number",
    Severity.INFO,
    "We read this ratio as the number it stands for, like 7.14 for 7.14:1. You can enter the "
    "number on its own.",
    fixed_by="library",
)
RATIO_UNRECOGNISED = IssueType(
    "ratio-unrecognised",
    "Ratio not written as one number",
    Severity.ERROR,
    "Enter the ratio as one number: for 7.14 to 1, enter 7.14.",
)

MONEY = pl.Decimal(18, 2)
# Wide enough to read any amount exactly before it is rounded to pence.
_EXACT = pl.Decimal(38, 12)
_PLAIN_NUMBER = r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$"
_GROUPED_THOUSANDS = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$"
# The commonest written forms, "£1,234.50" and "-£5", need only "£" and "," taken out.
_COMMON_MONEY = r"^[+-]?£?[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
_COMMON_NUMBER = r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$"
_TO_ONE = r"^\s*(\d+(?:\.\d+)?)\s*:\s*1(?:\.0*)?\s*$"
_RATIO = r"^\s*[\d.,]+\s*:\s*[\d.,]+\s*$"


def clean_number_text(raw: pl.Series, *, money: bool) -> pl.DataFrame:
    """Plain number text for values written with signs, separators and brackets.

    Returns the columns ``text`` (null when the value cannot be read as a number), ``changed``
    (something other than surrounding spaces was removed) and ``foreign`` (money only: the
    value names another currency).
    """
    common = raw.str.contains(_COMMON_MONEY if money else _COMMON_NUMBER)
    if not common.any():
        return _clean_any_form(raw, money=money)
    rows, others = common.arg_true(), (~common).arg_true()
    written = raw.gather(rows)
    quick = written.str.replace_all("£", "", literal=True).str.replace_all(",", "", literal=True)
    found = pl.DataFrame(
        {
            "text": quick,
            "changed": quick != written,
            "foreign": pl.repeat(False, rows.len(), eager=True),
        }
    )
    if others.len():
        rest = _clean_any_form(raw.gather(others), money=money)
        order = pl.concat([rows, others]).arg_sort()
        found = pl.concat([found, rest]).select(pl.all().gather(order))
    return found


def _clean_any_form(raw: pl.Series, *, money: bool) -> pl.DataFrame:
    t = pl.col("t")
    frame = raw.alias("raw").to_frame().with_columns(t=pl.col("raw").str.replace_all(r"\s+", ""))
    frame = frame.with_columns(
        foreign=t.str.contains(r"(?i)[€$¥]|eur|usd") if money else pl.lit(False),
        credit=t.str.contains(r"(?i)cr\.?$") if money else pl.lit(False),
    )
    if money:
        frame = frame.with_columns(
            t=t.str.replace_all(r"(?i)£|gbp", "").str.replace(r"(?i)(?:cr|dr)\.?$", "")
        )
    frame = frame.with_columns(
        brackets=t.str.contains(r"^\(.+\)$"),
        trailing_minus=t.str.contains(r"^[^+-].*-$"),
    ).with_columns(
        t=pl.when("brackets")
        .then(t.str.slice(1, t.str.len_chars() - 2))
        .when("trailing_minus")
        .then(t.str.strip_suffix("-"))
        .otherwise(t)
    )
    frame = frame.with_columns(
        t=pl.when(t.str.contains(_GROUPED_THOUSANDS)).then(t.str.replace_all(",", "")).otherwise(t)
    )
    negate = pl.col("brackets") | pl.col("trailing_minus") | pl.col("credit")
    readable = t.str.contains(_PLAIN_NUMBER) & ~(negate & t.str.contains(r"^[+-]"))
    text = pl.when(readable & negate).then(pl.lit("-") + t).when(readable).then(t)
    return frame.select(
        text.alias("text"),
        (text != pl.col("raw").str.strip_chars()).fill_null(value=False).alias("changed"),
        pl.col("foreign"),
    )


def harmonise_integer(values: pl.Series, field: StandardField) -> Harmonised:
    """Whole numbers as Int64; ``12.0`` is 12 and ``12.5`` is an error."""
    fast = values.cast(pl.Int64, strict=False)
    rows = (values.is_not_null() & fast.is_null()).arg_true()
    issues = no_issues(values.len(), values.name)
    if rows.len() == 0:
        return Harmonised(fast.alias(values.name), issues)
    cleaned = clean_number_text(values.gather(rows), money=False)
    text, number = pl.col("text"), pl.col("text").cast(pl.Float64, strict=False)
    fraction = number.is_finite() & (number != number.round(0))
    exact = text.str.replace(r"\.0*$", "").cast(pl.Int64, strict=False)
    # Exponents (1e3) go through a float, exact for whole numbers below 2**53.
    from_float = pl.when(~fraction & (number.abs() < 2.0**53)).then(
        number.cast(pl.Int64, strict=False)
    )
    value = pl.coalesce(exact, from_float)
    found = cleaned.select(
        value.alias("value"),
        first_issue(
            (fraction, INTEGER_NOT_WHOLE),
            (value.is_null(), INTEGER_UNRECOGNISED),
            (pl.col("changed"), FORMATTING_REMOVED),
        ).alias("issue"),
    )
    return Harmonised(
        patch(fast, rows, found["value"]).alias(values.name), patch(issues, rows, found["issue"])
    )


def harmonise_decimal(values: pl.Series, field: StandardField) -> Harmonised:
    """Numbers as Float64."""
    fast = values.cast(pl.Float64, strict=False)
    rows = (values.is_not_null() & ~fast.is_finite().fill_null(value=False)).arg_true()
    issues = no_issues(values.len(), values.name)
    if rows.len() == 0:
        return Harmonised(fast.alias(values.name), issues)
    written = values.gather(rows)
    cleaned = clean_number_text(written, money=False).with_columns(raw=written)
    to_one = pl.col("raw").str.extract(_TO_ONE, 1).cast(pl.Float64, strict=False)
    number = pl.coalesce(pl.col("text").cast(pl.Float64, strict=False), to_one)
    value = pl.when(number.is_finite()).then(number)
    found = cleaned.select(
        value.alias("value"),
        first_issue(
            (value.is_null() & pl.col("raw").str.contains(_RATIO), RATIO_UNRECOGNISED),
            (value.is_null(), DECIMAL_UNRECOGNISED),
            (to_one.is_not_null(), RATIO_READ),
            (pl.col("changed"), FORMATTING_REMOVED),
        ).alias("issue"),
    )
    return Harmonised(
        patch(fast, rows, found["value"]).alias(values.name), patch(issues, rows, found["issue"])
    )


def harmonise_money(values: pl.Series, field: StandardField) -> Harmonised:
    """Amounts in pounds as Decimal(18, 2), rounded to the nearest penny."""
    exact = values.cast(_EXACT, strict=False)
    issues = no_issues(values.len(), values.name)
    rows = (values.is_not_null() & exact.is_null()).arg_true()
    if rows.len():
        cleaned = clean_number_text(values.gather(rows), money=True)
        exact = patch(exact, rows, cleaned["text"].cast(_EXACT, strict=False))
        found = cleaned.with_columns(value=exact.gather(rows)).select(
            first_issue(
                (pl.col("foreign"), MONEY_FOREIGN_CURRENCY),
                (pl.col("value").is_null(), MONEY_UNRECOGNISED),
                (pl.col("changed"), FORMATTING_REMOVED),
            )
        )
        issues = patch(issues, rows, found.to_series())
    return _round_to_pence(values, exact, issues)


def _round_to_pence(values: pl.Series, exact: pl.Series, issues: pl.Series) -> Harmonised:
    """Amounts rounded to pence (halves away from zero), warning where that changed them."""
    pence = exact.cast(MONEY, strict=False)
    rows = (exact != pence).fill_null(value=False).arg_true()
    rounded = exact.gather(rows).round(2, mode="half_away_from_zero").cast(MONEY, strict=False)
    pence = patch(pence, rows, rounded)
    issues = patch(issues, rows, pl.repeat(MONEY_ROUNDED.slug, rows.len(), eager=True))
    too_large = (exact.is_not_null() & pence.is_null()).arg_true()
    issues = patch(
        issues, too_large, pl.repeat(MONEY_UNRECOGNISED.slug, too_large.len(), eager=True)
    )
    return Harmonised(pence.alias(values.name), issues.alias(values.name))


def decimal_text(values: pl.Series) -> pl.Series:
    """Float64 numbers as plain decimal text: no exponent, no ``.0`` on whole numbers."""
    unsigned_zero = pl.when(pl.lit(values) == 0).then(0.0).otherwise(pl.lit(values))
    text = pl.select(unsigned_zero).to_series().cast(pl.String).str.strip_suffix(".0")
    exponent = text.str.contains("e", literal=True).fill_null(value=False).arg_true()
    if exponent.len() == 0:
        return text
    distinct = text.gather(exponent).unique()
    plain = {s: _plain(s) for s in distinct.to_list()}  # rare: tiny or huge numbers only
    return patch(text, exponent, text.gather(exponent).replace_strict(plain))


def _plain(number: str) -> str:
    return format(Decimal(number), "f")
