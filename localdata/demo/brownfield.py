"""Demo brownfield land registers: sites near each planning authority's main town.

A register is reviewed about once a year. Each version of a council's register is the one
before it with changes a real review makes: some sites gain planning permission, some are
built on and given an end date, new sites are added, and now and then a site is deleted
outright rather than end-dated. Links to site plans and planning history use the reserved
``.example`` domain, so no demo link points at a real council's website.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from localdata.demo.files import CsvStyle, csv_bytes, format_date, offset, seeded, to_grid
from localdata.demo.places import Council

STREETS = (
    "Mill Lane", "Station Road", "Church Street", "Victoria Road", "Albert Street",
    "Canal Street", "Bridge Street", "Park Road", "Queen Street", "King Street", "New Road",
    "North Street", "Union Street", "Market Street", "Wellington Road", "York Road",
    "Chapel Street", "Water Lane", "Foundry Street", "Railway Street", "Commercial Road",
    "Grange Road", "George Street", "Springfield Road", "Cemetery Road", "Dock Street",
    "Forge Lane", "Brook Street", "Gas Street", "Wharf Road", "Moor Lane", "Tannery Lane",
    "Castle Street", "Hall Lane", "Green Lane", "Nelson Street", "Alma Road", "Garden Street",
)  # fmt: skip
_FORMER = (
    "gasworks", "bus depot", "police station", "library", "dairy", "mill", "foundry",
    "garage", "Co-operative store", "magistrates' court", "fire station", "health centre",
    "primary school", "printing works", "brewery", "builders' yard", "timber yard",
    "railway goods yard", "public house", "social club", "care home", "council depot",
)  # fmt: skip
_OWNERSHIP = (
    "not owned by a public authority",
    "owned by a public authority",
    "mixed ownership",
    "unknown ownership",
)
_STATUS = ("permissioned", "not permissioned", "pending decision")
_PERMISSION = (
    "full planning permission",
    "outline planning permission",
    "reserved matters approval",
    "permission in principle",
)


@dataclass(frozen=True)
class Site:
    """One site on a brownfield land register, as it stands in one version."""

    reference: str
    name: str
    street: str
    lat: float
    lon: float
    hectares: float
    ownership: str
    status: str
    permission: str | None
    permission_date: date | None
    deliverable: bool
    minimum: int
    maximum: int
    hazardous: bool
    notes: str
    start: date
    entry: date
    end: date | None = None


@dataclass(frozen=True)
class RegisterStyle:
    """How one planning authority writes its register."""

    council: Council
    layout: str
    grid: bool  # eastings and northings rather than longitude and latitude
    date_style: str
    prefix: str
    csv: CsvStyle


def register_style(council: Council, seed: int) -> RegisterStyle:
    """The layout and spellings a council's register uses, chosen from the seed."""
    rng = seeded(seed, "brownfield-style", council.id)
    layout = rng.choice(("template-2017", "template-2017", "planning-data", "own"))
    return RegisterStyle(
        council=council,
        layout=layout,
        grid=layout == "own" or (layout == "template-2017" and rng.random() < 0.5),
        date_style="iso" if layout == "planning-data" else rng.choice(("iso", "dmy")),
        prefix=rng.choice(("BLR/", "BF", "SHLAA-", f"{council.organisation.reference}-BLR-")),
        csv=CsvStyle("utf-8", rng.choice(("\r\n", "\n"))),
    )


def register_sites(style: RegisterStyle, seed: int, reviews: list[date]) -> list[Site]:
    """The register after each review in turn; the last review's sites are returned."""
    sites = _first_sites(style, seed, reviews[0])
    for number, review in enumerate(reviews[1:], start=1):
        sites = _review(
            style, seeded(seed, "brownfield-review", style.council.id, number), sites, review
        )
    return sites


_BIG = {"metropolitan-district", "unitary-authority"}  # councils with the longest registers


def _first_sites(style: RegisterStyle, seed: int, on: date) -> list[Site]:
    rng = seeded(seed, "brownfield-sites", style.council.id)
    low, high = (25, 45) if style.council.organisation.type in _BIG else (11, 35)
    return [_site(style, rng, n, date(2017, 12, 31), on) for n in range(1, rng.randint(low, high))]


def _site(style: RegisterStyle, rng: random.Random, number: int, earliest: date, on: date) -> Site:
    place = style.council.place
    street = rng.choice(STREETS)
    name = rng.choice(
        (
            f"Former {rng.choice(_FORMER)}",
            f"Land at {street}",
            f"{street} car park",
            f"Garage site, {street}",
        )
    )
    lat, lon = _near(place.lat, place.lon, place.land, place.radius_km, rng)
    hectares = round(min(12.0, max(0.05, rng.lognormvariate(-0.5, 0.9))), 2)
    density = rng.randint(30, 90)
    maximum = max(5, round(hectares * density))
    status = rng.choices(_STATUS, weights=(45, 40, 15))[0]
    start = earliest + timedelta(days=rng.randint(0, max(0, (on - earliest).days - 30)))
    permission = rng.choices(_PERMISSION, weights=(5, 3, 1, 1))[0]
    return Site(
        reference=f"{style.prefix}{number:03d}",
        name=name,
        street=street,
        lat=round(lat, 6),
        lon=round(lon, 6),
        hectares=hectares,
        ownership=rng.choices(_OWNERSHIP, weights=(60, 25, 8, 7))[0],
        status=status,
        permission=permission if status == "permissioned" else None,
        permission_date=start - timedelta(days=rng.randint(30, 900))
        if status == "permissioned"
        else None,
        deliverable=status == "permissioned" and rng.random() < 0.7,
        minimum=max(5, round(maximum * rng.uniform(0.7, 1.0))),
        maximum=maximum,
        hazardous=rng.random() < 0.03,
        notes=_notes(rng, maximum, street),
        start=start,
        entry=start + timedelta(days=rng.randint(0, max(0, (on - start).days - 1))),
    )


def _notes(rng: random.Random, maximum: int, street: str) -> str:
    return rng.choice(
        (
            f"Suitable for up to {maximum} dwellings.",
            f"Cleared site; access from {street}.",
            "Suitable for residential development subject to ground investigation.",
            "Allocated for housing in the adopted local plan.",
            f"Outline permission for up to {maximum} dwellings.",
            "",
        )
    )


def _near(
    lat: float, lon: float, land: str, radius_km: float, rng: random.Random
) -> tuple[float, float]:
    east, north = (rng.uniform(-radius_km, radius_km) for _ in range(2))
    if land in ("north", "south"):
        north = abs(north) * (1 if land == "north" else -1)
    if land in ("east", "west"):
        east = abs(east) * (1 if land == "east" else -1)
    return offset(lat, lon, east, north)


def _review(style: RegisterStyle, rng: random.Random, sites: list[Site], on: date) -> list[Site]:
    """A year's review: permissions granted, sites built on, added and deleted."""
    updated = on - timedelta(days=rng.randint(3, 20))
    reviewed: list[Site] = []
    for site in sites:
        roll = rng.random()
        if site.end is None and site.status == "permissioned" and roll < 0.12:
            site = replace(site, end=updated - timedelta(days=rng.randint(30, 200)), entry=updated)
        elif site.end is None and site.status != "permissioned" and roll < 0.2:
            site = replace(
                site,
                status="permissioned",
                permission=rng.choice(_PERMISSION[:2]),
                permission_date=updated - timedelta(days=rng.randint(10, 250)),
                deliverable=True,
                entry=updated,
            )
        elif site.end is None and roll < 0.3:
            site = replace(
                site,
                minimum=max(5, site.minimum - rng.randint(0, 5)),
                maximum=site.maximum + rng.randint(1, 8),
                entry=updated,
            )
        if rng.random() > 0.03:  # a few sites are deleted rather than given an end date
            reviewed.append(site)
    first = 100 * (1 + max(int(s.reference[-3:]) for s in sites) // 100)  # never reused
    added = [
        _site(style, rng, first + n, updated - timedelta(days=120), updated)
        for n in range(rng.randint(2, 8))
    ]
    return reviewed + added


Cell = Callable[[Site, RegisterStyle], str]

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "template-2017": (
        ("OrganisationURI", "org-uri"), ("OrganisationLabel", "org-name"),
        ("SiteReference", "reference"), ("PreviouslyPartOf", "blank"),
        ("SiteNameAddress", "address"), ("SiteplanURL", "plan-url"),
        ("CoordinateReferenceSystem", "crs"), ("GeoX", "x"), ("GeoY", "y"),
        ("Hectares", "hectares"), ("OwnershipStatus", "ownership"),
        ("Deliverable", "deliverable"), ("PlanningStatus", "status"),
        ("PermissionType", "permission"), ("PermissionDate", "permission-date"),
        ("PlanningHistory", "history-url"), ("NetDwellingsRangeFrom", "minimum"),
        ("NetDwellingsRangeTo", "maximum"), ("HazardousSubstances", "hazardous"),
        ("Notes", "notes"), ("FirstAddedDate", "start"), ("LastUpdatedDate", "entry"),
        ("EndDate", "end"),
    ),
    "planning-data": (
        ("organisation", "curie"), ("reference", "reference"), ("name", "name"),
        ("site-address", "address"), ("point", "wkt"), ("hectares", "hectares"),
        ("ownership-status", "ownership-code"), ("planning-permission-status", "status-code"),
        ("planning-permission-type", "permission-code"),
        ("planning-permission-date", "permission-date"),
        ("planning-permission-history", "history-url"), ("deliverable", "deliverable"),
        ("minimum-net-dwellings", "minimum"), ("maximum-net-dwellings", "maximum"),
        ("hazardous-substances", "hazardous"), ("site-plan-url", "plan-url"),
        ("notes", "notes"), ("start-date", "start"), ("entry-date", "entry"),
        ("end-date", "end"),
    ),
    "own": (
        ("Site ref", "reference"), ("Name of site", "name"), ("Address", "address"),
        ("Easting", "x"), ("Northing", "y"), ("Site area (ha)", "hectares"),
        ("Ownership", "ownership"), ("PlanningStatus", "status"),
        ("Permission", "permission"), ("Date of permission", "permission-date"),
        ("Min dwellings", "minimum"), ("Max dwellings", "maximum"),
        ("Deliverable", "deliverable"), ("Site Plan", "plan-url"), ("Notes", "notes"),
        ("Date added", "start"), ("Date last updated", "entry"), ("Date removed", "end"),
    ),
}  # fmt: skip


def _date(day: date | None, style: RegisterStyle) -> str:
    return format_date(day, style.date_style) if day else ""


def _slug(text: str | None) -> str:
    return (text or "").replace(" ", "-")


CELLS: dict[str, Cell] = {
    "org-uri": lambda s, st: (st.council.organisation.codes("opendatacommunities") or [""])[0],
    "org-name": lambda s, st: st.council.name,
    "curie": lambda s, st: st.council.id,
    "reference": lambda s, st: s.reference,
    "name": lambda s, st: s.name,
    "address": lambda s, st: _address(s, st),
    "blank": lambda s, st: "",
    "plan-url": lambda s, st: f"{_site_url(st)}/site-plans/{_slug(s.reference)}.pdf",
    "history-url": lambda s, st: f"{_site_url(st)}/planning/{_slug(s.reference)}"
    if s.permission else "",
    "crs": lambda s, st: "OSGB36" if st.grid else "WGS84",
    "wkt": lambda s, st: f"POINT({s.lon} {s.lat})",
    "hectares": lambda s, st: f"{s.hectares:.2f}",
    "ownership": lambda s, st: s.ownership,
    "ownership-code": lambda s, st: _slug(s.ownership),
    "status": lambda s, st: s.status,
    "status-code": lambda s, st: _slug(s.status),
    "permission": lambda s, st: s.permission or "",
    "permission-code": lambda s, st: _slug(s.permission),
    "permission-date": lambda s, st: _date(s.permission_date, st),
    "deliverable": lambda s, st: "yes" if s.deliverable else "",
    "minimum": lambda s, st: str(s.minimum),
    "maximum": lambda s, st: str(s.maximum),
    "hazardous": lambda s, st: "yes" if s.hazardous else "",
    "notes": lambda s, st: s.notes,
    "start": lambda s, st: _date(s.start, st),
    "entry": lambda s, st: _date(s.entry, st),
    "end": lambda s, st: _date(s.end, st),
}  # fmt: skip


def _address(site: Site, style: RegisterStyle) -> str:
    town = style.council.place.town
    if site.street in site.name:
        return f"{site.name}, {town}"
    return f"{site.name}, {site.street}, {town}"


def _site_url(style: RegisterStyle) -> str:
    slug = style.council.organisation.reference.lower()
    return f"https://{slug}.council.example/brownfield-land"


def register_file(
    style: RegisterStyle, seed: int, reviews: list[date], *, broken: bool = False
) -> bytes:
    """The register as published after the last of ``reviews``.

    ``broken`` gives the file mistakes that must be fixed: areas of TBC and sites with no
    first added date.
    """
    sites = register_sites(style, seed, reviews)
    columns = COLUMNS[style.layout]
    coordinates = _coordinates(sites, style.grid)
    table = [
        [
            xy[0] if cell == "x" else xy[1] if cell == "y" else CELLS[cell](site, style)
            for _, cell in columns
        ]
        for site, xy in zip(sites, coordinates, strict=True)
    ]
    if broken:
        _break(table, columns, seeded(seed, "broken-brownfield", style.council.id, len(reviews)))
    return csv_bytes([header for header, _ in columns], table, style.csv)


def register_filename(style: RegisterStyle, on: date) -> str:
    """The name the council gives the register it publishes on ``on``."""
    slug = style.council.organisation.reference.lower()
    if style.layout == "planning-data":
        return f"{slug}-brownfield-land-{on.isoformat()}.csv"
    return f"brownfield-land-register-{on.year}.csv"


def _coordinates(sites: list[Site], grid: bool) -> list[tuple[str, str]]:
    if not sites:
        return []
    if grid:
        points = to_grid([s.lon for s in sites], [s.lat for s in sites])
        return [(str(e), str(n)) for e, n in points]
    return [(f"{s.lon:.6f}", f"{s.lat:.6f}") for s in sites]


def _break(
    table: list[list[str]], columns: tuple[tuple[str, str], ...], rng: random.Random
) -> None:
    cells = [cell for _, cell in columns]
    for row in rng.sample(table, min(len(table), rng.randint(2, 5))):
        row[cells.index("hectares")] = "TBC"
    for row in rng.sample(table, min(len(table), rng.randint(1, 3))):
        row[cells.index("start")] = ""
