"""Code lists and organisations."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from localdata.ingest.datatypes import harmonise, harmonise_organisation
from localdata.ingest.issues import Issue
from localdata.standards.model import Code, Datatype
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
