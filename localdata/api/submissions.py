"""Publishing through the JSON API: upload a file for a dataset and an organisation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from localdata.api.check import read_limited
from localdata.api.deps import PROBLEMS, LibraryDep
from localdata.errors import SubmissionsClosed
from localdata.store.catalogue import version_dict

router = APIRouter(tags=["submissions"], responses=PROBLEMS)


@router.post(
    "/datasets/{name}/submissions",
    status_code=201,
    responses={
        200: {"description": "The same file as the current version: nothing changed."},
        403: {"description": "Publishing through the API is switched off here."},
        409: {"description": "Something must be fixed: nothing was published."},
    },
)
async def post_submission(
    name: str,
    library: LibraryDep,
    file: Annotated[UploadFile, File(description="The file to publish.")],
    organisation: Annotated[
        str, Form(min_length=1, description="Who publishes it: a code, curie or name.")
    ],
) -> JSONResponse:
    """Check a file and, if nothing must be fixed, publish it as the organisation's data."""
    if not library.settings.open_submissions:
        raise SubmissionsClosed(
            "Publishing through the API is switched off here. Ask the people who run this "
            "library for an account, or publish with the localdata command."
        )
    content = await read_limited(file, library.settings.max_upload_bytes)
    done = await run_in_threadpool(
        library.publish, content, name, organisation, filename=file.filename or "upload"
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
