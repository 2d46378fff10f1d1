"""The values real brownfield registers hold: placeholders, codes and quotes (issue 13).

Every register in ../shared/data/real/brownfield and more/brownfield-land is checked against
brownfield-land, and the findings about its values are compared with what a person reading the
files sees.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import localdata
from localdata.errors import LocalDataError
from localdata.ingest.datatypes.blanks import NO_VALUE, NOT_KNOWN, placeholder_key
from localdata.settings import Settings
from tests.conftest import REAL, real_file

pytestmark = pytest.mark.realdata

# Values that really are not in the code lists, by why.
NOT_IN_THE_LIST = {
    # A stage the list has no code for (built, allocated, refused, lapsed). Prior approval,
    # listed building consent and outline applications are the standard's aliases of codes.
    ("planning-permission-status", "Completed"),
    ("planning-permission-status", "completed"),
    ("planning-permission-status", "completing"),
    ("planning-permission-status", "Local Plan Allocation"),
    ("planning-permission-status", "no application"),
    ("planning-permission-status", "permissions on site"),
    ("planning-permission-status", "Prior notification"),
    ("planning-permission-type", "Application Refused/Rejected"),
    ("planning-permission-type", "Expired"),
    ("planning-permission-type", "Lapsed"),
    ("planning-permission-type", "permission lapsed"),
    ("planning-permission-type", "Under Construction"),
    ("planning-permission-type", "demolition"),
    ("planning-permission-type", "other - s73 MMA"),
    ("planning-permission-type", "06/00588/REM"),
    # A permission type in the status column, or a status in the type column.
    ("planning-permission-status", "Outline consent"),
    ("planning-permission-status", "Outline permission"),
    ("planning-permission-status", "outline permission"),
    ("planning-permission-status", "Reserve mattes permi"),
    ("planning-permission-status", "reserve mattes permi"),
    ("planning-permission-type", "Not Permissioned"),
    # Too far from any code to be sure ("Permissed" is neither "permissioned" nor "not").
    ("planning-permission-status", "Not Permissed"),
    # Two codes in one cell.
    ("ownership-status", "Local Authority, Unknown"),
    ("planning-permission-type", "Hybrid Full/Outline"),
    ("planning-permission-type", "Part Outline Part Fu"),
    ("planning-permission-type", "Reserved Matters and Full Planning"),
    ("planning-permission-type", "full planning permission\nReserved matters"),
    ("planning-permission-type", "outline planning permission\nfull planning permission"),
    # The owner's name, not whether it is a public authority.
    ("ownership-status", "Kent County Council"),
    ("ownership-status", "Kent Highways Service"),
    ("ownership-status", "Ministry of Defense"),
    ("ownership-status", "Owned by the london borough of bromley"),
    ("ownership-status", "Part owned Kent Highway Services"),
}
UNRECOGNISED = ["date-unrecognised", "integer-unrecognised", "decimal-unrecognised",
                "url-unrecognised", "flag-unrecognised"]  # fmt: skip


def _registers() -> list[Path]:
    real_file("brownfield")
    found = [p for p in (REAL / "brownfield").rglob("*.csv")]
    return sorted(found) + sorted((REAL / "more" / "brownfield-land").glob("*"))


@pytest.fixture(scope="module")
def issues() -> pl.DataFrame:
    """Every issue of every real brownfield register, with the file it is in."""
    settings = Settings(example_issues=1_000_000)
    found = []
    for path in _registers():
        try:
            report = localdata.check(path, "brownfield-land", settings=settings, keep_table=False)
        except LocalDataError:
            continue  # a workbook that cannot be read is tested in test_readers.py
        found.append(report.issues.with_columns(file=pl.lit(path.name)))
    return pl.concat(found)


def test_real_registers_codes_not_allowed_are_really_not_in_the_list(issues: pl.DataFrame):
    refused = issues.filter(pl.col("type") == "code-not-allowed")
    found = {(f, v.strip()) for f, v in refused.select("field", "value").iter_rows()}
    assert found == NOT_IN_THE_LIST


def test_real_registers_placeholders_are_never_unrecognised_values(issues: pl.DataFrame):
    keys = pl.Series([*NO_VALUE, *NOT_KNOWN]).to_frame("v").select(placeholder_key(pl.col("v")))
    unrecognised = issues.filter(pl.col("type").is_in(UNRECOGNISED)).with_columns(
        key=placeholder_key(pl.col("value"))
    )
    placeholders = unrecognised.filter(
        pl.col("key").is_in(keys.to_series().implode())
        | pl.col("key").str.contains(r"^[-*/.?\s]*$")
    )
    assert placeholders.select("file", "field", "value").rows() == []


def test_real_registers_spellings_councils_write_are_matched(issues: pl.DataFrame):
    matched = issues.filter(pl.col("type") == "code-matched")
    values = set(matched["value"].str.strip_chars().to_list())
    assert {"Unkown ownership", "mixed owner", "Unknown owner", "reserved matters app"} <= values


def test_real_hull_register_values_lose_their_quotation_marks():
    path = real_file("more/brownfield-land/hull-brownfield-2018.xlsx")
    report = localdata.check(path, "brownfield-land")
    assert report.table is not None
    address = report.table["site-address"][0]
    assert address.startswith("Egginton Street Car Park") and '"' not in address
    counts = dict(report.counts.group_by("type").agg(pl.col("count").sum()).iter_rows())
    assert counts["quotes-removed"] >= 45
