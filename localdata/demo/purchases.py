"""What councils buy: the suppliers, services, accounts and typical amounts of demo payments.

Suppliers are invented names, apart from public bodies every council pays. ``tier`` says which
councils make the payment: social care, education and highways are county and unitary
services ("upper"); waste collection, housing and benefits are district services ("lower").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Purchase:
    """A kind of payment a council makes: who is paid, for what, and roughly how much."""

    supplier: str
    service: str
    division: str
    department: str
    expense_type: str
    code: str
    category: str
    proclass: str
    purpose: str
    median: int  # pounds
    tier: str = "any"  # "upper": social care, education, highways; "lower": waste, housing


def _p(*values: str | int) -> Purchase:
    return Purchase(*values)  # type: ignore[arg-type]  # a compact table, checked by tests


PURCHASES: tuple[Purchase, ...] = (
    _p("Castlegate Care Homes Ltd", "Adult Social Care", "Older people (aged 65 or over)",
       "Adults and Health", "Residential Care", "5710", "Third Party Payments",
       "Social Community Care Supplies & Services (Adult)", "Residential care placement",
       3200, "upper"),
    _p("Oakfield Residential Care Ltd", "Adult Social Care", "Older people (aged 65 or over)",
       "Adults and Health", "Nursing Care", "5712", "Third Party Payments",
       "Social Community Care Supplies & Services (Adult)", "Nursing care placement", 4100,
       "upper"),
    _p("Meadowbank Home Care Ltd", "Adult Social Care", "Physical support - adults (18-64)",
       "Adults and Health", "Home Care", "5720", "Third Party Payments",
       "Social Community Care Supplies & Services (Adult)", "Domiciliary care, four weeks",
       2600, "upper"),
    _p("Highfield Supported Living Ltd", "Adult Social Care", "Learning disability support",
       "Adults and Health", "Supported Living", "5725", "Third Party Payments",
       "Social Community Care Supplies & Services (Adult)", "Supported living package", 5200,
       "upper"),
    _p("REDACTED PERSONAL DATA", "Adult Social Care", "Physical support - adults (18-64)",
       "Adults and Health", "Direct Payments", "5740", "Transfer Payments",
       "Social Community Care Supplies & Services (Adult)", "Direct payment", 1100, "upper"),
    _p("Beacon Foster Care Ltd", "Children's Social Care", "Looked after children",
       "Children and Families", "Independent Fostering Agencies", "5810",
       "Third Party Payments", "Social Community Care Supplies & Services (Children)",
       "Foster placement", 3800, "upper"),
    _p("Lantern Children's Homes Ltd", "Children's Social Care", "Looked after children",
       "Children and Families", "Residential Placements", "5812", "Third Party Payments",
       "Social Community Care Supplies & Services (Children)", "Residential placement",
       16500, "upper"),
    _p("REDACTED PERSONAL DATA", "Children's Social Care", "Looked after children",
       "Children and Families", "Foster Carer Allowances", "5820", "Transfer Payments",
       "Social Community Care Supplies & Services (Children)", "Fostering allowance", 900,
       "upper"),
    _p("Compass Education Transport Ltd", "Education services", "Home to school transport",
       "Children and Families", "Contract Hire - Taxis", "4410", "Transport Related Expenditure",
       "Transport Services", "SEN home to school transport", 2100, "upper"),
    _p("Northern Highways Contracting Ltd", "Highways and transport services",
       "Structural maintenance", "Place", "Highways Maintenance", "2310", "Premises",
       "Construction", "Carriageway resurfacing", 18000, "upper"),
    _p("Riverside Surfacing Ltd", "Highways and transport services", "Structural maintenance",
       "Place", "Pothole Repairs", "2312", "Premises", "Construction", "Pothole repairs",
       6500, "upper"),
    _p("Pennine Street Lighting Ltd", "Highways and transport services", "Street lighting",
       "Place", "Street Lighting Maintenance", "2330", "Premises", "Street & Traffic Management",
       "Street lighting maintenance", 4200, "upper"),
    _p("Pennine Waste Solutions Ltd", "Environmental and regulatory services",
       "Waste collection", "Environment", "Waste Collection Contract", "4710",
       "Third Party Payments", "Environmental Services", "Refuse collection contract", 42000,
       "lower"),
    _p("Greystone Recycling Ltd", "Environmental and regulatory services", "Recycling",
       "Environment", "Recycling Credits", "4720", "Third Party Payments",
       "Environmental Services", "Dry recycling processing", 8800, "lower"),
    _p("Redwood Grounds Maintenance Ltd", "Cultural and related services",
       "Open spaces", "Environment", "Grounds Maintenance", "2410", "Premises",
       "Facilities & Management Services", "Parks grounds maintenance", 3900),
    _p("Fairway Fleet Services Ltd", "Environmental and regulatory services",
       "Street cleansing (not chargeable to highways)", "Environment", "Vehicle Repairs",
       "3120", "Transport Related Expenditure", "Vehicle Management", "Refuse vehicle repairs",
       1400),
    _p("Acorn Agency Staffing Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Agency Staff", "1510", "Employees", "Human Resources",
       "Agency staff, four weeks", 2800),
    _p("Keystone Recruitment Ltd", "Housing services (GFRA only)", "Homelessness",
       "Housing", "Agency Staff", "1510", "Employees", "Human Resources",
       "Interim housing officer", 3300, "lower"),
    _p("Brookline Software Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Software Licences", "3810", "Supplies and Services",
       "Information Communication Technology", "Annual software support", 7400),
    _p("Ardent IT Services Ltd", "Central services", "Corporate and democratic core",
       "Resources", "ICT Equipment", "3820", "Supplies and Services",
       "Information Communication Technology", "Laptops and docking stations", 2900),
    _p("Clearview Office Supplies Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Stationery", "3310", "Supplies and Services", "Stationery",
       "Stationery and paper", 650),
    _p("Summit Print & Design Ltd", "Central services", "Elections",
       "Resources", "Printing", "3320", "Supplies and Services", "Printing",
       "Poll cards and ballot papers", 2400),
    _p("Royal Mail Group Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Postage", "3410", "Supplies and Services", "Mail Services",
       "Postage", 1800),
    _p("Evergreen Energy Supply Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Electricity", "2210", "Premises", "Utilities", "Electricity, offices",
       5600),
    _p("Crystal Water Services Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Water Charges", "2230", "Premises", "Utilities", "Water and sewerage",
       900),
    _p("Sterling Security Services Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Security", "2620", "Premises", "Facilities & Management Services",
       "Building security", 2100),
    _p("Brightwater Facilities Management Ltd", "Central services",
       "Corporate and democratic core", "Resources", "Cleaning", "2610", "Premises",
       "Facilities & Management Services", "Office cleaning contract", 3700),
    _p("Heritage Building Services Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Building Repairs", "2110", "Premises", "Construction",
       "Reactive repairs, civic buildings", 1900),
    _p("Blueprint Construction Ltd", "Housing services (GFRA only)", "Private sector housing",
       "Housing", "Disabled Facilities Grants", "6110", "Capital", "Construction",
       "Disabled facilities grant works", 7800, "lower"),
    _p("Stonebridge Civil Engineering Ltd", "Planning services", "Economic development",
       "Place", "Capital Works", "6120", "Capital", "Construction",
       "Town centre public realm works", 36000),
    _p("Harbour Legal LLP", "Central services", "Corporate and democratic core",
       "Resources", "Legal Fees", "3910", "Supplies and Services", "Legal Services",
       "External legal advice", 4800),
    _p("Milestone Consulting Ltd", "Planning services", "Development control",
       "Place", "Consultants Fees", "3920", "Supplies and Services", "Consultancy",
       "Planning appeal expert witness", 5200, "lower"),
    _p("Oak Tree Catering Ltd", "Cultural and related services", "Recreation and sport",
       "Communities", "Catering", "3710", "Supplies and Services", "Catering",
       "Event catering", 850),
    _p("Parkside Leisure Trust", "Cultural and related services", "Recreation and sport",
       "Communities", "Management Fee", "5110", "Third Party Payments", "Sports & Leisure",
       "Leisure centres management fee", 24000),
    _p("Swift Couriers Ltd", "Central services", "Corporate and democratic core",
       "Resources", "Courier Services", "3420", "Supplies and Services", "Mail Services",
       "Courier collections", 560),
    _p("Bed and Breakfast Lodge Ltd", "Housing services (GFRA only)", "Homelessness",
       "Housing", "Temporary Accommodation", "5910", "Third Party Payments",
       "Housing Management", "Emergency accommodation", 2300, "lower"),
    _p("REDACTED PERSONAL DATA", "Housing services (GFRA only)", "Housing benefits",
       "Housing", "Housing Benefit Overpayment Refund", "5920", "Transfer Payments",
       "Housing Management", "Refund", 620, "lower"),
    _p("Local Government Association", "Central services", "Corporate and democratic core",
       "Resources", "Subscriptions", "3950", "Supplies and Services", "Subscriptions",
       "Annual subscription", 9500),
    _p("Environment Agency", "Environmental and regulatory services", "Flood defence",
       "Environment", "Levies", "5310", "Third Party Payments", "Environmental Services",
       "Flood defence levy", 21000),
    _p("HM Land Registry", "Planning services", "Building control", "Place",
       "Search Fees", "3930", "Supplies and Services", "Legal Services", "Land searches", 700),
)  # fmt: skip
