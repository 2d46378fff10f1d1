"""Create users, API keys, agreements and the audit log.

Revision ID: 0003
Revises: 0002
Created: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from localdata.store.metadata import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ROLES = "'viewer', 'publisher', 'standards-owner', 'information-governance', 'admin'"


def upgrade() -> None:
    _accounts()
    _sharing()
    _audit()


def _accounts() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320)),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("disabled_at", UtcDateTime),
        sa.Column("sessions_revoked_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_table(
        "identities",
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("subject", sa.String(512), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "subject", name="pk_identities"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_identities_user_id_users"),
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("granted_at", UtcDateTime, nullable=False),
        sa.Column("granted_by", sa.Text),
        sa.PrimaryKeyConstraint("user_id", "organisation", "role", name="pk_memberships"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_memberships_user_id_users"),
        sa.CheckConstraint(f"role IN ({ROLES})", name="ck_memberships_role"),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("user_id", sa.String(32)),
        sa.Column("organisation", sa.String(255)),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("expires_at", UtcDateTime),
        sa.Column("revoked_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_api_keys_user_id_users"),
        sa.CheckConstraint(
            "user_id IS NOT NULL OR organisation IS NOT NULL", name="ck_api_keys_owner"
        ),
    )


def _sharing() -> None:
    op.create_table(
        "dataset_access",
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("changed_at", UtcDateTime, nullable=False),
        sa.Column("changed_by", sa.Text),
        sa.PrimaryKeyConstraint("dataset", name="pk_dataset_access"),
        sa.CheckConstraint(
            "level IN ('open', 'registered', 'restricted')", name="ck_dataset_access_level"
        ),
    )
    op.create_table(
        "agreements",
        sa.Column("id", sa.String(64), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name="pk_agreements"),
        sa.CheckConstraint("state IN ('draft', 'active', 'suspended')", name="ck_agreements_state"),
    )
    op.create_index("ix_agreements_provider", "agreements", ["provider"])


def _audit() -> None:
    op.create_table(
        "audit_entries",
        sa.Column("seq", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("recorded_at", UtcDateTime, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("actor", sa.Text),
        sa.Column("organisation", sa.String(255)),
        sa.Column("dataset", sa.String(255)),
        sa.Column("agreement", sa.String(64)),
        sa.Column("entry", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_entries"),
    )
    op.create_index("ix_audit_entries_organisation_seq", "audit_entries", ["organisation", "seq"])
    op.create_index("ix_audit_entries_actor_seq", "audit_entries", ["actor", "seq"])
    op.create_table(
        "audit_records",
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("record_id", sa.String(512), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("dataset", "record_id", "seq", name="pk_audit_records"),
        sa.ForeignKeyConstraint(
            ["seq"], ["audit_entries.seq"], name="fk_audit_records_seq_audit_entries"
        ),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("signed_at", UtcDateTime, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("frontier", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_audit_checkpoints"),
    )


def downgrade() -> None:
    for table in (
        "audit_checkpoints",
        "audit_records",
        "audit_entries",
        "agreements",
        "dataset_access",
        "api_keys",
        "memberships",
        "identities",
        "users",
    ):
        op.drop_table(table)
