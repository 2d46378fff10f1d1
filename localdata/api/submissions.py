"""Publishing through the JSON API: upload a file for a dataset and an organisation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from localdata.api.check import read_limited
from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep, require_publisher
from localdata.store.catalogue import version_dict

router = APIRouter(tags=["submissions"], responses=PROBLEMS)


@router.post(
    "/datasets/{name}/submissions",
    status_code=201,
    responses={
        200: {"description": "The same file as the current version: nothing changed."},
        403: {"description": "Only a publisher of the organisation may publish for it."},
        409: {"description": "Something must be fixed: nothing was published."},
    },
)
async def post_submission(
    name: str,
    library: LibraryDep,
    principal: PrincipalDep,
    file: Annotated[UploadFile, File(description="The file to publish.")],
    organisation: Annotated[
        str, Form(min_length=1, description="Who publishes it: a code, curie or name.")
    ],
) -> JSONResponse:
    """Check a file and, if nothing must be fixed, publish it as the organisation's data."""
    org = library.organisation(organisation)
    require_publisher(library, principal, org)
    content = await read_limited(file, library.settings.max_upload_bytes)
    done = await run_in_threadpool(
        library.publish,
        content,
        name,
        org,
        filename=file.filename or "upload",
        submitted_by=principal.actor if principal.signed_in else None,
    )
    body: dict[str, Any] = {
        "ok": done.published,
        "submission": version_dict(done.submission),
        "report": done.report.to_dict() if done.report else None,
    }
    status = {"published": 201, "unchanged": 200, "rejected": 409}[done.submission.status]
    if status == 409:
        body |= {
            "type": "about:blank",
            "title": "Something must be fixed",
            "status": 409,
            "detail": "Nothing was published: fix the errors in the report and try again.",
        }
        return JSONResponse(body, status_code=409, media_type="application/problem+json")
    return JSONResponse(body, status_code=status)
