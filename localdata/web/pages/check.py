"""Check your data: upload a file, see what to fix, download the fixed file, and publish it.

The uploaded file is kept by its content (sha256) beside the lake, as publishing keeps it, so
the fixed file can be downloaded and the file published afterwards without uploading it again
and without cookies: the page's links and forms carry the fingerprint, the standard, the
organisation and the file's name.

They also carry an upload key, an HMAC of the fingerprint that only the results page hands
out. Fingerprints are public (a version names its file's), so without the key anybody could
ask for the "fixed file" of a published, perhaps restricted, file and read it round the gate.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from localdata.api.check import read_limited
from localdata.api.deps import LibraryDep, request_principal, require_publisher
from localdata.errors import FileTooLarge, LocalDataError, UsageError, VersionNotFound
from localdata.ingest.issues import Severity
from localdata.ingest.pipeline import check
from localdata.ingest.report import Report
from localdata.standards.periods import Period
from localdata.store.library import Library
from localdata.web.templates import render
from localdata.web.visitor import check_form_token

router = APIRouter(include_in_schema=False)
ISSUES_SHOWN = 200  # per severity; the counts are always complete
SHA256 = re.compile(r"[0-9a-f]{64}")
Field = Annotated[str, Form(max_length=500)]


@router.get("/check", response_class=HTMLResponse)
def check_form(
    request: Request,
    library: LibraryDep,
    standard: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The form: choose a standard and an organisation, and upload a file."""
    return _form(request, library, {"standard": standard}, {})


@router.post("/check", response_class=HTMLResponse)
async def check_upload(
    request: Request,
    library: LibraryDep,
    standard: Field = "",
    organisation: Field = "",
    period: Field = "",
    file: UploadFile | None = None,
) -> HTMLResponse:
    """Check the uploaded file and show what to fix, grouped by what it means for publishing."""
    values = {
        "standard": standard,
        "organisation": organisation.strip(),
        "period": period.strip(),
    }
    errors = _form_errors(library, values, file)
    if errors or file is None:
        return _form(request, library, values, errors, status_code=400)
    try:
        content = await read_limited(file, library.settings.max_upload_bytes)
        if not content:
            raise UsageError("The selected file is empty. Choose a file with your data in it.")
        sha256, _ = await run_in_threadpool(library.lake.store_raw, content)
        filename = _safe_name(file.filename)
        report = await run_in_threadpool(_check, library, sha256, filename, values)
    except FileTooLarge:
        raise
    except LocalDataError as error:
        return _form(request, library, values, {"file": error.message}, status_code=error.status)
    return _results(request, library, report, sha256, filename, values)


@router.get("/check/{sha256}/fixed.csv")
def fixed_file(
    sha256: str,
    library: LibraryDep,
    standard: Annotated[str, Query(max_length=200)],
    organisation: Annotated[str, Query(max_length=500)] = "",
    filename: Annotated[str, Query(max_length=500)] = "upload.csv",
    key: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The checked file as the standard wants it: its fields, in order, harmonised."""
    _known(library, sha256, key)
    values = {"standard": standard, "organisation": organisation}
    report = _check(library, sha256, _safe_name(filename), values, keep_table=True)
    table = report.table
    csv = (
        table.drop([c for c in table.columns if c.startswith("_")]).write_csv()
        if table is not None
        else ""
    )
    stem = _safe_name(filename).rsplit(".", 1)[0]
    return Response(
        csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}-fixed.csv"'},
    )


@router.post("/check/{sha256}/publish", response_class=HTMLResponse)
async def publish(
    request: Request,
    sha256: str,
    library: LibraryDep,
    standard: Field,
    organisation: Field,
    filename: Field = "upload.csv",
    period: Field = "",
    key: Field = "",
    csrf: Annotated[str | None, Form(max_length=200)] = None,
) -> HTMLResponse:
    """Publish a checked file: a publisher of the organisation, or anyone in a demo library.

    A signed-in publisher's form carries the session's CSRF token; anonymous publishing is
    only for a library with open submissions (see ``localdata.web.visitor``).
    """
    check_form_token(request, csrf)
    principal = request_principal(request)
    org = library.organisation(organisation)
    require_publisher(library, principal, org)
    _known(library, sha256, key)
    done = await run_in_threadpool(
        partial(
            library.publish,
            library.lake.raw_path(sha256),
            standard,
            org,
            filename=_safe_name(filename),
            period=period or None,
            principal=principal,
        )
    )
    return render(
        request,
        "published.html",
        {
            "done": done,
            "organisation": library.register.get(done.submission.organisation),
            "standard": library.standards.get(standard),
        },
        status_code=200 if done.published or done.submission.status == "unchanged" else 409,
    )


def _check(
    library: Library, sha256: str, filename: str, values: dict[str, str], keep_table: bool = False
) -> Report:
    return check(
        library.lake.raw_path(sha256),
        library.standards.get(values["standard"]),
        values["organisation"] or None,
        filename=filename,
        settings=library.settings,
        keep_table=keep_table,
        period=values.get("period") or None,
    )


def _form_errors(
    library: Library, values: dict[str, str], file: UploadFile | None
) -> dict[str, str]:
    errors = {}
    if values["standard"] not in {s.name for s in library.standards.latest()}:
        errors["standard"] = "Select the standard your data follows"
    if values["organisation"]:
        try:
            library.organisation(values["organisation"])
        except UsageError:
            errors["organisation"] = (
                f"No organisation matches ‘{values['organisation']}’: enter its name, like "
                "Hyndburn, or its code, like E07000120"
            )
    if values.get("period"):
        try:
            Period.parse(values["period"])
        except UsageError:
            errors["period"] = (
                f"‘{values['period']}’ is not a period: enter a month like 2025-03, a quarter "
                "like 2025-Q1 or a financial year like 2024/25"
            )
    if file is None or not file.filename:
        errors["file"] = "Select a file to check"
    return errors


def _form(
    request: Request,
    library: Library,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "check.html",
        {
            "standards": library.standards.latest(),
            "values": values,
            "errors": errors,
            "max_upload_mb": max(1, library.settings.max_upload_bytes // (1024 * 1024)),
        },
        status_code=status_code,
    )


def _results(
    request: Request,
    library: Library,
    report: Report,
    sha256: str,
    filename: str,
    values: dict[str, str],
) -> HTMLResponse:
    groups: list[dict[str, Any]] = [
        {
            "severity": severity.value,
            "heading": severity.heading,
            "count": report.counts_by_severity[severity],
            "issues": report.issue_list(severity, limit=ISSUES_SHOWN),
            "summary": [s for s in report.summary() if s["severity"] == severity.value],
        }
        for severity in Severity
    ]
    given = values["organisation"]
    organisation = library.organisation(given) if given else report.organisation
    may_publish = library.settings.open_submissions or (
        organisation is not None and request_principal(request).can_publish(organisation)
    )
    return render(
        request,
        "check_results.html",
        {
            "report": report,
            "groups": groups,
            "sha256": sha256,
            "upload_key": upload_key(library, sha256),
            "filename": filename,
            "values": values,
            "organisation": library.register.get(organisation) if organisation else None,
            "can_publish": may_publish and organisation is not None and not report.must_fix,
            "may_publish": may_publish,
        },
    )


def upload_key(library: Library, sha256: str) -> str:
    """The key that proves the holder uploaded the file with this fingerprint for checking."""
    purpose = hmac.new(library.cursor_key, b"check-upload", hashlib.sha256).digest()
    return hmac.new(purpose, sha256.encode(), hashlib.sha256).hexdigest()[:32]


def _known(library: Library, sha256: str, key: str) -> None:
    if (
        not SHA256.fullmatch(sha256)
        or not hmac.compare_digest(key.encode(), upload_key(library, sha256).encode())
        or not library.lake.raw_path(sha256).exists()
    ):
        raise VersionNotFound("There is no checked file with that fingerprint. Check it again.")


def _safe_name(name: str | None) -> str:
    """A file name safe to show and to put in a header: its last part, printable characters."""
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = re.sub(r"[^\w .()-]", "_", base).strip() or "upload"
    return cleaned[:200]
