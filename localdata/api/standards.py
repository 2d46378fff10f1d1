"""Standards in the JSON API: list, describe, export as Table Schema, and files to start from."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from localdata.api.deps import PROBLEMS
from localdata.standards.catalogue import StandardCatalogue
from localdata.standards.files import example_csv, template_csv
from localdata.standards.model import Standard
from localdata.standards.tableschema import export_table_schema

router = APIRouter(tags=["standards"], responses=PROBLEMS)


def _catalogue(request: Request) -> StandardCatalogue:
    catalogue: StandardCatalogue = request.app.state.library.standards
    return catalogue


CatalogueDep = Annotated[StandardCatalogue, Depends(_catalogue)]


def _summary(standard: Standard) -> dict[str, Any]:
    return {
        "name": standard.name,
        "title": standard.title,
        "version": standard.version,
        "description": standard.description,
        "frequency": standard.frequency.value,
        "fields": len(standard.fields),
        "links": {
            "self": f"/api/v1/standards/{standard.name}",
            "table_schema": f"/api/v1/standards/{standard.name}/table-schema.json",
            "template": f"/api/v1/standards/{standard.name}/template.csv",
            "example": f"/api/v1/standards/{standard.name}/example.csv",
        },
    }


@router.get("/standards")
def list_standards(catalogue: CatalogueDep) -> dict[str, Any]:
    """Every standard this library knows (latest versions)."""
    standards = catalogue.latest()
    return {"standards": [_summary(s) for s in standards], "count": len(standards)}


@router.get("/standards/{name}")
def get_standard(name: str, catalogue: CatalogueDep) -> dict[str, Any]:
    """One standard with all its fields."""
    return catalogue.get(name).model_dump(mode="json")


@router.get("/standards/{name}/table-schema.json")
def get_table_schema(name: str, catalogue: CatalogueDep) -> dict[str, Any]:
    """One standard as a Frictionless Table Schema."""
    return export_table_schema(catalogue.get(name))


@router.get(
    "/standards/{name}/template.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "An empty CSV template."}},
)
def get_template(name: str, catalogue: CatalogueDep) -> Response:
    """An empty CSV with the standard's field names as its header."""
    return standard_file(catalogue.get(name), "template")


@router.get(
    "/standards/{name}/example.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "A one-row example CSV."}},
)
def get_example(name: str, catalogue: CatalogueDep) -> Response:
    """A CSV with the header and one row of the standard's example values."""
    return standard_file(catalogue.get(name), "example")


def standard_file(standard: Standard, kind: str) -> Response:
    """The standard's template or example CSV as a download (the web pages serve it too)."""
    body = template_csv(standard) if kind == "template" else example_csv(standard)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{standard.name}-{kind}.csv"'},
    )
