"""The councils the demo can use, where they are, and how a seed picks a mix of them.

Each place is a real, current English council from the register, with the approximate
latitude and longitude of its main town centre (or, for a county, its county town), the
postcode districts around it, and which side of that point is land: sites for coastal and
riverside towns are put on the land side, so that no demo brownfield site lies in the sea.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from localdata.demo.files import seeded
from localdata.errors import UsageError
from localdata.registers import Register
from localdata.registers.organisation import Organisation


@dataclass(frozen=True)
class Place:
    """A council's main town, with the facts the generators need to put things near it."""

    id: str
    town: str
    lat: float
    lon: float
    postcodes: tuple[str, ...]
    land: str = "all"  # "all", or the side of the point that is land: north, south, east, west
    radius_km: float = 3.0


@dataclass(frozen=True)
class Council:
    """A council chosen for the demo: its register entry and its place."""

    organisation: Organisation
    place: Place

    @property
    def id(self) -> str:
        """The register id, such as ``local-authority:HYN``."""
        return self.organisation.id

    @property
    def name(self) -> str:
        """The council's full name, such as Hyndburn Borough Council."""
        return self.organisation.official_name or self.organisation.name

    @property
    def is_planning_authority(self) -> bool:
        """Whether the council keeps a brownfield land register (county councils do not)."""
        return self.organisation.type != "county-council"


L = "local-authority:"

PLACES: tuple[Place, ...] = (
    # London boroughs
    Place(L + "CMD", "London", 51.5390, -0.1426, ("NW1", "NW5"), radius_km=1.8),
    Place(L + "HCK", "London", 51.5450, -0.0553, ("E8", "E5"), radius_km=1.8),
    Place(L + "CRY", "Croydon", 51.3727, -0.0990, ("CR0",), radius_km=2.5),
    Place(L + "GRE", "London", 51.4700, 0.0100, ("SE10", "SE3"), "south", 2.0),
    Place(L + "EAL", "London", 51.5130, -0.3040, ("W5", "W13"), radius_km=2.0),
    Place(L + "WND", "London", 51.4500, -0.1910, ("SW18", "SW17"), "south", 2.0),
    Place(L + "ENF", "Enfield", 51.6523, -0.0807, ("EN1", "EN2"), radius_km=2.5),
    Place(L + "LBH", "London", 51.4620, -0.1150, ("SW2", "SW9"), radius_km=1.8),
    Place(L + "ISL", "London", 51.5362, -0.1033, ("N1", "N7"), radius_km=1.5),
    Place(L + "HRW", "Harrow", 51.5806, -0.3420, ("HA1", "HA2"), radius_km=2.0),
    # Metropolitan districts
    Place(L + "BIR", "Birmingham", 52.4797, -1.9027, ("B5", "B12", "B19"), radius_km=5.0),
    Place(L + "MAN", "Manchester", 53.4794, -2.2453, ("M1", "M4", "M13"), radius_km=4.0),
    Place(L + "LDS", "Leeds", 53.7997, -1.5492, ("LS1", "LS9", "LS11"), radius_km=4.5),
    Place(L + "SHF", "Sheffield", 53.3811, -1.4701, ("S1", "S3", "S9"), radius_km=4.5),
    Place(L + "LIV", "Liverpool", 53.4084, -2.9700, ("L1", "L3", "L8"), "east", 3.5),
    Place(L + "NET", "Newcastle upon Tyne", 54.9800, -1.6132, ("NE1", "NE6"), "north", 3.0),
    Place(L + "SND", "Sunderland", 54.9061, -1.4000, ("SR1", "SR4"), "west", 3.0),
    Place(L + "WGN", "Wigan", 53.5448, -2.6318, ("WN1", "WN5"), radius_km=3.5),
    Place(L + "RCH", "Rochdale", 53.6170, -2.1550, ("OL16", "OL11"), radius_km=3.0),
    Place(L + "COV", "Coventry", 52.4081, -1.5106, ("CV1", "CV6"), radius_km=3.5),
    Place(L + "WLV", "Wolverhampton", 52.5862, -2.1288, ("WV1", "WV10"), radius_km=3.0),
    Place(L + "DNC", "Doncaster", 53.5228, -1.1285, ("DN1", "DN4"), radius_km=3.5),
    Place(L + "SKP", "Stockport", 53.4084, -2.1493, ("SK1", "SK4"), radius_km=3.0),
    Place(L + "WKF", "Wakefield", 53.6830, -1.4977, ("WF1", "WF2"), radius_km=3.0),
    Place(L + "BRD", "Bradford", 53.7950, -1.7594, ("BD1", "BD3"), radius_km=3.5),
    Place(L + "KIR", "Huddersfield", 53.6458, -1.7850, ("HD1", "HD2"), radius_km=3.0),
    Place(L + "GAT", "Gateshead", 54.9450, -1.6034, ("NE8", "NE10"), "south", 2.5),
    # Unitary authorities
    Place(L + "BST", "Bristol", 51.4545, -2.5879, ("BS1", "BS2", "BS5"), radius_km=3.5),
    Place(L + "YOR", "York", 53.9590, -1.0815, ("YO1", "YO31"), radius_km=3.0),
    Place(L + "PLY", "Plymouth", 50.3850, -4.1427, ("PL1", "PL4"), "north", 3.0),
    Place(L + "DER", "Derby", 52.9225, -1.4746, ("DE1", "DE24"), radius_km=3.0),
    Place(L + "BNH", "Brighton", 50.8300, -0.1372, ("BN1", "BN2"), "north", 2.5),
    Place(L + "STH", "Southampton", 50.9150, -1.4044, ("SO14", "SO15"), "north", 2.5),
    Place(L + "CON", "Truro", 50.2632, -5.0510, ("TR1",), radius_km=2.5),
    Place(L + "DUR", "Durham", 54.7761, -1.5733, ("DH1",), radius_km=3.0),
    Place(L + "BBD", "Blackburn", 53.7486, -2.4875, ("BB1", "BB2"), radius_km=3.0),
    Place(L + "RDG", "Reading", 51.4543, -0.9781, ("RG1", "RG2"), radius_km=2.5),
    Place(L + "PTE", "Peterborough", 52.5695, -0.2405, ("PE1", "PE2"), radius_km=3.0),
    Place(L + "SWD", "Swindon", 51.5558, -1.7797, ("SN1", "SN2"), radius_km=3.0),
    Place(L + "WIL", "Trowbridge", 51.3186, -2.2089, ("BA14",), radius_km=2.5),
    Place(L + "HEF", "Hereford", 52.0565, -2.7160, ("HR1", "HR4"), radius_km=2.5),
    Place(L + "SHR", "Shrewsbury", 52.7073, -2.7553, ("SY1", "SY3"), radius_km=2.5),
    Place(L + "MDB", "Middlesbrough", 54.5650, -1.2350, ("TS1", "TS3"), "south", 2.5),
    Place(L + "STE", "Stoke-on-Trent", 53.0246, -2.1780, ("ST1", "ST4"), radius_km=3.5),
    Place(L + "LCE", "Leicester", 52.6369, -1.1398, ("LE1", "LE2"), radius_km=3.0),
    Place(L + "NGM", "Nottingham", 52.9548, -1.1581, ("NG1", "NG7"), radius_km=3.0),
    Place(L + "MIK", "Milton Keynes", 52.0406, -0.7594, ("MK9", "MK6"), radius_km=4.0),
    # Non-metropolitan districts
    Place(L + "HYN", "Accrington", 53.7534, -2.3638, ("BB5",), radius_km=2.5),
    Place(L + "BUN", "Burnley", 53.7893, -2.2405, ("BB11", "BB10"), radius_km=2.5),
    Place(L + "PRE", "Preston", 53.7632, -2.7031, ("PR1", "PR2"), radius_km=3.0),
    Place(L + "FYL", "Lytham St Annes", 53.7520, -3.0000, ("FY8",), "east", 2.0),
    Place(L + "CAB", "Cambridge", 52.2053, 0.1218, ("CB1", "CB4"), radius_km=2.5),
    Place(L + "OXO", "Oxford", 51.7520, -1.2577, ("OX1", "OX4"), radius_km=2.5),
    Place(L + "EXE", "Exeter", 50.7260, -3.5275, ("EX1", "EX4"), radius_km=2.5),
    Place(L + "WOC", "Worcester", 52.1920, -2.2200, ("WR1", "WR5"), radius_km=2.5),
    Place(L + "CHL", "Chelmsford", 51.7356, 0.4685, ("CM1", "CM2"), radius_km=3.0),
    Place(L + "COL", "Colchester", 51.8892, 0.9042, ("CO1", "CO2"), radius_km=3.0),
    Place(L + "CAT", "Canterbury", 51.2802, 1.0789, ("CT1", "CT2"), radius_km=2.5),
    Place(L + "GLO", "Gloucester", 51.8642, -2.2382, ("GL1", "GL2"), radius_km=2.5),
    Place(L + "CHT", "Cheltenham", 51.8994, -2.0783, ("GL50", "GL52"), radius_km=2.5),
    Place(L + "NKE", "Sleaford", 52.9970, -0.4090, ("NG34",), radius_km=3.0),
    Place(L + "WYC", "Pershore", 52.1110, -2.0760, ("WR10",), radius_km=3.0),
    Place(L + "SHA", "Totnes", 50.4319, -3.6840, ("TQ9",), radius_km=2.5),
    Place(L + "GRT", "Guildford", 51.2362, -0.5704, ("GU1", "GU2"), radius_km=2.5),
    Place(L + "HAS", "Hastings", 50.8650, 0.5735, ("TN34", "TN35"), "north", 2.0),
    Place(L + "NOW", "Norwich", 52.6309, 1.2974, ("NR1", "NR3"), radius_km=2.5),
    Place(L + "LIC", "Lincoln", 53.2307, -0.5406, ("LN1", "LN2"), radius_km=2.5),
    Place(L + "CHS", "Chesterfield", 53.2350, -1.4210, ("S40", "S41"), radius_km=2.5),
    Place(L + "STA", "Stafford", 52.8067, -2.1170, ("ST16", "ST17"), radius_km=2.5),
    Place(L + "WAT", "Watford", 51.6565, -0.3903, ("WD17", "WD18"), radius_km=2.0),
    Place(L + "CRW", "Crawley", 51.1091, -0.1872, ("RH10", "RH11"), radius_km=2.5),
    Place(L + "IPS", "Ipswich", 52.0567, 1.1482, ("IP1", "IP4"), radius_km=2.5),
    Place(L + "MOL", "Dorking", 51.2320, -0.3310, ("RH4", "RH5"), radius_km=2.5),
    Place(L + "NEW", "Lyndhurst", 50.8720, -1.5760, ("SO43",), radius_km=3.0),
    Place(L + "LAC", "Lancaster", 54.0466, -2.8007, ("LA1",), radius_km=2.5),
    # County councils: the county town
    Place(L + "LAN", "Preston", 53.7632, -2.7031, ("PR1", "PR2"), radius_km=8.0),
    Place(L + "KEN", "Maidstone", 51.2720, 0.5290, ("ME14", "ME15"), radius_km=8.0),
    Place(L + "ESS", "Chelmsford", 51.7356, 0.4685, ("CM1", "CM2"), radius_km=8.0),
    Place(L + "DEV", "Exeter", 50.7184, -3.5339, ("EX2", "EX4"), radius_km=6.0),
    Place(L + "HAM", "Winchester", 51.0632, -1.3080, ("SO23", "SO22"), radius_km=6.0),
    Place(L + "NFK", "Norwich", 52.6309, 1.2974, ("NR1", "NR3"), radius_km=6.0),
    Place(L + "DBY", "Matlock", 53.1380, -1.5550, ("DE4",), radius_km=6.0),
    Place(L + "GLS", "Gloucester", 51.8642, -2.2382, ("GL1", "GL2"), radius_km=6.0),
    Place(L + "STS", "Stafford", 52.8067, -2.1170, ("ST16", "ST17"), radius_km=6.0),
    Place(L + "LIN", "Lincoln", 53.2307, -0.5406, ("LN1", "LN2"), radius_km=6.0),
)

# One round of picks: districts and unitaries are the most common kinds of council.
_TYPE_ROUND = (
    "non-metropolitan-district",
    "unitary-authority",
    "metropolitan-district",
    "london-borough",
    "non-metropolitan-district",
    "county-council",
    "unitary-authority",
    "non-metropolitan-district",
    "metropolitan-district",
)


def choose_councils(register: Register, seed: int, count: int) -> list[Council]:
    """A deterministic mix of councils: types in turn, each the least-used region so far.

    Only places whose council is in the register and exists today are used.
    """
    usable = usable_councils(register)
    if not 1 <= count <= len(usable):
        raise UsageError(f"The demo can use from 1 to {len(usable)} organisations, not {count}.")
    rng = seeded(seed, "councils")
    pools: dict[str, list[Council]] = {}
    for council in rng.sample(usable, len(usable)):
        pools.setdefault(council.organisation.type, []).append(council)
    chosen: list[Council] = []
    regions: Counter[str | None] = Counter()
    turn = 0
    while len(chosen) < count:
        pool = pools.get(_TYPE_ROUND[turn % len(_TYPE_ROUND)]) or _largest(pools)
        pick = min(pool, key=lambda c: regions[c.organisation.region])
        pool.remove(pick)
        chosen.append(pick)
        regions[pick.organisation.region] += 1
        turn += 1
    return chosen


def _largest(pools: dict[str, list[Council]]) -> list[Council]:
    return max(pools.values(), key=len)


def usable_councils(register: Register) -> list[Council]:
    """Every council in the place table that the register has and that exists today."""
    known = {o.id: o for o in register}
    return [
        Council(known[p.id], p)
        for p in PLACES
        if p.id in known and known[p.id].is_council and known[p.id].is_current
    ]
