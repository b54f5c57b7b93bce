"""Notifications: the in-app centre, people's channel settings, group-bot webhooks and the
outbox of deliveries that a job sends.

Revision ID: 7e21b4c9a0d3
Revises: 5c0a3e9d1f27
Create Date: 2026-11-30 13:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e21b4c9a0d3"
down_revision = "5c0a3e9d1f27"
branch_labels = None
depends_on = None

KINDS = (
    "assessment_opened",
    "assessment_submitted",
    "assessment_returned",
    "assessment_validated",
    "item_assigned",
    "item_status",
    "item_overdue",
    "kpi_due",
    "review_scheduled",
    "minutes_ready",
    "clustering_done",
    "digest",
)
CHANNELS = ("email", "wecom", "dingtalk", "feishu")


def _enum(values, name, length):
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum(KINDS, "notice_kind", 30), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at"])
    op.create_index(op.f("ix_notifications_created_at"), "notifications", ["created_at"])
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    op.create_table(
        "webhook_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("vendor", _enum(CHANNELS, "webhook_vendor", 10), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("business_line_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_line_id"],
            ["business_lines.id"],
            name=op.f("fk_webhook_channels_business_line_id_business_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_channels")),
    )
    op.create_index(
        op.f("ix_webhook_channels_business_line_id"), "webhook_channels", ["business_line_id"]
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", _enum(CHANNELS, "delivery_channel", 10), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "status", _enum(("pending", "sent", "failed"), "delivery_status", 10), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhook_channels.id"],
            name=op.f("fk_notification_deliveries_webhook_id_webhook_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
    )
    op.create_index(
        "ix_notification_deliveries_due", "notification_deliveries", ["status", "next_attempt_at"]
    )


def downgrade():
    op.drop_table("notification_deliveries")
    op.drop_table("webhook_channels")
    op.drop_table("notification_settings")
    op.drop_table("notifications")
