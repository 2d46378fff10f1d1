"""Harmonise identifiers: postcodes, UPRNs and GSS codes.

- A postcode is written in capitals with one space before its last three characters:
  ``sw1a1aa`` becomes ``SW1A 1AA`` (info). Only the shape is checked, not that it exists.
- A UPRN is a whole number from 1 to 12 digits long, and is kept in its canonical form: the
  number's digits with no leading zeros, as text (so the lake's column type never changes).
  ``000100012345678`` and a spreadsheet's ``100012345678.0`` or ``100,012,345,678`` all
  become ``100012345678`` (info); the report keeps the value as written. One shortened to an
  exponent (``1.00012E+11``) has lost digits and is an error, as is zero.
- A GSS code is a letter (E, W, S, N or K) and 8 digits, in capitals: ``e07000223`` becomes
  ``E07000223`` (info).
"""

from __future__ import annotations

import polars as pl

from localdata.ingest.datatypes.columns import by_distinct, first_issue, no_issues, patch
from localdata.ingest.datatypes.result import Harmonised
from localdata.ingest.issues import IssueType, Severity
from localdata.standards.model import StandardField

POSTCODE_REFORMATTED = IssueType(
    "postcode-reformatted",
    "Postcode written in the standard way",
    Severity.INFO,
    "We wrote this postcode in capitals with one space, like SW1A 1AA.",
    fixed_by="library",
)
POSTCODE_UNRECOGNISED = IssueType(
    "postcode-unrecognised",
    "Not a postcode",
    Severity.ERROR,
    "Enter a full UK postcode, like SW1A 1AA.",
)
UPRN_REFORMATTED = IssueType(
    "uprn-reformatted",
    "UPRN written as a plain number",
    Severity.INFO,
    "We wrote this UPRN as a plain number, like 100023336956, without the leading zeros, "
    "decimal point or separators it had.",
    fixed_by="library",
)
UPRN_UNRECOGNISED = IssueType(
    "uprn-unrecognised",
    "Not a UPRN",
    Severity.ERROR,
    "Enter the UPRN as a number of up to 12 digits, like 100023336956. If a spreadsheet shows "
    "it like 1.00023E+11, format the column as text and enter it again.",
)
GSS_CODE_REFORMATTED = IssueType(
    "gss-code-reformatted",
    "GSS code written in capitals",
    Severity.INFO,
    "We wrote this GSS code in capitals without spaces, like E07000223.",
    fixed_by="library",
)
GSS_CODE_UNRECOGNISED = IssueType(
    "gss-code-unrecognised",
    "Not a GSS code",
    Severity.ERROR,
    "Enter a 9-character GSS code: a letter then 8 digits, like E07000223.",
)

_POSTCODE = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}$"
_POSTCODE_AS_WRITTEN = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$"
_UPRN = r"^[1-9][0-9]{0,11}$"
_GSS_CODE = r"^[EWSNK][0-9]{8}$"


def harmonise_postcode(values: pl.Series, field: StandardField) -> Harmonised:
    """Postcodes as pl.String like ``SW1A 1AA``."""
    squashed = pl.col("raw").str.to_uppercase().str.replace_all(r"\s+", "")
    value = pl.when(squashed.str.contains(_POSTCODE)).then(
        squashed.str.head(-3) + pl.lit(" ") + squashed.str.tail(3)
    )
    return _harmonised(
        values, _POSTCODE_AS_WRITTEN, value, POSTCODE_UNRECOGNISED, POSTCODE_REFORMATTED
    )


def harmonise_uprn(values: pl.Series, field: StandardField) -> Harmonised:
    """UPRNs as pl.String: the number's digits, with no leading zeros."""
    digits = (
        pl.col("raw")
        .str.replace_all(r"[\s,]", "")
        .str.replace(r"\.0*$", "")
        .str.strip_chars_start("0")
    )
    value = pl.when(digits.str.contains(_UPRN)).then(digits)
    return _harmonised(values, _UPRN, value, UPRN_UNRECOGNISED, UPRN_REFORMATTED)


def harmonise_gss_code(values: pl.Series, field: StandardField) -> Harmonised:
    """GSS codes as pl.String like ``E07000223``."""
    code = pl.col("raw").str.to_uppercase().str.replace_all(r"\s+", "")
    value = pl.when(code.str.contains(_GSS_CODE)).then(code)
    return _harmonised(values, _GSS_CODE, value, GSS_CODE_UNRECOGNISED, GSS_CODE_REFORMATTED)


def _harmonised(
    values: pl.Series,
    canonical: str,
    value: pl.Expr,
    unrecognised: IssueType,
    reformatted: IssueType,
) -> Harmonised:
    """Values already in ``canonical`` form are kept; ``value`` reads the others."""
    rows = (values.is_not_null() & ~values.str.contains(canonical)).arg_true()
    issue = first_issue((value.is_null(), unrecognised), (value != pl.col("raw"), reformatted))

    def harmonise_distinct(distinct: pl.Series) -> Harmonised:
        found = distinct.alias("raw").to_frame().select(value.alias("v"), issue.alias("i"))
        return Harmonised(found["v"], found["i"])

    found = by_distinct(values.gather(rows), harmonise_distinct)
    issues = no_issues(values.len(), values.name)
    return Harmonised(patch(values, rows, found.values), patch(issues, rows, found.issues))
