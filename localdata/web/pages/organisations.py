"""Organisations: the register, and what each one publishes, how well, and from where."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from localdata.api.deps import LibraryDep, request_principal
from localdata.collect.status import sources_with_status
from localdata.registers import COUNCIL_TYPES
from localdata.store.catalogue import describe_organisation, list_organisations, organisation_dict
from localdata.store.metadata import Submission
from localdata.store.record import organisation_submissions
from localdata.web.charts import BarChart, bar_chart, month_label, months_back
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50
CHART_MONTHS = 18
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/organisations", response_class=HTMLResponse)
def organisations(
    request: Request,
    library: LibraryDep,
    type: Text = None,
    region: Text = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Current organisations in the register, by type and region, a page at a time."""
    found = list_organisations(library, type or None, region or None, current=True)
    everyone = list_organisations(library, current=True)
    pages = max(1, math.ceil(len(found) / PER_PAGE))
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v]
    return render(
        request,
        "organisations.html",
        {
            "found": [organisation_dict(o) for o in found[(page - 1) * PER_PAGE : page * PER_PAGE]],
            "count": len(found),
            "types": sorted({(o.type, o.type_name) for o in everyone}, key=lambda t: t[1]),
            "regions": sorted({o.region for o in everyone if o.region}),
            "council_types": COUNCIL_TYPES,
            "type": type or "",
            "region": region or "",
            "params": params,
            "page": page,
            "pages": pages,
        },
    )


@router.get("/organisations/{organisation}", response_class=HTMLResponse)
def organisation(request: Request, organisation: str, library: LibraryDep) -> HTMLResponse:
    """An organisation: its status for each standard, its data quality, and its sources."""
    principal = request_principal(request)
    info = describe_organisation(library, organisation, principal)
    submissions = organisation_submissions(library, info["id"], principal=principal)
    return render(
        request,
        "organisation.html",
        {
            "organisation": info,
            "submissions": submissions,
            "chart": quality_chart(info["name"], submissions, dt.date.today()),
            # Filled in by the collection sources (localdata.collect) when they land.
            "sources": source_list(request, info["id"]),
            "base_url": str(request.base_url).rstrip("/"),
        },
    )


def source_list(request: Request, organisation: str) -> list[dict[str, Any]]:
    """The organisation's collection sources and their status, as ``/api/v1/sources`` has them."""
    library = request.app.state.library
    found = []
    for entry in sources_with_status(library, organisation=organisation):
        status = entry.status
        found.append(
            {
                "dataset": entry.source.dataset,
                "url": entry.source.url,
                "status": status.summary,
                "overdue": status.overdue,
                "last_collected": status.last_attempt.started_at if status.last_attempt else None,
                "log": f"/api/v1/sources/{entry.source.id}/log",
            }
        )
    return found


def quality_chart(name: str, submissions: list[Submission], today: dt.date) -> BarChart:
    """Issues found in the organisation's files each month, by severity."""
    months = months_back(today, CHART_MONTHS)
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    totals = {"Must fix": [0] * len(months), "Should fix": [0] * len(months)}
    fixed = [0] * len(months)
    for submission in submissions:
        i = index.get((submission.submitted_at.year, submission.submitted_at.month))
        if i is not None:
            totals["Must fix"][i] += submission.errors
            totals["Should fix"][i] += submission.warnings
            fixed[i] += submission.infos
    return bar_chart(
        f"Issues in files from {name}, by month",
        f"Issues found in the files {name} submitted each month over the last {CHART_MONTHS} "
        f"months, by severity: {sum(totals['Must fix'])} that had to be fixed and "
        f"{sum(totals['Should fix'])} that should be fixed, up to {month_label(months[-1])}.",
        [month_label(m) for m in months],
        totals | {"We fixed": fixed},
        tones=("red", "orange", "grey"),
    )
