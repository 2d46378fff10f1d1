"""API keys in the JSON API: make one (shown once), list them, revoke one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from localdata.access import keys
from localdata.access.model import Principal
from localdata.api.deps import PROBLEMS, LibraryDep, SignedInDep
from localdata.errors import Forbidden, NotSignedIn

router = APIRouter(tags=["keys"], responses=PROBLEMS)


class NewKey(BaseModel):
    """A key to make: for yourself, or for an organisation you administer."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = Field(min_length=1, description="read, publish and/or admin")
    organisation: str | None = Field(None, description="Make it the organisation's key.")
    expires_at: datetime | None = None


def _user(principal: Principal) -> str:
    if principal.kind != "user" or principal.user_id is None:
        raise NotSignedIn("Sign in to manage API keys (a key cannot make or list keys).")
    return principal.user_id


@router.post("/keys", status_code=201)
def post_key(
    new: Annotated[NewKey, Body()], library: LibraryDep, principal: SignedInDep
) -> dict[str, Any]:
    """Make a key. Its secret is in this answer only: keep it now."""
    user_id = _user(principal)
    org = library.organisation(new.organisation) if new.organisation else None
    if org is not None and not principal.has_role(org, "admin", "admin"):
        raise Forbidden(f"Only an administrator of {org} can make keys for it.")
    with library.access.transaction() as conn:
        made, secret = keys.create_key(
            conn,
            library.access.log,
            name=new.name,
            scopes=new.scopes,
            actor=principal.actor,
            user_id=None if org else user_id,
            organisation=org,
            expires_at=new.expires_at,
        )
    return made.to_dict() | {"key": secret}


@router.get("/keys")
def get_keys(library: LibraryDep, principal: SignedInDep) -> dict[str, Any]:
    """Your keys (never their secrets)."""
    user_id = _user(principal)
    with library.access.transaction() as conn:
        found = keys.list_keys(conn, user_id=user_id)
    return {"keys": [k.to_dict() for k in found], "count": len(found)}


@router.delete("/keys/{key_id}")
def delete_key(key_id: str, library: LibraryDep, principal: SignedInDep) -> dict[str, Any]:
    """Revoke a key at once: yours, or your organisation's if you administer it."""
    user_id = _user(principal)
    with library.access.transaction() as conn:
        found = keys.get_key(conn, key_id)
        mine = found.user_id == user_id
        admin = found.organisation and principal.has_role(found.organisation, "admin", "admin")
        if not (mine or admin or principal.is_admin):
            raise Forbidden("You can revoke only your own keys and your organisation's.")
        revoked = keys.revoke_key(
            conn, library.access.log, library.access.keys, key_id, actor=principal.actor
        )
    return revoked.to_dict()
