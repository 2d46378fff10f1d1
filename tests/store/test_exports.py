"""Whole downloads of a query's records: CSV, JSON, GeoJSON and Parquet, read back and compared."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Generator
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from localdata.errors import InvalidQuery
from localdata.ingest.datatypes import CANONICAL_DTYPES
from localdata.store import scans
from localdata.store.query import EXPORT_FORMATS, export, parse_query
from tests.factories import make_field, make_standard
from tests.store.test_query import SITES, expected, page, query, site_rows, write_rows

PROVENANCE_HEADERS = ["resource", "row", "entry_date"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> pl.LazyFrame:
    return write_rows(tmp_path_factory.mktemp("sites"), site_rows())


def download(frame: pl.LazyFrame, fmt: str, *params: tuple[str, str], **extra: Any) -> bytes:
    return b"".join(export(frame, query(*params), SITES, fmt, **extra))


def every_record(frame: pl.LazyFrame, *params: tuple[str, str]) -> list[dict[str, Any]]:
    return page(frame, *params, ("_size", "1000")).records


def test_csv_download_has_field_names_and_canonical_text(sites: pl.LazyFrame) -> None:
    text = download(sites, "csv", ("reference__in", "R004,R011"))
    table = pl.read_csv(io.BytesIO(text), infer_schema=False)
    assert table.columns == [*SITES.field_names, *PROVENANCE_HEADERS]
    assert table.rows(named=True) == [
        {
            "organisation": "local-authority:ADU",
            "reference": "R004",
            "supplier-name": "'=SUM(A1)",
            "amount": "-3.50",
            "hectares": "0.5",
            "dwellings": "2",
            "payment-date": "2024-03-05",
            "updated": "2024-03-31T13:04:00Z",
            "deliverable": "no",
            "point": "POINT (-1.04 51.04)",
            "resource": "b" * 64,
            "row": "6",
            "entry_date": "2024-04-02",
        },
        {
            "organisation": "local-authority:CAM",
            "reference": "R011",
            "supplier-name": "Café LTD",
            "amount": "-3.50",
            "hectares": "3",
            "dwellings": "2",
            "payment-date": "2024-03-02",
            "updated": "2024-03-31T13:11:00Z",
            "deliverable": "yes",
            "point": "POINT (-1.11 51.11)",
            "resource": "a" * 64,
            "row": "13",
            "entry_date": "2024-04-02",
        },
    ]


def test_csv_download_follows_filters_sort_and_fields(sites: pl.LazyFrame) -> None:
    params = [("amount__gte", "500"), ("_sort", "-amount,payment-date"), ("_fields", "amount")]
    table = pl.read_csv(io.BytesIO(download(sites, "csv", *params)), infer_schema=False)
    assert table.columns == ["organisation", "amount", *PROVENANCE_HEADERS]
    assert table["amount"].to_list() == [r["amount"] for r in every_record(sites, *params)]


def test_json_download_holds_the_records_of_a_page(sites: pl.LazyFrame) -> None:
    for params in ([], [("supplier-name__contains", "ltd"), ("_sort", "-updated")]):
        body = json.loads(download(sites, "json", *params))
        assert body == {"records": every_record(sites, *params)}


def test_geojson_download_has_points_as_geometry(sites: pl.LazyFrame) -> None:
    body = json.loads(download(sites, "geojson", ("_fields", "reference,amount")))
    records = every_record(sites, ("_fields", "reference,amount"))
    assert body["type"] == "FeatureCollection"
    assert [f["properties"] for f in body["features"]] == records
    by_reference = {f["properties"]["reference"]: f["geometry"] for f in body["features"]}
    assert by_reference["R011"] == {"type": "Point", "coordinates": [-1.11, 51.11]}
    assert by_reference["R010"] is None


def test_geojson_download_uses_a_multipolygon_when_there_is_no_point(tmp_path: Any) -> None:
    areas = make_standard(
        [make_field("organisation", "organisation"), make_field("geometry", "multipolygon")],
        name="areas",
    )
    shape = "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))"
    row = {
        "organisation": "local-authority:ADU",
        "geometry": shape,
        "_resource": "c" * 64,
        "_row": 2,
    }
    frame = write_rows(tmp_path, [row | {"_entry_date": None}], areas)
    chunks = export(frame, query(standard=areas), areas, "geojson")
    feature = json.loads(b"".join(chunks))["features"][0]
    assert feature["geometry"] == {
        "type": "MultiPolygon",
        "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]],
    }
    assert feature["properties"] == {
        "organisation": "local-authority:ADU",
        "provenance": {"resource": "c" * 64, "row": 2, "entry_date": None},
    }


def test_parquet_download_is_typed(sites: pl.LazyFrame) -> None:
    table = pl.read_parquet(io.BytesIO(download(sites, "parquet", ("_sort", "-amount"))))
    schema = {f.name: CANONICAL_DTYPES[f.datatype] for f in SITES.fields}
    assert table.schema == pl.Schema(
        schema | {"resource": pl.String(), "row": pl.Int64(), "entry_date": pl.Date()}
    )
    assert table["reference"].to_list() == expected(lambda r: True, [("amount", True)])
    assert table["amount"][0] == Decimal("1234.50")
    source = pl.DataFrame(site_rows()).select(pl.col("reference"), pl.col("point"))
    assert table.select("reference", "point").sort("reference").equals(source)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_download_of_nothing_is_a_valid_empty_file(sites: pl.LazyFrame, fmt: str) -> None:
    data = download(sites, fmt, ("reference", "none"))
    if fmt == "csv":
        assert data.decode().splitlines() == [",".join([*SITES.field_names, *PROVENANCE_HEADERS])]
    elif fmt == "parquet":
        assert pl.read_parquet(io.BytesIO(data)).height == 0
    else:
        key = "records" if fmt == "json" else "features"
        assert json.loads(data)[key] == []


@pytest.mark.parametrize(
    ("params", "parts"),
    [
        ([], 3),
        ([("_sort", "-amount")], 30),
        ([("organisation", "local-authority:ADU"), ("_sort", "hectares")], 1),
    ],
    ids=str,
)
def test_download_in_many_chunks_keeps_order(
    sites: pl.LazyFrame,
    monkeypatch: pytest.MonkeyPatch,
    params: list[tuple[str, str]],
    parts: int,
) -> None:
    monkeypatch.setattr(scans, "EXPORT_ROWS", 4)
    chunks = list(export(sites, query(*params), SITES, "json"))
    assert len(chunks) >= parts + 2  # the opening and closing brackets are chunks too
    assert json.loads(b"".join(chunks)) == {"records": every_record(sites, *params)}


def test_download_reads_known_partitions(sites: pl.LazyFrame) -> None:
    known = ["local-authority:CAM", "local-authority:ADU", "local-authority:BUN", "org-gone"]
    data = download(sites, "csv", organisations=known)
    assert data == download(sites, "csv")


def test_download_refuses_an_unknown_format_or_missing_geometry(sites: pl.LazyFrame) -> None:
    with pytest.raises(InvalidQuery, match="Downloads come as csv, json, geojson, parquet"):
        export(sites, query(), SITES, "xlsx")
    spend = make_standard([make_field("organisation", "organisation")], name="spend")
    with pytest.raises(InvalidQuery, match="spend has no point or boundary field"):
        export(sites, query(standard=spend), spend, "geojson")


def test_stopping_a_download_stops_its_worker(
    sites: pl.LazyFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scans, "EXPORT_ROWS", 1)
    chunks = export(sites, query(), SITES, "csv")
    assert isinstance(chunks, Generator)
    assert next(chunks).startswith(b"organisation,")
    chunks.close()
    assert not [t for t in threading.enumerate() if t.name == "localdata-export"]


def test_download_of_partitions_already_in_order(tmp_path: Any) -> None:
    rows = sorted(site_rows(), key=lambda r: (r["organisation"], r["_resource"], r["_row"]))
    frame = write_rows(tmp_path, rows)
    body = json.loads(b"".join(export(frame, query(), SITES, "json")))
    assert [r["reference"] for r in body["records"]] == expected(lambda r: True)


def test_export_parquet_without_sort_holds_the_same_rows_as_csv(tmp_path: Path) -> None:
    """Issue 3: a Parquet download with no _sort is written in storage order, faster."""
    standard = make_standard(
        [make_field("organisation", "organisation"), make_field("transaction-number")]
    )
    frame = pl.DataFrame(
        {
            "organisation": ["b", "a", "b", "a"],
            "transaction-number": ["4", "1", "3", "2"],
            "_resource": ["r"] * 4,
            "_row": [5, 2, 4, 3],
            "_entry_date": [dt.date(2024, 1, 1)] * 4,
        }
    )
    frame.write_delta(str(tmp_path / "t"), delta_write_options={"partition_by": ["organisation"]})
    rows = pl.scan_delta(str(tmp_path / "t"))
    chosen = parse_query([], standard, cursor_key=b"k")
    parquet = pl.read_parquet(io.BytesIO(b"".join(export(rows, chosen, standard, "parquet"))))
    assert sorted(parquet["transaction-number"]) == ["1", "2", "3", "4"]
    assert parquet.columns[-3:] == ["resource", "row", "entry_date"]
