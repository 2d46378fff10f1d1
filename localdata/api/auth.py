"""Signing in and out: OpenID Connect, back-channel logout, and the development sign-in.

``install(app, settings, library)`` adds the session cookie and these routes:

- ``GET /auth/login?next=/path``: off to the OpenID Connect provider (see
  ``localdata.access.oidc``); ``GET /auth/callback`` comes back, signs the user in, and goes on
  to ``next``.
- ``POST /auth/logout``: signs out (a form with the CSRF token).
- ``POST /auth/backchannel-logout``: the provider ends a user's sessions.
- ``GET``/``POST /auth/dev``: sign in as any existing user without a password, only when
  ``LOCALDATA_DEV_SIGN_IN`` is on, which settings refuse outside ``LOCALDATA_ENV=development``.

The session cookie is signed (Starlette's ``SessionMiddleware``, signed with itsdangerous):
``Secure``, ``HttpOnly``, ``SameSite=Lax``, lasting ``LOCALDATA_SESSION_MAX_AGE``. It carries a
random session token, looked up on every request in the ``sessions`` table
(``localdata.access.sessions``), so signing out ends the session on the server: every session
of the user, everywhere, and any copy of the cookie with it. Forms that change anything carry a
CSRF token kept in the session: ``csrf_token(request)`` makes one for a form and
``check_csrf(request, value)`` checks it (the web pages use the same two).
"""

from __future__ import annotations

import html
import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from localdata.access import accounts, sessions
from localdata.access.oidc import LEEWAY, LOGOUT_TOKEN_MAX_AGE, OidcClient, SignInFailed
from localdata.api.deps import SESSION_ID
from localdata.errors import Forbidden, UsageError
from localdata.settings import Settings
from localdata.store.library import Library

router = APIRouter(tags=["sign-in"], include_in_schema=False)
dev_router = APIRouter(tags=["sign-in"], include_in_schema=False)
COOKIE = "localdata_session"
CSRF = "csrf"
SIGN_IN = "oidc"


def install(app: FastAPI, settings: Settings, library: Library) -> None:
    """Add the session cookie and the sign-in routes to the application."""
    app.state.oidc = OidcClient(settings) if settings.oidc_issuer else None
    app.include_router(router)
    if settings.dev_sign_in:
        app.include_router(dev_router)
    app.add_middleware(
        SessionMiddleware,
        secret_key=library.cursor_key.decode(),
        session_cookie=COOKIE,
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=True,
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token, for a hidden field of a form."""
    token = request.session.get(CSRF)
    if not token:
        token = request.session[CSRF] = secrets.token_urlsafe(32)
    return str(token)


def check_csrf(request: Request, value: str | None) -> None:
    """Refuse a form whose CSRF token is missing or not this session's."""
    expected = str(request.session.get(CSRF, ""))
    if not expected or not value or not secrets.compare_digest(expected, value):
        raise Forbidden("This form has expired. Go back, reload the page and try again.")


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _oidc(request: Request) -> OidcClient:
    client: OidcClient | None = request.app.state.oidc
    if client is None:
        raise SignInFailed("Sign-in is not set up here. Ask the people who run this library.")
    return client


def _local(path: str | None) -> str:
    """Only a path on this site, so sign-in never sends anyone elsewhere."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _signed_in(request: Request, conn: Connection, user_id: str) -> None:
    """Start a new session for the user, on the server and in a fresh cookie (so nothing of
    an earlier session survives), in the transaction that audits the sign-in."""
    settings: Settings = request.app.state.settings
    token = sessions.start_session(conn, user_id, settings.session_max_age)
    request.session.clear()
    request.session[SESSION_ID] = token
    csrf_token(request)


@router.get("/auth/login")
async def login(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    """Send the browser to the identity provider to sign in."""
    client = _oidc(request)
    url, saved = await run_in_threadpool(client.start, str(request.url_for("auth_callback")))
    request.session[SIGN_IN] = saved | {"next": _local(next)}
    return RedirectResponse(url, status_code=303)


@router.get("/auth/callback", name="auth_callback")
async def callback(
    request: Request,
    code: Annotated[str | None, Query()] = None,
    state: Annotated[str | None, Query()] = None,
    error: Annotated[str | None, Query()] = None,
) -> Response:
    """Finish signing in: check what the provider sent, then sign the user in."""
    client = _oidc(request)
    saved = request.session.pop(SIGN_IN, None) or {}
    if error or not code or not state:
        raise SignInFailed("You did not finish signing in. Start again from the sign-in link.")
    identity = await run_in_threadpool(client.finish, code, state, saved)
    library = _library(request)
    with library.access.transaction() as conn:
        user = accounts.sign_in(
            conn,
            library.access.log,
            issuer=identity.issuer,
            subject=identity.subject,
            email=identity.email,
            name=identity.name,
            email_verified=identity.email_verified,
            details=identity.claims,
        )
        if user.disabled_at is None:
            _signed_in(request, conn, user.id)
    if user.disabled_at is not None:
        raise Forbidden("This account is switched off. Ask the people who run this library.")
    return RedirectResponse(_local(saved.get("next")), status_code=303)


@router.post("/auth/logout")
async def logout(request: Request, csrf: Annotated[str | None, Form()] = None) -> Response:
    """Sign out of this service: every session of yours ends, on the server, everywhere."""
    check_csrf(request, csrf)
    token = request.session.get(SESSION_ID)
    request.session.clear()
    if token:
        library = _library(request)
        with library.access.transaction() as conn:
            sessions.sign_out(conn, library.access.log, str(token))
    return RedirectResponse("/", status_code=303)


@router.post("/auth/backchannel-logout")
async def backchannel_logout(
    request: Request, logout_token: Annotated[str | None, Form()] = None
) -> Response:
    """End the sessions of the user the provider's logout token names."""
    client = _oidc(request)
    if not logout_token:
        raise SignInFailed("Send the logout token as logout_token.")
    token = await run_in_threadpool(client.logout_token, logout_token)
    library = _library(request)
    until = datetime.fromtimestamp(token.issued_at + LOGOUT_TOKEN_MAX_AGE + 2 * LEEWAY, UTC)
    with library.access.transaction() as conn:
        if not sessions.accept_logout_token(conn, client.issuer, token.jti, until):
            raise SignInFailed("This logout token was used already.")
        accounts.end_sessions(conn, library.access.log, client.issuer, token.subject)
    return Response(status_code=200, headers={"Cache-Control": "no-store"})


@dev_router.get("/auth/dev", response_class=HTMLResponse)
async def dev_form(
    request: Request, next: Annotated[str | None, Query(max_length=2000)] = None
) -> HTMLResponse:
    """A bare form to sign in as any user: for development only."""
    token = html.escape(csrf_token(request))
    back = html.escape(_local(next), quote=True)
    return HTMLResponse(
        "<!doctype html><html lang=en><title>Development sign-in</title>"
        "<h1>Development sign-in</h1><form method=post action=/auth/dev>"
        "<label for=user>Email address or user id</label> <input id=user name=user>"
        f"<input type=hidden name=csrf value='{token}'>"
        f"<input type=hidden name=next value='{back}'> <button>Sign in</button></form>"
    )


@dev_router.post("/auth/dev")
async def dev_sign_in(
    request: Request,
    user: Annotated[str, Form(min_length=1)],
    csrf: Annotated[str | None, Form()] = None,
    next: Annotated[str | None, Form()] = None,
) -> Response:
    """Sign in as an existing user, without a password (development only)."""
    check_csrf(request, csrf)
    library = _library(request)
    settings: Settings = request.app.state.settings
    if settings.env != "development":  # settings refuse this already; never rely on one check
        raise UsageError("The development sign-in works only in development.")
    with library.access.transaction() as conn:
        found = accounts.find_user(conn, user)
        if found.disabled_at is not None:
            raise Forbidden("This account is switched off.")
        library.access.log.append(
            conn, "sign-in", actor=f"user:{found.id}", details={"method": "development"}
        )
        _signed_in(request, conn, found.id)
    return RedirectResponse(_local(next), status_code=303)
