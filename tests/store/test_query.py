"""Filters, sorting, cursor pages and totals over a small Delta table of a dataset's rows."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localdata.errors import InvalidQuery, UsageError
from localdata.ingest.datatypes import CANONICAL_DTYPES
from localdata.standards.catalogue import builtin_standards
from localdata.standards.model import Standard
from localdata.store.query import Filter, Page, fetch_page, filtered, parse_query
from tests.factories import make_field, make_standard

KEY = b"test cursor key"
SITES = make_standard(
    [
        make_field("organisation", "organisation"),
        make_field("reference"),
        make_field("supplier-name"),
        make_field("amount", "money"),
        make_field("hectares", "decimal"),
        make_field("dwellings", "integer"),
        make_field("payment-date", "date"),
        make_field("updated", "datetime"),
        make_field("deliverable", "flag"),
        make_field("point", "point"),
    ],
    name="sites",
)
ORGANISATIONS = ("local-authority:BUN", "local-authority:ADU", "local-authority:CAM")
SUPPLIERS = ("Acme Ltd", "acme LIMITED", "Bright Ltd", None, "=SUM(A1)", "Café LTD")
AMOUNTS = ("10.00", "500.00", "500.01", None, "-3.50", "1234.50", "500.00")


def site_rows(count: int = 30) -> list[dict[str, Any]]:
    """Rows with ties, nulls and every datatype, spread over three organisations."""
    return [
        {
            "organisation": ORGANISATIONS[i % 3],
            "reference": f"R{i:03d}",
            "supplier-name": SUPPLIERS[i % len(SUPPLIERS)],
            "amount": None if AMOUNTS[i % 7] is None else Decimal(AMOUNTS[i % 7]),
            "hectares": (0.5, 1.25, None, 3.0)[i % 4],
            "dwellings": (1, 2, None, 10, 2)[i % 5],
            "payment-date": None if i % 8 == 0 else date(2024, 3, 1 + i % 5),
            "updated": datetime(2024, 3, 31, 13, i % 60, tzinfo=UTC),
            "deliverable": (True, False, None)[(i // 3) % 3],
            "point": None if i % 5 == 0 else f"POINT ({-1 - i / 100} {51 + i / 100})",
            "_resource": ("a" if i % 2 else "b") * 64,
            "_row": i + 2,
            "_entry_date": date(2024, 4, 2),
        }
        for i in range(count)
    ]


def write_rows(
    folder: Path, rows: list[dict[str, Any]], standard: Standard = SITES
) -> pl.LazyFrame:
    """Write rows as a Delta table partitioned by organisation and scan it, as the lake does."""
    schema = {f.name: CANONICAL_DTYPES[f.datatype] for f in standard.fields}
    schema |= {"_resource": pl.String(), "_row": pl.Int64(), "_entry_date": pl.Date()}
    path = folder / "table"
    frame = pl.DataFrame(rows, schema=schema)
    frame.write_delta(path, delta_write_options={"partition_by": ["organisation"]})
    return pl.scan_delta(str(path))


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> pl.LazyFrame:
    return write_rows(tmp_path_factory.mktemp("sites"), site_rows())


def query(*params: tuple[str, str], standard: Standard = SITES) -> Any:
    return parse_query(list(params), standard, cursor_key=KEY)


def page(frame: pl.LazyFrame, *params: tuple[str, str], **extra: Any) -> Page:
    return fetch_page(frame, query(*params), SITES, cursor_key=KEY, **extra)


def references(found: Page) -> list[str]:
    return [r["reference"] for r in found.records]


def identity(row: dict[str, Any]) -> tuple[str, str, int]:
    return (row["organisation"], row["_resource"], row["_row"])


def expected(
    keep: Callable[[dict[str, Any]], bool], sort: Sequence[tuple[str, bool]] = ()
) -> list[str]:
    """References of the rows kept, in the order the library promises (nulls last)."""
    rows = sorted((r for r in site_rows() if keep(r)), key=identity)
    for name, descending in reversed(sort):
        present = [r for r in rows if r[name] is not None]
        present.sort(key=lambda r: r[name], reverse=descending)  # stable, even reversed
        rows = present + [r for r in rows if r[name] is None]
    return [r["reference"] for r in rows]


def all_pages(
    frame: pl.LazyFrame, params: list[tuple[str, str]], sizes: Sequence[int]
) -> list[str]:
    found: list[str] = []
    cursor: str | None = None
    for number in range(1000):
        size = sizes[number % len(sizes)]
        extra = [("_next", cursor)] if cursor else []
        result = page(frame, *params, ("_size", str(size)), *extra)
        assert len(result.records) <= size
        found += references(result)
        cursor = result.next
        if cursor is None:
            return found
    raise AssertionError("paging did not end")


def lower(text: str | None) -> str:
    return (text or "").lower()


FILTERS: list[tuple[str, str, Callable[[dict[str, Any]], bool]]] = [
    ("reference", "R007", lambda r: r["reference"] == "R007"),
    ("amount", "500", lambda r: r["amount"] == Decimal(500)),
    ("amount__gt", "500", lambda r: r["amount"] is not None and r["amount"] > 500),
    ("amount__gte", "500", lambda r: r["amount"] is not None and r["amount"] >= 500),
    ("amount__lt", "10", lambda r: r["amount"] is not None and r["amount"] < 10),
    ("amount__lte", "10.00", lambda r: r["amount"] is not None and r["amount"] <= 10),
    ("supplier-name__contains", "ltd", lambda r: "ltd" in lower(r["supplier-name"])),
    ("supplier-name__contains", "CAFÉ", lambda r: "café" in lower(r["supplier-name"])),
    ("supplier-name__contains", "(", lambda r: "(" in lower(r["supplier-name"])),
    ("reference__in", "R001, R004,R999", lambda r: r["reference"] in {"R001", "R004"}),
    ("amount__in", "10,1234.50", lambda r: r["amount"] in {Decimal(10), Decimal("1234.5")}),
    ("amount__isnull", "true", lambda r: r["amount"] is None),
    ("amount__isnull", "false", lambda r: r["amount"] is not None),
    ("point__isnull", "yes", lambda r: r["point"] is None),
    ("hectares__gt", "1", lambda r: r["hectares"] is not None and r["hectares"] > 1),
    ("dwellings", "2", lambda r: r["dwellings"] == 2),
    ("dwellings__lte", "+2", lambda r: r["dwellings"] is not None and r["dwellings"] <= 2),
    ("payment-date", "2024-03-02", lambda r: r["payment-date"] == date(2024, 3, 2)),
    (
        "payment_date__gte",
        "2024-03-04",
        lambda r: r["payment-date"] is not None and r["payment-date"] >= date(2024, 3, 4),
    ),
    (
        "updated__lt",
        "2024-03-31T13:05:00Z",
        lambda r: r["updated"] < datetime(2024, 3, 31, 13, 5, tzinfo=UTC),
    ),
    (
        "updated__gte",
        "2024-03-31T14:20:00+01:00",
        lambda r: r["updated"] >= datetime(2024, 3, 31, 13, 20, tzinfo=UTC),
    ),
    ("deliverable", "yes", lambda r: r["deliverable"] is True),
    ("deliverable", "FALSE", lambda r: r["deliverable"] is False),
    ("deliverable__in", "true,no", lambda r: r["deliverable"] is not None),
    (
        "organisation__in",
        "local-authority:ADU,local-authority:CAM",
        lambda r: r["organisation"] in {"local-authority:ADU", "local-authority:CAM"},
    ),
    ("organisation__contains", "B", lambda r: r["organisation"] == "local-authority:BUN"),
    ("organisation", "local-authority:CAM", lambda r: r["organisation"] == "local-authority:CAM"),
]


@pytest.mark.parametrize(
    ("name", "value", "keep"), FILTERS, ids=[f"{n}={v}" for n, v, _ in FILTERS]
)
def test_filter_keeps_matching_records(
    sites: pl.LazyFrame, name: str, value: str, keep: Callable[[dict[str, Any]], bool]
) -> None:
    result = page(sites, (name, value), ("_size", "1000"))
    assert references(result) == expected(keep)
    assert result.total == len(result.records) and result.total_is_exact


def test_filters_combine_with_and(sites: pl.LazyFrame) -> None:
    result = page(
        sites, ("amount__gte", "500"), ("organisation", "local-authority:ADU"), ("dwellings", "2")
    )
    assert references(result) == expected(
        lambda r: (
            r["amount"] is not None
            and r["amount"] >= 500
            and r["organisation"] == "local-authority:ADU"
            and r["dwellings"] == 2
        )
    )


def test_filtered_keeps_rows_without_paging(sites: pl.LazyFrame) -> None:
    rows = filtered(sites, query(("amount__gt", "500")), SITES).collect()
    assert sorted(rows["reference"]) == sorted(
        expected(lambda r: r["amount"] is not None and r["amount"] > 500)
    )


def test_parse_query_reads_values_by_datatype() -> None:
    parsed = query(
        ("amount__gt", " 1234.5 "),
        ("payment-date", "2024-03-31"),
        ("updated__lt", "2024-03-31T13:30:00"),
        ("deliverable", "No"),
        ("dwellings__in", "1, 2"),
        ("hectares__lte", "1e1"),
        ("supplier-name__isnull", "false"),
        ("as_of", "2024-01-01"),
    )
    assert parsed.filters == (
        Filter("amount", "gt", Decimal("1234.5")),
        Filter("payment-date", "eq", date(2024, 3, 31)),
        Filter("updated", "lt", datetime(2024, 3, 31, 13, 30, tzinfo=UTC)),
        Filter("deliverable", "eq", False),
        Filter("dwellings", "in", (1, 2)),
        Filter("hectares", "lte", 10.0),
        Filter("supplier-name", "isnull", False),
    )
    assert (parsed.size, parsed.sort, parsed.fields, parsed.exact_count) == (100, (), None, False)


def test_parse_query_reads_a_company_number_as_text() -> None:
    contracts = {s.name: s for s in builtin_standards()}["contracts"]
    parsed = parse_query([("supplier-company-number", "03914156")], contracts, cursor_key=KEY)
    assert parsed.filters == (Filter("supplier-company-number", "eq", "03914156"),)


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        ("amout", "5", "There is no field 'amout' in sites. Filter on one of: organisation, "),
        ("amount__gtt", "5", "Use one of these operators after __: gt, gte, lt, lte, contains"),
        ("amount__contains", "5", "amount holds money values, so it cannot be filtered with "),
        ("deliverable__gt", "yes", "Use one of: = (equals), __in, __isnull."),
        ("point", "POINT (1 2)", "Use one of: __isnull."),
        ("amount", "£5", "enter an amount in pounds"),
        ("amount__gt", "1.005", "at most two decimal places"),
        ("amount__in", "1,x", "Check amount__in=1,x: enter an amount"),
        ("dwellings", "2.5", "Check dwellings=2.5: enter a whole number, like 25."),
        ("hectares", "nan", "enter a number, like 12.5"),
        ("payment-date", "31/03/2024", "enter a date like 2024-03-31"),
        ("payment-date", "2024-02-30", "enter a date like 2024-03-31"),
        ("updated", "noon", "enter a date and time like 2024-03-31T13:30:00Z"),
        ("deliverable", "maybe", "enter yes or no"),
        ("amount__isnull", "perhaps", "enter true or false"),
        ("_size", "0", "_size must be a whole number from 1 to 1000; '0' is not."),
        ("_size", "1001", "_size must be a whole number from 1 to 1000"),
        ("_size", "ten", "_size must be a whole number from 1 to 1000"),
        ("_count", "roughly", "_count can be exact or estimate"),
        ("_sort", "-amout", "Sort by one of: organisation, reference,"),
        ("_fields", "reference,nope", "Choose _fields from: organisation, reference,"),
        ("_fields", " , ", "Name at least one field in _fields"),
        ("_limit", "5", "There is no option '_limit'. Use one of: _fields, _sort, _size"),
        ("_next", "not-a-cursor", "The _next value is not one this service made."),
    ],
)
def test_parse_query_explains_what_is_allowed(param: str, value: str, message: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        query((param, value))
    assert message in caught.value.message
    assert isinstance(caught.value, UsageError) and caught.value.status == 400


def test_parse_query_refuses_an_option_given_twice() -> None:
    with pytest.raises(InvalidQuery, match="Give _size only once"):
        query(("_size", "5"), ("_size", "6"))
    with pytest.raises(InvalidQuery, match="organisation__in="):
        query(("organisation", "local-authority:ADU"), ("organisation", "local-authority:BUN"))


@pytest.mark.parametrize(
    "sort",
    [
        [("amount", False)],
        [("amount", True)],
        [("deliverable", True), ("hectares", False)],
        [("payment-date", False), ("amount", True)],
        [("organisation", True)],
        [("updated", True)],
        [("supplier-name", False)],
    ],
    ids=str,
)
def test_sort_orders_records_with_ties_broken_by_identity(
    sites: pl.LazyFrame, sort: list[tuple[str, bool]]
) -> None:
    text = ",".join(("-" if descending else "") + name for name, descending in sort)
    assert all_pages(sites, [("_sort", text)], [4]) == expected(lambda r: True, sort)


def test_sort_accepts_underscored_names_and_ignores_repeats() -> None:
    parsed = query(("_sort", "-payment_date,amount,payment-date"))
    assert parsed.sort == (("payment-date", True), ("amount", False))


@pytest.mark.parametrize(
    "params",
    [
        [],
        [("supplier-name__contains", "ltd")],
        [("_sort", "-amount")],
        [("organisation__in", "local-authority:CAM,local-authority:ADU"), ("_sort", "hectares")],
        [("organisation", "local-authority:BUN"), ("_sort", "-payment-date")],
    ],
    ids=str,
)
def test_cursor_pages_through_every_record_once(
    sites: pl.LazyFrame, params: list[tuple[str, str]]
) -> None:
    everything = references(page(sites, *params, ("_size", "1000")))
    assert all_pages(sites, params, [3]) == everything
    assert all_pages(sites, params, [1, 7, 2]) == everything
    assert len(set(everything)) == len(everything)


def test_cursor_pages_are_stable(sites: pl.LazyFrame) -> None:
    first = page(sites, ("_sort", "amount"), ("_size", "5"))
    assert first.next is not None
    again = [references(page(sites, ("_sort", "amount"), ("_next", first.next))) for _ in "ab"]
    assert again[0] == again[1]


def test_pages_read_known_partitions_in_order(sites: pl.LazyFrame) -> None:
    params = [("amount__gt", "0")]
    walked = all_pages(sites, params, [2])
    known = ["local-authority:CAM", "local-authority:BUN", "local-authority:ADU", "org-gone"]
    result = page(sites, *params, ("_size", "2"), organisations=known)
    assert references(result) == walked[:2]
    assert walked == expected(lambda r: r["amount"] is not None and r["amount"] > 0)


def test_forged_cursor_is_refused(sites: pl.LazyFrame) -> None:
    token = page(sites, ("_size", "2")).next
    assert token is not None
    payload, signature = token.split(".")
    body = base64.urlsafe_b64decode(payload + "==").replace(
        b"local-authority:ADU", b"local-authority:CAM"
    )
    forged = base64.urlsafe_b64encode(body).rstrip(b"=").decode() + "." + signature
    for bad in (forged, payload, token + "x", "", "!!!.???", token.replace(".", "")):
        if bad:
            with pytest.raises(InvalidQuery, match="The _next value is not one this service"):
                query(("_next", bad))
    with pytest.raises(InvalidQuery, match="not one this service made"):
        parse_query([("_next", token)], SITES, cursor_key=b"another key")


def test_cursor_is_refused_with_another_sort(sites: pl.LazyFrame) -> None:
    token = page(sites, ("_size", "2"), ("_sort", "amount")).next
    assert token is not None
    with pytest.raises(InvalidQuery, match="made for another dataset or another _sort"):
        query(("_next", token), ("_sort", "-amount"))


def test_empty_next_starts_from_the_first_page(sites: pl.LazyFrame) -> None:
    assert references(page(sites, ("_next", ""), ("_size", "2"))) == expected(lambda r: True)[:2]


def test_fields_projects_records_and_keeps_provenance(sites: pl.LazyFrame) -> None:
    record = page(sites, ("_fields", "amount,payment_date,amount"), ("_size", "1")).records[0]
    assert list(record) == ["organisation", "amount", "payment-date", "provenance"]
    assert record["provenance"] == {"resource": "a" * 64, "row": 3, "entry_date": "2024-04-02"}


def test_records_hold_json_ready_values(sites: pl.LazyFrame) -> None:
    record = page(sites, ("reference", "R011")).records[0]
    assert record == {
        "organisation": "local-authority:CAM",
        "reference": "R011",
        "supplier-name": "Café LTD",
        "amount": "-3.50",
        "hectares": 3.0,
        "dwellings": 2,
        "payment-date": "2024-03-02",
        "updated": "2024-03-31T13:11:00Z",
        "deliverable": True,
        "point": "POINT (-1.11 51.11)",
        "provenance": {"resource": "a" * 64, "row": 13, "entry_date": "2024-04-02"},
    }


def test_total_is_exact_when_asked(sites: pl.LazyFrame) -> None:
    keep = expected(lambda r: "ltd" in lower(r["supplier-name"]))
    unknown = page(sites, ("supplier-name__contains", "ltd"), ("_size", "2"))
    assert (unknown.total, unknown.total_is_exact) == (None, False)
    params = [
        ("supplier-name__contains", "ltd"),
        ("organisation__in", "local-authority:ADU,local-authority:CAM"),
    ]
    estimated = page(sites, *params, ("_size", "2"))
    assert (estimated.total, estimated.total_is_exact) == (20, False)
    exact = page(sites, ("supplier-name__contains", "ltd"), ("_size", "2"), ("_count", "exact"))
    assert (exact.total, exact.total_is_exact) == (len(keep), True)


def test_total_counts_partitions_exactly_when_only_organisations_are_filtered(
    sites: pl.LazyFrame,
) -> None:
    result = page(
        sites, ("organisation__in", "local-authority:ADU,local-authority:BUN"), ("_size", "2")
    )
    assert (result.total, result.total_is_exact) == (20, True)
    narrowed = page(
        sites, ("organisation", "local-authority:ADU"), ("amount__gt", "0"), ("_size", "1")
    )
    assert (narrowed.total, narrowed.total_is_exact) == (10, False)


def test_fetch_page_on_an_empty_dataset() -> None:
    schema = {f.name: CANONICAL_DTYPES[f.datatype] for f in SITES.fields}
    schema |= {"_resource": pl.String(), "_row": pl.Int64(), "_entry_date": pl.Date()}
    result = page(pl.LazyFrame(schema=schema), ("amount__gt", "5"), ("_sort", "-amount"))
    assert (result.records, result.next, result.total, result.total_is_exact) == ([], None, 0, True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    chosen=st.lists(st.sampled_from(range(len(FILTERS))), max_size=2, unique=True),
    sort=st.lists(
        st.tuples(
            st.sampled_from(["amount", "hectares", "payment-date", "deliverable"]), st.booleans()
        ),
        max_size=2,
        unique_by=lambda key: key[0],
    ),
    sizes=st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=4),
    known=st.booleans(),
)
def test_paging_with_random_sizes_returns_exactly_the_filtered_rows(
    sites: pl.LazyFrame,
    chosen: list[int],
    sort: list[tuple[str, bool]],
    sizes: list[int],
    known: bool,
) -> None:
    params = [(FILTERS[i][0], FILTERS[i][1]) for i in chosen]
    if sort:
        params.append(("_sort", ",".join(("-" if d else "") + n for n, d in sort)))
    keeps = [FILTERS[i][2] for i in chosen]
    want = expected(lambda r: all(keep(r) for keep in keeps), sort)
    found: list[str] = []
    cursor: str | None = None
    for number in range(200):
        extra = [("_next", cursor)] if cursor else []
        size = sizes[number % len(sizes)]
        result = page(
            sites,
            *params,
            ("_size", str(size)),
            *extra,
            organisations=ORGANISATIONS if known else None,
        )
        found += references(result)
        cursor = result.next
        if cursor is None:
            break
    assert found == want


def test_parse_query_reads_any_identifier_of_an_organisation() -> None:
    """Issue 13: a code or name finds the organisation's partition; a stranger is a 400."""
    assert query(("organisation", "E07000120")).organisation == "local-authority:HYN"
    [found] = query(("organisation__in", "Hyndburn, 00DA")).filters
    assert found.value == ("local-authority:HYN", "local-authority:LDS")
    with pytest.raises(InvalidQuery, match="No organisation matches 'Atlantis' in organisation="):
        query(("organisation", "Atlantis"))
