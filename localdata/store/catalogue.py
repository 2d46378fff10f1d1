"""The catalogue: find datasets and organisations, and describe them with their coverage.

These are the read-only views the API and web pages show; each is one call on a ``Library``,
made as a principal (anonymous unless given). What a dataset that is not open holds (how many
organisations publish it, its rows, when it was last published, each organisation's standing,
its versions) counts only the organisations whose metadata the principal may see
(``localdata.store.readers``), and says when others are left out (``complete``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from localdata.access.model import ANONYMOUS, Level, Principal
from localdata.errors import UnknownStandard
from localdata.registers import COUNCIL_TYPES, Organisation
from localdata.standards.model import Standard
from localdata.store import metadata
from localdata.store.coverage import Coverage, counts, coverage
from localdata.store.exports import download_formats
from localdata.store.library import Library
from localdata.store.readers import MetadataReaders


@dataclass(frozen=True)
class DatasetCard:
    """A dataset as a search result: what it is and how much of it is published (of what the
    principal may see: ``complete`` is false when some organisations' part is left out)."""

    standard: Standard
    organisations: int
    rows: int
    last_published: dt.datetime | None
    level: Level = "open"
    complete: bool = True
    publishers: frozenset[str] = frozenset()

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
            "access_level": self.level,
            "organisations_publishing": self.organisations,
            "rows": self.rows,
            "last_published": self.last_published.isoformat() if self.last_published else None,
            "complete": self.complete,
            "links": {
                "self": f"/api/v1/datasets/{name}",
                "records": f"/api/v1/datasets/{name}/records",
            },
        }


def dataset_cards(library: Library, principal: Principal = ANONYMOUS) -> list[DatasetCard]:
    """Every dataset (one per standard), with its publishing figures as the principal may
    see them."""
    with library.database.transaction() as conn:
        summaries = {s.dataset: s for s in metadata.dataset_summaries(conn)}
    levels = library.access.levels()
    cards = []
    for standard in library.standards.latest():
        summary = summaries.get(standard.name)
        # A periodic dataset's rows are many files' rows: the lake counts them.
        per_organisation = library.organisation_rows(standard.name) if summary else {}
        if levels.get(standard.name, "open") == "open":
            cards.append(
                DatasetCard(
                    standard,
                    summary.organisations if summary else 0,
                    sum(per_organisation.values()),
                    summary.last_published_at if summary else None,
                    publishers=frozenset(per_organisation),
                )
            )
        else:
            readers = library.metadata_readers(standard.name, principal)
            cards.append(_card_as_seen(library, standard, per_organisation, readers, principal))
    return cards


def _card_as_seen(
    library: Library,
    standard: Standard,
    per_organisation: dict[str, int],
    readers: MetadataReaders,
    principal: Principal,
) -> DatasetCard:
    """A card of a dataset that is not open, counting only what the principal may see."""
    seen = {o: n for o, n in per_organisation.items() if readers.allows(o)}
    versions = library.versions(standard.name, principal=principal) if seen else []
    return DatasetCard(
        standard,
        len(seen),
        sum(seen.values()),
        max((v.submitted_at for v in versions), default=None),
        readers.level,
        complete=readers.everyone or len(seen) == len(per_organisation),
        publishers=frozenset(seen),
    )


def headline_figures(
    library: Library, cards: list[DatasetCard] | None = None, principal: Principal = ANONYMOUS
) -> dict[str, Any]:
    """The library in four figures: organisations publishing, datasets, rows, last update.

    ``cards``: the ``dataset_cards`` the caller already has, so they are not read twice.
    """
    cards = dataset_cards(library, principal) if cards is None else cards
    published = [c.last_published for c in cards if c.last_published is not None]
    shown = [c for c in cards if c.rows]
    return {
        "organisations_publishing": len({o for c in shown for o in c.publishers}),
        "datasets_published": len(shown),
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
    *,
    principal: Principal = ANONYMOUS,
) -> dict[str, Any]:
    """Datasets matching words (in titles, descriptions and field names) and filters, with facets.

    Facets count the datasets in the results by standard, and by the types and regions of the
    organisations publishing them; ``organisation_type`` takes a facet's value (such as
    "London borough") or a type code (``london-borough``).
    """
    org = library.organisation(organisation) if organisation else None
    cards = dataset_cards(library, principal)
    publishers = {card.standard.name: set(card.publishers) for card in cards}
    found = [
        card
        for card in cards
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


def describe_dataset(
    library: Library, name: str, principal: Principal = ANONYMOUS
) -> dict[str, Any]:
    """A dataset's metadata, standard, fields, coverage, latest versions and links, as the
    principal may see them.

    The standard's licence applies to open data only: a dataset that is not open has none
    (``licence`` is null) and is shared only as its ``access_level`` says.
    """
    card = next((c for c in dataset_cards(library, principal) if c.standard.name == name), None)
    if card is None:
        raise UnknownStandard(f"There is no dataset called '{name}'.")
    readers = library.metadata_readers(name, principal)
    found = [c for c in dataset_coverage(library, name) if readers.allows(c.organisation)]
    latest = library.versions(name, principal=principal)[:20]
    standard = card.standard
    return card.to_dict() | {
        "owner": standard.owner,
        "licence": standard.licence if card.level == "open" else None,
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
        "coverage": {
            "counts": counts(found),
            "organisations": [c.to_dict() for c in found],
            "complete": readers.everyone,
        },
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


def describe_organisation(
    library: Library, identifier: str, principal: Principal = ANONYMOUS
) -> dict[str, Any]:
    """An organisation and its status for every dataset whose metadata of it the principal
    may see (``localdata.store.readers``)."""
    org = library.register.get(library.organisation(identifier))
    datasets = []
    for standard in library.standards.latest():
        entry = (
            next(c for c in dataset_coverage(library, standard.name) if c.organisation == org.id)
            if _expected(library, org, standard)
            and library.metadata_readers(standard.name, principal).allows(org.id)
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
