"""The organisation read from what a file says, when nobody says who published it (issue 13)."""

from __future__ import annotations

from pathlib import Path

import pytest

import localdata
from localdata.ingest.report import Report
from localdata.settings import Settings
from tests.conftest import SHARED, real_file
from tests.factories import write_file

HYNDBURN = "local-authority:HYN"
BURNLEY = "local-authority:BUN"
PCC = "police-and-crime-commissioner"
TFL = "passenger-transport-executive:Q682520"
IDENTIFIED = "organisation-identified"
SEVERAL = "several-organisations-named"
ANOTHER = "another-organisation-named"


def _check(
    tmp_path: Path, text: str, standard: str = "spend", organisation: str | None = None
) -> Report:
    settings = Settings(data_dir=tmp_path / "data")
    return localdata.check(write_file(tmp_path, text), standard, organisation, settings=settings)


def _file_issues(report: Report) -> list[tuple[str, str | None, str]]:
    wanted = {IDENTIFIED, SEVERAL, ANOTHER}
    return [(i.type, i.value, i.detail) for i in report.issue_list() if i.type in wanted]


# -- columns -------------------------------------------------------------------------------


def test_identify_reads_a_column_by_its_values_whatever_its_heading(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Purchasing Body,Supplier,Amount,Date\n"
        "Hyndburn Borough Council,Acme Ltd,100,01/03/2024\n"
        "Hyndburn Borough Council,Bolt Ltd,200,02/03/2024\n",
    )
    assert report.organisation == HYNDBURN
    [issue] = [i for i in report.issue_list() if i.type == IDENTIFIED]
    assert issue.message.startswith(
        "We identified the organisation as Hyndburn Borough Council from the column "
        "'Purchasing Body'."
    )
    assert report.table is not None
    assert report.table["organisation"].to_list() == [HYNDBURN, HYNDBURN]


def test_identify_fills_the_organisation_so_the_rows_have_one(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Body Name,Supplier Name,Amount,Payment Date\n"
        "Manchester City Council,Acme Ltd,100,01/03/2024\n"
        "Manchester City Council,Acme Ltd,100,02/03/2024\n"
        "Manchester City Council,Acme Ltd,100,02/03/2024\n"
        ",Acme Ltd,100,02/03/2024\n",
    )
    assert report.organisation == "local-authority:MAN"
    assert report.table is not None
    assert report.table["organisation"].unique().to_list() == ["local-authority:MAN"]


def test_identify_reads_a_360giving_funder_id(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Identifier,Title,Amount Awarded,Award Date,Funding Org:Identifier\n"
        "360G-TRF-1,Youth club,5000,2024-03-01,GB-LAE-TRF\n"
        "360G-TRF-2,Food bank,2500,2024-03-02,GB-LAE-TRF\n",
        standard="grants",
    )
    assert report.organisation == "local-authority:TRF"


def test_identify_reads_a_county_snac_code_in_the_organisation_column(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Body,Supplier Name,Amount,Payment Date\n18,Acme Ltd,100,01/03/2024\n"
        "18,Acme Ltd,200,02/03/2024\n",
    )
    assert report.organisation == "local-authority:DEV"


def test_identify_never_reads_the_supplier_column(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Supplier Name,Amount,Payment Date\nLancashire County Council,100,01/03/2024\n"
        "Lancashire County Council,200,02/03/2024\n",
    )
    assert report.organisation is None
    assert _file_issues(report) == []


def test_identify_reads_codes_and_places_only_under_an_organisation_heading(
    tmp_path: Path,
) -> None:
    header = "Supplier Name,Amount,Payment Date"
    rows = "Acme Ltd,100,01/03/2024,{0}\nBolt Ltd,200,02/03/2024,{0}\n"
    vat = _check(tmp_path, f"{header},VAT Type\n" + rows.format("NET"))
    place = _check(tmp_path, f"{header},Ward\n" + rows.format("Hyndburn"))
    number = _check(tmp_path, f"{header},Period\n" + rows.format("18"))
    code = _check(tmp_path, f"{header},Local_Authority\n" + rows.format("HYN"))
    snac = _check(tmp_path, f"{header},SNAC\n" + rows.format("18"))
    assert (vat.organisation, place.organisation, number.organisation) == (None, None, None)
    assert (code.organisation, snac.organisation) == (HYNDBURN, "local-authority:DEV")


def test_identify_ignores_a_column_with_many_values(tmp_path: Path) -> None:
    names = ["Hyndburn Borough Council"] * 80 + [f"Council {n}" for n in range(21)]
    text = "Service,Amount,Payment Date\n" + "".join(f"{n},1,01/03/2024\n" for n in names)
    assert _check(tmp_path, text).organisation is None


# -- rows above the header -----------------------------------------------------------------


def test_identify_reads_the_title_above_the_header(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Hyndburn Borough Council - payments over £250,,\n,,\n"
        "Supplier Name,Amount,Payment Date\nAcme Ltd,100,01/03/2024\n",
    )
    assert report.organisation == HYNDBURN
    [(_, value, detail)] = _file_issues(report)
    assert value == "Hyndburn Borough Council"
    assert detail.startswith("row 1 above the column headings")


def test_identify_reads_a_label_and_uri_above_the_header(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Organisation:,http://opendatacommunities.org/id/district-council/hyndburn,\n"
        "Supplier Name,Amount,Payment Date\nAcme Ltd,100,01/03/2024\n",
    )
    assert report.organisation == HYNDBURN


def test_identify_leaves_out_prose_above_the_header(tmp_path: Path) -> None:
    prose = (
        "The following information is an overview of all the grants paid in the year for "
        "services commissioned with funding from Lancashire County Council and its partners"
    )
    report = _check(
        tmp_path, f'"{prose}",,\nSupplier Name,Amount,Payment Date\nAcme Ltd,100,01/03/2024\n'
    )
    assert report.organisation is None


# -- several organisations ---------------------------------------------------------------


def test_identify_reports_a_file_that_names_two_organisations(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Hyndburn Borough Council - payments,,,\n"
        "Body Name,Supplier Name,Amount,Payment Date\n"
        "Burnley Borough Council,Acme Ltd,100,01/03/2024\n",
    )
    assert report.organisation is None
    [(slug, _, listed)] = _file_issues(report)
    assert slug == SEVERAL
    assert listed.startswith(
        "Burnley Borough Council (the column 'Body Name'); Hyndburn Borough Council (row 1 "
        "above the column headings ('Hyndburn Borough Council - payments'))"
    )
    assert report.must_fix


def test_identify_reports_a_file_naming_another_organisation_than_the_one_given(
    tmp_path: Path,
) -> None:
    report = _check(
        tmp_path,
        "Body Name,Supplier Name,Amount,Payment Date\n"
        "Burnley Borough Council,Acme Ltd,100,01/03/2024\n",
        organisation="E07000120",
    )
    assert report.organisation == HYNDBURN
    [issue] = [i for i in report.issue_list() if i.type == ANOTHER]
    assert issue.message.startswith(
        "The file names Burnley Borough Council (the column 'Body Name'), but you are checking "
        "it for Hyndburn Borough Council."
    )
    assert report.must_fix


def test_identify_accepts_a_predecessor_of_the_organisation_given(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Body Name,Supplier Name,Amount,Payment Date\n"
        "Taunton Deane Borough Council,Acme Ltd,100,01/03/2018\n",
        organisation="local-authority:SUA",
    )
    assert _file_issues(report) == []


def test_identify_says_nothing_when_the_file_agrees_with_the_one_given(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "Body Name,Supplier Name,Amount,Payment Date\nHyndburn,Acme Ltd,100,01/03/2024\n",
        organisation="Hyndburn",
    )
    assert _file_issues(report) == []


def test_identify_leaves_each_row_of_a_combined_register_its_own(tmp_path: Path) -> None:
    report = _check(
        tmp_path,
        "London brownfield land,,,,\n"
        "OrganisationURI,SiteReference,GeoX,GeoY,Hectares\n"
        "http://opendatacommunities.org/id/london-borough-council/brent,B1,-0.28,51.55,1\n"
        "http://opendatacommunities.org/id/london-borough-council/barnet,N1,-0.2,51.62,2\n",
        standard="brownfield-land",
    )
    assert report.organisation is None
    assert _file_issues(report) == []
    assert report.table is not None
    assert report.table["organisation"].to_list() == [
        "local-authority:BEN",
        "local-authority:BNE",
    ]


# -- every real file -----------------------------------------------------------------------

BROWNFIELD = "brownfield/pdf-extracted-with-fix/"
MORE = "more/brownfield-land/"
COLUMN_URI = "the column 'OrganisationURI'"

# file, the organisation it states (None: it states none), and where it says so. Read off
# the files by hand; SOURCES.md gives each file's true publisher.
REAL_FILES: list[tuple[str, str | None, str | None]] = [
    # Brownfield registers state their organisation in an OrganisationURI column (or a
    # misspelt or abbreviated heading for it), and often a label column beside it.
    (BROWNFIELD + "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv",
     "local-authority:FYL", "the column 'OrganisationName'"),  # also the URI column
    (BROWNFIELD + "2c8470a8cf8f80693ba26bc208c754c2c5c6f02c27ec8be74df629c51e050935.csv",
     "development-corporation:Q20648596", "the column 'organisation'"),  # a curie
    (BROWNFIELD + "3b08e37cd8d9263627609d72c3b2b2c6c0cfb3a120e42f0504ef45d158d674ea.csv",
     "local-authority:WOC", COLUMN_URI),
    (BROWNFIELD + "40ba241c5f5da1de68d3c025e68210d8707413a4d7c50ce9396a006802556669.csv",
     "development-corporation:Q6670544", COLUMN_URI),
    (BROWNFIELD + "45e645b8570f5dd8b7f8775e032047d98ff2b61de6ac4f14ebea3ef8c771acba.csv",
     "local-authority:NEW", COLUMN_URI),
    (BROWNFIELD + "46ebf7ab269ab18d204e5f9738bcc304c6dbfad29a27ffd2c87905237d1201f4.csv",
     "local-authority:WYC", "the column 'OrganisationLabel'"),  # the URI is the last column
    (BROWNFIELD + "5ed5da3ec0f3a94a214b1d119b5904625058f5834ca2c5afedaf66df2c19f4bb.csv",
     "local-authority:RCH", "the column 'LOCAL AUTHORITY'"),  # 'Rochdale', and a URI
    (BROWNFIELD + "60f678353356da2c46b9390f1b64906ef8d284e4f6e937b9078238dbcddf2e39.csv",
     "local-authority:SHA", COLUMN_URI),
    (BROWNFIELD + "66012b17982030d63e3e2c1d2f54b916046488c074a39ccb9db9f036aaf120c8.csv",
     "local-authority:WDE", "the column 'Organisation URI'"),
    (BROWNFIELD + "97eb6c31f21efb200abcfc769025480608f96b40a21e97d423483afa9fa35a57.csv",
     "local-authority:MOL", COLUMN_URI),
    (BROWNFIELD + "a6f17c3bc674d60391fc9a1ec361a45627435357916b3d707759bca130b8bc28.csv",
     "development-corporation:Q6670544", COLUMN_URI),
    (BROWNFIELD + "b6ac516b83a2fcd908a8dd453dd5bca437c9238c1bcdff8ce9aa0d719e1d3bcd.csv",
     "local-authority:SHA", "the column 'Organisation URI'"),
    (BROWNFIELD + "c7e27fdf412c73f3ab48025f1e32f6f9cacc8a55d23d4427182f3a04e42372e6.csv",
     "local-authority:LCE", COLUMN_URI),
    (BROWNFIELD + "cd5ea36ba52b11b51f6b9bab380710646daf8607bd210758168d8bdfbcf74504.csv",
     "development-corporation:Q20648596", COLUMN_URI),
    # Exeter's register: no organisation column, no title; only a Google Drive link.
    (BROWNFIELD + "dda69588484b738fc11766920157bf7dbed8bad220109da484a9f43dd4b6addc.csv",
     None, None),
    # Listed as Newham's, but its OrganisationURI column names 18 London boroughs, one per
    # row: a combined register, whose rows keep their own organisations.
    (BROWNFIELD + "de3918b3af88df0eebce7fbb3f8bc36f571f59fda90470f9b1e8bee3145f8ca0.csv",
     None, None),
    (BROWNFIELD + "e30b4383fed7f88ab2ed9586bae5cda32d4f25d1c1e2bd19544dd640c006dbf8.csv",
     "local-authority:WDE", COLUMN_URI),
    ("brownfield/published/north-kesteven.csv", "local-authority:NKE", COLUMN_URI),
    (MORE + "arun-brownfield.xlsm", "local-authority:ARU", COLUMN_URI),
    (MORE + "barnet-brownfield-2019.xlsx", "local-authority:BNE", COLUMN_URI),
    (MORE + "brent-brownfield-2017-12.csv", "local-authority:BEN", COLUMN_URI),
    (MORE + "calderdale-brownfield-2020.csv", "local-authority:CLD",
     "the column 'ORGANISATION_URI'"),
    (MORE + "camden-brownfield.csv", "local-authority:CMD", COLUMN_URI),
    (MORE + "colchester-brownfield-2017-12.csv", "local-authority:COL",
     "the column 'Publisher Label'"),  # and 'Publisher URI'
    (MORE + "coventry-brownfield.xlsm", "local-authority:COV", COLUMN_URI),
    (MORE + "croydon-brownfield-2019.csv", "local-authority:CRY", COLUMN_URI),
    (MORE + "dacorum-brownfield-2018-08.csv", "local-authority:DAC", COLUMN_URI),
    (MORE + "dover-brownfield.csv", "local-authority:DOV", "the column 'Organisation URI'"),
    (MORE + "east-lindsey-brownfield.csv", "local-authority:ELI", COLUMN_URI),
    (MORE + "erewash-brownfield.csv.xlsx", "local-authority:ERE", COLUMN_URI),
    (MORE + "gedling-brownfield.csv", "local-authority:GED", "the column 'Organisati'"),
    (MORE + "gravesham-brownfield.xlsm", "local-authority:GRA", COLUMN_URI),
    (MORE + "hackney-brownfield-2020.csv", "local-authority:HCK",
     "the column 'ORGANISATION URL'"),
    (MORE + "hartlepool-brownfield-part1.xlsm", "local-authority:HPL", COLUMN_URI),
    (MORE + "havant-brownfield-2017.xlsx", "local-authority:HAA", COLUMN_URI),
    (MORE + "havering-brownfield.csv", "local-authority:HAV", "the column 'OrgURL'"),
    (MORE + "hull-brownfield-2018.xlsx", "local-authority:KHL", COLUMN_URI),
    # The 'Data' sheet (the template's 'Example Data' sheet names an example council).
    (MORE + "isles-of-scilly-brownfield.xlsm", "local-authority:IOS", COLUMN_URI),
    (MORE + "lake-district-npa-brownfield-2017-12.csv", "national-park-authority:Q27159704",
     COLUMN_URI),
    (MORE + "liverpool-brownfield-2018.xlsx", "local-authority:LIV", "the column 'LPA_URL'"),
    # One sheet per council; the check reads the first, Halton's, whose URI names Halton.
    (MORE + "liverpool-city-region-brownfield-2018.xlsx", "local-authority:HAL", COLUMN_URI),
    # The GLA's London-wide register: 29 boroughs, one per row.
    (MORE + "london-datastore-brownfield-combined.csv", None, None),
    # 'URI' holds "Maidstone E07000110"; the title says only "MBC".
    (MORE + "maidstone-brownfield-2019-04.csv", "local-authority:MAI", "the column 'URI'"),
    (MORE + "maldon-brownfield-2017.xlsx", "local-authority:MAL", COLUMN_URI),
    # A joint planning unit's register: four councils, one per row.
    (MORE + "north-northants-jpu-brownfield-2017.xlsm", None, None),
    (MORE + "northumberland-brownfield.csv", "local-authority:NBL", COLUMN_URI),
    (MORE + "norwich-brownfield-2019.csv", "local-authority:NOW", "the column 'Organisation URI'"),
    (MORE + "plymouth-brownfield.csv", "local-authority:PLY", "the column 'OrgansiationURI'"),
    (MORE + "reading-brownfield-2018-part1.xlsx", "local-authority:RDG", COLUMN_URI),
    (MORE + "rutland-brownfield.xlsm", "local-authority:RUT", COLUMN_URI),  # the 'Data' sheet
    (MORE + "sefton-brownfield-2018.csv", "local-authority:SFT", COLUMN_URI),
    (MORE + "selby-brownfield-2017.xlsx", "local-authority:SEL", COLUMN_URI),
    (MORE + "south-norfolk-brownfield.csv", "local-authority:SNO", "the column 'District'"),
    (MORE + "south-oxfordshire-brownfield-2017-11.xlsm", "local-authority:SOX",
     "the column 'Organisation URI'"),
    (MORE + "south-tyneside-brownfield.csv", "local-authority:STY", COLUMN_URI),
    (MORE + "southwark-brownfield-2020.xlsx", "local-authority:SWK", COLUMN_URI),
    # One row's label says Hertfordshire County Council; every URI says Stevenage.
    (MORE + "stevenage-brownfield-2017.xls", "local-authority:STV", COLUMN_URI),
    (MORE + "sutton-brownfield.csv", "local-authority:STN", "the column 'Organisation URL'"),
    (MORE + "swale-brownfield-2018-10.xlsx", "local-authority:SWL", COLUMN_URI),
    (MORE + "uttlesford-brownfield-2017-12.csv", "local-authority:UTT",
     "the column 'Local_Authority'"),  # the register code 'UTT'
    (MORE + "wakefield-brownfield-2018-12.csv", "local-authority:WKF", COLUMN_URI),
    (MORE + "waltham-forest-brownfield.csv", "local-authority:WFT", COLUMN_URI),
    (MORE + "warrington-brownfield-2018.xls", "local-authority:WRT", COLUMN_URI),  # GSS URI
    # Forest Heath and St Edmundsbury, one per row, under the title "West Suffolk Councils".
    (MORE + "west-suffolk-brownfield-2017-12.csv", None, None),
    (MORE + "wigan-brownfield.csv", "local-authority:WGN", "the column 'ORGANISATI'"),
    (MORE + "wiltshire-brownfield.csv", "local-authority:WIL", "the column 'Org. URI'"),
    (MORE + "wyre-forest-brownfield-2019-12.xlsx", "local-authority:WYE", COLUMN_URI),
    # Contracts registers.
    ("more/contracts/norfolk-contracts-register-2015-03.csv", "local-authority:NFK",
     "the column 'Organisation name'"),  # and 'Organisation Code', a URI
    ("more/contracts/tfl-contracts-2025-05.csv", TFL,
     "row 1 above the column headings"),  # 'TfL contracts greater than £5,000'
    # The title names no body; a paragraph names the Ministry of Justice as a funder.
    ("more/contracts/west-yorkshire-mayor-contracts-2024-03.xlsx", None, None),
    ("more/contracts/wyca-contracts-2024-03.xlsx", None, None),
    ("more/contracts/wyca-contracts-2024-12.xlsx", None, None),
    # Spending.
    ("more/spend/bury-spend-2024-01.xlsx", "local-authority:BUR", "the column 'Authority'"),
    ("more/spend/cambridgeshire-spend-2024-02.csv", "local-authority:CAM",
     "the column 'Body Name'"),
    ("more/spend/chelmsford-spend-2024-10.xlsx", None, None),
    ("more/spend/city-of-london-spend-2024-03.xlsx", "local-authority:LND",
     "the column 'Body'"),
    ("more/spend/county-durham-spend-2024-02.csv", None, None),
    ("more/spend/croydon-spend-2024-03.xlsx", "local-authority:CRY",
     "row 4 above the column headings"),  # 'Business Unit | London Borough of Croydon'
    ("more/spend/derbyshire-pcc-spend-2024-12.xlsx", f"{PCC}:derbyshire",
     "the column 'Body Name'"),
    ("more/spend/doncaster-spend-2024-02.csv", None, None),
    # Sheets are named 'Apr 24 PCC'...; 'Durham County Council' is a supplier.
    ("more/spend/durham-pcc-spend-2025-03.xlsx", None, None),
    ("more/spend/ealing-spend-2024-03.csv", "local-authority:EAL", "the column 'Body Name'"),
    ("more/spend/gla-spend-2024-03.csv", "local-authority:GLA",
     "row 1 above the column headings"),  # 'Report of all payments made by GLA & ...'
    ("more/spend/hackney-spend-2024-03.csv", None, None),
    ("more/spend/hammersmith-fulham-spend-2024-03.xlsx", "local-authority:HMF",
     "the column 'Organisation'"),  # 'LBHF'
    ("more/spend/hampshire-iow-pcc-spend-2025-03.xls", f"{PCC}:hampshire-and-isle-of-wight",
     "the column 'Department'"),  # and the title 'Hampshire & Isle of Wight Constabulary'
    ("more/spend/hampshire-spend-2023-10.xlsx", "local-authority:HAM",
     "the column 'Authority'"),  # and the title 'Hampshire County Council - ...'
    ("more/spend/hartlepool-spend-2025-03.xlsx", "local-authority:HPL",
     "the column 'Organisation Name'"),
    ("more/spend/hounslow-spend-2024-03.csv", None, None),
    ("more/spend/isles-of-scilly-spend-2018-02.xlsx", None, None),
    ("more/spend/isles-of-scilly-spend-2024-03.xlsx", "local-authority:IOS",
     "the column 'Entity Name'"),  # ' 51 Council of the Isles of Scilly'
    ("more/spend/kingston-upon-thames-spend-2024-03.csv", "local-authority:KTT",
     "the column 'Council Name'"),  # 'Royal Borough of Kingston'
    ("more/spend/knowsley-spend-2016-03.xlsx", "local-authority:KWL", "the column 'Body'"),
    ("more/spend/knowsley-spend-2024-03.xlsx", "local-authority:KWL", "the column 'BODY'"),
    ("more/spend/lewisham-spend-2024-03.xlsx", "local-authority:LEW",
     "row 1 above the column headings"),  # 'Lewisham Council Expenditure over £250 ...'
    ("more/spend/lfb-spend-2024-03.csv", None, None),
    # Its publisher is named only on the 'Cover Sheet', which the check does not read.
    ("more/spend/mopac-mps-spend-2024-03.xlsx", None, None),
    ("more/spend/oldham-spend-2024-03.xlsx", None, None),
    ("more/spend/peterborough-spend-2024-03.xlsx", "local-authority:PTE",
     "the column 'Body Name'"),
    ("more/spend/redcar-cleveland-spend-2024-03.xlsx", "local-authority:RCC",
     "the column 'Authority'"),
    ("more/spend/st-helens-spend-2025-12.xlsx", "local-authority:SHN",
     "the column 'Body Name'"),  # 'St Helens BC'
    ("more/spend/staffordshire-spend-2024-03.csv", "local-authority:STS",
     "the column 'OrganisationName'"),
    ("more/spend/sunderland-spend-2023-12.xlsx", "local-authority:SND",
     "the column 'Local Authority'"),
    ("more/spend/telford-wrekin-pcard-2024-03.csv", None, None),
    ("more/spend/tfl-spend-2024-03.csv", TFL,
     "row 1 above the column headings"),  # 'Report of all payments made by TfL ...'
    ("more/spend/thames-valley-pcc-spend-2023-12.ods", None, None),
    ("more/spend/waltham-forest-spend-2023-12.xlsx", None, None),
    # Its supplier column names the Royal Borough of Windsor and Maidenhead: a payee.
    ("more/spend/west-berkshire-spend-2024-03.xlsx", None, None),
    ("more/spend/wmca-spend-2024-03.xlsx", None, None),
    ("more/spend/wokingham-spend-2023-10.xlsx", None, None),
    ("more/spend/worcestershire-spend-2024-03.xlsx", None, None),
    ("more/spend/wyca-pcard-2024-03.xlsx", None, None),
    ("more/spend/wyca-spend-2023-03.xlsx", None, None),
    ("more/spend/wyca-spend-2024-03.xlsx", "local-authority:WYCA",
     "row 2 above the column headings"),  # 'West Yorkshire Combined Authority (NB)'
    # Hyndburn's spending files and Lancashire Fire's state nothing (the 'HBC ref no'
    # heading is not a statement).
    ("spend/hyndburn/1704.csv", None, None),
    ("spend/hyndburn/1705.csv", None, None),
    ("spend/hyndburn/August-24.csv", None, None),
    ("spend/hyndburn/February-2025-csv.csv", None, None),
    ("spend/hyndburn/June-23-csv.csv", None, None),
    ("spend/hyndburn/March-2020-csv.csv", None, None),
    ("spend/hyndburn/March-25-CSV.csv", None, None),
    ("spend/hyndburn/October-25.csv", None, None),
    ("spend/hyndburn/September-2022.csv", None, None),
    ("spend/lancashire-fire/fire-2025-26-q1.xlsx", None, None),
    ("spend/leeds/leeds-2011-05.csv", "local-authority:LDS",
     "the column 'Body'"),  # 'http://statistics.data.gov.uk/doc/local-authority/00DA'
]  # fmt: skip


def _standard_for(name: str) -> str:
    """The standard a real file is for: the folder says."""
    if "brownfield" in name:
        return "brownfield-land"
    return "contracts" if "contracts" in name else "spend"


def _real_params() -> list[object]:
    return [pytest.param(*entry, id=entry[0]) for entry in REAL_FILES]


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "organisation", "where"), _real_params())
def test_identify_reads_the_organisation_each_real_file_states(
    name: str, organisation: str | None, where: str | None
) -> None:
    report = localdata.check(real_file(name), _standard_for(name), keep_table=False)
    assert report.organisation == organisation
    found = _file_issues(report)
    if where is None:
        assert found == []
    else:
        [(slug, _, detail)] = found
        assert slug == IDENTIFIED
        assert detail.startswith(where)


@pytest.mark.realdata
def test_identify_real_file_list_covers_every_real_file() -> None:
    folder = real_file("SOURCES.md").parent
    present = {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and p.suffix not in {".md", ".txt"}
    }
    assert present == {name for name, _, _ in REAL_FILES}
    assert SHARED.exists()
