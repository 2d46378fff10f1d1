"""Reading files as tables: every real council file, each format, encoding and delimiter.

Expected values were read off the files by hand; row numbers are the rows a spreadsheet shows.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from localdata.ingest.issues import CATALOGUE, Issue
from localdata.ingest.readers import TableSource, open_table
from localdata.settings import Settings
from tests.conftest import DATA, real_file

BAD = DATA / "bad"
SPEND_KNOWN = frozenset({"transactionnumber", "paymentdate", "suppliername", "amount", "date"})
OLD_SPEND = [
    "Service Cost Centre",
    "Account Detail",
    "Description",
    "HBC ref no",
    "Name",
    "Payment date",
    "Net Amount(£)",
]
NEW_SPEND = [
    "Department Area",
    "Service Area",
    "Description",
    "Line",
    "HBC Ref No.",
    "Name:",
    "Payment Date",
    "Amount Paid",
]
LEEDS = [
    "Body",
    "Body name",
    "Service label",
    "Service divison label",
    "Expenditure category",
    "Detailed expenditure type",
    "Detailed expenditure code",
    "Date paid",
    "Transaction number",
    "Net amount",
    "Capital or revenue",
    "Supplier name",
]
FIRE = [
    "Transaction Number",
    "Date",
    "Expenditure Category",
    "Supplier Name",
    "Supplier Classification",
    "Amount",
]


def read(
    source: Path | bytes, known: frozenset[str] = frozenset(), **limits: Any
) -> tuple[TableSource, pl.DataFrame, list[Issue]]:
    """Open a file and gather all its batches: the source, the rows (with ``_row``), issues."""
    table = open_table(source, settings=Settings(**limits), known_headers=known)
    batches = list(table.batches())
    frames = [b.frame.with_columns(b.row_numbers.alias("_row")) for b in batches]
    empty = pl.DataFrame(schema={**dict.fromkeys(table.headers, pl.String), "_row": pl.Int64})
    return table, pl.concat(frames) if frames else empty, [i for b in batches for i in b.issues]


def row(frame: pl.DataFrame, number: int) -> dict[str, Any]:
    found = frame.filter(pl.col("_row") == number).drop("_row")
    assert found.height == 1, f"row {number} is not there once"
    return found.row(0, named=True)


def types(issues: list[Issue]) -> list[tuple[str, int | None]]:
    return [(i.type, i.row) for i in issues]


SPEND_FILES = [
    # file, headers, rows, row number, that row, encoding
    (
        "hyndburn/1704.csv",
        OLD_SPEND,
        258,
        2,
        [
            "HOUSING BENEFIT ADMINISTRATION",
            "AGENCY STAFF",
            "STAFF",
            "B000018766/33923",
            "EDEN BROWN LTD",
            "05-Apr-17",
            "858.00",
        ],
        "cp850",
    ),
    (
        "hyndburn/1705.csv",
        OLD_SPEND,
        178,
        179,
        [
            "BANK CHARGES",
            "BANK CHARGES",
            "STREAMLINE",
            "28984",
            "NATWEST BANK",
            "19-May-17",
            "1047.91",
        ],
        "cp1252",
    ),
    (
        "hyndburn/March-2020-csv.csv",
        OLD_SPEND,
        281,
        282,
        [
            "BANK CHARGES",
            "BANK CHARGES",
            "ON GROUP (NATWEST)",
            "32723",
            "30.11.19-28.02.20",
            "30/03/2020",
            "3153.72",
        ],
        "cp1252",
    ),
    (
        "hyndburn/September-2022.csv",
        [*OLD_SPEND[:6], "Net Amount", "RecId"],
        14,
        3,
        [
            "ENVIRONMENTAL HEALTH",
            "CVMU",
            "VEHICLE TAX",
            "P-CARD -SEP 22 ",
            "DVLA",
            "11-Aug-22",
            "292.50",
            None,
        ],
        "utf-8",
    ),
    (
        "hyndburn/June-23-csv.csv",
        [*OLD_SPEND[:5], "Payment Date", "Net Amount (£)"],
        547,
        549,
        [
            "AUDIT, BANK & TREASURY",
            "NATWEST BANK CHARGES",
            "01.04.23-30.06.23",
            "36663",
            "NATWEST",
            "30-Jun-23",
            "2692.47",
        ],
        "utf-8",
    ),
    (
        "hyndburn/August-24.csv",
        NEW_SPEND,
        790,
        110,
        [
            "ENVS - Environmental Services",
            "CAE - Waste Services",
            "Training Course\nAs per QUO-1934-30/5/24\n\nCourse Fees",
            "1",
            "CRPOI0003556",
            "Specialist Training Consultancy Ltd",
            "06/08/24",
            "780.00",
        ],
        "utf-8",
    ),
    (
        "hyndburn/February-2025-csv.csv",
        NEW_SPEND,
        905,
        3,
        [
            "RESO - Resources",
            "AAE - Residual Leisure",
            "Household Support Fund Round 6 Delivery",
            "1",
            "CRINV0007153",
            "Hyndburn Leisure",
            "04/02/2025",
            "349,138.00",
        ],
        "cp1252",
    ),
    (
        "hyndburn/March-25-CSV.csv",
        NEW_SPEND,
        888,
        1,
        [
            "REGN - Regeneration & Housing",
            "FAF - Strategic Housing",
            "Affordable Warmth Grant",
            "1",
            "CRINV0008145",
            "Rhea Projects",
            "04/03/2025",
            "2,730.00",
        ],
        "cp1252",
    ),
    (
        "hyndburn/October-25.csv",
        NEW_SPEND,
        595,
        4,
        [
            "REGN - Regeneration & Housing",
            "FAB - Facilities",
            "new ducting out of hours work",
            "1",
            "CRINV0013393",
            "Sterling Construction (Services) Ltd",
            "02/10/2025",
            "2,400.00",
        ],
        "utf-8",
    ),
    (
        "leeds/leeds-2011-05.csv",
        LEEDS,
        7299,
        7300,
        [
            "http://statistics.data.gov.uk/doc/local-authority/00DA",
            "Leeds City Council",
            "Adult Social Care",
            "Services For Older People - 65 And Over",
            "Third Party Payments",
            "Residential Care Emi",
            "571",
            "12-May-11",
            "1105-07299",
            "1448.76",
            "R",
            "Zzroseberry Court Care Home",
        ],
        "utf-8",
    ),
    (
        "lancashire-fire/fire-2025-26-q1.xlsx",
        FIRE,
        919,
        2,
        [
            "6011404",
            "2025-04-01T01:00:00",
            "INTERNAL.STATIONERY.STATIONERY.PAPER",
            "BANNER GROUP LTD",
            "STATIONERY",
            "1041.44",
        ],
        None,
    ),
]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "headers", "rows", "number", "values", "encoding"), SPEND_FILES)
def test_open_table_reads_real_spend_file(
    name: str,
    headers: list[str],
    rows: int,
    number: int,
    values: list[str | None],
    encoding: str | None,
) -> None:
    table, frame, _ = read(real_file(f"spend/{name}"))
    assert table.headers == headers
    assert frame.height == rows
    assert row(frame, number) == dict(zip(headers, values, strict=True))
    assert table.encoding == encoding


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "headers", "rows", "number", "values", "encoding"), SPEND_FILES)
def test_open_table_reads_real_spend_file_the_same_with_known_headers(
    name: str,
    headers: list[str],
    rows: int,
    number: int,
    values: list[str | None],
    encoding: str | None,
) -> None:
    table, frame, _ = read(real_file(f"spend/{name}"), SPEND_KNOWN)
    assert (table.headers, frame.height) == (headers, rows)
    assert list(row(frame, number).values()) == values


BROWNFIELD = "brownfield/pdf-extracted-with-fix/"
BROWNFIELD_FILES = [
    # file, number of headers, first three, last, rows, row 2 starts with, last row
    (
        "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv",
        17,
        ["SiteReference", "SiteAddress", "GeoX"],
        "FirstAddedDate",
        47,
        ["BP01", "Land off Bridgeside, St Annes", "330941", "431694"],
        48,
    ),
    (
        "2c8470a8cf8f80693ba26bc208c754c2c5c6f02c27ec8be74df629c51e050935.csv",
        21,
        ["name", "site-address", "deliverable"],
        "slug",
        38,
        ["DCS1", "Land east of Willesden Junction Station", None, None],
        39,
    ),
    (
        "3b08e37cd8d9263627609d72c3b2b2c6c0cfb3a120e42f0504ef45d158d674ea.csv",
        25,
        ["OrganisationURI", "OrganisationLabel", "Site Reference"],
        "SiteInformation",
        37,
        [
            "http://opendatacommunities.org/id/district-council/worcester",
            "Worcester City Council",
            "SWDP43/3",
            None,
        ],
        38,
    ),
    (
        "40ba241c5f5da1de68d3c025e68210d8707413a4d7c50ce9396a006802556669.csv",
        34,
        ["Fields", "OrganisationURI", "OrganisationLabel"],
        "PlanningAuthority3",
        3,
        [
            "LLDC1",
            "http://opendatacommunities.org/doc/dev-corp/london-legacy",
            "London Legacy Development Corporation",
            "LLDC1",
        ],
        4,
    ),
    (
        "45e645b8570f5dd8b7f8775e032047d98ff2b61de6ac4f14ebea3ef8c771acba.csv",
        21,
        ["OrganisationURI", "SiteReference", "SiteNameAddress"],
        "EndDate",
        56,
        [
            "http://opendatacommunities.org/id/district-council/new-forest",
            "BLR_Brans_001",
            "Merryfield Park, Derritt Lane, Bransgore",
            "https://newforest.gov.uk/media/148/Brownfield-Land-Register-Site-Location-Maps/pdf/"
            "brownfield-land-register-site-location-maps.pdf?m=637219426352370000",
        ],
        57,
    ),
    (
        "46ebf7ab269ab18d204e5f9738bcc304c6dbfad29a27ffd2c87905237d1201f4.csv",
        28,
        ["OrganisationLabel", "SiteReference", "SiteNameAddress"],
        "Notes",
        18,
        [
            "Wychavon District Council",
            "WDCBLR/0001",
            "Garage, High Street, Pershore",
            "https://www.wychavon.gov.uk/documents/10586/8906182/WDCBLR0001+Garage%2C+High+Street"
            "%2C+Pershore.pdf/9f85d54b-e638-fec0-a0ef-6c1203c8579b",
        ],
        19,
    ),
    (
        "5ed5da3ec0f3a94a214b1d119b5904625058f5834ca2c5afedaf66df2c19f4bb.csv",
        21,
        ["LA SITE REF", "NAME AND ADDRESS OF SITE", "TOWNSHIP"],
        "DATE LAST UPDATED",
        128,
        [
            "SH 0483",
            "Site Of 53-61 Tweedale Street, Rochdale",
            "Rochdale",
            "Available within individual site Pdf",
        ],
        129,
    ),
    (
        "60f678353356da2c46b9390f1b64906ef8d284e4f6e937b9078238dbcddf2e39.csv",
        28,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        12,
        [
            "http://opendatacommunities.org/id/district-council/south-hams",
            "South Hams District Council",
            "SH_34_10_16",
            None,
        ],
        13,
    ),
    (
        "66012b17982030d63e3e2c1d2f54b916046488c074a39ccb9db9f036aaf120c8.csv",
        28,
        ["Organisation URI", "OrganisationLabel", "SiteReference"],
        "Last Updated Date",
        4,
        [
            "http://opendatacommunities.org/id/district-council/west-devon",
            "West Devon Borough Council",
            "WD_32_11_13",
            None,
        ],
        5,
    ),
    (
        "97eb6c31f21efb200abcfc769025480608f96b40a21e97d423483afa9fa35a57.csv",
        29,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        18,
        [
            "http://opendatacommunities.org/id/district-council/molevalley",
            "Mole Valley District Council",
            "BLR02",
            "18-DK-015",
        ],
        19,
    ),
    (
        "a6f17c3bc674d60391fc9a1ec361a45627435357916b3d707759bca130b8bc28.csv",
        34,
        ["Fields", "OrganisationURI", "OrganisationLabel"],
        "PlanningAuthority3",
        2,
        [
            "LLDC1",
            "http://opendatacommunities.org/doc/dev-corp/london-legacy",
            "London Legacy Development Corporation",
            "LLDC1",
        ],
        3,
    ),
    (
        "b6ac516b83a2fcd908a8dd453dd5bca437c9238c1bcdff8ce9aa0d719e1d3bcd.csv",
        28,
        ["Organisation URI", "Organisation Label", "Site Reference"],
        "Last Updated Date",
        13,
        [
            "http://opendatacommunities.org/id/district-council/south-hams",
            "South Hams District Council",
            "SH_34_10_16",
            None,
        ],
        14,
    ),
    (
        "c7e27fdf412c73f3ab48025f1e32f6f9cacc8a55d23d4427182f3a04e42372e6.csv",
        31,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "PPRN",
        66,
        [
            "http://opendatacommunities.org/id/unitary-authority/leicester",
            "Leicester City Council",
            "LLU6012_20151587",
            None,
        ],
        67,
    ),
    (
        "cd5ea36ba52b11b51f6b9bab380710646daf8607bd210758168d8bdfbcf74504.csv",
        28,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        38,
        [
            "http://opendatacommunities.org/id/dev-corp/old-oak-and-park-royal",
            "Old Oak & Park Royal Development Corporation",
            "DCS1",
            None,
        ],
        39,
    ),
    (
        "dda69588484b738fc11766920157bf7dbed8bad220109da484a9f43dd4b6addc.csv",
        13,
        ["Site Name Address", "Coordinates (Latitude & Longitude)", "GeoX"],
        "Notes",
        28,
        [
            "102-104 Fore Street (1st, 2nd and 3rd floors only)",
            "Latitude: 50.72131 Longitude: -3.53389",
            "-3.53389",
            "50.72131",
        ],
        29,
    ),
    (
        "de3918b3af88df0eebce7fbb3f8bc36f571f59fda90470f9b1e8bee3145f8ca0.csv",
        28,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        1079,
        [
            "http://opendatacommunities.org/id/london-borough-council/islington",
            "London Borough of Islington",
            "P052245",
            None,
        ],
        1080,
    ),
    (
        "e30b4383fed7f88ab2ed9586bae5cda32d4f25d1c1e2bd19544dd640c006dbf8.csv",
        27,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        4,
        [
            "http://opendatacommunities.org/id/district-council/west-devon",
            "West Devon Borough Council",
            "WD_32_11_13",
            None,
        ],
        5,
    ),
    (
        "../published/north-kesteven.csv",
        28,
        ["OrganisationURI", "OrganisationLabel", "SiteReference"],
        "LastUpdatedDate",
        2,
        [
            "http://opendatacommunities.org/id/district-council/north-kesteven ",
            "North Kesteven District Council",
            "BLR/0001",
            None,
        ],
        3,
    ),
]


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "width", "first", "last", "rows", "values", "last_row"), BROWNFIELD_FILES
)
def test_open_table_reads_real_brownfield_file(
    name: str,
    width: int,
    first: list[str],
    last: str,
    rows: int,
    values: list[str | None],
    last_row: int,
) -> None:
    table, frame, _ = read(real_file(BROWNFIELD + name))
    assert (len(table.headers), table.headers[:3], table.headers[-1]) == (width, first, last)
    assert frame.height == rows
    assert list(row(frame, 2).values())[:4] == values
    assert frame["_row"].max() == last_row


@pytest.mark.realdata
def test_open_table_decodes_dos_pound_sign_in_1704() -> None:
    table, _, _ = read(real_file("spend/hyndburn/1704.csv"))
    assert table.headers[-1] == "Net Amount(£)"
    assert [(i.type, i.detail) for i in table.issues] == [
        ("encoding-not-utf8", "DOS code page 850")
    ]


@pytest.mark.realdata
def test_open_table_decodes_windows_1252_smart_quotes_in_newham() -> None:
    _, frame, _ = read(real_file(BROWNFIELD + BROWNFIELD_FILES[15][0]))
    assert row(frame, 835)["DevelopmentDescription"].startswith(
        "“Demolition of the existing building and erection of a new building"
    )


@pytest.mark.realdata
def test_open_table_finds_header_on_last_line_of_march_25() -> None:
    table, frame, _ = read(real_file("spend/hyndburn/March-25-CSV.csv"))
    assert ("header-on-last-row", None) in types(table.issues)
    assert row(frame, 888)["HBC Ref No."] == "CRINV0009513"
    assert "Department Area" not in frame["Department Area"].to_list()


@pytest.mark.realdata
def test_open_table_removes_spacer_columns_and_keeps_spilled_text_in_october_25() -> None:
    table, frame, issues = read(real_file("spend/hyndburn/October-25.csv"))
    assert ("empty-columns-removed", None) in types(table.issues)
    assert next(i.detail for i in table.issues if i.type == "empty-columns-removed") == "9"
    assert [(i.type, i.row, i.value, i.field) for i in issues] == [
        ("text-in-empty-column", 353, "p", "Service Area"),
        ("text-in-empty-column", 596, "dit Fee", "Service Area"),
    ]
    assert row(frame, 596)["Service Area"] == "AAF - Finance dit Fee"


@pytest.mark.realdata
def test_open_table_skips_blank_row_above_header_in_june_23() -> None:
    table, frame, _ = read(real_file("spend/hyndburn/June-23-csv.csv"))
    assert ("header-not-on-first-row", 2) in types(table.issues)
    assert frame["_row"].min() == 3


@pytest.mark.realdata
def test_open_table_drops_trailing_empty_rows_of_march_2020() -> None:
    _, frame, _ = read(real_file("spend/hyndburn/March-2020-csv.csv"))
    assert frame["_row"].max() == 282
    assert frame.filter(pl.all_horizontal(pl.exclude("_row").is_null())).height == 0


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name",
    [
        "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.txt",
        "3b08e37cd8d9263627609d72c3b2b2c6c0cfb3a120e42f0504ef45d158d674ea.txt",
        "60f678353356da2c46b9390f1b64906ef8d284e4f6e937b9078238dbcddf2e39.txt",
        "b6ac516b83a2fcd908a8dd453dd5bca437c9238c1bcdff8ce9aa0d719e1d3bcd.txt",
    ],
)
def test_open_table_reads_pdf_text_dumps_without_crashing(name: str) -> None:
    table, frame, _ = read(real_file(BROWNFIELD + name))
    assert table.headers
    assert frame.height > 0


@pytest.mark.realdata
def test_open_table_joins_fylde_header_split_over_rows() -> None:
    table, _, _ = read(real_file(BROWNFIELD + BROWNFIELD_FILES[0][0].replace(".csv", ".txt")))
    assert table.headers[:4] == [
        "(a) Reference number",
        "(b) name and address",
        "(c) plan",
        "(d) location easting",
    ]
    assert types(table.issues) == [("header-not-on-first-row", 2), ("header-split-over-rows", None)]


@pytest.mark.realdata
def test_open_table_reads_bytes_like_a_path() -> None:
    path = real_file("spend/hyndburn/1705.csv")
    from_path = read(path)[1]
    from_bytes = read(path.read_bytes())[1]
    assert from_bytes.equals(from_path)


@pytest.mark.parametrize(
    ("text", "delimiter", "format"),
    [
        (b"a,b,c\n1,2,3\n", ",", "csv"),
        (b"a\tb\tc\n1\t2, 5\t3\n", "\t", "tsv"),
        (b"a;b;c\n1;2,5;3\n", ";", "csv"),
        (b"a|b|c\n1|2, 5|3\n", "|", "csv"),
    ],
)
def test_open_table_detects_delimiter(text: bytes, delimiter: str, format: str) -> None:
    table, frame, _ = read(text)
    assert (table.delimiter, table.format, table.headers) == (delimiter, format, ["a", "b", "c"])
    assert frame.height == 1


@pytest.mark.parametrize("ending", [b"\r\n", b"\n", b"\r"])
def test_open_table_reads_any_line_ending(ending: bytes) -> None:
    text = ending.join([b"ref,note", b'A1,"two', b'lines"', b"", b"A2,x", b""])
    _, frame, _ = read(text)
    assert frame.rows() == [("A1", f"two{ending.decode()}lines", 2), ("A2", "x", 4)]


def test_open_table_reads_mixed_line_endings() -> None:
    _, frame, _ = read(b"ref,n\r\nA1,1\nA2,2\r\nA3,3\n")
    assert frame["_row"].to_list() == [2, 3, 4]


@pytest.mark.parametrize(
    ("data", "encoding", "value"),
    [
        ("ref,name\nA1,Café £5\n".encode(), "utf-8", "Café £5"),
        ("ref,name\nA1,Café £5\n".encode("utf-8-sig"), "utf-8", "Café £5"),
        ("ref,name\nA1,Café £5 ‘x’\n".encode("cp1252"), "cp1252", "Café £5 ‘x’"),
        ("ref,name\nA1,Café £5\n".encode("latin-1"), "cp1252", "Café £5"),
        ("ref,name\nA1,Net £5\n".encode("cp850"), "cp850", "Net £5"),
        ("ref,name\nA1,Café £5\n".encode("utf-16"), "utf-16", "Café £5"),
    ],
)
def test_open_table_detects_encoding(data: bytes, encoding: str, value: str) -> None:
    table, frame, _ = read(data)
    assert table.encoding == encoding
    assert row(frame, 2)["name"] == value


def test_open_table_finds_non_utf8_byte_beyond_the_sample() -> None:
    body = b"".join(b"A%d,plain text here\n" % i for i in range(40_000))
    table, frame, _ = read(b"ref,name\n" + body + b"A,Tea \xa3 cake\n")
    assert table.encoding == "cp1252"
    assert frame["name"].to_list()[-1] == "Tea £ cake"


def test_open_table_streams_large_file_in_batches_with_row_numbers() -> None:
    body = b"".join(b"R%d,%d.50\n" % (i, i) for i in range(25_000))
    table = open_table(b"ref,amount\n" + body, settings=Settings(batch_rows=10_000))
    batches = list(table.batches())
    assert [b.frame.height for b in batches] == [9_999, 10_000, 5_001]  # row 1 is the header
    assert batches[1].row_numbers[0] == 10_001
    assert batches[2].frame.row(-1) == ("R24999", "24999.50")


def test_open_table_keeps_row_numbers_after_ragged_row_beyond_the_sample() -> None:
    body = [b"R%d,x,%d" % (i, i) for i in range(30_000)]
    body[20_000] = b"R20000,x,y,z"
    body[25_000] = b"R25000"
    _, frame, issues = read(b"ref,a,b\n" + b"\n".join(body) + b"\n", batch_rows=8_000)
    assert frame.height == 30_000
    assert types(issues) == [("too-many-cells", 20_002), ("too-few-cells", 25_002)]
    assert row(frame, 20_002) == {"ref": "R20000", "a": "x", "b": "y"}
    assert row(frame, 25_002) == {"ref": "R25000", "a": None, "b": None}
    assert row(frame, 30_001)["ref"] == "R29999"


def test_open_table_reads_stray_quote_beyond_the_sample() -> None:
    body = [b"R%d,item %d" % (i, i) for i in range(30_000)]
    body[29_000] = b'R29000,12" ruler'
    _, frame, _ = read(b"ref,item\n" + b"\n".join(body) + b"\n")
    assert row(frame, 29_002)["item"] == '12" ruler'
    assert frame.height == 30_000


@pytest.mark.parametrize("name", ["two-sheets.xlsx", "macros.xlsm", "workbook.ods", "workbook.xls"])
def test_open_table_reads_workbook_values_as_text(name: str) -> None:
    table, frame, _ = read(BAD / name, SPEND_KNOWN)
    first = 5 if name == "two-sheets.xlsx" else 2
    assert table.headers == ["Transaction Number", "Payment Date", "Supplier Name", "Amount"]
    assert table.sheet == "Spend"
    assert frame.drop("_row").rows() == [
        ("6011404", "2025-04-01", "BANNER GROUP LTD", "1041.44"),
        ("6011406", "2025-04-01T09:30:00", "BHW PRINT GROUP LTD", "1280"),
        ("IQ101", "2025-04-17", "DR J WILLIAMS", "0.3"),
    ]
    assert frame["_row"].to_list() == [first, first + 1, first + 2]


def test_open_table_chooses_the_sheet_with_the_data() -> None:
    table, _, _ = read(BAD / "two-sheets.xlsx")
    assert [(i.type, i.value, i.detail) for i in table.issues] == [
        ("sheet-chosen", "Spend", "2"),
        ("header-not-on-first-row", None, ""),
    ]
    assert table.issues[1].row == 4


def test_open_table_reads_the_data_sheet_not_the_templates_example(tmp_path: Path) -> None:
    """Issue 13: a template's wider, longer "Example Data" sheet must not be read."""
    import openpyxl

    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    data.append(["SiteReference", "SiteNameAddress", "Hectares"])
    data.append(["WF1", "Lea Street", "1.2"])
    example = book.create_sheet("Example Data")
    example.append(["SiteReference", "SiteNameAddress", "Hectares", "GeoX", "GeoY", "Notes"])
    for number in range(20):
        example.append([f"EX{number}", "Made-up site", "0.5", "-2.1", "52.4", "example"])
    path = tmp_path / "register.xlsx"
    book.save(path)
    table, frame, _ = read(path, {"sitereference", "sitenameaddress", "hectares", "geox"})
    assert (table.sheet, frame.height) == ("Data", 1)


def test_open_table_reads_a_workbook_by_its_content_not_its_name(tmp_path: Path) -> None:
    """An Excel 97 workbook saved with an .xlsx name (Reading's brownfield register)."""
    path = tmp_path / "misnamed.xlsx"
    path.write_bytes((BAD / "workbook.xls").read_bytes())
    table, frame, _ = read(path, SPEND_KNOWN)
    assert (table.format, table.sheet, frame.height) == ("xls", "Spend", 3)


def test_open_table_reads_macro_workbook_without_running_macros() -> None:
    table, _, _ = read(BAD / "macros.xlsm")
    assert (table.format, types(table.issues)) == ("xlsm", [("macros-not-run", None)])


def test_open_table_reads_json_records() -> None:
    table, frame, _ = read(BAD / "records.json")
    assert table.headers == ["ref", "amount", "paid", "tags", "note"]
    assert frame.rows() == [
        ("A1", "10.5", "true", '["x"]', None, 1),
        ("A2", None, None, None, None, 2),
    ]


def test_open_table_reads_json_list_inside_an_object() -> None:
    table, frame, _ = read(BAD / "wrapped.json")
    assert (table.format, table.headers[:2], frame.height) == ("json", ["ref", "amount"], 2)


def test_open_table_chooses_json_list_matching_known_headers() -> None:
    document = {
        "notes": [{"text": "a"}, {"text": "b"}, {"text": "c"}],
        "payments": [{"amount": "1", "supplier name": "ACME"}],
    }
    table, frame, _ = read(json.dumps(document).encode(), SPEND_KNOWN)
    assert (table.headers, frame.height) == (["amount", "supplier name"], 1)
    assert [(i.type, i.value) for i in table.issues] == [("json-list-chosen", "payments")]


def test_open_table_reads_geojson_properties_and_geometry() -> None:
    table, frame, _ = read(BAD / "features.geojson")
    assert (table.format, table.headers) == ("geojson", ["reference", "hectares", "geometry"])
    assert json.loads(row(frame, 1)["geometry"]) == {
        "type": "Point",
        "coordinates": [-3.04941, 53.776994],
    }
    assert row(frame, 2) == {"reference": "BP02", "hectares": None, "geometry": None}


def test_open_table_reads_json_rows_of_arrays_like_a_sheet() -> None:
    table, frame, _ = read(b'[["Title"], ["ref", "amount"], ["A1", 5]]')
    assert (table.headers, frame.rows()) == (["ref", "amount"], [("A1", "5", 3)])


def test_open_table_reads_csv_inside_zip() -> None:
    table, frame, _ = read(BAD / "one-csv.zip")
    assert (table.member, table.headers) == (
        "spend.csv",
        ["Supplier Name", "Amount", "Payment Date"],
    )
    assert row(frame, 2) == {
        "Supplier Name": "ACME",
        "Amount": "10.00",
        "Payment Date": "2025-04-01",
    }


def test_open_table_chooses_zip_file_matching_known_headers() -> None:
    table, _, _ = read(BAD / "two-csvs.zip", SPEND_KNOWN)
    assert table.member == "data/spend.csv"
    assert [(i.type, i.value, i.detail) for i in table.issues] == [
        ("zip-file-chosen", "data/spend.csv", "2")
    ]


def test_open_table_reads_workbook_inside_zip() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("q1/spend.xlsx", (BAD / "macros.xlsm").read_bytes())
    table, frame, _ = read(archive.getvalue())
    assert (table.format, table.sheet, frame.height) == ("xlsm", "Spend", 3)


def test_open_table_says_when_content_differs_from_the_name() -> None:
    table = open_table(BAD / "csv-named.xls", settings=Settings())
    assert [(i.type, i.value, i.detail) for i in table.issues] == [
        ("format-differs-from-name", ".xls", "CSV text")
    ]
    assert table.issues[0].message == (
        "The file's name ends in '.xls', but it holds CSV text. We read it as CSV text. "
        "Give the file the extension that matches what it holds."
    )


def test_open_table_issue_types_are_declared() -> None:
    for name in (
        "title-rows.csv",
        "spacer-columns.csv",
        "ragged-rows.csv",
        "duplicate-headers.csv",
        "mixed-encoding.csv",
        "two-sheets.xlsx",
    ):
        table, _, issues = read(BAD / name)
        assert {i.type for i in [*table.issues, *issues]} <= set(CATALOGUE)
