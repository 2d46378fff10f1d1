"""Render the web pages: one Jinja environment, loaded from the package, with our filters."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from localdata.standards.periods import Period
from localdata.web.visitor import form_token, sign_in_url, visitor

SERVICE_NAME = "Local Data Library"
NAVIGATION = (
    ("/datasets", "Datasets"),
    ("/organisations", "Organisations"),
    ("/standards", "Standards"),
    ("/check", "Check your data"),
    ("/agreements", "Sharing agreements"),
    ("/api/v1/docs", "API"),
)


@cache
def environment() -> Environment:
    """The Jinja environment for the web pages (built once)."""
    env = Environment(
        loader=PackageLoader("localdata.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=format_number,
        date=format_date,
        datetime=format_datetime,
        filesize=format_size,
        query=query_string,
        period=period_title,
        periods=periods_summary,
    )
    env.globals.update(service_name=SERVICE_NAME, navigation=NAVIGATION)
    return env


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page rendered from ``templates/pages/{template}``."""
    page = environment().get_template(f"pages/{template}")
    html = page.render(page_context(request) | context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)


def page_context(request: Request) -> dict[str, Any]:
    """What every page's layout needs: its path, and who is signed in (with a form token)."""
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {
        "path": request.url.path,
        "visitor": visitor(request),
        "csrf": form_token(request),
        "sign_in": sign_in_url(request, here),
    }


# No cookies, no tracking, no requests to other sites: say so to the browser too.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        "script-src 'self' 'sha256-GUQ5ad8JK5KmEWmROf3LZd9ge94daqNvd8xy9YS1iDw='; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def format_number(value: int | float | None) -> str:
    """A number with thousands separators (1,234,567); a dash for none."""
    if value is None:
        return "–"
    return f"{value:,}"


def format_date(value: dt.datetime | dt.date | str | None) -> str:
    """A date in GOV.UK style: 5 March 2024."""
    moment = _moment(value)
    return f"{moment.day} {moment:%B %Y}" if moment is not None else "–"


def format_datetime(value: dt.datetime | str | None) -> str:
    """A date and time in GOV.UK style: 5 March 2024 at 2:30pm (UTC)."""
    moment = _moment(value)
    if not isinstance(moment, dt.datetime):
        return format_date(moment)
    hour = moment.hour % 12 or 12
    return f"{moment.day} {moment:%B %Y} at {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def period_title(label: str | None) -> str:
    """A period label (``2025-03``) in words (March 2025); a dash for none."""
    return Period.parse(label).title if label else "–"


def periods_summary(labels: list[str], shown: int = 3) -> str:
    """The newest few periods of a list, in words: "March 2025, February 2025 and 4 more"."""
    if not labels:
        return "None"
    newest = [period_title(label) for label in reversed(labels[-shown:])]
    more = len(labels) - shown
    if more > 0:
        return f"{', '.join(newest)} and {more:,} more"
    return newest[0] if len(newest) == 1 else f"{', '.join(newest[:-1])} and {newest[-1]}"


def format_size(size: int | None) -> str:
    """A file size in KB, MB or GB."""
    if size is None:
        return "–"
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size = size / 1024  # type: ignore[assignment]  # a float from here on
    return f"{size} GB"


def query_string(params: list[tuple[str, str]] | dict[str, str], **changes: str | None) -> str:
    """``params`` as a query string, with ``changes`` replacing (or, when None, removing) names."""
    pairs = list(params.items()) if isinstance(params, dict) else list(params)
    kept = [(k, v) for k, v in pairs if k not in changes]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return ("?" + urlencode(kept)) if kept else "?"


def _moment(value: dt.datetime | dt.date | str | None) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return value
