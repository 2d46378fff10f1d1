"""Harmonise identifiers: postcodes, UPRNs, GSS codes and company numbers.

- A postcode is written in capitals with one space before its last three characters:
  ``sw1a1aa`` becomes ``SW1A 1AA`` (info). Only the shape is checked, not that it exists.
- A UPRN is a whole number from 1 to 12 digits long, and is kept in its canonical form: the
  number's digits with no leading zeros, as text (so the lake's column type never changes).
  ``000100012345678`` and a spreadsheet's ``100012345678.0`` or ``100,012,345,678`` all
  become ``100012345678`` (info); the report keeps the value as written. One shortened to an
  exponent (``1.00012E+11``) has lost digits and is an error, as is zero.
- A GSS code is a letter (E, W, S, N or K) and 8 digits, in capitals: ``e07000223`` becomes
  ``E07000223`` (info).
- A company number is 8 characters, as Companies House writes it: 8 digits, or a prefix and 6
  digits (``SC123456``). A number of fewer than 8 digits has lost its leading zeros in a
  spreadsheet, so ``3914156`` and ``3914156.0`` become ``03914156`` (info); spaces and case are
  fixed (``sc 123456`` becomes ``SC123456``), and so are the forms that wrap a number in a
  scheme or a link (``GB-COH-03914156``, OpenCorporates' ``gb/03914156``, a Companies House
  page's address). The prefixes are those Companies House uses (``COMPANY_NUMBER_PREFIXES``:
  Scottish, Northern Irish, overseas, LLP, limited partnership, royal charter, society and
  other registers); any other value is an error. A prefixed number with fewer than 6 digits is
  an error too: we do not guess where its digits went. Whether the company exists is not
  checked.
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

COMPANY_NUMBER_REFORMATTED = IssueType(
    "company-number-reformatted",
    "Company number written as Companies House writes it",
    Severity.INFO,
    "We wrote this company number as Companies House does: 8 characters, in capitals, with any "
    "leading zeros a spreadsheet removed put back, like 03914156 or SC123456.",
    fixed_by="library",
)
COMPANY_NUMBER_UNRECOGNISED = IssueType(
    "company-number-unrecognised",
    "Not a company number",
    Severity.ERROR,
    "Enter the company number as Companies House shows it: 8 digits, like 03914156, or its "
    "2-character prefix and 6 digits, like SC123456. Leave it blank if the organisation is not "
    "a registered company.",
)

# The prefixes of Companies House's registers, as it publishes them: AC, SA, NA assurance
# companies; BR UK establishments of overseas companies; CE, CS, NO charitable incorporated
# organisations; EN, ES, SE European companies; FC, SF, NF overseas companies; GE, GN, GS
# European economic interest groupings; IC, SI, NV investment companies with variable capital;
# IP, SP, NP industrial and provident societies; LP, SL, NL limited partnerships; NI, R0 and SC
# companies registered in Northern Ireland (R0 before partition) and Scotland; OC, SO, NC
# limited liability partnerships; RC, SR, NR royal charter bodies; RS registered societies;
# SG Scottish qualifying partnerships; ZC, SZ, NZ unregistered companies; OE overseas entities.
COMPANY_NUMBER_PREFIXES = (
    "AC", "BR", "CE", "CS", "EN", "ES", "FC", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC",
    "NF", "NI", "NL", "NO", "NP", "NR", "NV", "NZ", "OC", "OE", "R0", "RC", "RS", "SA", "SC",
    "SE", "SF", "SG", "SI", "SL", "SO", "SP", "SR", "SZ", "ZC",
)  # fmt: skip

_POSTCODE = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[0-9][A-Z]{2}$"
_POSTCODE_AS_WRITTEN = r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR) [0-9][A-Z]{2}$"
_UPRN = r"^[1-9][0-9]{0,11}$"
_GSS_CODE = r"^[EWSNK][0-9]{8}$"
_COMPANY_NUMBER = rf"^(?:[0-9]{{8}}|(?:{'|'.join(COMPANY_NUMBER_PREFIXES)})[0-9]{{6}})$"
# What wraps a company number: a 360Giving org-id scheme, OpenCorporates' jurisdiction, or the
# address of its page at Companies House or OpenCorporates.
_COMPANY_WRAPPING = r"^(?:GB-COH-|GB/|.*/COMPANY/|.*/COMPANIES/GB/)"


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


def harmonise_company_number(values: pl.Series, field: StandardField) -> Harmonised:
    """Company numbers as pl.String of 8 characters, like ``03914156`` or ``SC123456``."""
    squashed = (
        pl.col("raw")
        .str.to_uppercase()
        .str.replace_all(r"\s+", "")
        .str.replace(_COMPANY_WRAPPING, "")
        .str.strip_chars_end("/")
    )
    short_digits = squashed.str.replace(r"\.0*$", "")
    padded = (
        pl.when(short_digits.str.contains(r"^[0-9]{1,8}$") & short_digits.str.contains("[1-9]"))
        .then(short_digits.str.zfill(8))
        .otherwise(squashed)
    )
    value = pl.when(padded.str.contains(_COMPANY_NUMBER)).then(padded)
    return _harmonised(
        values, _COMPANY_NUMBER, value, COMPANY_NUMBER_UNRECOGNISED, COMPANY_NUMBER_REFORMATTED
    )


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
