"""One record in the JSON API: every field, its provenance and its values in earlier versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, PurposeDep
from localdata.store.catalogue import version_dict
from localdata.store.record import find_record, organisation_submissions

router = APIRouter(tags=["records"], responses=PROBLEMS)
Row = Annotated[int, Path(ge=1, le=2**53, description="The record's row in its file")]


@router.get("/datasets/{name}/records/{organisation}/{resource}/{row}")
def get_record(
    name: str,
    organisation: str,
    resource: str,
    row: Row,
    library: LibraryDep,
    principal: PrincipalDep,
    purpose: PurposeDep = None,
) -> dict[str, Any]:
    """One record, named by its organisation, file (sha256) and row, with its history."""
    found = find_record(
        library, name, organisation, resource, row, principal=principal, purpose=purpose
    )
    return found.to_dict()


@router.get("/organisations/{organisation}/submissions", tags=["organisations"])
def get_organisation_submissions(
    organisation: str, library: LibraryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Every file the organisation submitted, newest first, with its issues by severity (of
    datasets that are not open, only if you may read the organisation's data)."""
    found = organisation_submissions(library, organisation, principal=principal)
    return {"submissions": [version_dict(s) for s in found], "count": len(found)}
