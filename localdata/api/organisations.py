"""Organisations in the JSON API: the register, and what each one publishes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep
from localdata.store.catalogue import (
    describe_organisation,
    list_organisations,
    organisation_dict,
)

router = APIRouter(tags=["organisations"], responses=PROBLEMS)


@router.get("/organisations")
def get_organisations(
    library: LibraryDep,
    type: Annotated[
        str | None, Query(description="A type such as london-borough, or council")
    ] = None,
    region: Annotated[str | None, Query(description="A region such as North West")] = None,
    current: Annotated[bool | None, Query(description="Only those that exist today")] = None,
) -> dict[str, Any]:
    """Organisations in the register, filtered by type, region and whether they exist today."""
    found = list_organisations(library, type, region, current)
    return {"organisations": [organisation_dict(o) for o in found], "count": len(found)}


@router.get("/organisations/{organisation}")
def get_organisation(
    organisation: str, library: LibraryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """One organisation, with its status for each dataset whose metadata you may see."""
    return describe_organisation(library, organisation, principal)
