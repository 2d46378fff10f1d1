"""Sessions of signed-in users, kept in the database so that ending one ends it everywhere.

The browser's cookie (signed, see ``localdata.api.auth``) holds only a random session token;
the ``sessions`` table holds the token's SHA-256 (never the token), its user, and when it
started, expires and ended. Every request looks the token up, so:

- signing out ends every session of that user at once, on every device, and a copy of the
  cookie taken before stops working with it;
- the identity provider's back-channel logout and switching a user off do the same;
- a session lasts ``LOCALDATA_SESSION_MAX_AGE`` seconds on the server, whatever the cookie says.

Rows that expired more than a day ago are deleted when a new session starts.

The ``jti`` of each back-channel logout token accepted is kept in ``oidc_logout_tokens`` until
the token is too old to be accepted again, so a replayed token is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from localdata.access.audit import AuditLog
from localdata.access.tables import oidc_logout_tokens, sessions, users

KEEP_EXPIRED = timedelta(days=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(conn: Connection, user_id: str, seconds: int) -> str:
    """Start a session for the user and return its token, for the cookie only."""
    now = datetime.now(UTC)
    conn.execute(sa.delete(sessions).where(sessions.c.expires_at < now - KEEP_EXPIRED))
    token = secrets.token_urlsafe(32)
    values = {
        "id": _digest(token),
        "user_id": user_id,
        "created_at": now,
        "expires_at": now + timedelta(seconds=seconds),
    }
    conn.execute(sa.insert(sessions).values(values))
    return token


_LIVE = (
    sa.select(sessions.c.user_id)
    .join(users, users.c.id == sessions.c.user_id)
    .where(
        sessions.c.id == sa.bindparam("digest"),
        sessions.c.ended_at.is_(None),
        sessions.c.expires_at > sa.bindparam("now"),
        users.c.disabled_at.is_(None),
    )
)


def session_user(conn: Connection, token: str) -> str | None:
    """The user of a live session (not ended, not expired, user not switched off), or None."""
    found = conn.execute(_LIVE, {"digest": _digest(token), "now": datetime.now(UTC)}).scalar()
    return str(found) if found else None


def end_user_sessions(conn: Connection, user_id: str) -> int:
    """End every live session of the user; return how many there were."""
    ended = conn.execute(
        sa.update(sessions)
        .where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None))
        .values(ended_at=datetime.now(UTC))
    )
    return int(ended.rowcount or 0)


def sign_out(conn: Connection, log: AuditLog, token: str) -> str | None:
    """Sign the session's user out everywhere: end all their sessions; audited. Returns the
    user's id, or None when the token names no session."""
    query = sa.select(sessions.c.user_id).where(sessions.c.id == _digest(token))
    user_id = conn.execute(query).scalar()
    if user_id is None:
        return None
    ended = end_user_sessions(conn, str(user_id))
    log.append(conn, "sign-out", actor=f"user:{user_id}", details={"sessions_ended": ended})
    return str(user_id)


def accept_logout_token(conn: Connection, issuer: str, jti: str, until: datetime) -> bool:
    """Record a back-channel logout token's ``jti`` until it could no longer be accepted
    anyway; False when it was recorded already (a replay)."""
    now = datetime.now(UTC)
    conn.execute(sa.delete(oidc_logout_tokens).where(oidc_logout_tokens.c.expires_at < now))
    seen = sa.select(oidc_logout_tokens.c.jti).where(
        oidc_logout_tokens.c.issuer == issuer, oidc_logout_tokens.c.jti == jti
    )
    if conn.execute(seen).first() is not None:
        return False
    try:
        with conn.begin_nested():  # two deliveries of one token at once: one of them wins
            values = {"issuer": issuer, "jti": jti, "expires_at": until}
            conn.execute(sa.insert(oidc_logout_tokens).values(values))
    except IntegrityError:
        return False
    return True
