"""Data standards: each one's fields with guidance, and files to start from."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from localdata.api.deps import LibraryDep
from localdata.api.standards import standard_file
from localdata.web.templates import render

router = APIRouter(include_in_schema=False)


@router.get("/standards", response_class=HTMLResponse)
def standards(request: Request, library: LibraryDep) -> HTMLResponse:
    """Every standard this library knows."""
    return render(request, "standards.html", {"standards": library.standards.latest()})


@router.get("/standards/{name}", response_class=HTMLResponse)
def standard(request: Request, name: str, library: LibraryDep) -> HTMLResponse:
    """A standard: its fields, their datatypes, whether each is required, and guidance."""
    return render(request, "standard.html", {"standard": library.standards.get(name)})


@router.get("/standards/{name}/template.csv")
def template(name: str, library: LibraryDep) -> Response:
    """An empty CSV with the standard's field names as its header."""
    return standard_file(library.standards.get(name), "template")


@router.get("/standards/{name}/example.csv")
def example(name: str, library: LibraryDep) -> Response:
    """A CSV with the header and one row of the standard's example values."""
    return standard_file(library.standards.get(name), "example")
