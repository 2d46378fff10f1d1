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

import localdata
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.model import KEBAB, Standard
from tests.conftest import REAL, real_file, shared_file

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
    "previously-part-of",
    "name",
    "site-address",
    "point",
    "coordinate-reference-system",
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
    "development-description",
    "non-housing-development",
    "site-information",
    "part-2",
    "proposed-for-pip",
    "start-date",
    "entry-date",
    "end-date",
    "organisation",
    "organisation-name",
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
    "OrganisationLabel": "organisation-name",
    "PreviouslyPartOf": "previously-part-of",
    "CoordinateReferenceSystem": "coordinate-reference-system",
    "ProposedForPIP": "proposed-for-pip",
    "DevelopmentDescription": "development-description",
    "NonHousingDevelopment": "non-housing-development",
    "Part2": "part-2",
    "SiteInformation": "site-information",
}


def test_brownfield_has_the_planning_data_and_2017_template_fields(
    catalogue: StandardCatalogue,
) -> None:
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
        # Other words councils use, from the regulations and planning.data.gov.uk's patches.
        ("ownership-status", "Mixed owner", "mixed-ownership"),
        ("ownership-status", "unknown owner", "unknown-ownership"),
        ("ownership-status", "Owned by a local authority", "owned-by-a-public-authority"),
        ("planning-permission-status", "Planning permission", "permissioned"),
        ("planning-permission-status", "Under construction", "permissioned"),
        ("planning-permission-type", "With Full Permission", "full-planning-permission"),
        ("planning-permission-type", "Outline Planning", "outline-planning-permission"),
        ("planning-permission-type", "reserved matters app", "reserved-matters-approval"),
        ("planning-permission-type", "Prior approval", "other"),
    ],
)
def test_brownfield_code_lists_accept_the_values_councils_write(
    catalogue: StandardCatalogue, field: str, written: str, code: str
) -> None:
    codes = catalogue.get("brownfield-land").field(field).constraints.codes
    forms = {normalise(a): c.value for c in codes for a in (c.value, c.label, *c.aliases)}
    assert forms[normalise(written)] == code


# The brownfield code lists hold exactly the values the regulations list (Schedule 2,
# paragraph 1(1)(i), (k) and (l)), as planning.data.gov.uk spells them.
BROWNFIELD_CODES = {
    "ownership-status": [
        "owned-by-a-public-authority",
        "not-owned-by-a-public-authority",
        "mixed-ownership",
        "unknown-ownership",
    ],
    "planning-permission-status": ["permissioned", "not-permissioned", "pending-decision"],
    "planning-permission-type": [
        "full-planning-permission",
        "outline-planning-permission",
        "reserved-matters-approval",
        "permission-in-principle",
        "technical-details-consent",
        "planning-permission-granted-under-an-order",
        "other",
    ],
}


@pytest.mark.parametrize("field", list(BROWNFIELD_CODES))
def test_brownfield_code_lists_are_the_regulations_values(
    catalogue: StandardCatalogue, field: str
) -> None:
    codes = catalogue.get("brownfield-land").field(field).code_values
    assert list(codes) == BROWNFIELD_CODES[field]


# The LGA contracts register layout, as Norfolk County Council published it.
CONTRACTS_LGA_LAYOUT = {
    "Organisation name": "organisation-name",
    "Organisation Code": "organisation",
    "Contract Reference number / ID": "reference",
    "Title of the Agreement": "title",
    "Contract type": None,  # the kind of agreement, not goods, services or works
    "Directorate / service responsible": "department",
    "Description of goods and services": "description",
    "Procurement classification: CPV code": "cpv-code",
    "Contract start date": "start-date",
    "End date": "end-date",
    "Review date": "review-date",
    "Contract value": "value",
    "Irrecoverable VAT": "irrecoverable-vat",
    "Supplier name": "supplier-name",
    "Supplier registered company number": "supplier-company-number",
    "Supplier registered charity number": "supplier-charity-number",
    "SME supplier": "supplier-is-sme",
    "VCSE supplier": "supplier-is-vcse",
    "Tender process type": None,  # "Other" fits no OCDS method
}


def test_contracts_matches_the_lga_contracts_register_layout(
    catalogue: StandardCatalogue,
) -> None:
    contracts = catalogue.get("contracts")
    assert map_headers(list(CONTRACTS_LGA_LAYOUT), contracts) == CONTRACTS_LGA_LAYOUT


def test_contracts_accepts_the_annual_value_instead_of_the_total(
    catalogue: StandardCatalogue,
) -> None:
    contracts = catalogue.get("contracts")
    assert not contracts.field("value").required
    assert not contracts.field("estimated-annual-value").required


# 360Giving's spreadsheet column titles for the fields a council grant list holds.
GRANTS_360GIVING_TITLES = {
    "Identifier": "identifier",
    "Title": "title",
    "Description": "description",
    "Currency": "currency",
    "Amount Awarded": "amount-awarded",
    "Amount Disbursed": "amount-disbursed",
    "Award Date": "award-date",
    "Planned Dates:Start Date": "planned-start-date",
    "Planned Dates:End Date": "planned-end-date",
    "Planned Dates:Duration (months)": "planned-duration",
    "Recipient Org:Identifier": "recipient-org-identifier",
    "Recipient Org:Name": "recipient-org-name",
    "Recipient Org:Charity Number": "recipient-org-charity-number",
    "Recipient Org:Company Number": "recipient-org-company-number",
    "Recipient Org:Postal Code": "recipient-org-postcode",
    "Beneficiary Location:Name": "beneficiary-location-name",
    "Beneficiary Location:Geographic Code": "beneficiary-location-code",
    "Beneficiary Location:Geographic Code Type": "beneficiary-location-code-type",
    "Funding Org:Identifier": "organisation",
    "Funding Org:Name": "funding-org-name",
    "Funding Org:Department": "funding-org-department",
    "Grant Programme:Code": "grant-programme-code",
    "Grant Programme:Title": "grant-programme-title",
    "From An Open Call?": "from-open-call",
    "URL": "url",
    "Last Modified": "date-modified",
}


def test_grants_matches_the_360giving_column_titles(catalogue: StandardCatalogue) -> None:
    grants = catalogue.get("grants")
    assert map_headers(list(GRANTS_360GIVING_TITLES), grants) == GRANTS_360GIVING_TITLES


def test_land_and_assets_code_lists_are_the_codes_tenure_lists(
    catalogue: StandardCatalogue,
) -> None:
    assets = catalogue.get("land-and-assets")
    assert assets.field("tenure").code_values == ("freehold", "leasehold", "other")
    assert assets.field("tenure-characteristics").code_values == (
        "occupied-by-the-local-authority",
        "ground-leasehold",
        "leasehold",
        "sub-leasehold",
        "licence",
        "vacant",
    )


# Required fields, against the statutory or official source of each standard (issue 13). Each
# standard's TOML header says why a field the source lists is or is not required.
REQUIRED_BY_SOURCE: dict[str, tuple[str, set[str]]] = {
    "brownfield-land": (
        "Brownfield Land Register Regulations 2017, Schedule 2 paragraph 1(1)",
        {
            "reference",
            "site-address",
            "site-plan-url",
            "point",
            "hectares",
            "ownership-status",
            "planning-permission-status",
            "minimum-net-dwellings",
            "start-date",
            "entry-date",
        },
    ),
    "spend": (
        "Local Government Transparency Code 2015, expenditure over £500: the payment's date, "
        "beneficiary and amount",
        {"payment-date", "supplier-name", "amount"},
    ),
    "contracts": (
        "Local Government Transparency Code 2015, contracts over £5,000",
        {
            "reference",
            "title",
            "department",
            "description",
            "supplier-name",
            "start-date",
            "end-date",
        },
    ),
    "grants": (
        "Local Government Transparency Code 2015, grants to VCSE organisations, and 360Giving "
        "1.4 (id and title)",
        {
            "identifier",
            "title",
            "description",
            "amount-awarded",
            "award-date",
            "recipient-org-name",
            "funding-org-department",
        },
    ),
    "land-and-assets": (
        "Local Government Transparency Code 2015, local authority land",
        {"asset-reference", "name", "tenure"},
    ),
    "fraud": (
        "Local Government Transparency Code 2015, fraud (the 7 measures it says must be published)",
        {
            "occasions-powers-used",
            "fraud-employees",
            "fraud-employees-fte",
            "fraud-specialists",
            "fraud-specialists-fte",
            "fraud-spend",
            "fraud-cases-investigated",
        },
    ),
    "pay-multiples": ("Local Government Transparency Code 2015, pay multiple", {"ratio"}),
    "trade-union-facility-time": (
        "Local Government Transparency Code 2015, trade union facility time",
        {
            "representatives",
            "representatives-fte",
            "majority-duty-representatives",
            "majority-duty-representatives-fte",
            "trade-unions",
            "facility-time-cost",
            "facility-time-pay-bill-percentage",
        },
    ),
}


@pytest.mark.parametrize("name", BUILTIN)
def test_required_fields_are_those_the_source_requires(
    catalogue: StandardCatalogue, name: str
) -> None:
    source, expected = REQUIRED_BY_SOURCE[name]
    required = {f.name for f in catalogue.get(name).fields if f.required}
    assert required == expected, f"{name} should require what {source} requires"


def test_brownfield_requires_the_minimum_net_dwellings_but_not_the_maximum(
    catalogue: StandardCatalogue,
) -> None:
    brownfield = catalogue.get("brownfield-land")
    assert brownfield.field("minimum-net-dwellings").required
    assert not brownfield.field("maximum-net-dwellings").required


# planning.data.gov.uk's requirement levels that the 2017 regulations do not follow: the
# regulations ask for a note only where land is deliverable, and for the minimum net
# dwellings only (planning.data.gov.uk itself fills a blank maximum from the minimum).
SPECIFICATION_MUST_NOT_REQUIRED = {"deliverable", "maximum-net-dwellings"}


def test_brownfield_requires_the_specification_must_fields_the_regulations_require(
    catalogue: StandardCatalogue,
) -> None:
    path = shared_file("reference/digital-land/specification/specification-field.csv")
    with path.open(encoding="utf-8") as rows:
        levels = {
            row["field"]: row["requirement-level"]
            for row in csv.DictReader(rows)
            if row["specification"] == "brownfield-land" and row["dataset"] == "brownfield-land"
        }
    brownfield = catalogue.get("brownfield-land")
    fields = map_headers(list(levels), brownfield)
    must = {fields[h] for h, level in levels.items() if level == "MUST"}
    required = {f.name for f in brownfield.fields if f.required}
    assert None not in fields.values()
    assert must - required == SPECIFICATION_MUST_NOT_REQUIRED
    assert required <= must


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
    "OrganisationLabel": "organisation-name",
    "SiteReference": "reference",
    "PreviouslyPartOf": "previously-part-of",
    "SiteNameAddress": "site-address",
    "SiteplanURL": "site-plan-url",
    "CoordinateReferenceSystem": "coordinate-reference-system",
    "GeoX": "point",
    "GeoY": "point",
    "Hectares": "hectares",
    "OwnershipStatus": "ownership-status",
    "Deliverable": "deliverable",
    "PlanningStatus": "planning-permission-status",
    "PermissionType": "planning-permission-type",
    "PermissionDate": "planning-permission-date",
    "PlanningHistory": "planning-permission-history",
    "ProposedForPIP": "proposed-for-pip",
    "MinNetDwellings": "minimum-net-dwellings",
    "DevelopmentDescription": "development-description",
    "NonHousingDevelopment": "non-housing-development",
    "Part2": "part-2",
    "NetDwellingsRangeFrom": "minimum-net-dwellings",
    "NetDwellingsRangeTo": "maximum-net-dwellings",
    "HazardousSubstances": "hazardous-substances",
    "SiteInformation": "site-information",
    "Notes": "notes",
    "FirstAddedDate": "start-date",
    "LastUpdatedDate": "entry-date",
}
# The planning.data.gov.uk field names in Old Oak and Park Royal's register.
OLD_OAK_FIELDS = [
    "name",
    "site-address",
    "deliverable",
    "end-date",
    "entry-date",
    "hazardous-substances",
    "hectares",
    "maximum-net-dwellings",
    "minimum-net-dwellings",
    "notes",
    "organisation",
    "ownership-status",
    "planning-permission-date",
    "planning-permission-history",
    "planning-permission-status",
    "planning-permission-type",
    "point",
    "site-plan-url",
    "start-date",
]
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
        "COORDINATE REFERENCE SYSTEM": "coordinate-reference-system",
        "AREA (HA)": "hectares",
        "LOCAL AUTHORITY": "organisation-name",
        "OPEN DATA WEBSITE": "organisation",
        "OWNERSHIP STATUS": "ownership-status",
        "LAND DELIVERABLE?": "deliverable",
        "PLANNING STATUS": "planning-permission-status",
        "IF PERMISSIONED": "planning-permission-date",
        "PlanningPermissionType": "planning-permission-type",
        "DESCRIPTION OF PROPOSED HOUSING DEVELOPMENT": "development-description",
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
        "Development Description": "development-description",
        "Notes": "notes",
    },
    # Fylde: a short layout of its own.
    BROWNFIELD_FIXED + "083bcaab201ec76562ca96c13b687b249e16fbe9372966078d9f870e722a365b.csv": {
        "SiteReference": "reference",
        "SiteAddress": "site-address",
        "GeoX": "point",
        "GeoY": "point",
        "CoordinateSystem": "coordinate-reference-system",
        "Hectares": "hectares",
        "OrganisationName": "organisation-name",
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
        **{name: name for name in OLD_OAK_FIELDS},
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
        "x1",
        "x2",
        # Rochdale's own header: left to the column mapper (issue 14), not an alias.
        "SCALE OF NON HOUSING DEVELOPMENT",
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


# Each corrected brownfield register, checked whole: a required column or value may be
# missing only for a field the 2017 regulations ask every entry for (issue 13).
CORRECTED_BROWNFIELD = [
    f for f in real_files("brownfield/pdf-extracted-with-fix") if f.endswith(".csv")
] + ["brownfield/published/north-kesteven.csv"]
MISSING = {"missing-column", "missing-value"}


@pytest.mark.realdata
@pytest.mark.parametrize("relative", CORRECTED_BROWNFIELD)
def test_corrected_brownfield_register_misses_only_what_the_regulations_require(
    relative: str,
) -> None:
    report = localdata.check(real_file(relative), "brownfield-land")
    missing = {field for kind, field in report.flatten(["type", "field"]) if kind in MISSING}
    source, required = REQUIRED_BY_SOURCE["brownfield-land"]
    assert missing - required == set(), f"not required by the {source}"
