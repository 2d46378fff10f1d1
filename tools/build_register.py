"""Build the organisation register's data files from the shared reference data.

Run from the repository root::

    python tools/build_register.py [--reference ../shared/reference]

It reads the reference copies of planning.data.gov.uk's organisation collection, mySociety's
UK local authority names and codes, and GOV.UK's local links list, and writes
``localdata/registers/data/organisations.csv`` and ``identifiers.csv``. The format, the id
scheme and the date rules are described in ``localdata/registers/__init__.py``.

Where the sources disagree the rules below decide, and every decision that is not a plain
copy is listed in ``ALIASES``, ``START_DATE_FIXES``, ``EXTRA_SUCCESSORS`` or ``EXTRA_BODIES``
with its reason, so the derivation can be checked and repeated.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = ROOT.parent / "shared" / "reference"
OUTPUT = ROOT / "localdata" / "registers" / "data"

PLANNING = "planning-data"
MYSOCIETY = "mysociety"
GOVUK = "govuk-local-links"
LOCALDATA = "localdata"

# planning.data.gov.uk local-authority-type codes -> our type slugs (names from its
# local-authority-type.csv, made kebab-case).
LOCAL_AUTHORITY_TYPES = {
    "CTY": "county-council",
    "NMD": "non-metropolitan-district",
    "MD": "metropolitan-district",
    "LBO": "london-borough",
    "UA": "unitary-authority",
    "CC": "city-corporation",
    "COMB": "combined-authority",
    "SRA": "strategic-regional-authority",
}

# Other planning.data.gov.uk organisation datasets we take whole: file name -> type slug.
OTHER_BODIES = {
    "national-park-authority": "national-park-authority",
    "development-corporation": "development-corporation",
    "waste-authority": "waste-authority",
    "passenger-transport-executive": "passenger-transport-executive",
    "regional-park-authority": "regional-park-authority",
    "government-organisation": "government-organisation",
    "public-authority": "public-authority",
}

# planning.data.gov.uk lists these bodies twice; the first id is folded into the second.
ALIASES = {
    # Same GSS code (E47000002) and the same body: Sheffield City Region Combined Authority
    # was renamed South Yorkshire Mayoral Combined Authority. role-organisation.csv (2026)
    # uses SYMCA.
    "local-authority:SCR": "local-authority:SYMCA",
}

# Start dates where planning.data.gov.uk is wrong and another reference is right.
START_DATE_FIXES = {
    # planning-data says 2020-04-01; mySociety says 2021-04-01, and planning-data's own end
    # dates for the predecessor councils (Corby, Kettering, ...) are 2021-03-31.
    "local-authority:NNUA": ("2021-04-01", MYSOCIETY),
    "local-authority:WNUA": ("2021-04-01", MYSOCIETY),
    # Sheffield City Region Combined Authority (now SYMCA) began 2014-04-01 (mySociety);
    # planning-data's 2018-05-03 is the first mayoral election.
    "local-authority:SYMCA": ("2014-04-01", MYSOCIETY),
    # mySociety gives 2014-04-01, the date of the first combined authorities; the West of
    # England Combined Authority was set up in February 2017 (planning-data).
    "local-authority:WECA": ("2017-02-09", PLANNING),
    # mySociety gives the day before; planning-data's date is kept.
    "local-authority:EMCCA": ("2024-02-28", PLANNING),
}

# Councils renamed on gaining city status (2022-2023) that planning-data still lists under
# their old names; the newer name is taken from the reference that has it.
NAME_FIXES = {
    "local-authority:COL": ("Colchester City Council", GOVUK),
    "local-authority:SOS": ("Southend-on-Sea City Council", GOVUK),
    "local-authority:DNC": ("City of Doncaster Council", MYSOCIETY),
}

# Regions where planning-data is wrong (the West of England is in the South West).
REGION_FIXES = {
    "local-authority:WECA": ("E12000009", MYSOCIETY),
}

# Successions missing from mySociety's replaced-by column. planning-data ends NECA on
# 2024-05-06 and NTCA on 2024-05-07, and starts the new North East Combined Authority (NNECA,
# the combined authority of Durham and Northumberland in its own list) on 2024-05-07.
EXTRA_SUCCESSORS = {
    "local-authority:NECA": ["local-authority:NNECA"],
    "local-authority:NTCA": ["local-authority:NNECA"],
}

# Short names in common use that no reference lists (seen in planning.data patch files and
# in the titles of published spending files: "payments made by TfL", "made by GLA").
EXTRA_NAMES = {
    "development-corporation:Q6670544": ["LLDC"],
    "development-corporation:Q20648596": ["OPDC"],
    "passenger-transport-executive:Q682520": ["TfL"],
    "local-authority:GLA": ["GLA"],
}

# Police and crime commissioners publish spending like councils. No reference lists them, so
# they are added from public record: the police areas of England (Police Act 1996, Schedule
# 1) whose commissioner is still elected, with the region each lies in. The first
# commissioners took office on 22 November 2012 (Police Reform and Social Responsibility Act
# 2011). Left out: Greater Manchester, West Yorkshire, North Yorkshire and South Yorkshire,
# where the mayor holds the commissioner's functions (the combined authority is in the
# register), and London, whose commissioner is the Mayor's Office for Policing and Crime
# (below). No reference gives them codes, so none are guessed. A police force's own name
# ("Thames Valley Police") is read as its commissioner's by the register's name rules.
PCC_START = "2012-11-22"
POLICE_AREAS = {
    "Avon and Somerset": "E12000009",
    "Bedfordshire": "E12000006",
    "Cambridgeshire": "E12000006",
    "Cheshire": "E12000002",
    "Cleveland": "E12000001",
    "Cumbria": "E12000002",
    "Derbyshire": "E12000004",
    "Devon and Cornwall": "E12000009",
    "Dorset": "E12000009",
    "Durham": "E12000001",
    "Essex": "E12000006",
    "Gloucestershire": "E12000009",
    "Hampshire and the Isle of Wight": "E12000008",
    "Hertfordshire": "E12000006",
    "Humberside": "E12000003",
    "Kent": "E12000008",
    "Lancashire": "E12000002",
    "Leicestershire": "E12000004",
    "Lincolnshire": "E12000004",
    "Merseyside": "E12000002",
    "Norfolk": "E12000006",
    "Northamptonshire": "E12000004",
    "Northumbria": "E12000001",
    "Nottinghamshire": "E12000004",
    "Staffordshire": "E12000005",
    "Suffolk": "E12000006",
    "Surrey": "E12000008",
    "Sussex": "E12000008",
    "Thames Valley": "E12000008",
    "Warwickshire": "E12000005",
    "West Mercia": "E12000005",
    "West Midlands": "E12000005",
    "Wiltshire": "E12000009",
}
# Commissioners who also govern the fire and rescue service: "Police, Fire and Crime
# Commissioner for Essex" (Essex from 2017, Staffordshire 2018, Northamptonshire 2019).
POLICE_FIRE_AREAS = {"Essex", "Northamptonshire", "Staffordshire"}
# Other names commissioners go by: the area's older or shorter name, or their own title.
POLICE_AREA_NAMES = {
    "Hampshire and the Isle of Wight": [
        "Police and Crime Commissioner for Hampshire and Isle of Wight",
        "Police and Crime Commissioner for Hampshire",
    ],
    "Durham": ["Durham Police, Crime and Victims' Commissioner"],
    "Wiltshire": ["Police and Crime Commissioner for Wiltshire and Swindon"],
}

# Bodies no reference file lists. Facts are public record; no reference gives a GSS code
# or Wikidata item for them, so those are left blank rather than guessed.
EXTRA_BODIES: list[dict[str, str | list[str]]] = [
    {
        "id": "fire-authority:lancashire",
        "name": "Lancashire Combined Fire Authority",
        "official_name": "Lancashire Combined Fire Authority",
        "type": "fire-authority",
        "region_code": "E12000002",
        "start_date": "1998-04-01",
        "website": "https://www.lancsfirerescue.org.uk",
        "names": [
            "Lancashire Fire and Rescue Service",
            "Lancashire Fire and Rescue",
            "Lancashire Fire Authority",
            "Lancashire CFA",
        ],
    },
    {
        # The London Fire Commissioner replaced the London Fire and Emergency Planning
        # Authority on 1 April 2018 (Policing and Crime Act 2017) and runs the Brigade.
        "id": "fire-authority:london",
        "name": "London Fire Commissioner",
        "official_name": "London Fire Commissioner",
        "type": "fire-authority",
        "region_code": "E12000007",
        "start_date": "2018-04-01",
        "website": "https://www.london-fire.gov.uk",
        "names": ["London Fire Brigade", "LFB"],
    },
    {
        # London's police and crime commissioner, set up on 16 January 2012 (Police Reform
        # and Social Responsibility Act 2011); it publishes the Metropolitan Police's spending.
        "id": "police-and-crime-commissioner:london",
        "name": "Mayor's Office for Policing and Crime",
        "official_name": "Mayor's Office for Policing and Crime",
        "type": "police-and-crime-commissioner",
        "region_code": "E12000007",
        "start_date": "2012-01-16",
        "website": "",
        "names": ["MOPAC", "Metropolitan Police Service", "Metropolitan Police"],
    },
]


def police_and_crime_commissioners() -> list[dict[str, str | list[str]]]:
    """The commissioners of POLICE_AREAS, as EXTRA_BODIES entries."""
    bodies: list[dict[str, str | list[str]]] = []
    for area, region in POLICE_AREAS.items():
        title = (
            "Police, Fire and Crime Commissioner"
            if area in POLICE_FIRE_AREAS
            else "Police and Crime Commissioner"
        )
        slug = re.sub(r"[^a-z]+", "-", area.casefold().replace(" the ", " ")).strip("-")
        bodies.append(
            {
                "id": f"police-and-crime-commissioner:{slug}",
                "name": f"{title} for {area}",
                "official_name": f"{title} for {area}",
                "type": "police-and-crime-commissioner",
                "region_code": region,
                "start_date": PCC_START,
                "website": "",
                "names": [
                    f"{area} Police and Crime Commissioner",
                    *POLICE_AREA_NAMES.get(area, []),
                ],
            }
        )
    return bodies


GSS = re.compile(r"^[EWSNK]\d{8}$")
SNAC = re.compile(r"^\d\d(?:[A-Z]{2})?$")
ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")  # a year alone ("1919") is left out


@dataclass
class Body:
    """One organisation while the register is being built."""

    id: str
    name: str
    official_name: str
    type: str
    region_code: str = ""
    gss_code: str = ""
    start_date: str = ""
    end_date: str = ""
    successor_ids: list[str] = field(default_factory=list)
    website: str = ""
    sources: list[str] = field(default_factory=list)


class Builder:
    """Collects organisations and their identifiers from the reference files."""

    def __init__(self, reference: Path) -> None:
        self.reference = reference
        self.bodies: dict[str, Body] = {}
        self.identifiers: set[tuple[str, str, str, str]] = set()  # (id, scheme, value, source)
        self.region_names: dict[str, str] = {}
        self.name_votes: dict[str, Counter[str]] = {}
        self.regions_by_name: dict[str, str] = {}
        self.gss_to_id: dict[str, str] = {}
        self.warnings: list[str] = []

    def read(self, relative: str) -> list[dict[str, str]]:
        """Rows of one reference CSV file."""
        with (self.reference / relative).open(encoding="utf-8", newline="") as handle:
            return [
                {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)
            ]

    def add_identifier(self, organisation_id: str, scheme: str, value: str, source: str) -> None:
        """Record one identifier, ignoring blanks."""
        value = " ".join(value.split())
        if value:
            self.identifiers.add(
                (ALIASES.get(organisation_id, organisation_id), scheme, value, source)
            )

    def add_source(self, body: Body, source: str) -> None:
        """Note that a reference contributed to this organisation."""
        if source not in body.sources:
            body.sources.append(source)

    # -- local authorities -------------------------------------------------------------

    def add_planning_local_authorities(self) -> None:
        """Every English local authority planning.data.gov.uk lists, current and ended."""
        for row in self.read("standards/registers/planning-data/local-authority.csv"):
            organisation_id = row["organisation"]
            self.add_local_authority_identifiers(organisation_id, row)
            self.vote_name(organisation_id, row["name"])
            if organisation_id in ALIASES:
                self.add_identifier(organisation_id, "name", row["name"], PLANNING)
                continue
            self.bodies[organisation_id] = Body(
                id=organisation_id,
                name=row["name"],
                official_name=row["name"],
                type=LOCAL_AUTHORITY_TYPES[row["local-authority-type"]],
                region_code=row["region"],
                gss_code=row["statistical-geography"],
                start_date="" if row["start-date"].startswith("1905") else row["start-date"],
                end_date=row["end-date"],
                website=row["website"],
                sources=[PLANNING],
            )

    def add_local_authority_identifiers(self, organisation_id: str, row: dict[str, str]) -> None:
        """The codes planning.data.gov.uk gives for one local authority."""
        add = self.add_identifier
        add(organisation_id, "curie", row["organisation"], PLANNING)
        add(organisation_id, "register-code", row["reference"], PLANNING)
        for column in (
            "statistical-geography",
            "local-authority-district",
            "local-planning-authority",
        ):
            add(organisation_id, "gss", row[column], PLANNING)
        add(organisation_id, "billing-authority", row["billing-authority"], PLANNING)
        add(organisation_id, "local-custodian-code", row["addressbase-custodian"], PLANNING)
        add(organisation_id, "opendatacommunities", row["opendatacommunities-uri"], PLANNING)
        add(organisation_id, "wikidata", row["wikidata"], PLANNING)
        add(organisation_id, "planning-data-entity", row["entity"], PLANNING)
        add(organisation_id, "name", row["name"], PLANNING)

    def add_mysociety(self) -> None:
        """Names, codes, dates and successors from mySociety's register (England only)."""
        rows = [
            row
            for row in self.read("standards/registers/mysociety/uk_local_authorities_current.csv")
            if row["nation"] == "England"
        ]
        by_gss = {body.gss_code: body.id for body in self.bodies.values()}
        self.gss_to_id = by_gss
        code_to_id: dict[str, str] = {}
        for row in rows:
            code = row["local-authority-code"]
            organisation_id = by_gss.get(row["gss-code"]) or self.id_for_code(code)
            code_to_id[code] = organisation_id
            self.merge_mysociety_row(organisation_id, row)
        for row in rows:
            successors = [code_to_id[c] for c in row["replaced-by"].split(",") if c]
            body = self.bodies[code_to_id[row["local-authority-code"]]]
            body.successor_ids = sorted(set(body.successor_ids) | set(successors))
        self.add_mysociety_names(code_to_id)

    def id_for_code(self, code: str) -> str:
        """Our id for a mySociety code that no planning-data GSS code matched."""
        organisation_id = f"local-authority:{code}"
        return ALIASES.get(organisation_id, organisation_id)

    def merge_mysociety_row(self, organisation_id: str, row: dict[str, str]) -> None:
        """Fill in one organisation from mySociety, creating it if planning-data lacks it."""
        body = self.bodies.get(organisation_id)
        if body is None:
            body = Body(
                id=organisation_id,
                name=row["official-name"],
                official_name=row["official-name"],
                type=LOCAL_AUTHORITY_TYPES[row["local-authority-type"]],
                gss_code=row["gss-code"],
                end_date=row["end-date"],
            )
            self.bodies[organisation_id] = body
        self.add_source(body, MYSOCIETY)
        self.vote_name(organisation_id, row["official-name"])
        if body.type != "combined-authority":
            body.name = row["nice-name"] or body.name
        if body.id in REGION_FIXES:
            body.region_code = REGION_FIXES[body.id][0]
        if body.region_code:
            self.region_names.setdefault(body.region_code, row["region"])
        else:
            self.regions_by_name[body.id] = row["region"]
        if body.gss_code.startswith("E12"):
            # planning-data gives the London region's code for the GLA; E61 is the GLA's own.
            body.gss_code = row["gss-code"]
        if not body.end_date and row["end-date"]:
            body.end_date = row["end-date"]
        self.merge_start_date(body, row["start-date"])
        self.add_mysociety_identifiers(organisation_id, row)

    def merge_start_date(self, body: Body, mysociety_start: str) -> None:
        """Keep one start date, leaving it blank when the references disagree."""
        theirs = "" if mysociety_start.startswith("2005") else mysociety_start
        if body.id in START_DATE_FIXES:
            body.start_date = START_DATE_FIXES[body.id][0]
        elif not body.start_date:
            body.start_date = theirs
        elif theirs and theirs != body.start_date:
            self.warnings.append(f"{body.id}: start {body.start_date} or {theirs}? left blank")
            body.start_date = ""

    def add_mysociety_identifiers(self, organisation_id: str, row: dict[str, str]) -> None:
        """The codes mySociety gives for one local authority."""
        add = self.add_identifier
        add(organisation_id, "register-code", row["local-authority-code"], MYSOCIETY)
        add(organisation_id, "gss", row["gss-code"], MYSOCIETY)
        for former in row["former-gss-codes"].split(","):
            add(organisation_id, "gss", former, MYSOCIETY)
        for column in ("snac", "old-ons-la-code"):
            if SNAC.match(row[column]):
                add(organisation_id, "snac", row[column], MYSOCIETY)
        add(organisation_id, "billing-authority", row["ecode"], MYSOCIETY)
        for column in ("old-register-and-code", "even-older-register-and-code"):
            add(organisation_id, "curie", row[column], MYSOCIETY)
        for column in ("official-name", "nice-name"):
            add(organisation_id, "name", row[column], MYSOCIETY)

    def add_mysociety_names(self, code_to_id: dict[str, str]) -> None:
        """The name variants mySociety has seen in real data, for English councils.

        These cover the alt-names column, which cannot be split safely on its commas
        ("Bristol, City of").
        """
        for row in self.read("standards/registers/mysociety/lookup_name_to_registry.csv"):
            organisation_id = code_to_id.get(row["local-authority-code"])
            if organisation_id:
                self.add_identifier(organisation_id, "name", row["la-name"], MYSOCIETY)

    def add_govuk(self) -> None:
        """SNAC codes, custodian codes, slugs and names from GOV.UK's local links list."""
        by_gss: dict[str, str] = {}
        for scheme_row in self.identifiers:
            if scheme_row[1] == "gss":
                by_gss.setdefault(scheme_row[2], scheme_row[0])
        for row in self.read("standards/registers/govuk-local-links/local-authorities.csv"):
            if row["country_name"] != "England":
                continue
            body = self.bodies[by_gss[row["gss"]]]
            if body.end_date and len(body.successor_ids) == 1:
                # GOV.UK kept the old county's GSS code and name for the new unitary council
                # (North Yorkshire, Somerset): its slug and links belong to the successor.
                self.add_govuk_links(self.bodies[body.successor_ids[0]], row)
                continue
            self.add_govuk_links(body, row)
            self.add_identifier(body.id, "snac", row["snac"], GOVUK)
            self.add_identifier(body.id, "name", row["name"], GOVUK)
            self.vote_name(body.id, row["name"])

    def add_govuk_links(self, body: Body, row: dict[str, str]) -> None:
        """The parts of a GOV.UK row that follow the council that runs the service now."""
        self.add_source(body, GOVUK)
        self.add_identifier(body.id, "govuk-slug", row["slug"], GOVUK)
        self.add_identifier(body.id, "local-custodian-code", row["local_custodian_code"], GOVUK)
        if not body.website:
            body.website = row["homepage_url"].rstrip("/")

    def vote_name(self, organisation_id: str, name: str) -> None:
        """Count one reference's opinion of an official name."""
        votes = self.name_votes.setdefault(ALIASES.get(organisation_id, organisation_id), Counter())
        votes[" ".join(name.split())] += 1

    def settle_names(self) -> None:
        """Use the official name two of the three lists agree on, or a listed fix."""
        for body in self.bodies.values():
            votes = self.name_votes.get(body.id)
            if votes:
                best, count = votes.most_common(1)[0]
                if count >= 2:
                    body.official_name = best
            if body.id in NAME_FIXES:
                body.official_name = NAME_FIXES[body.id][0]
                self.add_identifier(body.id, "name", body.official_name, NAME_FIXES[body.id][1])

    # -- other bodies ------------------------------------------------------------------

    def add_other_bodies(self) -> None:
        """National parks, development corporations and the other planning.data lists."""
        for dataset, kind in OTHER_BODIES.items():
            rows = self.read(f"digital-land/organisation-collection/{dataset}.csv")
            for row in self.latest_per_entity(rows):
                self.add_other_body(dataset, kind, row, rows)

    @staticmethod
    def latest_per_entity(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """One row per planning.data entity: the one entered last."""
        latest: dict[str, dict[str, str]] = {}
        for row in rows:
            seen = latest.get(row["entity"])
            if seen is None or row.get("entry-date", "") > seen.get("entry-date", ""):
                latest[row["entity"]] = row
        return list(latest.values())

    def add_other_body(
        self, dataset: str, kind: str, row: dict[str, str], rows: list[dict[str, str]]
    ) -> None:
        """One body from a planning.data organisation list, with its earlier names and ids."""
        organisation_id = f"{dataset}:{row['reference']}"
        name = re.sub(r"\bDevelopment Development\b", "Development", row["name"])
        history = [r for r in rows if r["entity"] == row["entity"]]
        starts = sorted(r["start-date"] for r in history if r["start-date"])
        self.bodies[organisation_id] = Body(
            id=organisation_id,
            name=name,
            official_name=name,
            type=kind,
            region_code=row.get("region", ""),
            gss_code=row.get("statistical-geography", ""),
            start_date=starts[0] if starts and ISO_DATE.match(starts[0]) else "",
            end_date=row["end-date"],
            website=row["website"] or row.get("website-url", ""),
            sources=[PLANNING],
        )
        add = self.add_identifier
        for earlier in history:
            add(organisation_id, "curie", f"{dataset}:{earlier['reference']}", PLANNING)
            add(organisation_id, "name", earlier["name"], PLANNING)
        add(organisation_id, "name", name, PLANNING)
        if kind == "national-park-authority":
            add(organisation_id, "name", name.replace(" Authority", ""), LOCALDATA)
        for column in ("statistical-geography", "local-planning-authority", "national-park"):
            add(organisation_id, "gss", row.get(column, ""), PLANNING)
        add(organisation_id, "billing-authority", row.get("billing-authority", ""), PLANNING)
        add(
            organisation_id, "opendatacommunities", row.get("opendatacommunities-uri", ""), PLANNING
        )
        add(organisation_id, "wikidata", row["wikidata"], PLANNING)
        add(organisation_id, "planning-data-entity", row["entity"], PLANNING)
        add(organisation_id, "local-custodian-code", row.get("addressbase-custodian", ""), PLANNING)

    def add_extra_names(self) -> None:
        """Short names no reference lists (see EXTRA_NAMES)."""
        for organisation_id, names in EXTRA_NAMES.items():
            for name in names:
                self.add_identifier(organisation_id, "name", name, LOCALDATA)

    def add_extra_bodies(self) -> None:
        """Bodies no reference lists (see EXTRA_BODIES and POLICE_AREAS)."""
        for extra in [*EXTRA_BODIES, *police_and_crime_commissioners()]:
            body = Body(
                id=str(extra["id"]),
                name=str(extra["name"]),
                official_name=str(extra["official_name"]),
                type=str(extra["type"]),
                region_code=str(extra["region_code"]),
                start_date=str(extra["start_date"]),
                website=str(extra["website"]),
                sources=[LOCALDATA],
            )
            self.bodies[body.id] = body
            self.add_identifier(body.id, "curie", body.id, LOCALDATA)
            for name in [body.official_name, *extra["names"]]:
                self.add_identifier(body.id, "name", name, LOCALDATA)

    # -- successions -------------------------------------------------------------------

    def settle_successions(self) -> None:
        """Add known successions and end each predecessor the day before its successor."""
        for organisation_id, successors in EXTRA_SUCCESSORS.items():
            body = self.bodies[organisation_id]
            body.successor_ids = sorted(set(body.successor_ids) | set(successors))
        for body in self.bodies.values():
            starts = [self.bodies[s].start_date for s in body.successor_ids]
            if starts and all(starts):
                last_day = (date.fromisoformat(min(starts)) - timedelta(days=1)).isoformat()
                if body.end_date and body.end_date != last_day:
                    self.warnings.append(f"{body.id}: end {body.end_date} -> {last_day}")
                body.end_date = last_day

    def settle_regions(self) -> None:
        """Give bodies that only mySociety lists the region code for their region name."""
        codes = {name: code for code, name in self.region_names.items()}
        for row in self.read("standards/registers/mysociety/uk_local_authorities_current.csv"):
            body = self.bodies.get(self.gss_to_id.get(row["gss-code"], ""))
            theirs = codes.get(row["region"], "")
            if body and body.region_code and theirs and theirs != body.region_code:
                self.warnings.append(f"{body.id}: region {body.region_code} kept, not {theirs}")
        for organisation_id, name in self.regions_by_name.items():
            self.bodies[organisation_id].region_code = codes[name]

    # -- output ------------------------------------------------------------------------

    def write(self, folder: Path) -> None:
        """Write organisations.csv and identifiers.csv, sorted so diffs stay small."""
        folder.mkdir(parents=True, exist_ok=True)
        columns = [
            "id", "name", "official_name", "type", "region", "region_code", "gss_code",
            "start_date", "end_date", "successor_ids", "website", "sources",
        ]  # fmt: skip
        with (folder / "organisations.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            for body in sorted(self.bodies.values(), key=lambda b: b.id):
                writer.writerow(self.organisation_row(body))
        with (folder / "identifiers.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["organisation_id", "scheme", "value", "sources"])
            writer.writerows(self.identifier_rows())

    def identifier_rows(self) -> list[list[str]]:
        """One identifiers.csv row per distinct identifier, naming every source that gives it."""
        sources: dict[tuple[str, str, str], list[str]] = {}
        for organisation_id, scheme, value, source in sorted(self.identifiers):
            sources.setdefault((organisation_id, scheme, value), []).append(source)
        return [[*key, ";".join(found)] for key, found in sorted(sources.items())]

    def organisation_row(self, body: Body) -> list[str]:
        """One organisations.csv row."""
        return [
            body.id,
            " ".join(body.name.split()),
            " ".join(body.official_name.split()),
            body.type,
            self.region_names.get(body.region_code, ""),
            body.region_code,
            body.gss_code,
            body.start_date,
            body.end_date,
            ";".join(body.successor_ids),
            body.website,
            ";".join(body.sources),
        ]

    def build(self) -> None:
        """Read every source in order of authority."""
        self.add_planning_local_authorities()
        self.add_mysociety()
        self.add_govuk()
        self.settle_names()
        self.add_other_bodies()
        self.add_extra_bodies()
        self.add_extra_names()
        self.settle_successions()
        self.settle_regions()
        unknown = {i for i, *_ in self.identifiers} - set(self.bodies)
        if unknown:
            raise SystemExit(f"identifiers for unknown organisations: {sorted(unknown)}")


def main(argv: list[str] | None = None) -> int:
    """Build the register from the reference folder and report what it wrote."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    builder = Builder(args.reference)
    builder.build()
    builder.write(args.output)
    for warning in builder.warnings:
        print(f"note: {warning}", file=sys.stderr)
    counts = Counter(body.type for body in builder.bodies.values())
    print(f"{len(builder.bodies)} organisations, {len(builder.identifier_rows())} identifiers")
    for kind, count in sorted(counts.items()):
        print(f"  {kind}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
