"""Flags, URLs, postcodes, UPRNs, GSS codes and company numbers."""

from __future__ import annotations

import pytest

from localdata.ingest.datatypes import canonical_text, harmonise
from localdata.standards.catalogue import builtin_standards
from localdata.standards.model import Datatype
from tests.ingest.datatypes.factories import column, make_field, one


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("yes", True, None),
        ("Yes", True, None),
        ("Y", True, None),
        ("TRUE", True, None),
        ("1", True, None),
        ("no", False, None),
        ("N", False, None),
        ("false", False, None),
        ("0", False, None),
        ("maybe", None, "flag-unrecognised"),
        (None, None, None),
    ],
)
def test_flag_reads_yes_and_no(raw: str | None, expected: bool | None, slug: str | None):
    assert one(raw, Datatype.FLAG) == (expected, slug)


def test_flag_written_as_the_fields_own_name_is_yes():
    """Fylde's register ticks deliverable sites by writing 'Deliverable' (issue 13)."""
    from localdata.standards.model import StandardField

    field = StandardField(name="deliverable", title="Deliverable", datatype=Datatype.FLAG)
    result = harmonise(column("Deliverable", " DELIVERABLE", "Hazardous"), field)
    assert result.values.to_list() == [True, True, None]
    assert result.issues.to_list() == [
        "flag-written-as-its-name",
        "flag-written-as-its-name",
        "flag-unrecognised",
    ]


def test_flag_canonical_text_is_yes_or_no():
    result = harmonise(column("Y", "n", None), make_field(Datatype.FLAG))
    assert canonical_text(result.values, Datatype.FLAG).to_list() == ["yes", "no", None]


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("https://www.example.gov.uk/x", "https://www.example.gov.uk/x", None),
        ("http://maps.molevalley.gov.uk/", "http://maps.molevalley.gov.uk/", None),
        ("HTTPS://Example.gov.uk", "HTTPS://Example.gov.uk", None),
        ("https://example.gov.uk:8443/a?b=c#d", "https://example.gov.uk:8443/a?b=c#d", None),
        ("www.example.gov.uk/x", "https://www.example.gov.uk/x", "url-scheme-added"),
        ("example.gov.uk", "https://example.gov.uk", "url-scheme-added"),
        ("ftp://example.gov.uk/file", None, "url-unrecognised"),
        ("https://", None, "url-unrecognised"),
        ("https://a.gov.uk/x|https://b.gov.uk/y", None, "url-unrecognised"),
        ("http://a.gov.uk/x y", "http://a.gov.uk/x%20y", "url-spaces-encoded"),
        ("http://a.gov.uk/x http://b.gov.uk/y", None, "url-unrecognised"),
        ("http://a gov.uk/x", None, "url-unrecognised"),
        ("http://a.gov.uk/x\nhttp://b.gov.uk", None, "url-unrecognised"),
        ("n/a", None, "url-unrecognised"),
        ("1.5", None, "url-unrecognised"),
    ],
)
def test_url_needs_scheme_and_host(raw: str, expected: str | None, slug: str | None):
    assert one(raw, Datatype.URL) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("SW1A 1AA", "SW1A 1AA", None),
        ("BB5 1LA", "BB5 1LA", None),
        ("M1 1AE", "M1 1AE", None),
        ("sw1a1aa", "SW1A 1AA", "postcode-reformatted"),
        ("rh4  1ux", "RH4 1UX", "postcode-reformatted"),
        ("GIR 0AA", "GIR 0AA", None),
        ("SW1A", None, "postcode-unrecognised"),
        ("12345", None, "postcode-unrecognised"),
    ],
)
def test_postcode_written_in_capitals_with_one_space(raw: str, expected: str | None, slug):
    assert one(raw, Datatype.POSTCODE) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("100023336956", "100023336956", None),
        ("000100023336", "100023336", "uprn-reformatted"),
        ("000100012345678", "100012345678", "uprn-reformatted"),
        ("0", None, "uprn-unrecognised"),
        ("100012345678.0", "100012345678", "uprn-reformatted"),
        ("100,012,345,678", "100012345678", "uprn-reformatted"),
        ("1.00012E+11", None, "uprn-unrecognised"),
        ("1000123456789", None, "uprn-unrecognised"),
        ("UPRN1", None, "uprn-unrecognised"),
    ],
)
def test_uprn_is_a_number_of_up_to_twelve_digits(raw: str, expected: str | None, slug: str | None):
    assert one(raw, Datatype.UPRN) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("E07000120", "E07000120", None),
        ("W06000015", "W06000015", None),
        ("e07000120", "E07000120", "gss-code-reformatted"),
        ("E07 000 120", "E07000120", "gss-code-reformatted"),
        ("00DA", None, "gss-code-unrecognised"),
        ("X07000120", None, "gss-code-unrecognised"),
    ],
)
def test_gss_code_is_letter_and_eight_digits(raw: str, expected: str | None, slug: str | None):
    assert one(raw, Datatype.GSS_CODE) == (expected, slug)


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("03914156", "03914156", None),
        ("SC123456", "SC123456", None),
        ("OC301234", "OC301234", None),
        ("R0000123", "R0000123", None),
        ("3914156", "03914156", "company-number-reformatted"),
        ("3914156.0", "03914156", "company-number-reformatted"),
        ("928555", "00928555", "company-number-reformatted"),
        ("sc 123456", "SC123456", "company-number-reformatted"),
        ("ni123456", "NI123456", "company-number-reformatted"),
        ("GB-COH-03914156", "03914156", "company-number-reformatted"),
        ("gb/07445476", "07445476", "company-number-reformatted"),
        (
            "https://find-and-update.company-information.service.gov.uk/company/SC123456",
            "SC123456",
            "company-number-reformatted",
        ),
        ("XY123456", None, "company-number-unrecognised"),
        ("SC12345", None, "company-number-unrecognised"),
        ("123456789", None, "company-number-unrecognised"),
        ("0", None, "company-number-unrecognised"),
        ("3.914156E+06", None, "company-number-unrecognised"),
        ("Green Spaces Ltd", None, "company-number-unrecognised"),
    ],
)
def test_company_number_is_eight_characters_as_companies_house_writes_it(
    raw: str, expected: str | None, slug: str | None
):
    assert one(raw, Datatype.COMPANY_NUMBER) == (expected, slug)


def test_company_number_fields_of_built_in_standards_use_the_datatype():
    fields = {
        (s.name, f.name) for s in builtin_standards() for f in s.fields
        if f.datatype is Datatype.COMPANY_NUMBER
    }  # fmt: skip
    assert fields == {
        ("contracts", "supplier-company-number"),
        ("grants", "recipient-org-company-number"),
    }


def test_url_spaces_around_the_address_are_removed_silently():
    assert one(" https://www.example.gov.uk/x  ", Datatype.URL) == (
        "https://www.example.gov.uk/x",
        None,
    )
