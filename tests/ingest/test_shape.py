"""Finding the header and shaping rows: the rules in ``localdata/ingest/shape.py``."""

from __future__ import annotations

import polars as pl
import pytest

from localdata.ingest.shape import (
    ROW,
    Layout,
    clean_header,
    column_names,
    find_layout,
    normalise_header,
    shape_rows,
)

SPEND = frozenset({"suppliername", "amount", "paymentdate", "transactionnumber"})


def raw(rows: list[list[str | None]], width: int | None = None) -> pl.DataFrame:
    """A raw frame as readers make it: text columns c0, c1, ... and row numbers from 1."""
    width = width or max(len(r) for r in rows)
    cells = [r + [None] * (width - len(r)) for r in rows]
    frame = pl.DataFrame(cells, schema=dict.fromkeys(column_names(width), pl.String), orient="row")
    return frame.with_columns(pl.Series(ROW, range(1, len(rows) + 1), dtype=pl.Int64))


def shaped(rows: list[list[str | None]], layout: Layout, limit: int = 1000) -> list[tuple]:
    frame, numbers, _ = shape_rows(raw(rows), layout, limit)
    return [(n, *r) for n, r in zip(numbers, frame.rows(), strict=True)]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Net Amount(£)", "netamount"),
        ("Name:  ", "name"),
        ("Organisation URI", "organisationuri"),
        ("site-address", "siteaddress"),
        ("PreviouslyPart Of", "previouslypartof"),
    ],
)
def test_normalise_header_keeps_only_letters_and_digits(text: str, normalised: str) -> None:
    assert normalise_header(text) == normalised


def test_clean_header_trims_and_collapses_whitespace() -> None:
    assert clean_header("  Net\nDwellings \t Range ") == "Net Dwellings Range"
    assert clean_header("\ufeffref") == "ref"
    assert clean_header(None) == ""


def test_find_layout_takes_first_row_as_header() -> None:
    layout = find_layout([["ref", "name"], ["A1", "Pool"]])
    assert (layout.names, layout.first_data_row, layout.issues) == (("ref", "name"), 2, ())


def test_find_layout_skips_title_and_blank_rows() -> None:
    layout = find_layout(
        [["Spend over £500", "", ""], [], ["ref", "name", "amount"], ["A1", "Pool", "10.00"]]
    )
    assert (layout.names, layout.first_data_row) == (("ref", "name", "amount"), 4)
    assert [(i.type, i.row) for i in layout.issues] == [("header-not-on-first-row", 3)]


def test_find_layout_uses_known_headers_to_pick_header_row() -> None:
    rows = [
        ["Council", "Hyndburn", ""],
        ["Period", "March", "2024"],
        ["Supplier Name", "Amount", "Note"],
        ["ACME", "10.00", "x"],
    ]
    assert find_layout(rows, known=SPEND).first_data_row == 4


def test_find_layout_finds_header_on_last_row() -> None:
    rows = [["A1", "Pool", "10.00"], ["A2", "Gym", "20.00"], [], ["ref", "name", "amount"]]
    layout = find_layout(rows)
    assert (layout.names, layout.header_at_end) == (
        ("ref", "name", "amount"),
        ("ref", "name", "amount"),
    )
    assert shaped(rows, layout) == [(1, "A1", "Pool", "10.00"), (2, "A2", "Gym", "20.00")]


def test_find_layout_finds_header_on_last_row_from_the_tail_sample() -> None:
    head = [["ACME", "10.00", "2025-04-01"]] * 5
    layout = find_layout(head, known=SPEND, last_row=["Supplier Name", "Amount", "Payment Date"])
    assert layout.names == ("Supplier Name", "Amount", "Payment Date")
    assert [i.type for i in layout.issues] == ["header-on-last-row"]


def test_find_layout_keeps_header_at_top_when_it_repeats_at_the_end() -> None:
    rows = [["ref", "amount"], ["A1", "10"], ["ref", "amount"]]
    assert find_layout(rows).first_data_row == 2


def test_find_layout_joins_header_wrapped_onto_next_row() -> None:
    rows = [
        ["(a) Site", "(b) Net", "(c) area"],
        ["reference", "dwellings", "hectares"],
        ["BP01", "22", "0.426"],
    ]
    layout = find_layout(rows)
    assert layout.names == ("(a) Site reference", "(b) Net dwellings", "(c) area hectares")
    assert layout.first_data_row == 3


def test_find_layout_joins_header_rows_when_known_names_say_so() -> None:
    known = frozenset({"organisationlabel", "sitereference", "geox"})
    rows = [["Organisation", "Site", "GeoX"], ["Label", "Reference", ""], ["Fylde", "BP01", "1"]]
    assert find_layout(rows, known=known).names == ("Organisation Label", "Site Reference", "GeoX")


def test_find_layout_ignores_title_repeated_into_header_cells() -> None:
    title = "Fylde Council Brownfield Land Register"
    rows = [
        [title, "", ""],
        ["(a) Reference", "(b) name", "(c) plan"],
        ["number", title, title],
        ["BP01", "Land off Bridgeside", "yes"],
    ]
    assert find_layout(rows).names == ("(a) Reference number", "(b) name", "(c) plan")


def test_find_layout_does_not_join_first_data_row() -> None:
    rows = [["ref", "name", "amount"], ["A1", "Pool", "10.00"]]
    assert find_layout(rows).header_rows == (1,)


def test_find_layout_removes_spacer_columns() -> None:
    rows = [["Area", "", "Service", "", "Amount"], *[["ENVS", "", "Bins", "", "1.00"]] * 10]
    layout = find_layout(rows)
    assert (layout.columns, layout.names) == ((0, 2, 4), ("Area", "Service", "Amount"))
    assert [(i.type, i.detail) for i in layout.issues] == [("empty-columns-removed", "2")]


def test_find_layout_keeps_unheaded_column_with_values() -> None:
    rows = [["ref", "", "amount"], ["A1", "x", "1"], ["A2", "y", "2"], ["A3", "z", "3"]]
    layout = find_layout(rows)
    assert layout.names == ("ref", "Column 2", "amount")
    assert [(i.type, i.column) for i in layout.issues] == [("column-without-heading", "Column 2")]


def test_find_layout_numbers_repeated_headings() -> None:
    layout = find_layout([["Amount", "amount", "Amount"], ["1", "2", "3"]])
    assert layout.names == ("Amount", "amount (2)", "Amount (3)")
    assert [i.type for i in layout.issues] == ["repeated-heading", "repeated-heading"]


def test_find_layout_reads_width_from_data_wider_than_header() -> None:
    layout = find_layout([["ref", "amount"], ["A1", "1", "note"], ["A2", "2", "note"]])
    assert (layout.width, layout.names) == (3, ("ref", "amount", "Column 3"))


def test_layout_from_names_makes_names_unique() -> None:
    layout = Layout.from_names(["ref", "ref", ""])
    assert layout.names == ("ref", "ref (2)", "Column 3")
    assert layout.first_data_row == 1


def test_shape_rows_drops_blank_rows_and_keeps_row_numbers() -> None:
    rows = [["ref", "amount"], ["A1", "1"], [None, None], ["A2", "2"], [None, None]]
    assert shaped(rows, find_layout(rows)) == [(2, "A1", "1"), (4, "A2", "2")]


def test_shape_rows_adds_spilled_text_to_the_column_on_its_left() -> None:
    rows: list[list[str | None]] = [
        ["Area", "", "Service"],
        *[["ENVS", None, "Bins"]] * 60,
        ["RESO", "dit Fee", "Audit"],
    ]
    layout = find_layout([[c or "" for c in r] for r in rows])
    frame, _, issues = shape_rows(raw(rows), layout, 1000)
    assert frame.row(-1) == ("RESO dit Fee", "Audit")
    assert [(i.type, i.row, i.field, i.value) for i in issues] == [
        ("text-in-empty-column", 62, "Area", "dit Fee")
    ]
    assert issues[0].message == (
        "Row 62: 'dit Fee' is in a column with no heading, next to Area. We added it to Area. "
        "Check it belongs there, and move it into the right cell."
    )


def test_shape_rows_cuts_cells_over_the_limit() -> None:
    rows: list[list[str | None]] = [["ref", "note"], ["A1", "é" * 30], ["A2", "short"]]
    frame, _, issues = shape_rows(raw(rows), find_layout(rows), 21)
    assert frame["note"].to_list() == ["é" * 10, "short"]
    assert [(i.type, i.row, i.field, i.detail) for i in issues] == [
        ("cell-too-long", 2, "note", "21 bytes")
    ]


def test_shape_rows_reports_cells_beyond_the_columns() -> None:
    layout = find_layout([["ref", "amount"], ["A1", "1"]])
    frame, _, issues = shape_rows(raw([["ref", "amount", None], ["A1", "1", "oops"]]), layout, 1000)
    assert frame.columns == ["ref", "amount"]
    assert [(i.type, i.row, i.value) for i in issues] == [("too-many-cells", 2, "oops")]
