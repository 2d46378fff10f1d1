"""What every route needs: the library, built once by ``create_app``, and who is asking.

``authenticate`` runs on every API route (``create_app`` adds it to each router): it resolves
``Authorization: Bearer <key>`` (or a signed-in session) to a ``Principal`` and spends one
request of that caller's rate limit. Routes that need the principal take ``PrincipalDep``;
FastAPI runs the dependency once per request either way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from pydantic import BaseModel

from localdata.access.model import ANONYMOUS, Principal
from localdata.errors import NotSignedIn
from localdata.store.library import Library

SESSION_ID = "sid"  # the session token the cookie carries (``localdata.access.sessions``)


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


LibraryDep = Annotated[Library, Depends(_library)]


def request_principal(request: Request) -> Principal:
    """Who is asking: a key's or a signed-in user's principal, or anonymous; rate limited.

    The web pages call it too, to read as the signed-in user.
    """
    library = _library(request)
    header = request.headers.get("authorization", "").strip()
    principal = ANONYMOUS
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotSignedIn("Send an API key as 'Authorization: Bearer <key>'.")
        try:
            principal = library.access.key_principal(token.strip(), _client(request))
        except NotSignedIn:
            # A wrong key spends the client's anonymous allowance, so guessing keys is slow.
            library.access.limit(ANONYMOUS, _client(request))
            raise
    elif "session" in request.scope and request.session.get(SESSION_ID):
        try:
            principal = library.access.session_principal(str(request.session[SESSION_ID]))
        except NotSignedIn:
            request.session.clear()
            raise
    library.access.limit(principal, _client(request))
    return principal


def _client(request: Request) -> str:
    """The anonymous client's address, which its rate limit is counted by."""
    return request.client.host if request.client else "unknown"


PrincipalDep = Annotated[Principal, Depends(request_principal)]


def _signed_in(principal: PrincipalDep) -> Principal:
    """The principal, refusing anonymous callers before anything else is read."""
    if not principal.signed_in:
        raise NotSignedIn("Sign in, or send an API key as 'Authorization: Bearer <key>'.")
    return principal


SignedInDep = Annotated[Principal, Depends(_signed_in)]


def require_publisher(library: Library, principal: Principal, organisation: str) -> None:
    """Refuse unless the principal may publish for the organisation (or submissions are open)."""
    library.authorise_publish(principal, organisation)


authenticate = Depends(request_principal)
PurposeDep = Annotated[
    str | None,
    Header(
        alias="X-Purpose",
        description="Why restricted data is read: the purpose of a data sharing agreement.",
    ),
]


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
    401: _problem("The data or action needs a signed-in user or an API key."),
    403: _problem("Not allowed: for restricted data, the agreement that is missing."),
    404: _problem("There is no such standard, dataset, organisation or version."),
    413: _problem("The upload is larger than the library accepts."),
    415: _problem("The file is not in a format the library reads."),
    422: _problem("The file cannot be read as a table."),
    429: _problem("Too many requests: wait as many seconds as Retry-After says."),
}
