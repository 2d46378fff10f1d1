"""Demo land and building assets: what a council owns or leases, published once a year.

Each year's list is the year before's with what a year of estate management changes: a few
assets sold (they leave the list), a few bought or leased, buildings emptied or declared
surplus, and missing UPRNs filled in. UPRNs and postcodes have the right form but are
invented; points are near the council's main town.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from localdata.demo.brownfield import STREETS
from localdata.demo.files import (
    CsvStyle,
    csv_bytes,
    grid_reference,
    offset,
    postcode,
    seeded,
    to_grid,
)
from localdata.demo.places import Council

# (name, current use, holding type, held for, has an address, fewest, most)
KINDS: tuple[tuple[str, str, str, str, bool, int, int], ...] = (
    ("Civic Centre", "Office", "land-and-building", "General fund", True, 1, 1),
    ("{town} Central Library", "Library", "land-and-building", "General fund", True, 1, 1),
    ("{street} Library", "Library", "land-and-building", "General fund", True, 1, 4),
    ("{street} Depot", "Depot", "land-and-building", "General fund", True, 1, 2),
    ("Car park, {street}", "Car park", "land", "General fund", True, 2, 8),
    ("Allotments, {street}", "Allotments", "land", "General fund", False, 1, 4),
    ("Land at {street}", "Vacant land", "land", "General fund", False, 2, 8),
    ("{street} Community Centre", "Community centre", "land-and-building", "General fund",
     True, 1, 4),
    ("{town} Leisure Centre", "Leisure centre", "land-and-building", "General fund", True, 1, 2),
    ("{town} Cemetery", "Cemetery", "land", "General fund", True, 1, 1),
    ("Public conveniences, {street}", "Public toilets", "building", "General fund", True, 0, 3),
    ("Unit {n}, {street} Industrial Estate", "Industrial unit", "land-and-building",
     "Investment portfolio", True, 3, 15),
    ("{n} {street}", "Shop", "building", "Investment portfolio", True, 2, 10),
    ("{street} Park", "Park", "land", "General fund", False, 2, 6),
    ("Garages, {street}", "Garages", "land-and-building", "Housing revenue account", True, 1, 5),
    ("{street} Primary School", "School", "land-and-building", "Schools", True, 0, 6),
)  # fmt: skip


@dataclass(frozen=True)
class Asset:
    """One asset in the council's list, as it stands in one year."""

    reference: str
    uprn: str
    name: str
    number: str
    street: str
    postcode: str
    lat: float
    lon: float
    tenure: str
    held_for: str
    holding: str
    use: str
    occupancy: str


def asset_layout(council: Council, seed: int) -> str:
    """The layout of the council's asset list: the Code's wording or its estates system's."""
    return seeded(seed, "assets-style", council.id).choice(("code-2015", "estates"))


def assets(council: Council, seed: int, years: int) -> list[Asset]:
    """The council's assets after ``years`` yearly updates (0 is the first list)."""
    rng = seeded(seed, "assets", council.id)
    found: list[Asset] = []
    for kind in KINDS:
        if kind[-1] == 6 and council.organisation.type == "non-metropolitan-district":
            continue  # districts run no schools
        for _ in range(rng.randint(kind[-2], kind[-1])):
            found.append(_asset(council, rng, kind, len(found) + 1))
    for year in range(1, years + 1):
        found = _update(council, seeded(seed, "assets-year", council.id, year), found, year)
    return found


def _asset(
    council: Council,
    rng: random.Random,
    kind: tuple[str, str, str, str, bool, int, int],
    number: int,
) -> Asset:
    name, use, holding, held_for, addressed = kind[:5]
    place = council.place
    street = rng.choice(STREETS)
    east, north = (rng.uniform(-place.radius_km, place.radius_km) for _ in range(2))
    if place.land != "all":
        east, north = _landward(place.land, east, north)
    lat, lon = offset(place.lat, place.lon, east, north)
    tenure = rng.choices(("freehold", "leasehold", "licence"), weights=(85, 12, 3))[0]
    return Asset(
        reference=f"AST-{number:05d}",
        uprn=_uprn(rng) if addressed and rng.random() < 0.9 else "",
        name=name.format(town=place.town, street=street, n=rng.randint(1, 40)),
        number=str(rng.randint(1, 250)) if addressed and rng.random() < 0.6 else "",
        street=street,
        postcode=postcode(rng, place.postcodes) if addressed else "",
        lat=round(lat, 6),
        lon=round(lon, 6),
        tenure=tenure,
        held_for=held_for,
        holding=holding,
        use=use,
        occupancy=rng.choices(("occupied", "vacant", "surplus", "sublet"), weights=(80, 8, 7, 5))[
            0
        ],
    )


def _uprn(rng: random.Random) -> str:
    return str(rng.randint(10_000_000, 100_099_999_999))


def _landward(land: str, east: float, north: float) -> tuple[float, float]:
    if land in ("north", "south"):
        return east, abs(north) * (1 if land == "north" else -1)
    return abs(east) * (1 if land == "east" else -1), north


def _update(council: Council, rng: random.Random, found: list[Asset], year: int) -> list[Asset]:
    """A year of estate management: sales, purchases, and buildings emptied or reused."""
    kept: list[Asset] = []
    for asset in found:
        roll = rng.random()
        if roll < 0.03 or (asset.occupancy == "surplus" and roll < 0.5):
            continue  # sold
        if roll > 0.9:
            asset = replace(asset, occupancy=rng.choice(("vacant", "surplus", "occupied")))
        elif roll > 0.6 and not asset.uprn and asset.postcode:
            asset = replace(asset, uprn=_uprn(rng))
        kept.append(asset)
    for n in range(rng.randint(1, 4)):
        kind = rng.choice(KINDS[11:13])  # the estate buys and leases commercial property
        kept.append(_asset(council, rng, kind, 900 + 10 * year + n))
    return kept


Cell = Callable[[Asset, Council, tuple[int, int]], str]

COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "code-2015": (
        ("Organisation code", "gss"), ("Organisation name", "org-name"), ("UPRN", "uprn"),
        ("Unique asset identity", "reference"), ("Name of building/land", "name"),
        ("Street number", "number"), ("Street name", "street"), ("Post town", "town"),
        ("Postcode", "postcode"), ("Map reference", "grid-reference"), ("Easting", "easting"),
        ("Northing", "northing"), ("Freehold or leasehold", "tenure"),
        ("For whom it is held", "held-for"), ("Land only or land and building", "holding"),
        ("Current use", "use"), ("Occupancy", "occupancy"),
    ),
    "estates": (
        ("Asset ID", "reference"), ("Asset name", "name"), ("Full address", "address"),
        ("Postcode", "postcode"), ("Property UPRN", "uprn"), ("Tenure", "tenure-short"),
        ("Land/building", "holding-short"), ("Primary use", "use"), ("Status", "status"),
        ("Longitude", "lon"), ("Latitude", "lat"),
    ),
}  # fmt: skip
_HOLDING = {
    "land": "Land only",
    "building": "Building only",
    "land-and-building": "Land and building",
}
# How each layout writes an asset's state; the Code's list of tenure characteristics has no
# "surplus", so a surplus asset is written as vacant.
_CHARACTERISTIC = {
    "occupied": "Occupied by the local authority",
    "vacant": "Vacant",
    "surplus": "Vacant",
    "sublet": "Sub leasehold",
}
_STATUS = {
    "occupied": "In use",
    "vacant": "Empty",
    "surplus": "Empty",
    "sublet": "Sublet",
}

CELLS: dict[str, Cell] = {
    "gss": lambda a, c, xy: c.organisation.gss_code or "",
    "org-name": lambda a, c, xy: c.name,
    "uprn": lambda a, c, xy: a.uprn,
    "reference": lambda a, c, xy: a.reference,
    "name": lambda a, c, xy: a.name,
    "number": lambda a, c, xy: a.number,
    "street": lambda a, c, xy: a.street,
    "town": lambda a, c, xy: c.place.town,
    "postcode": lambda a, c, xy: a.postcode,
    "grid-reference": lambda a, c, xy: grid_reference(*xy),
    "easting": lambda a, c, xy: str(xy[0]),
    "northing": lambda a, c, xy: str(xy[1]),
    "tenure": lambda a, c, xy: a.tenure.capitalize(),
    "tenure-short": lambda a, c, xy: {"freehold": "FH", "leasehold": "LH"}.get(a.tenure, "Licence"),
    "held-for": lambda a, c, xy: a.held_for,
    "holding": lambda a, c, xy: _HOLDING[a.holding],
    "holding-short": lambda a, c, xy: a.holding.replace("-and-", " & ").replace("-", " "),
    "use": lambda a, c, xy: a.use,
    "occupancy": lambda a, c, xy: _CHARACTERISTIC[a.occupancy],
    "status": lambda a, c, xy: _STATUS[a.occupancy],
    "address": lambda a, c, xy: ", ".join(
        part for part in (a.name, f"{a.number} {a.street}".strip(), c.place.town) if part
    ),
    "lon": lambda a, c, xy: f"{a.lon:.6f}",
    "lat": lambda a, c, xy: f"{a.lat:.6f}",
}  # fmt: skip


def assets_file(
    council: Council, seed: int, years: int, *, broken: bool = False, layout: str | None = None
) -> bytes:
    """The council's asset list after ``years`` yearly updates, in its layout or ``layout``.

    ``broken`` gives the file mistakes that must be fixed: a tenure outside the list
    (Council owned) and assets with no name.
    """
    found = assets(council, seed, years)
    columns = COLUMNS[layout or asset_layout(council, seed)]
    grid = to_grid([a.lon for a in found], [a.lat for a in found])
    table = [
        [CELLS[cell](a, council, xy) for _, cell in columns]
        for a, xy in zip(found, grid, strict=True)
    ]
    if broken:
        rng = seeded(seed, "broken-assets", council.id, years)
        cells = [cell for _, cell in columns]
        tenure = next(i for i, c in enumerate(cells) if c.startswith("tenure"))
        for row in rng.sample(table, min(len(table), rng.randint(3, 6))):
            row[tenure] = "Council owned"
        for row in rng.sample(table, min(len(table), rng.randint(1, 3))):
            row[cells.index("name")] = ""
    style = CsvStyle("utf-8", "\r\n")
    return csv_bytes([header for header, _ in columns], table, style)


def assets_filename(council: Council, year: int) -> str:
    """The name the council gives its asset list for ``year``."""
    return f"{council.organisation.reference.lower()}-land-and-assets-{year}.csv"
