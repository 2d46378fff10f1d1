"""Check a file in the JSON API: upload it, get the report back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from localdata.api.deps import PROBLEMS
from localdata.errors import FileTooLarge
from localdata.ingest.pipeline import check
from localdata.settings import Settings

router = APIRouter(tags=["check"], responses=PROBLEMS)
CHUNK = 1024 * 1024


@router.post("/check")
async def check_file(
    request: Request,
    file: Annotated[UploadFile, File(description="The file to check.")],
    standard: Annotated[str, Form(min_length=1, description="The standard's name, like spend.")],
    organisation: Annotated[
        str | None, Form(min_length=1, description="Who published the file.")
    ] = None,
) -> dict[str, Any]:
    """Check an uploaded file against a standard and return the report."""
    settings: Settings = request.app.state.settings
    content = await read_limited(file, settings.max_upload_bytes)
    report = await run_in_threadpool(
        check,
        content,
        standard,
        organisation,
        filename=file.filename or "upload",
        settings=settings,
        keep_table=False,
    )
    return report.to_dict()


def upload_too_large(limit: int) -> FileTooLarge:
    """The error for an upload over ``limit`` bytes."""
    return FileTooLarge(
        f"The file is larger than {limit // (1024 * 1024)} MB, the most this library "
        "accepts. Split it into smaller files, for example one per month."
    )


async def read_limited(file: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise upload_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)
