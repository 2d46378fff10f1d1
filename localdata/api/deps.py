"""What every route needs: the library, built once by ``create_app``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import BaseModel

from localdata.store.library import Library


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


LibraryDep = Annotated[Library, Depends(_library)]


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    ok: bool = False
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[str]
    instance: str | None = None


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {"application/problem+json": {}},
    }


PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _problem("The request cannot be used as it is: the message says what is allowed."),
    404: _problem("There is no such standard, dataset, organisation or version."),
    413: _problem("The upload is larger than the library accepts."),
    415: _problem("The file is not in a format the library reads."),
    422: _problem("The file cannot be read as a table."),
}
