"""Record the reporting period each submission covers, what each publish replaced, and the
period a source's files cover when it is always the same.

Revision ID: 0006
Revises: 0005
Created: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, so that submissions made before periods existed keep working unchanged.
    with op.batch_alter_table("submissions", recreate="never") as batch:
        batch.add_column(sa.Column("period_start", sa.Date))
        batch.add_column(sa.Column("period_end", sa.Date))
        batch.add_column(sa.Column("replaced", sa.JSON))
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.add_column(sa.Column("period", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("period")
    # SQLite drops a column in place (3.35 and later); nothing refers to these columns.
    with op.batch_alter_table("submissions", recreate="never") as batch:
        batch.drop_column("replaced")
        batch.drop_column("period_end")
        batch.drop_column("period_start")
