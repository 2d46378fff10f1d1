"""The home page: what the Library is, a search box, the standards and the headline figures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from localdata.api.deps import LibraryDep
from localdata.store.catalogue import dataset_cards, headline_figures
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, library: LibraryDep) -> HTMLResponse:
    """The home page: the same figures as ``/api/v1/figures``."""
    cards = dataset_cards(library)
    context = {"cards": cards, "figures": headline_figures(library, cards)}
    return render(request, "home.html", context)
