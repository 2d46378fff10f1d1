"""Strings and text."""

from __future__ import annotations

import pytest

from localdata.standards.model import Datatype
from tests.ingest.datatypes.factories import one


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hyndburn Borough Council", "Hyndburn Borough Council"),
        ("P-CARD  -SEP 22", "P-CARD -SEP 22"),
        ("Line one\nline two", "Line one line two"),
        ("tab\there", "tab here"),
        ("non\u00a0breaking\u00a0", "non breaking"),
        ("\u00a0", None),
        (None, None),
    ],
)
def test_string_collapses_whitespace_without_issues(raw: str | None, expected: str | None):
    assert one(raw, Datatype.STRING) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Line one\nline two", "Line one\nline two"),
        ("Line one \r\n  line two", "Line one\nline two"),
        ("Old Mac\rline", "Old Mac\nline"),
        ("two  spaces\tand a tab", "two spaces and a tab"),
    ],
)
def test_text_keeps_line_breaks(raw: str, expected: str):
    assert one(raw, Datatype.TEXT) == (expected, None)
