"""Create resources, submissions and submission issues.

Revision ID: 0001
Revises:
Created: 2025-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(255), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name="pk_resources"),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("standard_version", sa.String(64), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=False),
        sa.Column("resource", sa.String(64), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("submitted_by", sa.Text),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("infos", sa.Integer, nullable=False),
        sa.Column("delta_version", sa.BigInteger),
        sa.Column("report", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
        sa.ForeignKeyConstraint(
            ["resource"], ["resources.sha256"], name="fk_submissions_resource_resources"
        ),
        sa.CheckConstraint(
            "status IN ('published', 'rejected', 'unchanged')", name="ck_submissions_status"
        ),
        sa.CheckConstraint(
            "(status = 'published') = (delta_version IS NOT NULL)",
            name="ck_submissions_delta_version",
        ),
    )
    op.create_index(
        "ix_submissions_dataset_organisation_submitted_at",
        "submissions",
        ["dataset", "organisation", "submitted_at"],
    )
    op.create_index(
        "ix_submissions_dataset_delta_version",
        "submissions",
        ["dataset", "delta_version"],
        unique=True,
    )
    op.create_table(
        "submission_issues",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
        sa.Column("submission_id", sa.Integer, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("row", sa.BigInteger),
        sa.Column("field", sa.Text),
        sa.Column("column", sa.Text),
        sa.Column("value", sa.Text),
        sa.Column("message", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submission_issues"),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_submission_issues_submission_id_submissions",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "severity IN ('error', 'warning', 'info')", name="ck_submission_issues_severity"
        ),
    )
    op.create_index(
        "ix_submission_issues_submission_id_id", "submission_issues", ["submission_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("submission_issues")
    op.drop_table("submissions")
    op.drop_table("resources")
