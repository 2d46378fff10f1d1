"""Cells read before their datatype: placeholders such as N/A, and quotation marks (issue 13)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localdata.ingest.datatypes import harmonise, read_cells, with_read_issues
from localdata.ingest.datatypes.blanks import NO_VALUE, NOT_KNOWN
from localdata.ingest.issues import Issue
from localdata.standards.model import Code, Constraints, Datatype, StandardField
from tests.ingest.datatypes.factories import column, make_field, pairs

OPTIONAL = "placeholder-read-as-empty"
REQUIRED = "placeholder-in-required-field"
NOT_FREE_TEXT = [d for d in Datatype if d not in {Datatype.STRING, Datatype.TEXT}]
PLACEHOLDER_CELLS = ["N/A", "NA", "n/a", "n.a.", "N / A", "Not applicable", "none", "NULL", "nil",
                     "-", "--", "—", "*", "***", ".", "(blank)", '""']  # fmt: skip
OTHER_CELLS = ["None relevant.", "No relevant planning history", "#N/A", "#REF!", "0", "no", "x",
               "NAB", "n/a extension", "12-14"]  # fmt: skip


def _read(value: str | None, field: StandardField) -> tuple[object, str | None]:
    return pairs(read_cells(column(value), field))[0]


def _required(datatype: Datatype, example: str = "") -> StandardField:
    return StandardField(name="minimum-net-dwellings", datatype=datatype, required=True,
                         example=example)  # fmt: skip


@pytest.mark.parametrize("raw", PLACEHOLDER_CELLS)
@pytest.mark.parametrize("datatype", list(Datatype))
def test_placeholder_is_empty_in_an_optional_field_of_any_datatype(raw: str, datatype: Datatype):
    assert _read(raw, make_field(datatype)) == (None, OPTIONAL)


@pytest.mark.parametrize("raw", ["TBC", "tbc", "To be confirmed", "Unknown", "not known", "?"])
@pytest.mark.parametrize("datatype", NOT_FREE_TEXT)
def test_not_known_yet_is_empty_where_free_text_cannot_go(raw: str, datatype: Datatype):
    assert _read(raw, make_field(datatype)) == (None, OPTIONAL)


@pytest.mark.parametrize("raw", ["TBC", "To be confirmed", "Unknown", "?"])
@pytest.mark.parametrize("datatype", [Datatype.STRING, Datatype.TEXT])
def test_not_known_yet_is_kept_in_free_text(raw: str, datatype: Datatype):
    assert _read(raw, make_field(datatype)) == (raw, None)


def test_not_known_yet_is_empty_in_a_text_field_with_a_code_list():
    field = make_field(Datatype.STRING, [Code(value="full"), Code(value="outline")])
    assert _read("TBC", field) == (None, OPTIONAL)


def test_placeholder_in_the_code_list_is_a_value():
    field = make_field(Datatype.STRING, [Code(value="unknown ownership", aliases=("unknown",))])
    assert _read("Unknown", field) == ("Unknown", None)
    assert pairs(harmonise(column("Unknown"), field)) == [("unknown ownership", "code-matched")]


@pytest.mark.parametrize("raw", OTHER_CELLS)
def test_other_values_are_not_placeholders(raw: str):
    assert _read(raw, make_field(Datatype.STRING)) == (raw, None)


@pytest.mark.parametrize("raw", [" ", "  \t", "\r\n", "\u00a0"])
def test_whitespace_only_is_empty_without_an_issue(raw: str):
    assert _read(raw, _required(Datatype.DATE)) == (None, None)


@pytest.mark.parametrize("raw", ["N/A", "TBC", "Unspecified", "-"])
def test_placeholder_in_a_required_field_is_an_error(raw: str):
    assert _read(raw, _required(Datatype.INTEGER)) == (None, REQUIRED)


def test_placeholder_in_a_required_free_text_field_names_what_to_enter():
    field = _required(Datatype.INTEGER, example="18")
    detail = read_cells(column("N/A"), field).details[REQUIRED]
    issue = Issue(REQUIRED, row=14, field=field.name, value="N/A", detail=detail)
    assert issue.message == (
        "Row 14, minimum-net-dwellings: This field is required, and 'N/A' stands for no value. "
        "Enter a whole number, like 18."
    )


def test_placeholder_in_a_required_code_field_lists_the_allowed_values():
    field = StandardField(
        name="status", required=True,
        constraints=Constraints(codes=(Code(value="permissioned"), Code(value="pending"))),
    )  # fmt: skip
    detail = read_cells(column("n/a"), field).details[REQUIRED]
    assert detail == "one of the allowed values: permissioned, pending"


def test_required_free_text_keeps_not_known_yet():
    assert _read("TBC", _required(Datatype.STRING)) == ("TBC", None)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ('"Kingston upon Hull, City of"', "Kingston upon Hull, City of", "quotes-removed"),
        ('  "Romford"  ', "Romford", "quotes-removed"),
        ('" Up to 1,684 new homes"', "Up to 1,684 new homes", "quotes-removed"),
        ("“Curly”", "Curly", "quotes-removed"),
        ('"N/A"', None, OPTIONAL),
        ('"a" and "b"', '"a" and "b"', None),
        ('"cut short', '"cut short', None),
        ("'Old Mill'", "'Old Mill'", None),
        ('Say "hello"', 'Say "hello"', None),
    ],
)
def test_quotation_marks_around_a_whole_value_come_off(raw: str, expected: str | None, slug):
    assert _read(raw, make_field(Datatype.STRING)) == (expected, slug)


def test_quoted_date_is_read_as_a_date():
    field = make_field(Datatype.DATE)
    read = read_cells(column('"2019-12-13"', "N/A", "2019-12-14"), field)
    result = with_read_issues(read, harmonise(read.values, field))
    assert [str(v) if v else None for v in result.values] == ["2019-12-13", None, "2019-12-14"]
    assert result.issues.to_list() == ["quotes-removed", OPTIONAL, None]


def test_read_cells_leaves_other_cells_alone():
    values = column("12", "2024-03-31", None, "Hyndburn Borough Council", "£1,234.50")
    read = read_cells(values, make_field(Datatype.STRING))
    assert read.values.to_list() == values.to_list()
    assert read.issues.null_count() == values.len()


PLACEHOLDERS = st.sampled_from([*NO_VALUE, *NOT_KNOWN, "-", "—", "***", "/", "?"])


@st.composite
def written_placeholders(draw: st.DrawFn) -> str:
    """A placeholder as a council might write it: any case, spaces, quotation marks."""
    word = draw(PLACEHOLDERS)
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in word)
    padded = draw(st.sampled_from(["", " ", "  "])) + cased + draw(st.sampled_from(["", " "]))
    return f'"{padded}"' if draw(st.booleans()) else padded


@settings(deadline=None)  # the first point or polygon imports the geometry libraries
@given(raw=written_placeholders(), datatype=st.sampled_from(NOT_FREE_TEXT))
def test_a_placeholder_never_reaches_a_harmoniser_as_a_value(raw: str, datatype: Datatype):
    field = make_field(datatype)
    read = read_cells(column(raw), field)
    result = with_read_issues(read, harmonise(read.values, field))
    assert read.values.to_list() == [None]
    assert result.values.to_list() == [None]
    assert result.issues.to_list() == [OPTIONAL]


@settings(deadline=None)
@given(
    raw=st.text(max_size=40).filter(lambda s: any(c.isdigit() for c in s)),
    datatype=st.sampled_from(list(Datatype)),
)
def test_a_value_with_a_digit_is_never_a_placeholder(raw: str, datatype: Datatype):
    read = read_cells(column(raw), make_field(datatype))
    assert read.issues.to_list()[0] != OPTIONAL
    assert read.values.to_list()[0] is not None


def test_read_cells_works_on_columns_that_are_not_text():
    read = read_cells(pl.Series("n", [1, None]), make_field(Datatype.INTEGER))
    assert read.values.to_list() == ["1", None]
