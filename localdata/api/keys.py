"""API keys in the JSON API: make one (shown once), approve one, list them, revoke one.

Who may make which key is decided in the core (``localdata.access.keys.request_key``): anyone
for themselves, an organisation's information governance officers for it, and a library
administrator for anyone else only with the approval of each organisation concerned. A key
waiting for approval is answered with ``202`` and no secret; the officer whose approval
completes it gets the secret, once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, Field

from localdata.access import keys
from localdata.access.model import EVERY_ORGANISATION, Principal
from localdata.api.deps import PROBLEMS, LibraryDep, SignedInDep
from localdata.errors import NotSignedIn

router = APIRouter(tags=["keys"], responses=PROBLEMS)


class NewKey(BaseModel):
    """A key to make: for yourself, an organisation you govern, or (administrators) a user."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1, description="read, publish and/or admin")
    organisation: str | None = Field(None, description="Make it the organisation's key.")
    user: str | None = Field(
        None, description="Make it this user's key (their id or email address): administrators."
    )
    expires_at: datetime | None = None


class Approval(BaseModel):
    """Which organisation approves."""

    organisation: str


def _user(principal: Principal) -> str:
    if principal.kind != "user" or principal.user_id is None:
        raise NotSignedIn("Sign in to manage API keys (a key cannot make or list keys).")
    return principal.user_id


@router.post("/keys", status_code=201)
def post_key(
    new: Annotated[NewKey, Body()], library: LibraryDep, principal: SignedInDep, response: Response
) -> dict[str, Any]:
    """Make a key. Its secret is in this answer only: keep it now.

    A key an administrator asks for on someone else's behalf waits for approval (``202``, no
    secret) by an information governance officer of each organisation concerned.
    """
    _user(principal)
    org = library.organisation(new.organisation) if new.organisation else None
    with library.access.transaction() as conn:
        made, secret = keys.request_key(
            conn,
            library.access.log,
            by=principal,
            name=new.name,
            scopes=new.scopes,
            user=new.user,
            organisation=org,
            expires_at=new.expires_at,
        )
    if secret is None:
        response.status_code = 202
        return made.to_dict()
    return made.to_dict() | {"key": secret}


@router.post("/keys/{key_id}/approval")
def post_approval(
    key_id: str, approval: Approval, library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Approve a key waiting for your organisation; the last approval gets its secret, once."""
    org = library.organisation(approval.organisation)
    with library.access.transaction() as conn:
        found, secret = keys.approve_key(conn, library.access.log, key_id, org, by=principal)
    return found.to_dict() | ({"key": secret} if secret else {})


@router.get("/keys")
def get_keys(library: LibraryDep, principal: SignedInDep) -> dict[str, Any]:
    """Your keys (never their secrets), and the keys waiting for your approval."""
    user_id = _user(principal)
    governed = [o for o in principal.roles if o != EVERY_ORGANISATION and principal.governs(o)]
    with library.access.transaction() as conn:
        found = keys.list_keys(conn, user_id=user_id)
        waiting = keys.waiting_keys(conn, governed)
    return {
        "keys": [k.to_dict() for k in found],
        "count": len(found),
        "waiting_for_your_approval": [k.to_dict() for k in waiting],
    }


@router.delete("/keys/{key_id}")
def delete_key(key_id: str, library: LibraryDep, principal: SignedInDep) -> dict[str, Any]:
    """Revoke a key at once: yours, your organisation's, or (administrators) any key."""
    _user(principal)
    with library.access.transaction() as conn:
        revoked = keys.revoke_key(
            conn, library.access.log, library.access.keys, key_id, by=principal
        )
    return revoked.to_dict()
