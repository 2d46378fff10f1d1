"""Who is looking at a page: the signed-in user, if any, for the navigation and the forms.

A visitor who does not sign in gets no cookie: the session (a signed cookie carrying a session
token checked on the server on every request, see ``localdata.api.auth``) starts only at
sign-in, and reading an empty session writes nothing. A session that has ended (signed out,
switched off, or ended by the identity provider) is shown as signed out.

Forms that change something carry the session's CSRF token when the visitor is signed in, and
are refused without it. An anonymous visitor's form (publishing, where the library lets anyone
publish) carries none and needs none: it acts with nobody's authority, so there is no cookie
for another site to ride on, and giving it a token would mean giving every visitor a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request

from localdata.access import accounts
from localdata.api.auth import check_csrf, csrf_token
from localdata.api.deps import SESSION_ID
from localdata.settings import Settings
from localdata.store.library import Library


@dataclass(frozen=True)
class Visitor:
    """The signed-in user as the pages show them."""

    id: str
    name: str
    email: str | None

    @property
    def label(self) -> str:
        """How the navigation names them: their name, and their email address if known."""
        return (
            f"{self.name} ({self.email})" if self.email and self.email != self.name else self.name
        )


def session_token(request: Request) -> str | None:
    """The session token the cookie carries, without starting a session for anyone else."""
    if "session" not in request.scope:
        return None
    found = request.session.get(SESSION_ID)
    return str(found) if found else None


def visitor(request: Request) -> Visitor | None:
    """The signed-in user, or None for an anonymous visitor or a session that has ended."""
    token = session_token(request)
    if token is None:
        return None
    library: Library = request.app.state.library
    user_id = library.access.session_user(token)
    if user_id is None:
        return None  # signed out, switched off, or ended by the provider: shown as signed out
    with library.access.transaction() as conn:
        user = accounts.get_user(conn, user_id)
    return Visitor(user.id, user.name, user.email)


def form_token(request: Request) -> str:
    """The CSRF token for a form: the session's for a signed-in user, none for anyone else."""
    return csrf_token(request) if session_token(request) else ""


def check_form_token(request: Request, value: str | None) -> None:
    """Refuse a signed-in user's form without the session's CSRF token."""
    if session_token(request):
        check_csrf(request, value)


def sign_in_url(request: Request, back_to: str) -> str | None:
    """Where the "Sign in" link goes (and comes back to), or None when sign-in is not set up."""
    settings: Settings = request.app.state.settings
    target = quote(back_to, safe="/")
    if getattr(request.app.state, "oidc", None) is not None:
        return f"/auth/login?next={target}"
    if settings.dev_sign_in and settings.env == "development":
        return f"/auth/dev?next={target}"
    return None
