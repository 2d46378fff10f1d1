"""Every real council file in ../shared/data/real is checked, mapped and harmonised right.

The expected values were read off the files by hand; each test names the file and the row a
person would see in a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import pytest

import localdata
from localdata.ingest.report import Report
from localdata.registers import Register
from tests.conftest import real_file

HYNDBURN = "E07000120"
LEEDS = "E08000035"

D = dt.date


def _row(report: Report, row: int) -> dict[str, Any]:
    assert report.table is not None
    found = report.table.filter(pl.col("_row") == row)
    assert found.height == 1, f"row {row} not found once in the harmonised table"
    return found.row(0, named=True)


def _point(wkt: str) -> tuple[float, float]:
    match = re.fullmatch(r"POINT \((-?[\d.]+) (-?[\d.]+)\)", wkt)
    assert match, wkt
    return float(match[1]), float(match[2])


def _assert_values(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, want in expected.items():
        got = actual[name]
        if name == "point":
            lon, lat = _point(got)
            assert lon == pytest.approx(want[0], abs=2e-6), name
            assert lat == pytest.approx(want[1], abs=2e-6), name
        elif name in {"amount", "hectares", "irrecoverable-vat"}:
            assert float(got) == pytest.approx(want), name
        else:
            assert got == want, name


SPEND = [
    # file, organisation, rows, row, expected values
    (
        "hyndburn/1704.csv",
        HYNDBURN,
        258,
        2,
        {
            "payment-date": D(2017, 4, 5),
            "amount": 858.00,
            "supplier-name": "EDEN BROWN LTD",
            "transaction-number": "B000018766/33923",
            "purpose": "STAFF",
        },
    ),
    (
        "hyndburn/1705.csv",
        HYNDBURN,
        178,
        179,
        {"payment-date": D(2017, 5, 19), "amount": 1047.91, "supplier-name": "NATWEST BANK"},
    ),
    (
        "hyndburn/1705.csv",
        HYNDBURN,
        178,
        2,
        {
            "payment-date": D(2017, 5, 3),
            "amount": 337,
            "supplier-name": "THOMSON REUTERS",
            "transaction-number": "B000018815/50652",
        },
    ),
    (
        "hyndburn/March-2020-csv.csv",
        HYNDBURN,
        281,
        3,
        {
            "payment-date": D(2020, 3, 4),
            "amount": 303.94,
            "supplier-name": "LANCASHIRE LEYLAND DAF LTD",
        },
    ),
    (
        "hyndburn/September-2022.csv",
        HYNDBURN,
        14,
        3,
        {
            "payment-date": D(2022, 8, 11),
            "amount": 292.50,
            "supplier-name": "DVLA",
            "transaction-number": "P-CARD -SEP 22",
        },
    ),
    (
        "hyndburn/June-23-csv.csv",
        HYNDBURN,
        547,
        3,
        {
            "payment-date": D(2023, 6, 6),
            "amount": 1708.75,
            "supplier-name": "H & M Building & Joinery Ltd",
        },
    ),
    (
        "hyndburn/June-23-csv.csv",
        HYNDBURN,
        547,
        548,
        {"payment-date": D(2023, 6, 26), "amount": 1091.21, "supplier-name": "ALLPAY.NET.LTD"},
    ),
    (
        "hyndburn/August-24.csv",
        HYNDBURN,
        790,
        790,
        {
            "payment-date": D(2024, 8, 29),
            "amount": 3240.00,
            "supplier-name": "Cloudcoco Limited",
            "transaction-number": "CRPOI0004613",
        },
    ),
    (
        "hyndburn/February-2025-csv.csv",
        HYNDBURN,
        905,
        3,
        {
            "payment-date": D(2025, 2, 4),
            "amount": 349138.00,
            "supplier-name": "Hyndburn Leisure",
            "transaction-number": "CRINV0007153",
        },
    ),
    (
        "hyndburn/March-25-CSV.csv",
        HYNDBURN,
        888,
        1,
        {
            "payment-date": D(2025, 3, 4),
            "amount": 2730.00,
            "supplier-name": "Rhea Projects",
            "transaction-number": "CRINV0008145",
        },
    ),
    (
        "hyndburn/October-25.csv",
        HYNDBURN,
        595,
        4,
        {
            "payment-date": D(2025, 10, 2),
            "amount": 2400.00,
            "supplier-name": "Sterling Construction (Services) Ltd",
        },
    ),
    (
        "lancashire-fire/fire-2025-26-q1.xlsx",
        None,
        919,
        2,
        {
            "payment-date": D(2025, 4, 1),
            "amount": 1041.44,
            "supplier-name": "BANNER GROUP LTD",
            "transaction-number": "6011404",
        },
    ),
    (
        "leeds/leeds-2011-05.csv",
        None,
        7299,
        2,
        {
            "payment-date": D(2011, 5, 26),
            "amount": 528,
            "transaction-number": "1105-00001",
            "supplier-name": "3663 Booker Food Services",
            "capital-or-revenue": "revenue",
        },
    ),
    (
        "leeds/leeds-2011-05.csv",
        None,
        7299,
        7300,
        {
            "payment-date": D(2011, 5, 12),
            "amount": 1448.76,
            "supplier-name": "Zzroseberry Court Care Home",
        },
    ),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "organisation", "rows", "row", "expected"), SPEND)
def test_check_harmonises_real_spend_file(
    name: str, organisation: str | None, rows: int, row: int, expected: dict[str, Any]
) -> None:
    report = localdata.check(real_file(f"spend/{name}"), "spend", organisation)
    assert report.rows == rows
    assert {"payment-date", "amount", "supplier-name"} <= set(report.mapping.fields)
    _assert_values(_row(report, row), expected)


@pytest.mark.realdata
def test_check_resolves_the_leeds_body_uri_to_leeds() -> None:
    report = localdata.check(real_file("spend/leeds/leeds-2011-05.csv"), "spend")
    leeds = Register.default().resolve(LEEDS)
    assert leeds is not None
    assert report.table is not None
    assert report.table["organisation"].unique().to_list() == [leeds.id]


BROWNFIELD = "brownfield/pdf-extracted-with-fix/"
BROWNFIELD_FILES = [
    (
        "brownfield/published/north-kesteven.csv",
        2,
        {"reference": "BLR/0001", "point": (-0.393631, 53.000879), "hectares": 1.84},
    ),
    (
        BROWNFIELD + "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv",
        2,
        {
            "reference": "BP01",
            "point": (-3.04941, 53.776994),
            "hectares": 0.426,
            "planning-permission-date": D(2014, 2, 26),
        },
    ),
    (
        BROWNFIELD + "2c8470a8cf8f80693ba26bc208c754c2c5c6f02c27ec8be74df629c51e050935.csv",
        2,
        {"point": (-0.240301, 51.53246), "hectares": 1.6},
    ),
    (
        BROWNFIELD + "3b08e37cd8d9263627609d72c3b2b2c6c0cfb3a120e42f0504ef45d158d674ea.csv",
        2,
        {"reference": "SWDP43/3", "point": (-2.203305, 52.190268), "hectares": 1.20},
    ),
    (
        BROWNFIELD + "40ba241c5f5da1de68d3c025e68210d8707413a4d7c50ce9396a006802556669.csv",
        2,
        {
            "reference": "LLDC1",
            "point": (-0.008506, 51.534424),
            "hectares": 2.9,
            "planning-permission-date": D(2012, 9, 28),
        },
    ),
    (
        BROWNFIELD + "45e645b8570f5dd8b7f8775e032047d98ff2b61de6ac4f14ebea3ef8c771acba.csv",
        2,
        {
            "reference": "BLR_Brans_001",
            "point": (-1.747586, 50.782055),
            "hectares": 0.9,
            "planning-permission-date": D(2017, 1, 19),
        },
    ),
    (
        BROWNFIELD + "46ebf7ab269ab18d204e5f9738bcc304c6dbfad29a27ffd2c87905237d1201f4.csv",
        2,
        {"reference": "WDCBLR/0001", "point": (-2.076043, 52.112959), "hectares": 0.47},
    ),
    (
        BROWNFIELD + "5ed5da3ec0f3a94a214b1d119b5904625058f5834ca2c5afedaf66df2c19f4bb.csv",
        2,
        {"reference": "SH 0483", "point": (-2.15946, 53.609541), "hectares": 0.04},
    ),
    (
        BROWNFIELD + "60f678353356da2c46b9390f1b64906ef8d284e4f6e937b9078238dbcddf2e39.csv",
        2,
        {
            "reference": "SH_34_10_16",
            "point": (-3.600551, 50.459868),
            "hectares": 0.68,
            "planning-permission-date": D(2019, 3, 28),
        },
    ),
    (
        BROWNFIELD + "66012b17982030d63e3e2c1d2f54b916046488c074a39ccb9db9f036aaf120c8.csv",
        2,
        {
            "reference": "WD_32_11_13",
            "point": (-4.182656, 50.659289),
            "hectares": 1.51,
            "planning-permission-date": D(2017, 11, 14),
        },
    ),
    (
        BROWNFIELD + "97eb6c31f21efb200abcfc769025480608f96b40a21e97d423483afa9fa35a57.csv",
        2,
        {"reference": "BLR02", "point": (-0.329811, 51.232473), "hectares": 0.5},
    ),
    (
        BROWNFIELD + "a6f17c3bc674d60391fc9a1ec361a45627435357916b3d707759bca130b8bc28.csv",
        2,
        {"reference": "LLDC1", "point": (-0.008506, 51.534424), "hectares": 2.9},
    ),
    (
        BROWNFIELD + "b6ac516b83a2fcd908a8dd453dd5bca437c9238c1bcdff8ce9aa0d719e1d3bcd.csv",
        2,
        {"reference": "SH_34_10_16", "point": (-3.600551, 50.459868), "hectares": 0.68},
    ),
    (
        BROWNFIELD + "c7e27fdf412c73f3ab48025f1e32f6f9cacc8a55d23d4427182f3a04e42372e6.csv",
        2,
        {
            "reference": "LLU6012_20151587",
            "point": (-1.143469, 52.638995),
            "hectares": 5.72,
            "planning-permission-date": D(2015, 12, 10),
        },
    ),
    (
        BROWNFIELD + "cd5ea36ba52b11b51f6b9bab380710646daf8607bd210758168d8bdfbcf74504.csv",
        2,
        {"reference": "DCS1", "point": (-0.240301, 51.53246), "hectares": 1.6},
    ),
    (
        BROWNFIELD + "dda69588484b738fc11766920157bf7dbed8bad220109da484a9f43dd4b6addc.csv",
        2,
        {
            "point": (-3.53389, 50.72131),
            "hectares": 0.07,
            "planning-permission-date": D(2011, 9, 22),
        },
    ),
    (
        BROWNFIELD + "de3918b3af88df0eebce7fbb3f8bc36f571f59fda90470f9b1e8bee3145f8ca0.csv",
        2,
        {"reference": "P052245", "hectares": 1.38, "planning-permission-date": D(2007, 7, 6)},
    ),
    (
        BROWNFIELD + "e30b4383fed7f88ab2ed9586bae5cda32d4f25d1c1e2bd19544dd640c006dbf8.csv",
        2,
        {"reference": "WD_32_11_13", "point": (-4.182656, 50.659289), "hectares": 1.51},
    ),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "row", "expected"), BROWNFIELD_FILES)
def test_check_harmonises_real_brownfield_file(
    name: str, row: int, expected: dict[str, Any]
) -> None:
    report = localdata.check(real_file(name), "brownfield-land")
    assert report.rows > 0
    assert {"point", "hectares"} <= set(report.mapping.fields)
    _assert_values(_row(report, row), expected)


@pytest.mark.realdata
def test_check_reports_newham_points_outside_england() -> None:
    name = BROWNFIELD + "de3918b3af88df0eebce7fbb3f8bc36f571f59fda90470f9b1e8bee3145f8ca0.csv"
    report = localdata.check(real_file(name), "brownfield-land")
    point_issues = [r for r in report.flatten(["field", "row"]) if r[0] == "point"]
    assert [r[1] for r in point_issues][:1] == [2]
    assert _row(report, 2)["point"] is None
