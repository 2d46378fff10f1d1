"""Error pages for the web: page not found, file too large and a problem on our side.

The JSON API answers errors as problem documents; the same errors on a web page get a GOV.UK
error page with the same plain-English message. ``is_api`` says which a request gets.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from localdata.errors import LocalDataError
from localdata.web.templates import PAGE_HEADERS, environment, page_context

NOT_FOUND = (
    "Page not found",
    [
        "If you typed the web address, check it is correct.",
        "If you pasted the web address, check you copied the entire address.",
    ],
)
HOME = [("/", "Go to the home page"), ("/datasets", "Find a dataset")]
SERVER_ERROR = (
    "There is a problem with the service",
    ["Try again later. Nothing you sent was published."],
)


def is_api(request: Request) -> bool:
    """True for the JSON API's requests, which get problem documents rather than pages."""
    return request.url.path.startswith("/api/")


def error_page(request: Request, error: LocalDataError) -> HTMLResponse:
    """The page for an error the library raised, with its message."""
    if error.status == 404:
        return page(request, error.title, [error.message], 404)
    if error.status == 413:
        return page(
            request, "The file is too large", [error.message], 413, [("/check", "Check a file")]
        )
    if error.status >= 500:
        return page(request, *SERVER_ERROR, error.status)
    if error.status in (401, 403):
        return page(request, error.title, [error.message], error.status, _refused_links(request))
    return page(request, error.title, [error.message], error.status)


def page(
    request: Request,
    heading: str,
    paragraphs: list[str],
    status: int,
    links: list[tuple[str, str]] | None = None,
) -> HTMLResponse:
    """An error page with a heading, paragraphs and where to go next."""
    html = (
        environment()
        .get_template("pages/error.html")
        .render(
            _layout(request)
            | {"heading": heading, "paragraphs": paragraphs, "links": links or HOME}
        )
    )
    return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)


def _refused_links(request: Request) -> list[tuple[str, str]]:
    """Where to go from a refusal: sign in (if not yet), the agreements, the datasets."""
    links = [("/agreements", "See the register of data sharing agreements")]
    context = _layout(request)
    if context["visitor"] is None and context["sign_in"]:
        links.insert(0, (context["sign_in"], "Sign in"))
    return [*links, ("/datasets", "Find another dataset")]


def _layout(request: Request) -> dict[str, Any]:
    """The layout's context; the bare minimum if even that fails (the error may be ours)."""
    try:
        return page_context(request)
    except Exception:  # an error page must render whatever else is broken
        return {"path": request.url.path, "visitor": None, "csrf": "", "sign_in": None}
