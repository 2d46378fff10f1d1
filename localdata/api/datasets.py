"""Datasets in the JSON API: the catalogue, each dataset, its versions and their diffs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from localdata.access.model import Level
from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, PurposeDep, SignedInDep
from localdata.store.catalogue import (
    describe_dataset,
    headline_figures,
    search_datasets,
    version_dict,
)
from localdata.store.filters import organisation_filter
from localdata.store.jsonld import catalogue_jsonld, dataset_jsonld

router = APIRouter(tags=["datasets"], responses=PROBLEMS)
VersionId = Annotated[int, Path(ge=1, le=2**53, description="A version's number")]


class JSONLDResponse(JSONResponse):
    """A JSON-LD document."""

    media_type = "application/ld+json"


@router.get("/datasets")
def get_datasets(
    library: LibraryDep,
    principal: PrincipalDep,
    q: Annotated[
        str | None, Query(description="Words to find in titles, descriptions and field names")
    ] = None,
    standard: Annotated[str | None, Query(description="Only this standard")] = None,
    organisation: Annotated[str | None, Query(description="Only datasets it publishes")] = None,
    region: Annotated[
        str | None, Query(description="Only datasets published in this region")
    ] = None,
    organisation_type: Annotated[
        str | None,
        Query(description="Only datasets published by this type of organisation", max_length=200),
    ] = None,
) -> dict[str, Any]:
    """Search the catalogue, with counts by standard, organisation type and region."""
    org = organisation_filter(organisation) if organisation else None
    return search_datasets(
        library, q, standard, org, region, organisation_type, principal=principal
    )


@router.get("/figures")
def get_figures(library: LibraryDep, principal: PrincipalDep) -> dict[str, Any]:
    """Headline figures: organisations publishing, datasets published, rows, last update."""
    return headline_figures(library, principal=principal)


@router.get("/catalog.jsonld", response_class=JSONLDResponse)
def get_catalogue(library: LibraryDep) -> JSONLDResponse:
    """A DCAT 3 catalogue of every dataset, for harvesters such as data.gov.uk."""
    return JSONLDResponse(catalogue_jsonld(library))


@router.get("/datasets/{name}.jsonld", response_class=JSONLDResponse)
def get_dataset_jsonld(name: str, library: LibraryDep) -> JSONLDResponse:
    """One dataset as schema.org Dataset JSON-LD."""
    return JSONLDResponse(dataset_jsonld(library, name))


@router.get("/datasets/{name}")
def get_dataset(name: str, library: LibraryDep, principal: PrincipalDep) -> dict[str, Any]:
    """A dataset: its standard, fields, coverage, latest versions and links (of a dataset
    that is not open, only the organisations' whose data you may read)."""
    return describe_dataset(library, name, principal)


@router.get("/datasets/{name}/versions")
def get_versions(
    name: str,
    library: LibraryDep,
    principal: PrincipalDep,
    organisation: Annotated[str | None, Query(description="Only this organisation's")] = None,
) -> dict[str, Any]:
    """Every published version of the dataset, newest first (of a dataset that is not open,
    only the organisations' whose data you may read)."""
    org = organisation_filter(organisation) if organisation else None
    found = library.versions(name, org, principal=principal)
    return {"versions": [version_dict(v) for v in found], "count": len(found)}


@router.get("/datasets/{name}/versions/{version}")
def get_version(
    name: str, version: VersionId, library: LibraryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One submission: who, when, which file, how many rows and issues, and its report."""
    found = library.dataset_submission(name, version, principal)
    return version_dict(found) | {"report": found.report}


@router.get("/datasets/{name}/versions/{version}/issues")
def get_version_issues(
    name: str,
    version: VersionId,
    library: LibraryDep,
    principal: PrincipalDep,
    size: Annotated[int, Query(alias="_size", ge=1, le=1000)] = 100,
    after: Annotated[int | None, Query(alias="_next", description="From the previous page")] = None,
) -> dict[str, Any]:
    """The issues found in a submission, a page at a time."""
    library.dataset_submission(name, version, principal)
    issues = library.submission_issues(version, size + 1, after, principal)
    more = len(issues) > size
    page = issues[:size]
    return {"issues": page, "next": str(page[-1]["id"]) if more and page else None}


@router.get("/datasets/{name}/versions/{version}/diff")
def get_version_diff(
    name: str,
    version: VersionId,
    library: LibraryDep,
    principal: PrincipalDep,
    purpose: PurposeDep = None,
) -> dict[str, Any]:
    """What this version added, changed and removed, matched on the standard's key."""
    diff = library.diff(version, principal=principal, purpose=purpose, dataset=name)
    return {
        "version": version,
        "previous": diff.previous,
        "key": list(diff.key),
        "added": diff.added,
        "changed": diff.changed,
        "removed": diff.removed,
        "examples": diff.examples,
    }


class AccessLevel(BaseModel):
    """A dataset's access level."""

    level: Level


@router.get("/datasets/{name}/access")
def get_access_level(name: str, library: LibraryDep) -> dict[str, Any]:
    """Who may read the dataset: open (anyone), registered (signed in) or restricted."""
    dataset = library.standards.get(name).name
    return {"dataset": dataset, "level": library.access.level(dataset)}


@router.put("/datasets/{name}/access")
def put_access_level(
    name: str, change: Annotated[AccessLevel, Body()], library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Set the dataset's access level (library administrators only)."""
    dataset = library.standards.get(name).name
    library.access.set_level(dataset, change.level, by=principal)
    return {"dataset": dataset, "level": change.level}
