"""Create the event outbox, webhook subscriptions, deliveries, their log and overdue marks.

Revision ID: 0004
Revises: 0003
Created: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from localdata.store.metadata import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
STATES = "'pending', 'delivered', 'dead', 'withheld', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", BIG_ID, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("subject", sa.Text),
        sa.Column("time", UtcDateTime, nullable=False),
        sa.Column("dataset", sa.String(255)),
        sa.Column("organisation", sa.String(255)),
        sa.Column("data", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
    )
    op.create_index("ix_events_id", "events", ["id"], unique=True)
    op.create_index("ix_events_dataset_seq", "events", ["dataset", "seq"])
    op.create_index("ix_events_organisation_seq", "events", ["organisation", "seq"])
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("email", sa.String(320)),
        sa.Column("types", sa.JSON, nullable=False),
        sa.Column("dataset", sa.String(255)),
        sa.Column("organisation", sa.String(255)),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("previous_secret", sa.Text),
        sa.Column("previous_until", UtcDateTime),
        sa.Column("validated_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("deleted_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_subscriptions"),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.id"], name="fk_webhook_subscriptions_key_id_api_keys"
        ),
        sa.CheckConstraint(
            "channel IN ('webhook', 'email')", name="ck_webhook_subscriptions_channel"
        ),
    )
    op.create_index("ix_webhook_subscriptions_key_id", "webhook_subscriptions", ["key_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("subscription_id", sa.String(32), nullable=False),
        sa.Column("event_seq", BIG_ID, nullable=False),
        sa.Column("chain", sa.String(512), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("first_attempt_at", UtcDateTime),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("claimed_until", UtcDateTime),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", UtcDateTime),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_deliveries"),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name="fk_webhook_deliveries_subscription_id_webhook_subscriptions",
        ),
        sa.ForeignKeyConstraint(
            ["event_seq"], ["events.seq"], name="fk_webhook_deliveries_event_seq_events"
        ),
        sa.CheckConstraint(f"state IN ({STATES})", name="ck_webhook_deliveries_state"),
    )
    op.create_index(
        "ix_webhook_deliveries_subscription_id_event_seq",
        "webhook_deliveries",
        ["subscription_id", "event_seq"],
        unique=True,
    )
    op.create_index(
        "ix_webhook_deliveries_subscription_id_chain_state_event_seq",
        "webhook_deliveries",
        ["subscription_id", "chain", "state", "event_seq"],
    )
    op.create_index(
        "ix_webhook_deliveries_subscription_id_state",
        "webhook_deliveries",
        ["subscription_id", "state"],
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("delivery_id", BIG_ID, nullable=False),
        sa.Column("attempted_at", UtcDateTime, nullable=False),
        sa.Column("elapsed_ms", sa.Integer, nullable=False),
        sa.Column("http_status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_attempts"),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name="fk_webhook_attempts_delivery_id_webhook_deliveries",
        ),
    )
    op.create_index("ix_webhook_attempts_delivery_id_id", "webhook_attempts", ["delivery_id", "id"])
    op.create_table(
        "overdue_marks",
        sa.Column("dataset", sa.String(255), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=False),
        sa.Column("due_by", UtcDateTime, nullable=False),
        sa.Column("marked_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("dataset", "organisation", name="pk_overdue_marks"),
    )


def downgrade() -> None:
    for table in (
        "overdue_marks",
        "webhook_attempts",
        "webhook_deliveries",
        "webhook_subscriptions",
        "events",
    ):
        op.drop_table(table)
