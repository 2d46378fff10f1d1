"""Integers, decimals and money."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdata.ingest.datatypes import canonical_text, harmonise
from localdata.standards.model import Datatype
from tests.ingest.datatypes.factories import column, make_field, one, pairs


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("12", 12, None),
        ("1,234", 1234, "number-formatting-removed"),
        (" 12 ", 12, None),
        ("12.0", 12, None),
        ("-3", -3, None),
        ("(1,000)", -1000, "number-formatting-removed"),
        ("1e3", 1000, None),
        ("12.5", None, "integer-not-whole"),
        ("n/a", None, "integer-unrecognised"),
        ("5)", None, "integer-unrecognised"),
        ("99999999999999999999", None, "integer-unrecognised"),
        (None, None, None),
    ],
)
def test_integer_reads_spreadsheet_forms(raw: str | None, expected: int | None, slug: str | None):
    assert one(raw, Datatype.INTEGER) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("12.5", 12.5, None),
        ("1,234.5", 1234.5, "number-formatting-removed"),
        ("1.2E3", 1200.0, None),
        ("(2.5)", -2.5, "number-formatting-removed"),
        ("5-", -5.0, "number-formatting-removed"),
        ("nan", None, "decimal-unrecognised"),
        ("inf", None, "decimal-unrecognised"),
        ("£5", None, "decimal-unrecognised"),
        ("1,23", None, "decimal-unrecognised"),
    ],
)
def test_decimal_reads_spreadsheet_forms(raw: str, expected: float | None, slug: str | None):
    assert one(raw, Datatype.DECIMAL) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("7.14:1", 7.14, "ratio-read-as-number"),
        ("7.14 : 1", 7.14, "ratio-read-as-number"),
        ("12:1.0", 12.0, "ratio-read-as-number"),
        ("1:7.14", None, "ratio-unrecognised"),
        ("3:2", None, "ratio-unrecognised"),
        ("7.14:", None, "decimal-unrecognised"),
        ("12:30pm", None, "decimal-unrecognised"),
    ],
)
def test_decimal_reads_a_ratio_to_one(raw: str, expected: float | None, slug: str | None):
    # Pay multiples are written like this (issue 13).
    assert one(raw, Datatype.DECIMAL) == (expected, slug)


def test_integer_and_money_are_never_ratios():
    assert one("7:1", Datatype.INTEGER) == (None, "integer-unrecognised")
    assert one("7:1", Datatype.MONEY) == (None, "money-unrecognised")


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("858.00", "858.00", None),
        ("337", "337.00", None),
        ("1234.5 ", "1234.50", None),
        ("1.2E3", "1200.00", None),
        ("£1,234.50", "1234.50", "number-formatting-removed"),
        ("1,234", "1234.00", "number-formatting-removed"),
        ("2,018.40", "2018.40", "number-formatting-removed"),
        ("£ 2,018.40", "2018.40", "number-formatting-removed"),
        ("(1,234.00)", "-1234.00", "number-formatting-removed"),
        ("-£5.00", "-5.00", "number-formatting-removed"),
        ("£-5", "-5.00", "number-formatting-removed"),
        ("GBP 10", "10.00", "number-formatting-removed"),
        ("100.00 CR", "-100.00", "number-formatting-removed"),
        ("100.00DR", "100.00", "number-formatting-removed"),
        ("250.00-", "-250.00", "number-formatting-removed"),
        ("1.005", "1.01", "money-rounded-to-pence"),
        ("2.675", "2.68", "money-rounded-to-pence"),
        ("-0.015", "-0.02", "money-rounded-to-pence"),
        ("€5", None, "money-foreign-currency"),
        ("$5.00", None, "money-foreign-currency"),
        ("USD 10", None, "money-foreign-currency"),
        ("1e20", None, "money-unrecognised"),
        ("1,23", None, "money-unrecognised"),
        ("£", None, "money-unrecognised"),
        ("(-5)", None, "money-unrecognised"),
        ("tbc", None, "money-unrecognised"),
        (None, None, None),
    ],
)
def test_money_reads_finance_system_forms(raw: str | None, expected: str | None, slug: str | None):
    value, found = one(raw, Datatype.MONEY)
    assert (value, found) == (None if expected is None else Decimal(expected), slug)


def test_money_is_exact_pence():
    result = harmonise(column("0.10", "0.20"), make_field(Datatype.MONEY))
    assert result.values.dtype == pl.Decimal(18, 2)
    assert result.values.sum() == Decimal("0.30")


def _styles(amount: Decimal) -> list[str]:
    plain = f"{amount:.2f}"
    grouped = f"{abs(amount):,.2f}"
    sign = "-" if amount < 0 else ""
    written = [plain, f"£{plain}", f"{sign}£{grouped}", f"£{sign}{grouped}", f"GBP {plain}"]
    if amount < 0:
        written += [f"({grouped})", f"(£{grouped})", f"{grouped} CR", f"{grouped}-"]
    return written


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_money_round_trips_in_every_style(amount: Decimal):
    styles = _styles(amount)
    result = harmonise(column(*styles), make_field(Datatype.MONEY))
    assert result.values.to_list() == [amount] * len(styles)
    assert canonical_text(result.values, Datatype.MONEY).to_list() == [f"{amount:.2f}"] * len(
        styles
    )


@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_decimal_text_round_trips_without_exponent(number: float):
    text = canonical_text(pl.Series([number]), Datatype.DECIMAL)[0]
    assert "e" not in text and "," not in text
    assert float(text) == number


def test_decimal_text_is_plain():
    values = pl.Series([1e20, 1.5e-7, -0.0, 12.0, -1234.5, None])
    assert canonical_text(values, Datatype.DECIMAL).to_list() == [
        "100000000000000000000", "0.00000015", "0", "12", "-1234.5", None,
    ]  # fmt: skip


def test_money_column_keeps_issue_per_cell():
    result = harmonise(column("£5", "5", "5.001", "x"), make_field(Datatype.MONEY))
    assert [slug for _, slug in pairs(result)] == [
        "number-formatting-removed", None, "money-rounded-to-pence", "money-unrecognised",
    ]  # fmt: skip
