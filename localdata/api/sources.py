"""Sources: where an organisation publishes a dataset, collected on a schedule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, require_publisher
from localdata.collect.sources import add_source, attempt_log, get_source
from localdata.collect.status import SourceWithStatus, source_status, sources_with_status
from localdata.collect.tables import Schedule
from localdata.store.filters import organisation_filter
from localdata.store.library import Library
from localdata.store.metadata import now

router = APIRouter(tags=["sources"], responses=PROBLEMS)
SourceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The source's number")]


class NewSource(BaseModel):
    """A URL an organisation publishes a dataset at."""

    dataset: str = Field(min_length=1, description="The standard's name, such as spend.")
    organisation: str = Field(min_length=1, description="Who publishes it: a code, curie or name.")
    url: str = Field(
        min_length=1, max_length=2000, description="The file, or a page linking to it."
    )
    schedule: Schedule = Field("daily", description="How often to collect it.")
    period: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="For a periodic standard, the period every file at the URL covers (such "
        "as 2024/25); without it, each file's period is worked out from the file.",
    )


@router.get("/sources")
def get_sources(
    library: LibraryDep,
    organisation: Annotated[str | None, Query(description="Only this organisation's")] = None,
    dataset: Annotated[str | None, Query(description="Only this dataset's")] = None,
) -> dict[str, Any]:
    """Registered sources with their status: working, failing since, unchanged since."""
    org = organisation_filter(organisation) if organisation else None
    found = sources_with_status(library, organisation=org, dataset=dataset)
    return {"sources": [s.to_dict() for s in found], "count": len(found)}


@router.post("/sources", status_code=201)
async def post_source(
    body: NewSource, library: LibraryDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Register a URL to collect a dataset from; it is collected at once, then on schedule.

    Needs a publisher of the organisation (a signed-in user, or a key with the publish scope),
    unless the library lets anyone publish (``LOCALDATA_OPEN_SUBMISSIONS``, for demos).
    """
    organisation = library.organisation(body.organisation)
    require_publisher(library, principal, organisation)
    source = await run_in_threadpool(
        add_source,
        library,
        body.dataset,
        organisation,
        body.url,
        schedule=body.schedule,
        created_by=principal.actor if principal.signed_in else "api",
        period=body.period,
    )
    return {"source": _describe(library, source.id).to_dict()}


@router.get("/sources/{source_id}")
def get_one_source(source_id: SourceId, library: LibraryDep) -> dict[str, Any]:
    """One source, with its status."""
    return {"source": _describe(library, source_id).to_dict()}


@router.get("/sources/{source_id}/log")
def get_source_log(
    source_id: SourceId,
    library: LibraryDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Attempts per page")] = 50,
    before: Annotated[
        int | None, Query(ge=1, le=2**53, description="Attempts older than this id")
    ] = None,
) -> dict[str, Any]:
    """Every attempt to collect the source, newest first: when, status, bytes, time, error."""
    with library.database.transaction() as conn:
        found = attempt_log(conn, source_id, limit=limit, before=before)
    more = len(found) == limit
    return {
        "source": source_id,
        "attempts": [a.to_dict() for a in found],
        "next": f"/api/v1/sources/{source_id}/log?limit={limit}&before={found[-1].id}"
        if more and found
        else None,
    }


def _describe(library: Library, source_id: int) -> SourceWithStatus:
    with library.database.transaction() as conn:
        source = get_source(conn, source_id)
        return SourceWithStatus(source, source_status(conn, library, source, now()))
