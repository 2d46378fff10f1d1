"""Standards in the JSON API: list, describe and export as Table Schema."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from localdata.api.deps import PROBLEMS
from localdata.standards.catalogue import StandardCatalogue
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
