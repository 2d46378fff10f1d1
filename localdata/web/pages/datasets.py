"""The catalogue search and the dataset page."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from localdata.api.deps import LibraryDep, request_principal
from localdata.errors import Forbidden, NotSignedIn
from localdata.store.catalogue import describe_dataset, search_datasets
from localdata.store.filters import organisation_filter
from localdata.store.metadata import Submission
from localdata.web.charts import BarChart, bar_chart, cumulative_by_month, month_label, months_back
from localdata.web.restricted import agreements_of, visible_fields
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 10
PREVIEW_ROWS = 10
CHART_MONTHS = 18
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/datasets", response_class=HTMLResponse)
def search(
    request: Request,
    library: LibraryDep,
    q: Text = None,
    standard: Text = None,
    region: Text = None,
    organisation: Text = None,
    organisation_type: Text = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    """Search the catalogue, with facets and pages."""
    found = search_datasets(
        library,
        q or None,
        standard or None,
        organisation_filter(organisation) if organisation else None,
        region or None,
        organisation_type or None,
        principal=request_principal(request),
    )
    pages = max(1, math.ceil(found["count"] / PER_PAGE))
    shown = found["datasets"][(page - 1) * PER_PAGE : page * PER_PAGE]
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page" and v]
    return render(
        request,
        "search.html",
        {
            "found": found,
            "shown": shown,
            "q": q or "",
            "filters": {
                "standard": standard,
                "region": region,
                "organisation": organisation,
                "organisation_type": organisation_type,
            },
            "params": params,
            "page": page,
            "pages": pages,
            "api": "/api/v1/datasets" + _query(params),
        },
    )


@router.get("/datasets/{name}", response_class=HTMLResponse)
def dataset(request: Request, name: str, library: LibraryDep) -> HTMLResponse:
    """A dataset: what it is, who publishes it, its records, downloads, history and a chart.

    The records are read as the visitor, through the gate. A dataset that is not open shows an
    anonymous visitor what it is and how access is governed instead of its records (without
    reading them, so nothing is refused or audited); a signed-in user the gate refuses sees
    why, naming the agreement that is missing.
    """
    principal = request_principal(request)
    info = describe_dataset(library, name, principal)
    standard = library.standards.get(name)
    level = library.access.level(standard.name)
    preview, refusal = None, None
    if level != "open" and not principal.signed_in:
        refusal = "sign-in"
    else:
        try:
            preview = library.page(name, [("_size", str(PREVIEW_ROWS))], principal=principal)
        except (NotSignedIn, Forbidden) as error:
            refusal = error.message
    versions = library.versions(name, principal=principal)
    return render(
        request,
        "dataset.html",
        {
            "dataset": info,
            "standard": standard,
            "level": level,
            "preview": preview,
            "visible": visible_fields(standard, preview.records) if preview else [],
            "refusal": refusal,
            "agreements": agreements_of(library, standard.name) if level == "restricted" else [],
            "chart": publishing_chart(info["title"], versions, dt.date.today()),
            "base_url": str(request.base_url).rstrip("/"),
        },
    )


def publishing_chart(title: str, versions: list[Submission], today: dt.date) -> BarChart:
    """Organisations that had published the dataset by the end of each of the last months."""
    first: dict[str, dt.datetime] = {}
    for version in versions:
        seen = first.get(version.organisation)
        if seen is None or version.submitted_at < seen:
            first[version.organisation] = version.submitted_at
    months = months_back(today, CHART_MONTHS)
    counts = cumulative_by_month(first.values(), months)
    latest = counts[-1] if counts else 0
    return bar_chart(
        f"Organisations publishing {title.lower()}, by month",
        f"The number of organisations that had published this dataset by the end of each "
        f"month, over the last {CHART_MONTHS} months: {latest} by {month_label(months[-1])}.",
        [month_label(m) for m in months],
        {"Organisations": counts},
    )


def _query(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params) if params else ""
