"""Keys that wait for an organisation's approval, sessions kept on the server, and the
back-channel logout tokens already accepted.

Revision ID: 0007
Revises: 0006
Created: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from localdata.store.metadata import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: keys made before approvals existed need none.
    with op.batch_alter_table("api_keys", recreate="never") as batch:
        batch.add_column(sa.Column("approvals_needed", sa.JSON))
        batch.add_column(sa.Column("approvals", sa.JSON))
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("ended_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_sessions"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_sessions_user_id_users"),
    )
    op.create_index("ix_sessions_user_id", "sessions", ["user_id"])
    op.create_table(
        "oidc_logout_tokens",
        sa.Column("issuer", sa.String(512), nullable=False),
        sa.Column("jti", sa.String(255), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("issuer", "jti", name="pk_oidc_logout_tokens"),
    )


def downgrade() -> None:
    op.drop_table("oidc_logout_tokens")
    op.drop_index("ix_sessions_user_id", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("api_keys", recreate="never") as batch:
        batch.drop_column("approvals")
        batch.drop_column("approvals_needed")
