"""The catalogue: find datasets and organisations, and describe them with their coverage.

These are the read-only views the API and web pages show; each is one call on a ``Library``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from localdata.errors import UnknownStandard
from localdata.registers import COUNCIL_TYPES, Organisation
from localdata.standards.model import Standard
from localdata.store import metadata
from localdata.store.coverage import Coverage, counts, coverage
from localdata.store.exports import download_formats
from localdata.store.library import Library


@dataclass(frozen=True)
class DatasetCard:
    """A dataset as a search result: what it is and how much of it is published."""

    standard: Standard
    organisations: int
    rows: int
    last_published: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        name = self.standard.name
        return {
            "name": name,
            "title": self.standard.title,
            "description": self.standard.description.strip(),
            "standard": {"name": name, "version": self.standard.version},
            "frequency": self.standard.frequency.value,
            "publication": self.standard.publication.value,
            "organisations_publishing": self.organisations,
            "rows": self.rows,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "links": {
                "self": f"/api/v1/datasets/{name}",
                "records": f"/api/v1/datasets/{name}/records",
            },
        }


def dataset_cards(library: Library) -> list[DatasetCard]:
    """Every dataset (one per standard), with its publishing figures."""
    with library.database.transaction() as conn:
        summaries = {s.dataset: s for s in metadata.dataset_summaries(conn)}
    cards = []
    for standard in library.standards.latest():
        summary = summaries.get(standard.name)
        # A periodic dataset's rows are many files' rows: the lake counts them.
        rows = sum(library.organisation_rows(standard.name).values()) if summary else 0
        cards.append(
            DatasetCard(
                standard,
                summary.organisations if summary else 0,
                rows,
                summary.last_published_at if summary else None,
            )
        )
    return cards


def headline_figures(library: Library, cards: list[DatasetCard] | None = None) -> dict[str, Any]:
    """The library in four figures: organisations publishing, datasets, rows, last update.

    ``cards``: the ``dataset_cards`` the caller already has, so they are not read twice.
    """
    cards = dataset_cards(library) if cards is None else cards
    published = [c.last_published for c in cards if c.last_published is not None]
    names = [c.standard.name for c in cards if c.rows]
    return {
        "organisations_publishing": len({o for n in names for o in library.organisations_in(n)}),
        "datasets_published": len(names),
        "rows": sum(c.rows for c in cards),
        "last_published": max(published).isoformat() if published else None,
    }


def search_datasets(
    library: Library,
    q: str | None = None,
    standard: str | None = None,
    organisation: str | None = None,
    region: str | None = None,
    organisation_type: str | None = None,
) -> dict[str, Any]:
    """Datasets matching words (in titles, descriptions and field names) and filters, with facets.

    Facets count the datasets in the results by standard, and by the types and regions of the
    organisations publishing them; ``organisation_type`` takes a facet's value (such as
    "London borough") or a type code (``london-borough``).
    """
    org = library.organisation(organisation) if organisation else None
    publishers = _publishers(library)
    found = [
        card
        for card in dataset_cards(library)
        if _matches(card.standard, q)
        and (standard is None or card.standard.name == standard)
        and (org is None or org in publishers.get(card.standard.name, set()))
        and (
            region is None or _in_region(library, publishers.get(card.standard.name, set()), region)
        )
        and (
            organisation_type is None
            or _of_type(library, publishers.get(card.standard.name, set()), organisation_type)
        )
    ]
    return {
        "datasets": [c.to_dict() for c in found],
        "count": len(found),
        "facets": _facets(library, found, publishers),
    }


def _matches(standard: Standard, q: str | None) -> bool:
    if not q or not q.strip():
        return True
    text = " ".join(
        [
            standard.name,
            standard.title,
            standard.description,
            *(f"{f.name} {f.title} {f.description}" for f in standard.fields),
        ]
    ).lower()
    return all(word in text for word in q.lower().split())


def _publishers(library: Library) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for standard in library.standards.latest():
        with library.database.transaction() as conn:
            rows = metadata.coverage_rows(conn, standard.name)
        found[standard.name] = {r.organisation for r in rows if r.published_at is not None}
    return found


def _in_region(library: Library, organisations: Iterable[str], region: str) -> bool:
    wanted = region.strip().lower()
    return any((library.register.get(o).region or "").lower() == wanted for o in organisations)


def _of_type(library: Library, organisations: Iterable[str], wanted: str) -> bool:
    wanted = wanted.strip().lower()
    return any(
        wanted in {found.type.lower(), found.type_name.lower()}
        for found in (library.register.get(o) for o in organisations)
    )


def _facets(
    library: Library, cards: list[DatasetCard], publishers: dict[str, set[str]]
) -> dict[str, dict[str, int]]:
    types: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for card in cards:
        orgs = [library.register.get(o) for o in publishers.get(card.standard.name, set())]
        types.update({o.type_name for o in orgs})
        regions.update({o.region for o in orgs if o.region})
    return {
        "standard": {c.standard.name: 1 for c in cards},
        "organisation_type": dict(types.most_common()),
        "region": dict(regions.most_common()),
    }


def describe_dataset(library: Library, name: str) -> dict[str, Any]:
    """A dataset's metadata, standard, fields, coverage, latest versions and links."""
    card = next((c for c in dataset_cards(library) if c.standard.name == name), None)
    if card is None:
        raise UnknownStandard(f"There is no dataset called '{name}'.")
    found = dataset_coverage(library, name)
    latest = library.versions(name)[:20]
    standard = card.standard
    return card.to_dict() | {
        "owner": standard.owner,
        "licence": standard.licence,
        "source": standard.source,
        "attribution": standard.attribution,
        "key": list(standard.key),
        "fields": [
            {
                "name": f.name,
                "title": f.title,
                "datatype": f.datatype.value,
                "required": f.required,
                "description": f.description,
            }
            for f in standard.fields
        ],
        "coverage": {"counts": counts(found), "organisations": [c.to_dict() for c in found]},
        "download_sizes": library.download_sizes(name, card.rows),
        "latest_versions": [version_dict(v) for v in latest],
        "links": card.to_dict()["links"]
        | {
            "versions": f"/api/v1/datasets/{name}/versions",
            "standard": f"/api/v1/standards/{name}",
            "downloads": {
                fmt: f"/api/v1/datasets/{name}/records.{fmt}" for fmt in download_formats(standard)
            },
            "jsonld": f"/api/v1/datasets/{name}.jsonld",
        },
    }


def dataset_coverage(library: Library, name: str) -> list[Coverage]:
    """Every expected organisation's status for a dataset."""
    from localdata.collect.sources import collected_since  # collect builds on the store

    standard = library.standards.get(name)
    with library.database.transaction() as conn:
        rows = metadata.coverage_rows(conn, standard.name)
        since = collected_since(conn, standard.name)
        periods = metadata.published_periods(conn, standard.name) if standard.periodic else []
    row_counts = library.organisation_rows(standard.name) if standard.periodic else None
    now = dt.datetime.now(dt.UTC)
    return coverage(
        standard, rows, library.register, now, since, periods=periods, row_counts=row_counts
    )


def version_dict(version: metadata.Submission) -> dict[str, Any]:
    """A submission as JSON-ready data."""
    return {
        "id": version.id,
        "dataset": version.dataset,
        "organisation": version.organisation,
        "status": version.status,
        "submitted_at": version.submitted_at.isoformat(),
        "submitted_by": version.submitted_by,
        "resource": version.resource,
        "filename": version.filename,
        "rows": version.rows,
        "issues": {"error": version.errors, "warning": version.warnings, "info": version.infos},
        "delta_version": version.delta_version,
        "standard_version": version.standard_version,
        "period": version.period.to_dict() if version.period else None,
        "replaced": version.replaced if version.status == "published" else None,
        "links": {
            "self": f"/api/v1/datasets/{version.dataset}/versions/{version.id}",
            "issues": f"/api/v1/datasets/{version.dataset}/versions/{version.id}/issues",
            "diff": f"/api/v1/datasets/{version.dataset}/versions/{version.id}/diff",
        },
    }


def list_organisations(
    library: Library,
    type: str | None = None,
    region: str | None = None,
    current: bool | None = None,
) -> list[Organisation]:
    """Organisations in the register, filtered by type, region and whether they exist today."""
    found = []
    for org in library.register:
        if type and org.type != type and not (type == "council" and org.type in COUNCIL_TYPES):
            continue
        if region and (org.region or "").lower() != region.strip().lower():
            continue
        if current is not None and org.is_current != current:
            continue
        found.append(org)
    return sorted(found, key=lambda o: o.name)


def organisation_dict(org: Organisation) -> dict[str, Any]:
    """An organisation as JSON-ready data."""
    return {
        "id": org.id,
        "name": org.name,
        "official_name": org.official_name,
        "type": org.type,
        "type_name": org.type_name,
        "region": org.region,
        "gss_code": org.gss_code,
        "start_date": org.start_date.isoformat() if org.start_date else None,
        "end_date": org.end_date.isoformat() if org.end_date else None,
        "successors": list(org.successor_ids),
        "website": org.website,
        "links": {"self": f"/api/v1/organisations/{org.id}"},
    }


def describe_organisation(library: Library, identifier: str) -> dict[str, Any]:
    """An organisation and its status for every dataset."""
    org = library.register.get(library.organisation(identifier))
    datasets = []
    for standard in library.standards.latest():
        entry = (
            next(c for c in dataset_coverage(library, standard.name) if c.organisation == org.id)
            if _expected(library, org, standard)
            else None
        )
        if entry is not None:
            datasets.append({"dataset": standard.name, "title": standard.title} | entry.to_dict())
    return organisation_dict(org) | {"datasets": datasets}


def _expected(library: Library, org: Organisation, standard: Standard) -> bool:
    if org.is_council and org.is_current:
        return True
    with library.database.transaction() as conn:
        return metadata.latest_submission(conn, standard.name, org.id) is not None
