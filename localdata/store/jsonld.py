"""Linked-data descriptions: a DCAT 3 catalogue and schema.org Dataset records.

Harvesters such as data.gov.uk read the catalogue; search engines read the schema.org record.
Links are relative to the API root the caller passes in, so they are right behind any proxy.
"""

from __future__ import annotations

from typing import Any

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
        "dct:license": {"@id": LICENCES.get(standard.licence, standard.licence)},
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": standard.owner},
        "dct:conformsTo": {"@id": f"{base}/api/v1/standards/{standard.name}"},
        "dct:accrualPeriodicity": standard.frequency.value,
        "dcat:keyword": [f.name for f in standard.fields],
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:format": fmt,
                "dcat:mediaType": media,
                "dcat:downloadURL": {"@id": f"{link}/records.{fmt}"},
            }
            for fmt, media in MEDIA_TYPES.items()
        ],
    }
    if card.last_published:
        found["dct:modified"] = {"@value": card.last_published.isoformat(), "@type": "xsd:dateTime"}
    return found


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
        "license": LICENCES.get(standard.licence, standard.licence),
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
    if card.last_published:
        found["dateModified"] = card.last_published.isoformat()
    return found
