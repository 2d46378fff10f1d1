"""Keys that wait for an organisation's approval.

Revision ID: 0008
Revises: 0006
Created: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: keys made before approvals existed need none.
    with op.batch_alter_table("api_keys", recreate="never") as batch:
        batch.add_column(sa.Column("approvals_needed", sa.JSON))
        batch.add_column(sa.Column("approvals", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("api_keys", recreate="never") as batch:
        batch.drop_column("approvals")
        batch.drop_column("approvals_needed")
