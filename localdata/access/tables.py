"""The access tables: users, keys, access levels, agreements and the audit log.

They sit on the library's one ``MetaData`` (``localdata.store.metadata.metadata``) and are
created by the Alembic revision ``0003``.

Tables
------

``users``: people who sign in. ``id`` is our own identifier (``usr_`` and 16 hex digits), never
an identity provider's subject. ``email`` and ``name`` as they gave them; ``disabled_at`` stops
sign-in and every key of theirs; ``sessions_revoked_at`` ends every session signed in before
it (set by the provider's back-channel logout).

``sessions``: signed-in browsers' sessions (``localdata.access.sessions``): ``id`` is the
SHA-256 of the random token the session cookie carries (never the token), with the user, when
it started, when it expires and when it ended (signed out, or ended by the provider's
back-channel logout). Created by the Alembic revision ``0007``.

``oidc_logout_tokens``: the ``jti`` of every back-channel logout token accepted from an
identity provider, until it could no longer be accepted anyway, so a replayed token is refused.

``identities``: the identity provider subjects that map to a user (``issuer``, ``subject``).
GOV.UK One Login gives a pairwise ``sub`` per service, so this table is the only place it lives.

``memberships``: who holds which role (``viewer``, ``publisher``, ``standards-owner``,
``information-governance``, ``admin``) in which organisation. Granting adds a row and revoking
removes it; both are written to the audit log in the same transaction.

``api_keys``: keys for scripts and services. ``id`` is the key's visible prefix (``ldk_`` and
12 hex digits), which is also how a presented key is found; ``secret_hash`` is the Argon2 hash
of the whole key, which is shown once and never stored. A key belongs to a user or to an
organisation, has ``scopes`` (``read``, ``publish``, ``admin``), may expire and may be revoked.
A key a library administrator asked for on someone else's behalf lists in ``approvals_needed``
the organisations whose information governance officer must approve it, and ``approvals``
records each approval (``{organisation: {"by": actor, "at": time}}``); it opens nothing until
every one is in (Alembic revision ``0008``).

``dataset_access``: the access level of a dataset (``open``, ``registered`` or
``restricted``); a dataset with no row here is open.

``agreements``: data sharing agreements, with what the ICO's Data Sharing Code expects (see
``localdata.access.agreements``). ``state`` is ``draft``, ``active`` or ``suspended``; an
agreement past its end date is expired whatever its state says, from that moment.

``audit_entries``: the append-only audit log. ``seq`` is the entry's leaf index in the Merkle
tree (0, 1, 2 ... without gaps); ``entry`` is the canonical JSON the leaf hash covers, and the
other columns repeat parts of it so the log can be searched. An entry names the records it
read grouped by organisation and file (``{"org/file": [rows]}``); ``audit_records`` indexes
each group (in ``record_id``), so "who looked at this record" is one indexed query.
``audit_checkpoints`` holds signed tree heads: the tree's size, its root, an Ed25519
signature over both, and the frontier the next checkpoint continues from. ``audit_head`` is
one row, the number of entries appended: an append takes its ``seq`` by adding one to it, which
locks the row until the append commits, so appends are serialised and ``seq`` has no gaps
(created by the Alembic revision ``0005``).
"""

from __future__ import annotations

from typing import get_args

import sqlalchemy as sa

from localdata.access.model import AGREEMENT_STATES, LEVELS, Role, Scope
from localdata.store.metadata import UtcDateTime, metadata

ROLES: tuple[str, ...] = get_args(Role)
SCOPES: tuple[str, ...] = get_args(Scope)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("email", sa.String(320), unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("disabled_at", UtcDateTime),
    sa.Column("sessions_revoked_at", UtcDateTime),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey(users.c.id), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime),
    sa.Index(None, "user_id"),
)

oidc_logout_tokens = sa.Table(
    "oidc_logout_tokens",
    metadata,
    sa.Column("issuer", sa.String(512), primary_key=True),
    sa.Column("jti", sa.String(255), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

identities = sa.Table(
    "identities",
    metadata,
    sa.Column("issuer", sa.String(512), primary_key=True),
    sa.Column("subject", sa.String(512), primary_key=True),
    sa.Column("user_id", sa.String(32), sa.ForeignKey(users.c.id), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column("user_id", sa.String(32), sa.ForeignKey(users.c.id), primary_key=True),
    sa.Column("organisation", sa.String(255), primary_key=True),
    sa.Column("role", sa.String(32), primary_key=True),
    sa.Column("granted_at", UtcDateTime, nullable=False),
    sa.Column("granted_by", sa.Text),
    sa.CheckConstraint(_in("role", ROLES), name="role"),
)

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("secret_hash", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("user_id", sa.String(32), sa.ForeignKey(users.c.id)),
    sa.Column("organisation", sa.String(255)),
    sa.Column("scopes", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("expires_at", UtcDateTime),
    sa.Column("revoked_at", UtcDateTime),
    sa.Column("approvals_needed", sa.JSON),
    sa.Column("approvals", sa.JSON),
    sa.CheckConstraint("user_id IS NOT NULL OR organisation IS NOT NULL", name="owner"),
)

dataset_access = sa.Table(
    "dataset_access",
    metadata,
    sa.Column("dataset", sa.String(255), primary_key=True),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("changed_at", UtcDateTime, nullable=False),
    sa.Column("changed_by", sa.Text),
    sa.CheckConstraint(_in("level", LEVELS), name="level"),
)

agreements = sa.Table(
    "agreements",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("provider", sa.String(255), nullable=False),
    sa.Column("receivers", sa.JSON, nullable=False),
    sa.Column("purpose", sa.String(64), nullable=False),
    sa.Column("purpose_description", sa.Text, nullable=False),
    sa.Column("legal_gateway", sa.Text, nullable=False),
    sa.Column("article6_basis", sa.Text, nullable=False),
    sa.Column("article9_condition", sa.Text),
    sa.Column("datasets", sa.JSON, nullable=False),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("row_conditions", sa.JSON, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),
    sa.Column("review_on", sa.Date, nullable=False),
    sa.Column("dpia_reference", sa.Text, nullable=False),
    sa.Column("signatures", sa.JSON, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Column("changed_at", UtcDateTime, nullable=False),
    sa.CheckConstraint(_in("state", AGREEMENT_STATES), name="state"),
    sa.Index(None, "provider"),
)

audit_entries = sa.Table(
    "audit_entries",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("actor", sa.Text),
    sa.Column("organisation", sa.String(255)),
    sa.Column("dataset", sa.String(255)),
    sa.Column("agreement", sa.String(64)),
    sa.Column("entry", sa.Text, nullable=False),
    sa.Index(None, "organisation", "seq"),
    sa.Index(None, "actor", "seq"),
)

audit_records = sa.Table(
    "audit_records",
    metadata,
    sa.Column("dataset", sa.String(255), primary_key=True),
    sa.Column("record_id", sa.String(512), primary_key=True),
    sa.Column("seq", sa.BigInteger, sa.ForeignKey(audit_entries.c.seq), primary_key=True),
)

audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("root", sa.String(64), nullable=False),
    sa.Column("signed_at", UtcDateTime, nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("signature", sa.String(128), nullable=False),
    sa.Column("frontier", sa.JSON, nullable=False),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.CheckConstraint("id = 1", name="one_row"),
)

AUDIT_TABLES = ("audit_entries", "audit_records", "audit_checkpoints")
AUDIT_HEAD = "audit_head"
