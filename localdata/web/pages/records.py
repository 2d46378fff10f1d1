"""A dataset's records, filtered, sorted and paged as in the API, and one record's page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from localdata.api.deps import LibraryDep, request_principal
from localdata.errors import Forbidden, UsageError
from localdata.standards.model import Datatype, Standard
from localdata.store.exports import download_formats
from localdata.store.library import Library
from localdata.store.query import OPERATORS, Page
from localdata.store.record import find_record
from localdata.web.restricted import refused, visible_fields
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
# The filter form's own names: turned into an API filter (amount__gt=500) before the query.
FORM = ("filter-field", "filter-op", "filter-value")
OPERATOR_TEXT = {
    "": "is",
    "gt": "is more than",
    "gte": "is at least",
    "lt": "is less than",
    "lte": "is at most",
    "contains": "contains",
}
POINT = re.compile(r"POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)", re.IGNORECASE)


@router.get("/datasets/{name}/records", response_class=HTMLResponse)
def records(request: Request, name: str, library: LibraryDep) -> Response:
    """Records with filters and sorting in the URL, as the API takes them, a page at a time.

    The filter form's answers are redirected to the same query string the API takes
    (``?amount__gt=500&_sort=-amount``), so the address can be shared and used with the API.
    Records are read as the visitor, through the gate: a refusal is an error page that says
    what is missing.
    """
    principal = request_principal(request)
    standard = library.standards.get(name)
    pairs = list(request.query_params.multi_items())
    params = api_params(pairs)
    if any(k in FORM or not v.strip() for k, v in pairs):
        return RedirectResponse(f"/datasets/{standard.name}/records{_query(params)}", 303)
    error = None
    try:
        page = library.page(
            standard.name, [*params, ("_size", str(PAGE_SIZE))], principal=principal
        )
    except Forbidden as denied:
        return refused(request, library, standard.name, denied)
    except UsageError as found:
        page, error = Page([], None, 0, True), found.message
    organisations = library.organisations_in(standard.name)
    return render(
        request,
        "records.html",
        {
            "standard": standard,
            "columns": visible_fields(standard, page.records),
            "page": page,
            "error": error,
            "params": params,
            "filters": active_filters(params, standard, library),
            "organisations": [(o, library.register.get(o).name) for o in organisations],
            "operators": OPERATOR_TEXT,
            "sort": next((v for k, v in params if k == "_sort"), None),
            "api_query": _query([p for p in params if p[0] != "_next"]),
            "formats": download_formats(standard),
            "base_url": str(request.base_url).rstrip("/"),
        },
        status_code=400 if error else 200,
    )


def api_params(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query string as the API takes it: the form's field, condition and value become one."""
    form = {k: v.strip() for k, v in pairs if k in FORM}
    params = [(k, v) for k, v in pairs if k not in FORM and k != "_size" and v.strip()]
    field, operator, value = (form.get(k, "") for k in FORM)
    if field and value:
        suffix = f"__{operator}" if operator in OPERATORS and operator else ""
        params.append((f"{field}{suffix}", value))
    # Filters first, then the options (_sort, _next), as people write them.
    return [p for p in params if not p[0].startswith("_")] + [
        p for p in params if p[0].startswith("_")
    ]


def active_filters(
    params: list[tuple[str, str]], standard: Standard, library: Library
) -> list[dict[str, str]]:
    """Each filter in the URL in words, with the query string that removes it."""
    found = []
    for i, (key, value) in enumerate(params):
        if key.startswith("_") or key == "as_of":
            continue
        name, _, operator = key.partition("__")
        label = _label(standard, name)
        shown = value
        if name == "organisation" and not operator:
            shown = _organisation_name(library, value)
        words = OPERATOR_TEXT.get(operator, operator.replace("_", " "))
        rest = [p for j, p in enumerate(params) if j != i and p[0] != "_next"]
        found.append({"text": f"{label} {words} {shown}", "remove": _query(rest)})
    return found


@router.get("/datasets/{name}/records/{organisation}/{resource}/{row}", response_class=HTMLResponse)
def record(
    request: Request, name: str, organisation: str, resource: str, row: int, library: LibraryDep
) -> HTMLResponse:
    """One record: every field, where it came from, and its values in earlier versions."""
    principal = request_principal(request)
    try:
        history = find_record(library, name, organisation, resource, row, principal=principal)
    except Forbidden as denied:
        return refused(request, library, name, denied)
    standard = library.standards.get(name)
    org = library.register.get(history.record["organisation"])
    return render(
        request,
        "record.html",
        {
            "standard": standard,
            "history": history,
            "organisation": org,
            "points": _points(standard, history.record),
            "changes": _changes(standard, history.record, history.earlier),
            "api": f"/api/v1/datasets/{standard.name}/records/{org.id}/{resource}/{row}",
            "base_url": str(request.base_url).rstrip("/"),
        },
    )


def _changes(
    standard: Standard, record: dict[str, Any], earlier: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """For each earlier version, the fields whose values differ from the current record's."""
    found = []
    for version in earlier:
        old = version["record"]
        differences = (
            [
                {"field": f.label, "was": old.get(f.name), "now": record.get(f.name)}
                for f in standard.fields
                if old.get(f.name) != record.get(f.name)
            ]
            if old is not None
            else []
        )
        found.append(version | {"differences": differences, "absent": old is None})
    return found


def _points(standard: Standard, record: dict[str, Any]) -> list[dict[str, str]]:
    """Longitude and latitude of the record's point fields, for the coordinates and a map link."""
    found = []
    for field in standard.fields:
        value = record.get(field.name)
        if field.datatype is Datatype.POINT and isinstance(value, str):
            match = POINT.search(value)
            if match:
                found.append({"field": field.label, "lon": match[1], "lat": match[2]})
    return found


def _label(standard: Standard, name: str) -> str:
    try:
        return standard.field(name).label
    except KeyError:
        return name


def _organisation_name(library: Library, value: str) -> str:
    try:
        return str(library.register.get(library.organisation(value)).name)
    except UsageError:
        return value


def _query(params: list[tuple[str, str]]) -> str:
    return "?" + urlencode(params) if params else ""
