"""API keys: made with scopes, shown once, stored as Argon2 hashes, found by a visible prefix.

A key looks like ``ldk_0123456789ab.<43 random characters>``. The part before the dot is the
key's id, stored in the clear and shown in lists so people can tell their keys apart; the whole
key is hashed with Argon2id. Clients send it as ``Authorization: Bearer <key>``.

Argon2 is slow on purpose (tens of milliseconds), so a key that checked out is remembered in
memory for ``api_key_cache_seconds``, under the SHA-256 of the key (never the key itself). The
key's row is still read on every request, so revocation, expiry and a disabled user take
effect at once, in every process; revoking also forgets the key here.

Who may make a key (``request_key``): anyone, for themselves; an information governance
officer or administrator of an organisation, for that organisation. A library administrator
may ask for a key for another organisation, or for another organisation's user, but that key
waits for an information governance officer of each organisation concerned to approve it
(``approve_key``); its secret is made at the last approval and shown to that officer, never
to the administrator who asked. Until then it opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection

from localdata.access.accounts import find_user, get_user, roles_by_organisation, roles_of
from localdata.access.audit import AuditLog
from localdata.access.model import EVERY_ORGANISATION, Principal, Role, Scope
from localdata.access.tables import SCOPES, api_keys, memberships, users
from localdata.errors import Forbidden, NotSignedIn, UsageError

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
    approvals_needed: tuple[str, ...] = ()
    approvals: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> ApiKey:
        """The key an ``api_keys`` row (or a row holding its columns) describes."""
        values = {c.name: row._mapping[c.name] for c in api_keys.c if c.name != "secret_hash"}
        return cls(
            **values
            | {
                "scopes": tuple(values["scopes"]),
                "approvals_needed": tuple(values["approvals_needed"] or ()),
                "approvals": dict(values["approvals"] or {}),
            }
        )

    @property
    def waiting_for(self) -> list[str]:
        """The organisations whose information governance officer has yet to approve it."""
        return [o for o in self.approvals_needed if o not in self.approvals]

    def active(self, now: datetime) -> bool:
        """True unless waiting for approval, revoked or expired."""
        return (
            not self.waiting_for
            and self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
        )

    def status(self, now: datetime) -> str:
        """``waiting-for-approval``, ``active``, ``revoked`` or ``expired``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "waiting-for-approval" if self.waiting_for else "active"

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
            "created_by": self.created_by,
            "status": self.status(datetime.now(UTC)),
            "waiting_for": self.waiting_for,
            "approved_by": sorted(self.approvals),
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
    approvals_needed: Sequence[str] = (),
) -> tuple[ApiKey, str]:
    """Make a key for a user or an organisation; returns it and its secret, shown only now.

    This is the bare operation, for the library's own setup (the demo, tests); doors make keys
    with ``request_key``, which decides who may. With ``approvals_needed`` the key waits for
    those organisations' approval and its secret (returned, but never to be shown) is
    replaced when the last approval comes.
    """
    if (user_id is None) == (organisation is None):
        raise UsageError("A key belongs to a user or to an organisation: give exactly one.")
    if user_id is not None:
        get_user(conn, user_id)
    key_id = f"{PREFIX}{secrets.token_hex(6)}"
    secret = _new_secret(key_id)
    values: dict[str, Any] = {
        "id": key_id,
        "secret_hash": HASHER.hash(secret),
        "name": name,
        "user_id": user_id,
        "organisation": organisation,
        "scopes": _scopes(scopes),
        "created_at": datetime.now(UTC),
        "created_by": actor,
        "expires_at": expires_at,
        "approvals_needed": list(approvals_needed),
        "approvals": {},
    }
    conn.execute(sa.insert(api_keys).values(values))
    details: dict[str, Any] = {"key": key_id, "user_id": user_id, "scopes": values["scopes"]}
    if approvals_needed:
        details["waiting_for"] = list(approvals_needed)
    log.append(conn, "key-created", actor=actor, organisation=organisation, details=details)
    return get_key(conn, key_id), secret


def _new_secret(key_id: str) -> str:
    return f"{key_id}.{secrets.token_urlsafe(32)}"


def request_key(
    conn: Connection,
    log: AuditLog,
    *,
    by: Principal,
    name: str,
    scopes: Iterable[str],
    user: str | None = None,
    organisation: str | None = None,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str | None]:
    """Make a key as ``by`` asks, returning it with its secret, or with None when it waits.

    Made at once for ``by``'s own user, or for an organisation ``by`` governs; asked by a
    library administrator for anyone else (``user``: their id or email address), it waits for
    approval (``approve_key``) by each organisation concerned: the organisation's own, or every
    organisation the user belongs to. Anyone else is refused, before any user is looked up.
    """
    own = by.user_id if by.kind == "user" else None
    if user is None and organisation is None:
        if own is None:
            raise NotSignedIn("Sign in to make a key for yourself (a key cannot make keys).")
        user = own
    mine = user is not None and own is not None and _names_user(conn, user, own)
    governed = organisation is not None and by.governs(organisation)
    if not (mine or governed or by.is_admin):
        raise Forbidden(
            "You can make keys only for yourself, or for an organisation whose information "
            "governance you hold."
        )
    user_id = find_user(conn, user).id if user is not None else None
    needed: list[str] = []
    if not (mine or governed):
        needed = [organisation] if organisation is not None else _organisations_of(conn, user_id)
    made, secret = create_key(
        conn,
        log,
        name=name,
        scopes=scopes,
        actor=by.actor,
        user_id=user_id,
        organisation=organisation,
        expires_at=expires_at,
        approvals_needed=needed,
    )
    return made, None if needed else secret


def _names_user(conn: Connection, who: str, user_id: str) -> bool:
    """True when ``who`` is this user's id or email address."""
    if who == user_id:
        return True
    email = conn.execute(sa.select(users.c.email).where(users.c.id == user_id)).scalar()
    return email is not None and who.strip().lower() == email


def _organisations_of(conn: Connection, user_id: str | None) -> list[str]:
    """The organisations a user belongs to, each of which must approve a key made for them."""
    assert user_id is not None
    found = sorted(o for o in roles_of(conn, user_id) if o != EVERY_ORGANISATION)
    if not found:
        raise UsageError(
            f"{user_id} belongs to no organisation, so no information governance officer can "
            "approve a key for them. They can make their own key once signed in."
        )
    return found


def approve_key(
    conn: Connection, log: AuditLog, key_id: str, organisation: str, *, by: Principal
) -> tuple[ApiKey, str | None]:
    """Approve a waiting key for one organisation, as its information governance officer.

    Returns the key, and its secret when this was the last approval: the secret is made now,
    so only the approving officer sees it, never the administrator who asked for the key.
    """
    key = get_key(conn, key_id)
    if organisation not in key.waiting_for:
        raise UsageError(f"The API key {key_id} is not waiting for approval by {organisation}.")
    if not by.governs(organisation):
        raise Forbidden(
            f"Only an information governance officer of {organisation} can approve its keys."
        )
    if by.actor == key.created_by:
        raise Forbidden("A key must be approved by someone other than the person who asked for it.")
    if key.revoked_at is not None:
        raise UsageError(f"The API key {key_id} is revoked.")
    now = datetime.now(UTC)
    approvals = {**key.approvals, organisation: {"by": by.actor, "at": now.isoformat()}}
    values: dict[str, Any] = {"approvals": approvals}
    secret = None
    if all(o in approvals for o in key.approvals_needed):
        secret = _new_secret(key_id)
        values["secret_hash"] = HASHER.hash(secret)
    conn.execute(sa.update(api_keys).where(api_keys.c.id == key_id).values(values))
    details = {"key": key_id, "complete": secret is not None}
    log.append(conn, "key-approved", actor=by.actor, organisation=organisation, details=details)
    return get_key(conn, key_id), secret


def waiting_keys(conn: Connection, organisations: Iterable[str]) -> list[ApiKey]:
    """Keys waiting for the approval of any of these organisations, newest first."""
    wanted = set(organisations)
    query = sa.select(api_keys).where(api_keys.c.revoked_at.is_(None))
    found = [ApiKey.from_row(r) for r in conn.execute(query.order_by(api_keys.c.created_at.desc()))]
    return [k for k in found if wanted.intersection(k.waiting_for)]


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


def key_id_of(presented: str) -> str:
    """The visible id of a presented key: the part before the dot (cut to a sane length)."""
    return presented.split(".", 1)[0][:64]


class KeyGuard(Protocol):
    """What a key check asks before Argon2 work, and tells after a wrong secret."""

    def before_hashing(self, key_id: str) -> None:
        """Raise (such as ``RateLimited``) to refuse the check before any hashing."""

    def failed(self, key_id: str) -> None:
        """A wrong secret was presented for this key id."""


class KeyChecker:
    """Checks presented keys, remembering good ones briefly so Argon2 runs once a minute."""

    def __init__(self, seconds: float = 60.0, size: int = CACHE_SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self._good: OrderedDict[bytes, tuple[str, str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def principal(
        self, conn: Connection, presented: str, guard: KeyGuard | None = None
    ) -> Principal:
        """The principal a presented key stands for; ``NotSignedIn`` if it is not a good key.

        ``guard`` is asked before any Argon2 work (it raises to refuse, such as a rate limit)
        and told of each wrong secret, so that guessing costs the guesser, not the server.
        """
        key_id = key_id_of(presented)
        rows = conn.execute(_KEY_WITH_ROLES, {"key_id": key_id}).all()
        if rows and rows[0].approvals_needed and ApiKey.from_row(rows[0]).waiting_for:
            raise NotSignedIn(f"The API key {key_id} is waiting for approval.")
        if not rows or not self._matches(presented, key_id, rows[0].secret_hash, guard):
            raise NotSignedIn("This API key is not known. Check it, or make a new one.")
        key = ApiKey.from_row(rows[0])
        if not key.active(datetime.now(UTC)):
            raise NotSignedIn(f"The API key {key.id} has expired or been revoked.")
        found = _joined_principal(key, rows)
        if found is None:
            raise NotSignedIn(f"The API key {key.id} belongs to a user who is switched off.")
        return found

    def _matches(
        self, presented: str, key_id: str, secret_hash: str, guard: KeyGuard | None
    ) -> bool:
        digest = hashlib.sha256(presented.encode()).digest()
        with self._lock:
            cached = self._good.get(digest)
            if cached and cached[:2] == (key_id, secret_hash) and cached[2] > time.monotonic():
                return True
        if guard is not None:
            guard.before_hashing(key_id)
        try:
            HASHER.verify(secret_hash, presented)
        except (VerificationError, InvalidHashError):
            if guard is not None:
                guard.failed(key_id)
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
    conn: Connection, log: AuditLog, checker: KeyChecker | None, key_id: str, *, by: Principal
) -> ApiKey:
    """Revoke a key at once; revoking twice changes nothing.

    A key may be revoked by its user, by whoever governs its organisation, and by a library
    administrator (stopping access is running the service; it reads nothing).
    """
    key = get_key(conn, key_id)
    mine = key.user_id is not None and by.kind == "user" and by.user_id == key.user_id
    governs = key.organisation is not None and by.governs(key.organisation)
    if not (mine or governs or by.is_admin):
        raise Forbidden("You can revoke only your own keys and your organisation's.")
    if key.revoked_at is None:
        conn.execute(
            sa.update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=datetime.now(UTC))
        )
        log.append(
            conn,
            "key-revoked",
            actor=by.actor,
            organisation=key.organisation,
            details={"key": key_id, "user_id": key.user_id},
        )
    if checker is not None:
        checker.forget(key_id)
    return get_key(conn, key_id)
