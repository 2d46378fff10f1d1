"""Build the web application: the JSON API under /api/v1/ and one error handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from localdata import __version__, web
from localdata.api import agreements as agreements_api
from localdata.api import auth as auth_api
from localdata.api import check as check_api
from localdata.api import datasets as datasets_api
from localdata.api import docs as docs_api
from localdata.api import events as events_api
from localdata.api import keys as keys_api
from localdata.api import organisations as organisations_api
from localdata.api import record as record_api
from localdata.api import records as records_api
from localdata.api import sources as sources_api
from localdata.api import standards as standards_api
from localdata.api import submissions as submissions_api
from localdata.api import webhooks as webhooks_api
from localdata.api.deps import authenticate
from localdata.errors import LocalDataError
from localdata.settings import Settings
from localdata.store.library import Library

PROBLEM = "application/problem+json"
FORM_OVERHEAD = 64 * 1024  # room for the multipart envelope around an upload
API_DESCRIPTION = """
The Local Data Library's JSON API: one national table per data standard, harmonised from the
files councils publish, with every version kept and every row's provenance.

Conventions: responses are JSON objects; dates are ISO 8601; errors are RFC 9457
`application/problem+json`; lists of records page with an opaque `next` cursor; pages hold at
most 1,000 records (`_size`, default 100); downloads (`records.csv`, `.json`, `.geojson`,
`.parquet`) have no row limit. Uploads may be at most `LOCALDATA_MAX_UPLOAD_BYTES` (100 MB by
default).
"""


def create_app(settings: Settings, library: Library | None = None) -> FastAPI:
    """The Local Data Library web application, configured by ``settings``."""
    app = FastAPI(
        title="Local Data Library",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # served by localdata.api.docs, from our own pinned assets
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.library = library or Library(settings)
    for module in (
        standards_api,
        organisations_api,
        datasets_api,
        record_api,
        records_api,
        submissions_api,
        check_api,
        sources_api,
        agreements_api,
        keys_api,
        events_api,
        webhooks_api,
    ):
        app.include_router(module.router, prefix="/api/v1", dependencies=[authenticate])
    app.include_router(docs_api.router, prefix="/api/v1")
    app.add_exception_handler(LocalDataError, _error)  # type: ignore[arg-type]  # Starlette types handlers loosely
    app.add_exception_handler(RequestValidationError, _invalid_request)  # type: ignore[arg-type]  # as above
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]  # as above
    app.add_exception_handler(Exception, _server_error)
    app.middleware("http")(_refuse_oversize(settings.max_upload_bytes))
    app.middleware("http")(_security_headers(settings))

    auth_api.install(app, settings, app.state.library)  # session cookie and /auth routes
    web.install(app)  # the web pages, with the home page at /

    @app.get("/api/v1/", include_in_schema=False)
    def api_root() -> dict[str, object]:
        return {
            "standards": "/api/v1/standards",
            "organisations": "/api/v1/organisations",
            "datasets": "/api/v1/datasets",
            "catalogue": "/api/v1/catalog.jsonld",
            "openapi": "/api/v1/openapi.json",
            "events": "/api/v1/events",
            "asyncapi": "/api/v1/asyncapi.json",
        }

    return app


Handler = Callable[[Request], Awaitable[Response]]


def _refuse_oversize(limit: int) -> Callable[[Request, Handler], Awaitable[Response]]:
    """Refuse a request whose declared size is over the upload limit, before reading it."""

    async def middleware(request: Request, call_next: Handler) -> Response:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
            return _error(request, check_api.upload_too_large(limit))
        return await call_next(request)

    return middleware


HSTS = "max-age=31536000; includeSubDomains"


def _security_headers(settings: Settings) -> Callable[[Request, Handler], Awaitable[Response]]:
    """Headers every answer needs: HSTS in production, and ``Cache-Control: no-store`` on
    every answer to a caller who sent a key or a session, as only such a caller is given
    restricted data, which no cache (a proxy's, the browser's) may keep."""

    async def middleware(request: Request, call_next: Handler) -> Response:
        response = await call_next(request)
        if settings.env == "production":
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        if "authorization" in request.headers or auth_api.COOKIE in request.cookies:
            response.headers["Cache-Control"] = "no-store"
        return response

    return middleware


def _error(request: Request, error: LocalDataError) -> Response:
    """A problem document for the API, and an error page for the web pages."""
    return _problem(request, error) if web.is_api(request) else web.error_page(request, error)


async def _http_error(request: Request, error: HTTPException) -> Response:
    """Starlette's own errors (no such route, method not allowed): pages on the web pages."""
    if web.is_api(request):
        return await http_exception_handler(request, error)  # the API answers as before
    if error.status_code == 404:
        return web.page(request, *web.NOT_FOUND, 404)
    return web.page(request, "Check what you asked for", [str(error.detail)], error.status_code)


def _server_error(request: Request, error: Exception) -> Response:
    """Anything unexpected: a plain message, never a traceback."""
    if web.is_api(request):
        fault = LocalDataError("Something went wrong on our side. Try again later.")
        return _problem(request, fault)
    return web.page(request, *web.SERVER_ERROR, 500)


def _problem(request: Request, error: LocalDataError) -> JSONResponse:
    body = error.to_dict() | {"instance": str(request.url.path)}
    headers = getattr(error, "headers", None)  # Retry-After on 429
    return JSONResponse(body, status_code=error.status, media_type=PROBLEM, headers=headers)


def _invalid_request(request: Request, error: RequestValidationError) -> Response:
    messages = [
        f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in error.errors()
    ]
    if not web.is_api(request):
        return web.page(request, "Check the web address", messages, 400)
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
