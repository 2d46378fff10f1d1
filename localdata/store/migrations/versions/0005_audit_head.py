"""Count the audit log's entries in one row that every append takes its ``seq`` from.

Revision ID: 0005
Revises: 0004
Created: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, nullable=False, autoincrement=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name="ck_audit_head_one_row"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    # The log so far: its entries are numbered 0, 1, 2 ... so the next one is max + 1.
    op.execute(
        "INSERT INTO audit_head (id, size) SELECT 1, COALESCE(MAX(seq) + 1, 0) FROM audit_entries"
    )


def downgrade() -> None:
    op.drop_table("audit_head")
