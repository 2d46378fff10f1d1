"""Publishing through the JSON API: upload a file for a dataset and an organisation."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from localdata.api.check import read_limited
from localdata.api.deps import PROBLEMS, LibraryDep, PrincipalDep
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
        str | None,
        Form(
            min_length=1,
            description="Who publishes it: a code, curie or name. Without it, the file must "
            "say which organisation published it.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        Form(
            min_length=1,
            max_length=40,
            description="For a periodic standard (such as spend), the period the file covers: "
            "2025-03, 2025-Q1, 2025, 2024/25 or 2024-04/2024-10. Without it, the period is "
            "worked out from the file.",
        ),
    ] = None,
) -> JSONResponse:
    """Check a file and, if nothing must be fixed, publish it into the national dataset.

    A file of a snapshot standard replaces the organisation's data; a file of a periodic
    standard replaces only its period's, and the answer says what it replaced.
    """
    library.authorise_publish(
        principal, library.organisation(organisation) if organisation else None
    )
    content = await read_limited(file, library.settings.max_upload_bytes)
    done = await run_in_threadpool(
        partial(
            library.publish,
            content,
            name,
            organisation,
            filename=file.filename or "upload",
            submitted_by=principal.actor if principal.signed_in else None,
            period=period,
            principal=principal,
        )
    )
    body: dict[str, Any] = {
        "ok": done.published,
        "submission": version_dict(done.submission),
        "notes": done.notes(),
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
