"""Users, the identity provider subjects they sign in with, and their roles in organisations.

Every change here is written to the audit log in the same transaction as the change.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Connection

from localdata.access.audit import AuditLog
from localdata.access.model import ALL_SCOPES, Principal, Role, Scope
from localdata.access.sessions import end_user_sessions
from localdata.access.tables import ROLES, identities, memberships, users
from localdata.errors import UsageError


@dataclass(frozen=True)
class User:
    """Someone who can sign in."""

    id: str
    email: str | None
    name: str
    created_at: datetime
    disabled_at: datetime | None
    sessions_revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: sa.Row[Any]) -> User:
        """The user a ``users`` row describes."""
        return cls(**row._mapping)


def new_user_id() -> str:
    """A new user identifier: ``usr_`` and 16 random hex digits."""
    return f"usr_{secrets.token_hex(8)}"


def create_user(
    conn: Connection, log: AuditLog, *, name: str, email: str | None, actor: str
) -> User:
    """Add a user; the email address, when given, must not belong to another user."""
    email = email.strip().lower() if email else None
    if email and user_by_email(conn, email):
        raise UsageError(f"There is already a user with the email address {email}.")
    values = {"id": new_user_id(), "email": email, "name": name.strip() or (email or "")}
    conn.execute(sa.insert(users).values({**values, "created_at": datetime.now(UTC)}))
    log.append(conn, "user-created", actor=actor, details={"user": values["id"]})
    return get_user(conn, str(values["id"]))


def get_user(conn: Connection, user_id: str) -> User:
    """The user with this id."""
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).first()
    if row is None:
        raise UsageError(f"There is no user {user_id}.")
    return User.from_row(row)


def user_by_email(conn: Connection, email: str) -> User | None:
    """The user with this email address, if any."""
    query = sa.select(users).where(users.c.email == email.strip().lower())
    row = conn.execute(query).first()
    return User.from_row(row) if row else None


def find_user(conn: Connection, who: str) -> User:
    """A user by id or email address."""
    found = user_by_email(conn, who) if "@" in who else None
    return found or get_user(conn, who)


def disable_user(conn: Connection, log: AuditLog, user_id: str, *, actor: str) -> User:
    """Switch a user off: no sign-in, no session and no key of theirs works from now on."""
    user = get_user(conn, user_id)
    if user.disabled_at is None:
        now = datetime.now(UTC)
        conn.execute(sa.update(users).where(users.c.id == user.id).values(disabled_at=now))
        end_user_sessions(conn, user.id)
        log.append(conn, "user-disabled", actor=actor, details={"user": user.id})
    return get_user(conn, user_id)


def list_users(conn: Connection) -> list[User]:
    """Every user, by name."""
    return [User.from_row(r) for r in conn.execute(sa.select(users).order_by(users.c.name))]


def _check_role(role: str) -> Role:
    if role not in ROLES:
        raise UsageError(f"'{role}' is not a role. Use one of: {', '.join(ROLES)}.")
    return cast(Role, role)


def grant_role(
    conn: Connection, log: AuditLog, user_id: str, organisation: str, role: str, *, actor: str
) -> None:
    """Give a user a role in an organisation (``*`` for the whole library)."""
    checked = _check_role(role)
    get_user(conn, user_id)
    if checked in roles_of(conn, user_id).get(organisation, frozenset()):
        return
    values = {"user_id": user_id, "organisation": organisation, "role": checked}
    conn.execute(
        sa.insert(memberships).values(
            {**values, "granted_at": datetime.now(UTC), "granted_by": actor}
        )
    )
    log.append(conn, "role-granted", actor=actor, organisation=organisation, details=dict(values))


def revoke_role(
    conn: Connection, log: AuditLog, user_id: str, organisation: str, role: str, *, actor: str
) -> None:
    """Take a role in an organisation away from a user."""
    checked = _check_role(role)
    deleted = conn.execute(
        sa.delete(memberships).where(
            memberships.c.user_id == user_id,
            memberships.c.organisation == organisation,
            memberships.c.role == checked,
        )
    )
    if deleted.rowcount:
        details = {"user_id": user_id, "organisation": organisation, "role": checked}
        log.append(conn, "role-revoked", actor=actor, organisation=organisation, details=details)


def roles_of(conn: Connection, user_id: str) -> dict[str, frozenset[Role]]:
    """The user's roles, by organisation."""
    query = sa.select(memberships.c.organisation, memberships.c.role).where(
        memberships.c.user_id == user_id
    )
    return roles_by_organisation((row.organisation, row.role) for row in conn.execute(query))


def roles_by_organisation(held: Iterable[tuple[str, Role]]) -> dict[str, frozenset[Role]]:
    """(organisation, role) pairs as each organisation's set of roles."""
    found: dict[str, set[Role]] = {}
    for organisation, role in held:
        found.setdefault(organisation, set()).add(role)
    return {org: frozenset(roles) for org, roles in found.items()}


def user_principal(
    conn: Connection, user_id: str, scopes: frozenset[Scope] = ALL_SCOPES
) -> Principal | None:
    """The principal of a signed-in user, unless they are switched off."""
    user = conn.execute(sa.select(users.c.disabled_at).where(users.c.id == user_id)).first()
    if user is None or user.disabled_at is not None:
        return None
    roles: Mapping[str, frozenset[Role]] = roles_of(conn, user_id)
    return Principal("user", user_id, user_id, roles, scopes)


def sign_in(
    conn: Connection,
    log: AuditLog,
    *,
    issuer: str,
    subject: str,
    email: str | None,
    name: str,
    email_verified: bool = False,
    details: Mapping[str, Any] | None = None,
) -> User:
    """The user an identity provider's subject maps to, made on first sign-in; audited.

    A switched-off user is returned as it is (``disabled_at`` set) with the refusal audited:
    the caller refuses the sign-in after committing.

    A first sign-in joins the user with that email address (added by ``localdata users add``)
    only when the provider says it verified the address; otherwise it makes a new user.
    """
    query = sa.select(identities.c.user_id).where(
        identities.c.issuer == issuer, identities.c.subject == subject
    )
    user_id = conn.execute(query).scalar()
    if user_id is None:
        known = user_by_email(conn, email) if email else None
        if known is not None and not email_verified:
            known, email = None, None  # never join an account on an unverified address
        user = known or create_user(conn, log, name=name, email=email, actor=f"oidc:{issuer}")
        user_id = user.id
        values = {"issuer": issuer, "subject": subject, "user_id": user_id}
        conn.execute(sa.insert(identities).values({**values, "created_at": datetime.now(UTC)}))
    user = get_user(conn, str(user_id))
    if user.disabled_at is not None:  # recorded, and the caller refuses once this commits
        log.append(conn, "sign-in-refused", actor=f"user:{user.id}", details=dict(details or {}))
        return user
    log.append(
        conn, "sign-in", actor=f"user:{user.id}", details={"issuer": issuer, **(details or {})}
    )
    return user


def end_sessions(conn: Connection, log: AuditLog, issuer: str, subject: str) -> str | None:
    """End every session of the user an identity maps to (back-channel logout); audited."""
    query = sa.select(identities.c.user_id).where(
        identities.c.issuer == issuer, identities.c.subject == subject
    )
    user_id = conn.execute(query).scalar()
    if user_id is None:
        return None
    now = datetime.now(UTC)
    conn.execute(sa.update(users).where(users.c.id == user_id).values(sessions_revoked_at=now))
    ended = end_user_sessions(conn, str(user_id))
    details = {"user": user_id, "sessions_ended": ended}
    log.append(conn, "signed-out", actor=f"oidc:{issuer}", details=details)
    return str(user_id)
