"""Code lists and organisations."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from localdata.ingest.datatypes import harmonise, harmonise_organisation
from localdata.ingest.issues import Issue
from localdata.standards.catalogue import builtin_standards
from localdata.standards.model import Code, Datatype, StandardField
from tests.ingest.datatypes.factories import column, make_field, pairs

OWNERSHIP = [
    Code(value="owned by a public authority", aliases=("public",)),
    Code(value="not owned by a public authority"),
    Code(value="mixed ownership", label="Mixed"),
]


@pytest.mark.parametrize(
    ("raw", "expected", "slug"),
    [
        ("owned by a public authority", "owned by a public authority", None),
        ("Owned by a public authority", "owned by a public authority", "code-matched"),
        ("NOT_OWNED_BY_A_PUBLIC_AUTHORITY", "not owned by a public authority", "code-matched"),
        ("not-owned-by-a-public  authority", "not owned by a public authority", "code-matched"),
        ("Mixed", "mixed ownership", "code-matched"),
        ("PUBLIC", "owned by a public authority", "code-matched"),
        ("unknown", None, "code-not-allowed"),
        ("  Mixed ", "mixed ownership", "code-matched"),
        ("public & not", None, "code-not-allowed"),
        (None, None, None),
    ],
)
def test_codes_match_value_label_and_aliases(raw: str | None, expected: str | None, slug):
    result = harmonise(column(raw), make_field(Datatype.STRING, OWNERSHIP))
    assert pairs(result) == [(expected, slug)]


def test_codes_message_lists_allowed_values():
    result = harmonise(column("unknown"), make_field(Datatype.STRING, OWNERSHIP))
    detail = result.details["code-not-allowed"]
    issue = Issue("code-not-allowed", row=14, field="ownership-status", detail=detail)
    assert issue.message == (
        "Row 14, ownership-status: Enter one of the allowed values: owned by a public authority, "
        "not owned by a public authority, mixed ownership."
    )


def test_codes_apply_to_other_datatypes_by_canonical_text():
    field = make_field(Datatype.INTEGER, [Code(value="1"), Code(value="2")])
    result = harmonise(column("1", "2.0", "3", "x"), field)
    assert pairs(result) == [
        (1, None), (2, None), (None, "code-not-allowed"), (None, "integer-unrecognised"),
    ]  # fmt: skip


def test_organisation_resolves_each_distinct_value_once():
    asked: list[list[str]] = []

    def resolve(identifiers: Iterable[str]) -> dict[str, str | None]:
        asked.append(sorted(identifiers))
        return {"E07000120": "local-authority:HYN", "Hyndburn": "local-authority:HYN"}

    values = column("E07000120", "Hyndburn", "E07000120", "Nowhere  Council", None)
    result = harmonise_organisation(values, make_field(Datatype.ORGANISATION), resolve)
    assert asked == [["E07000120", "Hyndburn", "Nowhere Council"]]
    assert pairs(result) == [
        ("local-authority:HYN", None),
        ("local-authority:HYN", None),
        ("local-authority:HYN", None),
        (None, "organisation-unknown"),
        (None, None),
    ]


def _standard_field(standard: str, name: str) -> StandardField:
    return {s.name: s for s in builtin_standards()}[standard].field(name)


@pytest.mark.parametrize(
    ("standard", "name", "raw", "expected"),
    [
        ("brownfield-land", "ownership-status", "mixed owner", "mixed-ownership"),
        ("brownfield-land", "ownership-status", "Unknown owner", "unknown-ownership"),
        ("brownfield-land", "ownership-status", "ownership unknown", "unknown-ownership"),
        ("brownfield-land", "ownership-status", "Unkown ownership", "unknown-ownership"),
        ("brownfield-land", "ownership-status", "Unknown owership", "unknown-ownership"),
        ("brownfield-land", "ownership-status", "Onwed by a public authorty",
         "owned-by-a-public-authority"),
        ("brownfield-land", "ownership-status", "Mixed Ownership   ", "mixed-ownership"),
        ("brownfield-land", "planning-permission-status", "Permissioned", "permissioned"),
        ("brownfield-land", "planning-permission-status", "Permissoned", "permissioned"),
        ("brownfield-land", "planning-permission-type", "reserved matters app",
         "reserved-matters-approval"),
        ("brownfield-land", "planning-permission-type", "technical details co",
         "technical-details-consent"),
        ("brownfield-land", "planning-permission-type", "reserved ?matters approval",
         "reserved-matters-approval"),
        ("brownfield-land", "planning-permission-type", "With Full Permission",
         "full-planning-permission"),
        ("brownfield-land", "planning-permission-type", "Outline Planning",
         "outline-planning-permission"),
        ("land-and-assets", "holding-type", "Buildings", "building"),
        ("land-and-assets", "holding-type", "Land & Buildings", "land-and-building"),
        ("land-and-assets", "holding-type", "Buildings and Land", "land-and-building"),
        ("contracts", "main-procurement-category", "supply", "goods"),
    ],
)  # fmt: skip
def test_codes_accept_the_spellings_councils_write(standard, name, raw, expected):
    field = _standard_field(standard, name)
    assert pairs(harmonise(column(raw), field)) == [(expected, "code-matched")]


@pytest.mark.parametrize(
    ("standard", "name", "raw"),
    [
        # Another code's words with a word more or less: never read as that code.
        ("brownfield-land", "ownership-status", "known ownership"),
        ("brownfield-land", "planning-permission-status", "Not Permissed"),
        ("brownfield-land", "planning-permission-type", "Not Permissioned"),
        # Two codes' words in one value.
        ("brownfield-land", "ownership-status", "Local Authority, Unknown"),
        ("brownfield-land", "planning-permission-type", "Reserved Matters and Full Planning"),
        ("brownfield-land", "planning-permission-type", "Hybrid Full/Outline"),
        # Too short to be the start of a code.
        ("brownfield-land", "planning-permission-status", "perm"),
        ("pay-multiples", "organisation-type", "UNAX"),
    ],
)
def test_codes_do_not_guess(standard: str, name: str, raw: str):
    field = _standard_field(standard, name)
    assert pairs(harmonise(column(raw), field)) == [(None, "code-not-allowed")]


def test_codes_value_that_starts_two_codes_is_not_allowed():
    field = make_field(
        Datatype.STRING,
        [Code(value="reserved matters approval"), Code(value="reserved matters application")],
    )
    assert pairs(harmonise(column("Reserved matters app"), field)) == [(None, "code-not-allowed")]


def test_codes_value_like_two_codes_is_not_allowed():
    field = make_field(Datatype.STRING, [Code(value="permissioned"), Code(value="permissioner")])
    assert pairs(harmonise(column("permissionet"), field)) == [(None, "code-not-allowed")]


def test_codes_numbers_must_match_exactly():
    field = make_field(Datatype.STRING, [Code(value="2018"), Code(value="10000")])
    result = harmonise(column("2019", "1000", "2018"), field)
    assert pairs(result) == [(None, "code-not-allowed"), (None, "code-not-allowed"), ("2018", None)]


CODE_FIELDS = [
    (standard.name, field.name)
    for standard in builtin_standards()
    for field in standard.fields
    if field.constraints.codes
]


@pytest.mark.parametrize(("standard", "name"), CODE_FIELDS)
def test_codes_every_built_in_spelling_maps_to_its_code(standard: str, name: str):
    field = _standard_field(standard, name)
    values = list(field.code_values)
    assert pairs(harmonise(column(*values), field)) == [(v, None) for v in values]
    spellings = {
        spelling: code.value
        for code in reversed(field.constraints.codes)
        for spelling in (code.label, *code.aliases)
        if spelling
    }
    result = harmonise(column(*spellings), field)
    for (spelling, code), (found, slug) in zip(spellings.items(), pairs(result), strict=True):
        assert found is not None and slug != "code-not-allowed", spelling
        owners = {c.value for c in field.constraints.codes if spelling in (c.label, *c.aliases)}
        assert found in owners | {code}, spelling


POOL = [
    "owned by a public authority", "not owned by a public authority", "mixed ownership",
    "unknown ownership", "permissioned", "not permissioned", "pending decision",
    "full planning permission", "outline planning permission", "reserved matters approval",
    "reserved matters application", "permission in principle", "technical details consent",
    "land", "building", "land and building", "freehold", "leasehold", "occupied", "vacant",
]  # fmt: skip


@st.composite
def written_codes(draw: st.DrawFn) -> str:
    """A spelling from POOL as a council might write it: cut short, with a slip, reordered."""
    words = draw(st.sampled_from(POOL)).split()
    if draw(st.booleans()):
        words = draw(st.permutations(words))
    text = " ".join(words)
    if draw(st.booleans()) and len(text) > 2:
        at = draw(st.integers(1, len(text) - 1))
        text = text[:at] + text[at + 1 :]
    if draw(st.booleans()):
        text = text[: draw(st.integers(1, len(text)))]
    return draw(st.sampled_from([text, text.title(), text.upper(), text + "s"]))


@given(
    codes=st.lists(st.sampled_from(POOL), min_size=1, max_size=6, unique=True),
    raw=st.one_of(written_codes(), st.text(max_size=20)),
)
def test_codes_never_depend_on_the_order_of_the_list(codes: list[str], raw: str):
    forwards = harmonise(column(raw), make_field(Datatype.STRING, [Code(value=c) for c in codes]))
    backwards = harmonise(
        column(raw), make_field(Datatype.STRING, [Code(value=c) for c in reversed(codes)])
    )
    assert pairs(forwards) == pairs(backwards)
    [(value, _)] = pairs(forwards)
    assert value is None or value in codes
