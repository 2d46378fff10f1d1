"""A dataset's records in the JSON API: filtered pages, and whole downloads in four formats."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, PurposeDep

router = APIRouter(tags=["records"], responses=PROBLEMS)
ExportFormat = Literal["csv", "json", "geojson", "parquet"]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
}
FILTER_HELP = (
    "Filter with field=value, or field__gt, __gte, __lt, __lte, __contains, __in (comma "
    "separated) and __isnull (true or false). Also organisation= (any code or name of the "
    "organisation, like E07000120 or Hyndburn), as_of= (a date, time or "
    "version id), _fields=, _sort= (- for descending), _size= (1 to 1000, default 100), "
    "_count=exact and _next= (the cursor from the previous page). Restricted datasets: send "
    "an API key, and the purpose of your data sharing agreement as X-Purpose (or _purpose=)."
)


# The documented parameters; filters on fields (amount__gt=500) are read from the query string.
Organisation = Annotated[
    str | None,
    Query(description="Only this organisation's records: its id, GSS code, curie or name"),
]
AsOf = Annotated[str | None, Query(description="As at a date, a time or a version id")]
Fields = Annotated[str | None, Query(alias="_fields", description="Fields to show, a,b,c")]
Sort = Annotated[str | None, Query(alias="_sort", description="Sort by fields; - descending")]
Size = Annotated[int, Query(alias="_size", ge=1, le=1000, description="Records per page")]
Count = Annotated[Literal["exact"] | None, Query(alias="_count", description="exact totals")]
Next = Annotated[str | None, Query(alias="_next", description="The cursor from the last page")]


@router.get("/datasets/{name}/records", description=FILTER_HELP)
def get_records(
    name: str,
    request: Request,
    library: LibraryDep,
    principal: PrincipalDep,
    purpose: PurposeDep = None,
    organisation: Organisation = None,
    as_of: AsOf = None,
    fields: Fields = None,
    sort: Sort = None,
    size: Size = 100,
    count: Count = None,
    cursor: Next = None,
) -> dict[str, Any]:
    """A page of records, with a cursor to the next page and each record's provenance."""
    params = list(request.query_params.multi_items())
    page = library.page(name, params, principal=principal, purpose=purpose)
    return {
        "records": page.records,
        "next": page.next,
        "total": page.total,
        "total_is_exact": page.total_is_exact,
        "size": size,
    }


@router.get(
    "/datasets/{name}/records.{fmt}",
    description=FILTER_HELP,
    responses={200: {"content": {m: {} for m in MEDIA_TYPES.values()}}},
)
def download_records(
    name: str,
    fmt: ExportFormat,
    request: Request,
    library: LibraryDep,
    principal: PrincipalDep,
    purpose: PurposeDep = None,
    organisation: Organisation = None,
    as_of: AsOf = None,
    fields: Fields = None,
    sort: Sort = None,
) -> StreamingResponse:
    """Every record that matches the filters, streamed as CSV, JSON, GeoJSON or Parquet."""
    params = list(request.query_params.multi_items())
    chunks = library.export(name, params, fmt, principal=principal, purpose=purpose)
    filename = f"{library.standards.get(name).name}.{fmt}"
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
