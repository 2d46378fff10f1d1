"""The home page: what the Library is, a search box, the standards and the headline figures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from localdata.api.deps import LibraryDep
from localdata.store.catalogue import DatasetCard, dataset_cards
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, library: LibraryDep) -> HTMLResponse:
    """The home page."""
    cards = dataset_cards(library)
    published = [c.last_published for c in cards if c.last_published is not None]
    figures = {
        "organisations": len({o for name in _names(cards) for o in library.organisations_in(name)}),
        "datasets": sum(1 for c in cards if c.rows),
        "rows": sum(c.rows for c in cards),
        "last_published": max(published) if published else None,
    }
    return render(request, "home.html", {"cards": cards, "figures": figures})


def _names(cards: list[DatasetCard]) -> list[str]:
    return [c.standard.name for c in cards if c.rows]
