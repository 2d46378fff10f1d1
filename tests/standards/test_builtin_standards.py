"""The built-in standards: each loads, is complete, and matches the headers of real files.

Header matching normalises a header to lowercase letters and digits only, then looks it up
among each field's name, title, aliases and coordinate columns. The tests here use the same
rule, so they say what a file's columns will map to without running the ingest pipeline.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import KEBAB, Standard
from tests.conftest import REAL, real_file

BUILTIN = [
    "brownfield-land",
    "contracts",
    "fraud",
    "grants",
    "land-and-assets",
    "pay-multiples",
    "spend",
    "trade-union-facility-time",
]


def normalise(header: str) -> str:
    """A header as matching sees it: lowercase, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


def spellings(standard: Standard) -> list[tuple[str, str, str]]:
    """Every (normalised spelling, field, role) of a standard; role is value, x or y."""
    found = []
    for field in standard.fields:
        for spelling in (field.name, field.title, *field.aliases):
            found.append((normalise(spelling), field.name, "value"))
        if field.coordinate_columns is not None:
            found += [(normalise(s), field.name, "x") for s in field.coordinate_columns.x]
            found += [(normalise(s), field.name, "y") for s in field.coordinate_columns.y]
    return found


def lookup(standard: Standard) -> dict[str, tuple[str, str]]:
    """Normalised header -> (field, role)."""
    return {spelling: (field, role) for spelling, field, role in spellings(standard)}


def map_headers(headers: list[str], standard: Standard) -> dict[str, str | None]:
    """Each header of a file -> the field it maps to, or None."""
    table = lookup(standard)
    return {h: table.get(normalise(h), (None, ""))[0] for h in headers}


@pytest.fixture(scope="module")
def catalogue() -> StandardCatalogue:
    return StandardCatalogue()


def test_catalogue_has_every_builtin_standard(catalogue: StandardCatalogue) -> None:
    assert set(BUILTIN) <= {s.name for s in catalogue.latest()}


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_standard_says_where_it_comes_from(catalogue: StandardCatalogue, name: str) -> None:
    standard = catalogue.get(name)
    assert KEBAB.match(standard.name)
    for text in (standard.title, standard.description, standard.owner, standard.source):
        assert text.strip()
    assert "licence" in standard.attribution.lower() or "CC-BY" in standard.attribution


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_fields_are_kebab_case_and_documented(
    catalogue: StandardCatalogue, name: str
) -> None:
    for field in catalogue.get(name).fields:
        assert KEBAB.match(field.name), field.name
        for attribute in ("title", "description", "guidance", "example"):
            assert getattr(field, attribute).strip(), f"{field.name} has no {attribute}"
        assert "please" not in field.guidance.lower(), field.name


@pytest.mark.parametrize("name", BUILTIN)
def test_no_spelling_is_shared_by_two_fields(catalogue: StandardCatalogue, name: str) -> None:
    owners: dict[str, set[str]] = {}
    for spelling, field, _ in spellings(catalogue.get(name)):
        owners.setdefault(spelling, set()).add(field)
    shared = {s: sorted(f) for s, f in owners.items() if len(f) > 1}
    assert shared == {}


@pytest.mark.parametrize("name", BUILTIN)
def test_no_field_lists_one_spelling_twice(catalogue: StandardCatalogue, name: str) -> None:
    for field in catalogue.get(name).fields:
        aliases = [normalise(a) for a in field.aliases]
        assert len(aliases) == len(set(aliases)), field.name
        if field.coordinate_columns is not None:
            pair = field.coordinate_columns
            columns = [normalise(c) for c in (*pair.x, *pair.y)]
            assert len(columns) == len(set(columns)), field.name


@pytest.mark.parametrize("name", BUILTIN)
def test_code_lists_are_unambiguous_and_examples_fit(
    catalogue: StandardCatalogue, name: str
) -> None:
    for field in catalogue.get(name).fields:
        forms: dict[str, str] = {}
        for code in field.constraints.codes:
            for form in {normalise(s) for s in (code.value, code.label, *code.aliases) if s}:
                assert forms.setdefault(form, code.value) == code.value, (field.name, form)
        if forms:
            assert normalise(field.example) in forms, field.name
        if field.constraints.pattern:
            assert re.search(field.constraints.pattern, field.example), field.name


def test_key_fields(catalogue: StandardCatalogue) -> None:
    keys = {name: catalogue.get(name).key for name in BUILTIN}
    assert keys["spend"] == ("transaction-number", "transaction-line")
    assert keys["brownfield-land"] == ("reference",)
    assert keys["land-and-assets"] == ("asset-reference",)


SPEND_FIELDS = [
    "organisation",
    "payment-date",
    "transaction-number",
    "amount",
    "irrecoverable-vat",
    "supplier-name",
    "supplier-id",
    "department",
    "service-category",
    "expense-type",
    "purpose",
    "merchant-category",
    "capital-or-revenue",
]

# Headers of the LGA 2015 layout and the 2011 layout.
SPEND_LAYOUT_HEADERS = {
    "PaymentDate": "payment-date",
    "BeneficiaryName": "supplier-name",
    "OrganisationalUnit": "department",
    "ServiceCategoryLabel": "service-category",
    "Purpose": "purpose",
    "Amount": "amount",
    "IrrecoverableVATAmount": "irrecoverable-vat",
    "TransactionNumber": "transaction-number",
    "BeneficiaryRegistrationNumber": "supplier-id",
    "MerchantCategory": "merchant-category",
    "ProcurementClassification": "procurement-classification",
    "ExpenditureCategory": "expenditure-category",
    "OrganisationURI": "organisation",
    "OrganisationLabel": "organisation-name",
    "Body": "organisation",
    "Body name": "organisation-name",
    "Service label": "service-category",
    "Service divison label": "service-division",
    "Expense Area": "department",
    "Expense Type": "expense-type",
    "Expenditure category": "expenditure-category",
    "Detailed expenditure type": "expense-type",
    "Date paid": "payment-date",
    "Transaction number": "transaction-number",
    "Net amount": "amount",
    "Capital or revenue": "capital-or-revenue",
    "Supplier name": "supplier-name",
}


def test_spend_has_the_fields_the_code_asks_for(catalogue: StandardCatalogue) -> None:
    spend = catalogue.get("spend")
    assert set(SPEND_FIELDS) <= set(spend.field_names)
    required = {f.name for f in spend.fields if f.required}
    assert required == {"payment-date", "amount", "supplier-name"}
    assert spend.field("organisation").datatype == "organisation"
    assert spend.field("amount").datatype == "money"
    assert spend.field("capital-or-revenue").code_values == ("capital", "revenue")


def test_spend_matches_the_2015_and_2011_layouts(catalogue: StandardCatalogue) -> None:
    spend = catalogue.get("spend")
    headers = list(SPEND_LAYOUT_HEADERS)
    assert map_headers(headers, spend) == SPEND_LAYOUT_HEADERS


def test_spend_capital_or_revenue_accepts_c_and_r(catalogue: StandardCatalogue) -> None:
    codes = catalogue.get("spend").field("capital-or-revenue").constraints.codes
    forms = {a.lower(): c.value for c in codes for a in (c.value, c.label, *c.aliases)}
    assert {k: forms[k] for k in ("c", "r", "capital", "revenue")} == {
        "c": "capital",
        "r": "revenue",
        "capital": "capital",
        "revenue": "revenue",
    }


BROWNFIELD_FIELDS = [
    "reference",
    "name",
    "site-address",
    "point",
    "hectares",
    "ownership-status",
    "planning-permission-status",
    "planning-permission-type",
    "planning-permission-date",
    "planning-permission-history",
    "deliverable",
    "minimum-net-dwellings",
    "maximum-net-dwellings",
    "hazardous-substances",
    "site-plan-url",
    "notes",
    "start-date",
    "entry-date",
    "end-date",
    "organisation",
]

BROWNFIELD_TEMPLATE_HEADERS = {
    "SiteReference": "reference",
    "SiteNameAddress": "site-address",
    "GeoX": "point",
    "GeoY": "point",
    "Hectares": "hectares",
    "OwnershipStatus": "ownership-status",
    "PlanningStatus": "planning-permission-status",
    "PermissionType": "planning-permission-type",
    "PermissionDate": "planning-permission-date",
    "PlanningHistory": "planning-permission-history",
    "Deliverable": "deliverable",
    "NetDwellingsRangeFrom": "minimum-net-dwellings",
    "NetDwellingsRangeTo": "maximum-net-dwellings",
    "MinNetDwellings": "minimum-net-dwellings",
    "HazardousSubstances": "hazardous-substances",
    "SiteplanURL": "site-plan-url",
    "Notes": "notes",
    "FirstAddedDate": "start-date",
    "LastUpdatedDate": "entry-date",
    "EndDate": "end-date",
    "OrganisationURI": "organisation",
}


def test_brownfield_has_exactly_the_planning_data_fields(catalogue: StandardCatalogue) -> None:
    brownfield = catalogue.get("brownfield-land")
    assert list(brownfield.field_names) == BROWNFIELD_FIELDS
    assert brownfield.field("deliverable").datatype == "flag"
    assert brownfield.field("hazardous-substances").datatype == "flag"
    pair = brownfield.field("point").coordinate_columns
    assert pair is not None
    assert (pair.x[0], pair.y[0]) == ("GeoX", "GeoY")
    assert {"Easting", "Longitude"} <= set(pair.x)
    assert {"Northing", "Latitude"} <= set(pair.y)


def test_brownfield_matches_the_statutory_template(catalogue: StandardCatalogue) -> None:
    brownfield = catalogue.get("brownfield-land")
    headers = list(BROWNFIELD_TEMPLATE_HEADERS)
    assert map_headers(headers, brownfield) == BROWNFIELD_TEMPLATE_HEADERS


@pytest.mark.parametrize(
    ("field", "written", "code"),
    [
        ("ownership-status", "not owned by a public authority", "not-owned-by-a-public-authority"),
        ("ownership-status", "Mixed ownership", "mixed-ownership"),
        ("planning-permission-status", "permissioned", "permissioned"),
        ("planning-permission-status", "Not Permissioned", "not-permissioned"),
        ("planning-permission-status", "pending decision", "pending-decision"),
        ("planning-permission-type", "full planning permission", "full-planning-permission"),
        ("planning-permission-type", "Outline planning permission", "outline-planning-permission"),
        ("planning-permission-type", "permission in principle", "permission-in-principle"),
    ],
)
def test_brownfield_code_lists_accept_the_values_councils_write(
    catalogue: StandardCatalogue, field: str, written: str, code: str
) -> None:
    codes = catalogue.get("brownfield-land").field(field).constraints.codes
    forms = {normalise(a): c.value for c in codes for a in (c.value, c.label, *c.aliases)}
    assert forms[normalise(written)] == code


# Reading the header rows of the real files.

# Files whose header is not on the first non-blank row.
HEADER_ROW = {"spend/hyndburn/March-25-CSV.csv": -1}


def read_headers(relative: str) -> list[str]:
    """The non-blank header cells of a real file, as written."""
    path = real_file(relative)
    if path.suffix == ".xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        return [str(cell).strip() for cell in rows[0] if str(cell).strip()]
    rows = [row for row in csv.reader(io.StringIO(_decode(path))) if any(c.strip() for c in row)]
    return [cell for cell in rows[HEADER_ROW.get(relative, 0)] if cell.strip()]


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def real_files(folder: str) -> list[str]:
    """Every CSV and XLSX under a folder of ../shared/data/real, relative to it."""
    found = sorted(p for p in (REAL / folder).rglob("*") if p.suffix in {".csv", ".xlsx"})
    return [p.relative_to(REAL).as_posix() for p in found] or [f"{folder}/(missing)"]


# Header -> field for a few files, written out in full. None means no field on purpose.
EXPECTED_SPEND = {
    "spend/hyndburn/1704.csv": {
        "Service Cost Centre": "service-category",
        "Account Detail": "expense-type",
        "Description": "purpose",
        "HBC ref no": "transaction-number",
        "Name": "supplier-name",
        "Payment date": "payment-date",
        "Net Amount(\u0153)": "amount",  # the £ byte 0x9C read as cp1252
    },
    "spend/hyndburn/September-2022.csv": {
        "Service Cost Centre": "service-category",
        "Account Detail": "expense-type",
        "Description": "purpose",
        "HBC ref no": "transaction-number",
        "Name": "supplier-name",
        "Payment date": "payment-date",
        "Net Amount": "amount",
        "RecId": None,
    },
    "spend/hyndburn/August-24.csv": {
        "Department Area": "department",
        "Service Area": "service-category",
        "Description": "purpose",
        "Line": "transaction-line",
        "HBC Ref No.": "transaction-number",
        "Name:  ": "supplier-name",
        "Payment Date": "payment-date",
        "Amount Paid": "amount",
    },
    "spend/hyndburn/March-25-CSV.csv": {
        "Department Area": "department",
        "Service Area": "service-category",
        "Description": "purpose",
        "Line": "transaction-line",
        "HBC Ref No.": "transaction-number",
        "Name:  ": "supplier-name",
        "Payment Date": "payment-date",
        "Amount Paid": "amount",
    },
    "spend/leeds/leeds-2011-05.csv": {
        "Body": "organisation",
        "Body name": "organisation-name",
        "Service label": "service-category",
        "Service divison label": "service-division",
        "Expenditure category": "expenditure-category",
        "Detailed expenditure type": "expense-type",
        "Detailed expenditure code": "expense-code",
        "Date paid": "payment-date",
        "Transaction number": "transaction-number",
        "Net amount": "amount",
        "Capital or revenue": "capital-or-revenue",
        "Supplier name": "supplier-name",
    },
    "spend/lancashire-fire/fire-2025-26-q1.xlsx": {
        "Transaction Number": "transaction-number",
        "Date": "payment-date",
        "Expenditure Category": "expenditure-category",
        "Supplier Name": "supplier-name",
        "Supplier Classification": "procurement-classification",
        "Amount": "amount",
    },
}

BROWNFIELD_FIXED = "brownfield/pdf-extracted-with-fix/"
TEMPLATE_2017 = {
    "OrganisationURI": "organisation",
    "OrganisationLabel": None,
    "SiteReference": "reference",
    "PreviouslyPartOf": None,
    "SiteNameAddress": "site-address",
    "SiteplanURL": "site-plan-url",
    "CoordinateReferenceSystem": None,
    "GeoX": "point",
    "GeoY": "point",
    "Hectares": "hectares",
    "OwnershipStatus": "ownership-status",
    "Deliverable": "deliverable",
    "PlanningStatus": "planning-permission-status",
    "PermissionType": "planning-permission-type",
    "PermissionDate": "planning-permission-date",
    "PlanningHistory": "planning-permission-history",
    "ProposedForPIP": None,
    "MinNetDwellings": "minimum-net-dwellings",
    "DevelopmentDescription": None,
    "NonHousingDevelopment": None,
    "Part2": None,
    "NetDwellingsRangeFrom": "minimum-net-dwellings",
    "NetDwellingsRangeTo": "maximum-net-dwellings",
    "HazardousSubstances": "hazardous-substances",
    "SiteInformation": None,
    "Notes": "notes",
    "FirstAddedDate": "start-date",
    "LastUpdatedDate": "entry-date",
}
EXPECTED_BROWNFIELD = {
    "brownfield/published/north-kesteven.csv": TEMPLATE_2017,
    # Rochdale: its own headers.
    BROWNFIELD_FIXED + "5ed5da3ec0f3a94a214b1d119b5904625058f5834ca2c5afedaf66df2c19f4bb.csv": {
        "LA SITE REF": "reference",
        "NAME AND ADDRESS OF SITE": "site-address",
        "TOWNSHIP": None,
        "PLAN OF SITE": "site-plan-url",
        "GeoX": "point",
        "GeoY": "point",
        "COORDINATE REFERENCE SYSTEM": None,
        "AREA (HA)": "hectares",
        "LOCAL AUTHORITY": None,
        "OPEN DATA WEBSITE": "organisation",
        "OWNERSHIP STATUS": "ownership-status",
        "LAND DELIVERABLE?": "deliverable",
        "PLANNING STATUS": "planning-permission-status",
        "IF PERMISSIONED": "planning-permission-date",
        "PlanningPermissionType": "planning-permission-type",
        "DESCRIPTION OF PROPOSED HOUSING DEVELOPMENT": "notes",
        "MINIMUM NET DWELLINGS": "minimum-net-dwellings",
        "MAXIMUM NET DWELLINGS": "maximum-net-dwellings",
        "SCALE OF NON HOUSING DEVELOPMENT": None,
        "DATE ENTERED ON REGISTER": "start-date",
        "DATE LAST UPDATED": "entry-date",
    },
    # Exeter: spaced headers and a combined coordinates column.
    BROWNFIELD_FIXED + "dda69588484b738fc11766920157bf7dbed8bad220109da484a9f43dd4b6addc.csv": {
        "Site Name Address": "site-address",
        "Coordinates (Latitude & Longitude)": None,
        "GeoX": "point",
        "GeoY": "point",
        "Site Plan": "site-plan-url",
        "Hectares": "hectares",
        "Ownership": "ownership-status",
        "Deliverable": "deliverable",
        "Planning Status": "planning-permission-status",
        "Permission Date": "planning-permission-date",
        "Min Net Dwellings": "minimum-net-dwellings",
        "Development Description": None,
        "Notes": "notes",
    },
    # Fylde: a short layout of its own.
    BROWNFIELD_FIXED + "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv": {
        "SiteReference": "reference",
        "SiteAddress": "site-address",
        "GeoX": "point",
        "GeoY": "point",
        "CoordinateSystem": None,
        "Hectares": "hectares",
        "OrganisationName": None,
        "OrganisationURI": "organisation",
        "OwnershipStatus": "ownership-status",
        "Deliverable": "deliverable",
        "PlanningStatus": "planning-permission-status",
        "PermissionType": "planning-permission-type",
        "PermissionDate": "planning-permission-date",
        "Notes": "notes",
        "NetDwellingsRangeFrom": "minimum-net-dwellings",
        "NetDwellingsRangeTo": "maximum-net-dwellings",
        "FirstAddedDate": "start-date",
    },
    # Old Oak and Park Royal: already in planning.data.gov.uk field names.
    BROWNFIELD_FIXED + "2c8470a8cf8f80693ba26bc208c754c2c5c6f02c27ec8be74df629c51e050935.csv": {
        **{name: name for name in BROWNFIELD_FIELDS if name != "reference"},
        "site": "reference",
        "slug": None,
    },
    # London Legacy: a row-label column, and EASTING/NORTHING beside GeoX/GeoY.
    BROWNFIELD_FIXED + "40ba241c5f5da1de68d3c025e68210d8707413a4d7c50ce9396a006802556669.csv": {
        "Fields": None,
        **{h: f for h, f in TEMPLATE_2017.items() if h != "PlanningStatus"},
        "Planning Status": "planning-permission-status",
        "EASTING": "point",
        "NORTHING": "point",
        "PlanningAuthority1": None,
        "PlanningAuthority2": None,
        "PlanningAuthority3": None,
    },
}

# Every other header in the real files that deliberately maps to no field.
UNMATCHED = {
    normalise(h)
    for h in [
        "RecId",
        "Fields",
        "OrganisationLabel",
        "OrganisationName",
        "LOCAL AUTHORITY",
        "PreviouslyPartOf",
        "x1",
        "x2",
        "CoordinateReferenceSystem",
        "CoordinateSystem",
        "ProposedForPIP",
        "DevelopmentDescription",
        "NonHousingDevelopment",
        "SCALE OF NON HOUSING DEVELOPMENT",
        "Part2",
        "SiteInformation",
        "PlanningAuthority1",
        "PlanningAuthority2",
        "PlanningAuthority3",
        "SHLAARef",
        "PlanPermission",
        "PPRN",
        "TOWNSHIP",
        "slug",
        "Coordinates (Latitude & Longitude)",
        # Two headers run together when the file was extracted from a PDF.
        "SitePlanURL CoordinateReferenceSystem",
        "PermissionDatePlanningHistory",
    ]
}

# Fields that more than one column of a real file may feed: the 2017 template has both
# MinNetDwellings and NetDwellingsRangeFrom, and London Legacy gives GeoX/GeoY and
# EASTING/NORTHING.
MANY_COLUMNS = {("minimum-net-dwellings", "value"), ("point", "x"), ("point", "y")}


@pytest.mark.realdata
@pytest.mark.parametrize("relative", list(EXPECTED_SPEND))
def test_real_spend_headers_map_to_the_expected_fields(
    catalogue: StandardCatalogue, relative: str
) -> None:
    headers = read_headers(relative)
    assert map_headers(headers, catalogue.get("spend")) == EXPECTED_SPEND[relative]


@pytest.mark.realdata
@pytest.mark.parametrize("relative", list(EXPECTED_BROWNFIELD))
def test_real_brownfield_headers_map_to_the_expected_fields(
    catalogue: StandardCatalogue, relative: str
) -> None:
    headers = read_headers(relative)
    assert map_headers(headers, catalogue.get("brownfield-land")) == EXPECTED_BROWNFIELD[relative]


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("standard", "relative"),
    [("spend", f) for f in real_files("spend")]
    + [("brownfield-land", f) for f in real_files("brownfield")],
)
def test_every_real_header_maps_unless_left_out_on_purpose(
    catalogue: StandardCatalogue, standard: str, relative: str
) -> None:
    table = lookup(catalogue.get(standard))
    headers = read_headers(relative)
    unmatched = [h for h in headers if normalise(h) not in table]
    assert [h for h in unmatched if normalise(h) not in UNMATCHED] == []
    assert [h for h in headers if normalise(h) in UNMATCHED and normalise(h) in table] == []
    targets = [table[normalise(h)] for h in headers if normalise(h) in table]
    repeated = {t for t in targets if targets.count(t) > 1} - MANY_COLUMNS
    assert repeated == set()
