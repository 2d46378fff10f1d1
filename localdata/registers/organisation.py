"""An organisation in the register, and the kinds of organisation there are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Type slug -> what people call it. Councils first, in the order of local-authority-type.csv.
TYPE_NAMES = {
    "county-council": "County council",
    "non-metropolitan-district": "Non-metropolitan district council",
    "metropolitan-district": "Metropolitan district council",
    "london-borough": "London borough council",
    "unitary-authority": "Unitary authority",
    "city-corporation": "City corporation",
    "combined-authority": "Combined authority",
    "strategic-regional-authority": "Strategic regional authority",
    "national-park-authority": "National park authority",
    "development-corporation": "Development corporation",
    "fire-authority": "Fire and rescue authority",
    "police-and-crime-commissioner": "Police and crime commissioner",
    "waste-authority": "Waste authority",
    "passenger-transport-executive": "Passenger transport executive",
    "regional-park-authority": "Regional park authority",
    "government-organisation": "Government organisation",
    "public-authority": "Public authority",
}

# The types that make up "the 317 English councils" (principal councils).
COUNCIL_TYPES = frozenset(
    {
        "county-council",
        "non-metropolitan-district",
        "metropolitan-district",
        "london-borough",
        "unitary-authority",
        "city-corporation",
    }
)


@dataclass(frozen=True)
class Identifier:
    """One code or name an organisation is known by, in one scheme."""

    scheme: str
    value: str


@dataclass(frozen=True)
class Organisation:
    """A council or other public body, with its codes and the dates it existed.

    ``start_date`` and ``end_date`` are the first and last days the body existed; ``None``
    means the date is not known (for ``end_date``: the body still exists).
    """

    id: str
    name: str
    official_name: str
    type: str
    region: str | None = None
    region_code: str | None = None
    gss_code: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    successor_ids: tuple[str, ...] = ()
    website: str | None = None
    sources: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = field(default=(), compare=False, repr=False)

    @property
    def prefix(self) -> str:
        """The part of the id before the colon, such as ``local-authority``."""
        return self.id.partition(":")[0]

    @property
    def reference(self) -> str:
        """The part of the id after the colon, such as ``HYN``."""
        return self.id.partition(":")[2]

    @property
    def type_name(self) -> str:
        """The kind of organisation in words, such as "Unitary authority"."""
        return TYPE_NAMES.get(self.type, self.type)

    @property
    def is_council(self) -> bool:
        """Whether this is a principal council (county, district, unitary, borough)."""
        return self.type in COUNCIL_TYPES

    @property
    def is_current(self) -> bool:
        """Whether the organisation exists today."""
        return self.exists_on(date.today())

    def exists_on(self, day: date) -> bool:
        """Whether the organisation existed on this day, as far as the register knows."""
        started = self.start_date is None or self.start_date <= day
        return started and (self.end_date is None or day <= self.end_date)

    def codes(self, scheme: str) -> list[str]:
        """The values this organisation has in one identifier scheme, such as ``snac``."""
        return [i.value for i in self.identifiers if i.scheme == scheme]

    def to_dict(self) -> dict[str, Any]:
        """The organisation as a JSON-ready dict with snake_case keys."""
        return {
            "id": self.id,
            "name": self.name,
            "official_name": self.official_name,
            "type": self.type,
            "type_name": self.type_name,
            "region": self.region,
            "region_code": self.region_code,
            "gss_code": self.gss_code,
            "start_date": self.start_date.isoformat() if self.start_date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "successor_ids": list(self.successor_ids),
            "website": self.website,
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in self.identifiers],
        }
