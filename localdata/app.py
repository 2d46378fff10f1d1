"""Build the web application: the JSON API under /api/v1/ and one error handler."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from localdata import __version__
from localdata.api import check as check_api
from localdata.api import standards as standards_api
from localdata.errors import LocalDataError
from localdata.settings import Settings

PROBLEM = "application/problem+json"


def create_app(settings: Settings) -> FastAPI:
    """The Local Data Library web application, configured by ``settings``."""
    app = FastAPI(
        title="Local Data Library",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.include_router(standards_api.router, prefix="/api/v1")
    app.include_router(check_api.router, prefix="/api/v1")
    app.add_exception_handler(LocalDataError, _problem)  # type: ignore[arg-type]  # Starlette types handlers loosely
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]  # as above

    @app.get("/", include_in_schema=False)
    def home() -> dict[str, object]:
        return {
            "name": "Local Data Library",
            "version": __version__,
            "api": "/api/v1/",
            "openapi": "/api/v1/openapi.json",
        }

    return app


def _problem(request: Request, error: LocalDataError) -> JSONResponse:
    body = error.to_dict() | {"instance": str(request.url.path)}
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM)


def _invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
    messages = [
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()
    ]
    body = {
        "ok": False,
        "type": "about:blank",
        "title": "Check what you sent",
        "status": 400,
        "detail": messages[0] if messages else "The request is not usable.",
        "errors": messages,
        "instance": str(request.url.path),
    }
    return JSONResponse(body, status_code=400, media_type=PROBLEM)
