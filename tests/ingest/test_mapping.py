"""Matching a file's columns to a standard's fields."""

from __future__ import annotations

from localdata.ingest.mapping import map_columns
from localdata.standards.model import CoordinateColumns
from tests.factories import make_field, make_standard


def _standard():  # type: ignore[no-untyped-def]
    return make_standard(
        [
            make_field("reference", aliases=("SiteReference",), required=True),
            make_field("amount", "money", aliases=("Net amount", "Amount Paid")),
            make_field(
                "point",
                "point",
                coordinate_columns=CoordinateColumns(x=("GeoX", "Easting"), y=("GeoY", "Northing")),
            ),
            make_field("organisation", "organisation", required=True),
        ]
    )


def test_map_columns_matches_names_aliases_and_forgives_spelling() -> None:
    mapping, issues = map_columns(
        ["Site Reference", "NET AMOUNT (£)", "RecId"], _standard(), supplied=["organisation"]
    )
    assert mapping.columns == {"Site Reference": "reference", "NET AMOUNT (£)": "amount"}
    assert mapping.unknown == ("RecId",)
    assert [(i.type, i.value) for i in issues] == [("unknown-column", "RecId")]


def test_map_columns_pairs_coordinate_columns_into_a_point() -> None:
    mapping, _ = map_columns(["reference", "GeoY", "GeoX"], _standard(), supplied=["organisation"])
    assert mapping.points == {"point": ("GeoX", "GeoY")}
    assert mapping.unknown == ()


def test_map_columns_reports_required_fields_with_no_column() -> None:
    mapping, issues = map_columns(["amount"], _standard())
    assert mapping.missing == ("reference", "organisation")
    assert [(i.type, i.field) for i in issues] == [
        ("missing-column", "reference"),
        ("missing-column", "organisation"),
    ]
    assert "say which organisation published the file" in issues[1].message


def test_map_columns_uses_the_first_of_two_columns_for_one_field() -> None:
    mapping, issues = map_columns(
        ["Net amount", "Amount Paid", "reference"], _standard(), supplied=["organisation"]
    )
    assert mapping.columns["Net amount"] == "amount"
    assert "Amount Paid" not in mapping.columns
    assert [(i.type, i.value, i.detail) for i in issues] == [
        ("duplicate-column", "Amount Paid", "Net amount")
    ]
