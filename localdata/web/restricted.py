"""What the pages show of data that is not open: the fields a reader may see, and refusals.

The gate (``localdata.access.gate``) decides; these only say it on the page. A refused read
gets a page that says why, in the gate's words, and lists the agreements recorded for the
dataset (from the open register), so the reader knows whom their officer should ask.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from localdata.access import agreements
from localdata.errors import Forbidden, UsageError
from localdata.standards.model import Standard, StandardField
from localdata.store.library import Library
from localdata.web.templates import render


def visible_fields(standard: Standard, records: list[dict[str, Any]]) -> list[StandardField]:
    """The fields the visitor may see: those on any record read (the gate may hide some)."""
    if not records:
        return list(standard.fields)
    seen = {name for record in records for name in record}
    return [f for f in standard.fields if f.name in seen]


def agreements_of(library: Library, dataset: str) -> list[dict[str, Any]]:
    """The register entries of the agreements that share the dataset."""
    today = library.access.today()
    with library.access.transaction() as conn:
        return [a.register_entry(today) for a in agreements.list_agreements(conn, dataset)]


def refused(request: Request, library: Library, dataset: str, error: Forbidden) -> HTMLResponse:
    """The page for a read the gate refused: why, and the agreements that share the dataset."""
    standard = library.standards.get(dataset)
    found = agreements_of(library, standard.name)
    names = {}
    for entry in found:
        for party in [entry["provider"], *entry["receivers"]]:
            names[party] = _name(library, party)
    return render(
        request,
        "refused.html",
        {
            "heading": error.title,
            "message": error.message,
            "standard": standard,
            "agreements": found,
            "names": names,
            "purpose": request.query_params.get("_purpose"),
        },
        status_code=error.status,
    )


def _name(library: Library, organisation: str) -> str:
    try:
        return str(library.register.get(organisation).name)
    except UsageError:
        return organisation
