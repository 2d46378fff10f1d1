"""Linked-data descriptions: a DCAT 3 catalogue and schema.org Dataset records.

Harvesters such as data.gov.uk read the catalogue; search engines read the schema.org record.
Links are relative to the API root the caller passes in, so they are right behind any proxy.

Both are public, so they describe each dataset as anyone may see it (``dataset_cards`` as an
anonymous caller: a restricted dataset's figures count nothing) and say truthfully who may use
it: ``dct:accessRights`` from the EU access-right vocabulary (``PUBLIC`` for open data,
``RESTRICTED`` for data for signed-in users, ``NON_PUBLIC`` for data shared only under a data
sharing agreement), and the standard's licence (the Open Government Licence) only for open
data, which alone is released under it. Data that is not open has a ``dct:rights`` statement
instead, and its distributions are access URLs (the API, which asks who is calling), not
download URLs.
"""

from __future__ import annotations

from typing import Any

from localdata.access.model import Level
from localdata.store.catalogue import DatasetCard, dataset_cards
from localdata.store.library import Library

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}
LICENCES = {
    "OGL-UK-3.0": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
}
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS: dict[Level, str] = {
    "open": "PUBLIC",
    "registered": "RESTRICTED",
    "restricted": "NON_PUBLIC",
}
RIGHTS: dict[Level, str] = {
    "registered": "Available to signed-in users and API key holders of this library; it is "
    "not released under an open licence.",
    "restricted": "Personal or sensitive data, shared only with organisations under a data "
    "sharing agreement recorded in this library's register of agreements; it is not released "
    "under an open licence.",
}


def catalogue_jsonld(library: Library, base: str = "") -> dict[str, Any]:
    """Every dataset as a DCAT 3 catalogue."""
    return {
        "@context": CONTEXT,
        "@type": "dcat:Catalog",
        "@id": f"{base}/api/v1/catalog.jsonld",
        "dct:title": "Local Data Library",
        "dct:description": "National datasets harmonised from what English councils publish.",
        "dcat:dataset": [_dcat_dataset(card, base) for card in dataset_cards(library)],
    }


def _dcat_dataset(card: DatasetCard, base: str) -> dict[str, Any]:
    standard = card.standard
    link = f"{base}/api/v1/datasets/{standard.name}"
    found: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "@id": link,
        "dct:identifier": standard.name,
        "dct:title": standard.title,
        "dct:description": standard.description.strip(),
        "dct:accessRights": {"@id": ACCESS_RIGHTS + ACCESS[card.level]},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": standard.owner},
        "dct:conformsTo": {"@id": f"{base}/api/v1/standards/{standard.name}"},
        "dct:accrualPeriodicity": standard.frequency.value,
        "dcat:keyword": [f.name for f in standard.fields],
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:format": fmt,
                "dcat:mediaType": media,
                _distribution_url(card.level): {"@id": f"{link}/records.{fmt}"},
            }
            for fmt, media in MEDIA_TYPES.items()
        ],
    }
    if card.level == "open":
        found["dct:license"] = {"@id": LICENCES.get(standard.licence, standard.licence)}
    else:
        found["dct:rights"] = {
            "@type": "dct:RightsStatement",
            "dct:description": RIGHTS[card.level],
        }
    if card.last_published:
        found["dct:modified"] = {"@value": card.last_published.isoformat(), "@type": "xsd:dateTime"}
    return found


def _distribution_url(level: Level) -> str:
    """Open data is downloaded as it is; other data through the API, which asks who calls."""
    return "dcat:downloadURL" if level == "open" else "dcat:accessURL"


def dataset_jsonld(library: Library, name: str, base: str = "") -> dict[str, Any]:
    """One dataset as a schema.org Dataset."""
    card = next(
        c for c in dataset_cards(library) if c.standard.name == library.standards.get(name).name
    )
    standard = card.standard
    link = f"{base}/api/v1/datasets/{standard.name}"
    found: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": link,
        "name": standard.title,
        "description": standard.description.strip(),
        "url": link,
        "creator": {"@type": "Organization", "name": standard.owner},
        "variableMeasured": [f.title or f.name for f in standard.fields],
        "spatialCoverage": {"@type": "Place", "name": "England"},
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": media,
                "contentUrl": f"{link}/records.{fmt}",
            }
            for fmt, media in MEDIA_TYPES.items()
        ],
    }
    if card.level == "open":
        found["license"] = LICENCES.get(standard.licence, standard.licence)
    else:
        found["conditionsOfAccess"] = RIGHTS[card.level]
    if card.last_published:
        found["dateModified"] = card.last_published.isoformat()
    return found
