"""API keys: made with scopes, shown once, stored as Argon2 hashes, found by a visible prefix.

A key looks like ``ldk_0123456789ab.<43 random characters>``. The part before the dot is the
key's id, stored in the clear and shown in lists so people can tell their keys apart; the whole
key is hashed with Argon2id. Clients send it as ``Authorization: Bearer <key>``.

Argon2 is slow on purpose (tens of milliseconds), so a key that checked out is remembered in
memory for ``api_key_cache_seconds``, under the SHA-256 of the key (never the key itself). The
key's row is still read on every request, so revocation, expiry and a disabled user take
effect at once, in every process; revoking also forgets the key here.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from localdata.access.accounts import get_user, roles_by_organisation
from localdata.access.audit import AuditLog
from localdata.access.model import Principal, Role, Scope
from localdata.access.tables import SCOPES, api_keys, memberships, users
from localdata.errors import NotSignedIn, UsageError

PREFIX = "ldk_"
CACHE_SIZE = 10_000
HASHER = PasswordHasher()
SCOPE_ROLES: dict[str, tuple[Role, ...]] = {
    "read": ("viewer",),
    "publish": ("publisher",),
    "admin": ("admin",),
}


@dataclass(frozen=True)
class ApiKey:
    """A key as stored: never its secret."""

    id: str
    name: str
    user_id: str | None
    organisation: str | None
    scopes: tuple[str, ...]
    created_at: datetime
    created_by: str | None
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> ApiKey:
        """The key an ``api_keys`` row (or a row holding its columns) describes."""
        values = {c.name: row._mapping[c.name] for c in api_keys.c if c.name != "secret_hash"}
        return cls(**values | {"scopes": tuple(values["scopes"])})

    def active(self, now: datetime) -> bool:
        """True unless revoked or expired."""
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def to_dict(self) -> dict[str, Any]:
        """The key as JSON-ready values."""
        return {
            "id": self.id,
            "name": self.name,
            "user_id": self.user_id,
            "organisation": self.organisation,
            "scopes": list(self.scopes),
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def _scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown or not chosen:
        raise UsageError(f"Give one or more scopes from: {', '.join(SCOPES)}.")
    return chosen


def create_key(
    conn: Connection,
    log: AuditLog,
    *,
    name: str,
    scopes: Iterable[str],
    actor: str,
    user_id: str | None = None,
    organisation: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """Make a key for a user or an organisation; returns it and its secret, shown only now."""
    if (user_id is None) == (organisation is None):
        raise UsageError("A key belongs to a user or to an organisation: give exactly one.")
    if user_id is not None:
        get_user(conn, user_id)
    key_id = f"{PREFIX}{secrets.token_hex(6)}"
    secret = f"{key_id}.{secrets.token_urlsafe(32)}"
    values = {
        "id": key_id,
        "secret_hash": HASHER.hash(secret),
        "name": name,
        "user_id": user_id,
        "organisation": organisation,
        "scopes": _scopes(scopes),
        "created_at": datetime.now(UTC),
        "created_by": actor,
        "expires_at": expires_at,
    }
    conn.execute(sa.insert(api_keys).values(values))
    details = {"key": key_id, "user_id": user_id, "scopes": values["scopes"]}
    log.append(conn, "key-created", actor=actor, organisation=organisation, details=details)
    return get_key(conn, key_id), secret


def get_key(conn: Connection, key_id: str) -> ApiKey:
    """The key with this id."""
    row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).first()
    if row is None:
        raise UsageError(f"There is no API key {key_id}.")
    return ApiKey.from_row(row)


def list_keys(
    conn: Connection, *, user_id: str | None = None, organisation: str | None = None
) -> list[ApiKey]:
    """Keys, newest first, optionally only a user's or an organisation's."""
    query = sa.select(api_keys).order_by(api_keys.c.created_at.desc())
    if user_id is not None:
        query = query.where(api_keys.c.user_id == user_id)
    if organisation is not None:
        query = query.where(api_keys.c.organisation == organisation)
    return [ApiKey.from_row(row) for row in conn.execute(query)]


class KeyChecker:
    """Checks presented keys, remembering good ones briefly so Argon2 runs once a minute."""

    def __init__(self, seconds: float = 60.0, size: int = CACHE_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self._good: OrderedDict[bytes, tuple[str, str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def principal(self, conn: Connection, presented: str) -> Principal:
        """The principal a presented key stands for; ``NotSignedIn`` if it is not a good key."""
        key_id = presented.split(".", 1)[0]
        rows = conn.execute(_KEY_WITH_ROLES, {"key_id": key_id}).all()
        if not rows or not self._matches(presented, key_id, rows[0].secret_hash):
            raise NotSignedIn("This API key is not known. Check it, or make a new one.")
        key = ApiKey.from_row(rows[0])
        if not key.active(datetime.now(UTC)):
            raise NotSignedIn(f"The API key {key.id} has expired or been revoked.")
        found = _joined_principal(key, rows)
        if found is None:
            raise NotSignedIn(f"The API key {key.id} belongs to a user who is switched off.")
        return found

    def _matches(self, presented: str, key_id: str, secret_hash: str) -> bool:
        digest = hashlib.sha256(presented.encode()).digest()
        with self._lock:
            cached = self._good.get(digest)
            if cached and cached[:2] == (key_id, secret_hash) and cached[2] > time.monotonic():
                return True
        try:
            HASHER.verify(secret_hash, presented)
        except (VerificationError, InvalidHashError):
            return False
        with self._lock:
            self._good[digest] = (key_id, secret_hash, time.monotonic() + self.seconds)
            self._good.move_to_end(digest)
            while len(self._good) > self.size:
                self._good.popitem(last=False)
        return True

    def forget(self, key_id: str) -> None:
        """Forget every remembered check of this key (it was revoked)."""
        with self._lock:
            for digest in [d for d, v in self._good.items() if v[0] == key_id]:
                del self._good[digest]


# Every request with a key reads the key, its user's state and roles: one query, not three.
_KEY_WITH_ROLES = (
    sa.select(
        api_keys,
        users.c.id.label("user_found"),
        users.c.disabled_at.label("user_disabled_at"),
        memberships.c.organisation.label("role_organisation"),
        memberships.c.role.label("role"),
    )
    .select_from(
        api_keys.outerjoin(users, users.c.id == api_keys.c.user_id).outerjoin(
            memberships, memberships.c.user_id == api_keys.c.user_id
        )
    )
    .where(api_keys.c.id == sa.bindparam("key_id"))
)


def _joined_principal(key: ApiKey, rows: Sequence[sa.Row[Any]]) -> Principal | None:
    """The principal from the rows of ``_KEY_WITH_ROLES`` (one for each role of its user), or
    None when the key's user is gone or switched off."""
    scopes = cast(frozenset[Scope], frozenset(key.scopes))
    if key.user_id is None:
        assert key.organisation is not None
        own = frozenset(r for s in key.scopes for r in SCOPE_ROLES[s])
        return Principal("key", key.id, None, {key.organisation: own}, scopes)
    if rows[0].user_found is None or rows[0].user_disabled_at is not None:
        return None
    held = [(r.role_organisation, r.role) for r in rows if r.role_organisation is not None]
    return Principal("key", key.id, key.user_id, roles_by_organisation(held), scopes)


def principal_of(conn: Connection, key: ApiKey) -> Principal | None:
    """The principal a key stands for (without checking its secret, expiry or revocation);
    None when its user is gone or switched off."""
    rows = conn.execute(_KEY_WITH_ROLES, {"key_id": key.id}).all()
    return _joined_principal(key, rows) if rows else None


def revoke_key(
    conn: Connection, log: AuditLog, checker: KeyChecker | None, key_id: str, *, actor: str
) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing."""
    key = get_key(conn, key_id)
    if key.revoked_at is None:
        conn.execute(
            sa.update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=datetime.now(UTC))
        )
        log.append(
            conn, "key-revoked", actor=actor, organisation=key.organisation, details={"key": key_id}
        )
    if checker is not None:
        checker.forget(key_id)
    return get_key(conn, key_id)
