"""Create sources, collection attempts and jobs.

Revision ID: 0002
Revises: 0001
Created: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("schedule", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("next_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.CheckConstraint("schedule IN ('hourly', 'daily', 'weekly')", name="ck_sources_schedule"),
        sa.CheckConstraint("state IN ('active', 'paused', 'retired')", name="ck_sources_state"),
    )
    op.create_index("ix_sources_state_next_due_at", "sources", ["state", "next_due_at"])
    op.create_index("ix_sources_organisation_dataset", "sources", ["organisation", "dataset"])
    op.create_table(
        "collection_attempts",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("elapsed_ms", sa.Integer, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("bytes", sa.BigInteger),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("resource", sa.String(64)),
        sa.Column("error", sa.Text),
        sa.Column("submission_id", sa.Integer),
        sa.PrimaryKeyConstraint("id", name="pk_collection_attempts"),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_collection_attempts_source_id_sources"
        ),
        sa.ForeignKeyConstraint(
            ["resource"], ["resources.sha256"], name="fk_collection_attempts_resource_resources"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_collection_attempts_submission_id_submissions",
        ),
        sa.CheckConstraint(
            "outcome IN ('new', 'unchanged', 'failed')", name="ck_collection_attempts_outcome"
        ),
    )
    op.create_index(
        "ix_collection_attempts_source_id_id", "collection_attempts", ["source_id", "id"]
    )
    op.create_table(
        "jobs",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("run_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True)),
        sa.Column("worker", sa.String(255)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed')", name="ck_jobs_state"
        ),
    )
    op.create_index("ix_jobs_key", "jobs", ["key"], unique=True)
    op.create_index("ix_jobs_state_run_after", "jobs", ["state", "run_after"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("collection_attempts")
    op.drop_table("sources")
