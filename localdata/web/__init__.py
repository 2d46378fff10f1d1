"""The web pages: server-rendered GOV.UK Design System pages over the same core calls as the API.

``install(app)`` adds the pages and the static assets to the application ``create_app`` builds.
Each page module (``pages/``) is a FastAPI router whose routes parse the request, make the core
calls the JSON API makes, and render a Jinja template from ``templates/pages/``. GOV.UK Frontend's
components are Jinja macros in ``templates/components/govuk.html`` that write the markup the
Design System documents for the version pinned in ``package-lock.json``; our own components sit
beside them. Static assets are served from ``/assets/``: GOV.UK Frontend's built CSS, JavaScript
and images (copied into ``static/govuk/`` by ``python -m localdata.web.assets``, never committed)
and our own stylesheet. Pages work without JavaScript, set no cookies for visitors who do not
sign in, and make no requests to other sites.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from localdata.web.errors import NOT_FOUND, SERVER_ERROR, error_page, is_api, page
from localdata.web.pages import (
    agreements,
    check,
    datasets,
    home,
    organisations,
    records,
    standards,
)

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Add the web pages and their assets to ``app``."""
    for module in (home, datasets, records, organisations, standards, check, agreements):
        app.include_router(module.router)
    app.mount("/assets", StaticFiles(directory=STATIC, check_dir=False), name="assets")


__all__ = ["NOT_FOUND", "SERVER_ERROR", "error_page", "install", "is_api", "page"]
