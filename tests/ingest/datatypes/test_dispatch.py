"""The dispatcher: every datatype harmonises to its canonical dtype, with declared issues."""

from __future__ import annotations

import re

import polars as pl
import pytest

from localdata.ingest.datatypes import CANONICAL_DTYPES, HARMONISERS, canonical_text, harmonise
from localdata.ingest.issues import CATALOGUE
from localdata.standards.model import Datatype
from tests.ingest.datatypes.factories import column, make_field

SAMPLES: dict[Datatype, list[str | None]] = {
    Datatype.STRING: ["a  b", None, "c"],
    Datatype.TEXT: ["a\r\nb", None, "c"],
    Datatype.INTEGER: ["1,234", "x", None, "12.5"],
    Datatype.DECIMAL: ["1.5", "(2)", "x", None],
    Datatype.MONEY: ["£1,234.50", "€5", "1.005", None, "x"],
    Datatype.DATE: ["05-Apr-17", "05/25/2017", "April 2017", "42830", None, "x"],
    Datatype.DATETIME: ["2024-03-31T14:30:00", "x", None],
    Datatype.FLAG: ["Yes", "maybe", None],
    Datatype.URL: ["www.example.gov.uk", "x", None],
    Datatype.POSTCODE: ["sw1a1aa", "x", None],
    Datatype.UPRN: ["100012345678.0", "x", None],
    Datatype.GSS_CODE: ["e07000120", "x", None],
    Datatype.COMPANY_NUMBER: ["3914156", "x", None],
    Datatype.ORGANISATION: ["Hyndburn", None],
    Datatype.POINT: ["POINT (53.0 -0.39)", "POINT (2.35 48.85)", "x", None],
    Datatype.MULTIPOLYGON: ["POLYGON((-0.1 51.5, -0.09 51.5, -0.09 51.51, -0.1 51.5))", "x", None],
}
BANNED = re.compile(r"\b(invalid|please|sorry)\b", re.IGNORECASE)


def test_dispatch_covers_every_datatype():
    assert set(HARMONISERS) == set(Datatype) == set(CANONICAL_DTYPES) == set(SAMPLES)


@pytest.mark.parametrize("datatype", list(Datatype))
def test_harmonise_gives_canonical_dtype_and_declared_issues(datatype: Datatype):
    values = column(*SAMPLES[datatype])
    result = harmonise(values, make_field(datatype))
    assert result.values.dtype == CANONICAL_DTYPES[datatype]
    assert result.values.len() == result.issues.len() == values.len()
    assert result.issues.dtype == pl.String
    slugs = set(result.issues.drop_nulls()) | {i.type for i in result.column_issues}
    assert slugs <= set(CATALOGUE)
    assert canonical_text(result.values, datatype).dtype == pl.String


@pytest.mark.parametrize("datatype", list(Datatype))
@pytest.mark.parametrize("values", [column(), column(None, None)], ids=["empty", "all-null"])
def test_harmonise_empty_columns(datatype: Datatype, values: pl.Series):
    result = harmonise(values, make_field(datatype))
    assert result.values.dtype == CANONICAL_DTYPES[datatype]
    assert result.values.null_count() == result.issues.null_count() == values.len()


def test_harmonise_keeps_the_column_name():
    result = harmonise(column("1"), make_field(Datatype.INTEGER))
    assert result.values.name == result.issues.name == "example-field"


def test_harmonise_reads_columns_that_are_not_text():
    result = harmonise(pl.Series("n", [1, None]), make_field(Datatype.MONEY))
    assert result.values.cast(pl.String).to_list() == ["1.00", None]


def test_issue_messages_are_plain_english():
    ours = [t for t in CATALOGUE.values() if t.slug in _our_slugs()]
    assert len(ours) > 30
    for issue_type in ours:
        assert not BANNED.search(issue_type.message), issue_type.slug
        assert issue_type.message[0].isupper() or issue_type.message.startswith("{")
        assert (issue_type.severity.value == "info") == (issue_type.fixed_by == "library")


def _our_slugs() -> set[str]:
    import localdata.ingest.datatypes as package

    found: set[str] = set()
    for module in vars(package).values():
        if getattr(module, "__name__", "").startswith(package.__name__ + "."):
            found |= {v.slug for v in vars(module).values() if type(v).__name__ == "IssueType"}
    return found
