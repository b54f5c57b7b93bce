"""Outcome KPIs of business lines: PMO-defined KPIs and values per business line and period.

The built-in KPIs (on-time rate, budget deviation, satisfaction) live in code; a value names
its KPI by key.

Revision ID: 5c0e7a1d9b42
Revises: 7e21b4c9a0d3
Create Date: 2026-11-30 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0e7a1d9b42"
down_revision = "7e21b4c9a0d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_kpis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column(
            "direction",
            sa.Enum("higher", "lower", name="outcome_kpi_direction", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column(
            "frequency",
            sa.Enum(
                "monthly", "quarterly", name="outcome_kpi_frequency", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_kpis")),
        sa.UniqueConstraint("key", name=op.f("uq_outcome_kpis_key")),
    )
    op.create_table(
        "outcome_kpi_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_key", sa.String(length=40), nullable=False),
        sa.Column("business_line_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_line_id"],
            ["business_lines.id"],
            name=op.f("fk_outcome_kpi_values_business_line_id_business_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_outcome_kpi_values_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_kpi_values")),
        sa.UniqueConstraint(
            "kpi_key", "business_line_id", "period", name=op.f("uq_outcome_kpi_values_kpi_key")
        ),
    )
    with op.batch_alter_table("outcome_kpi_values", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_kpi_values_business_line_id"), ["business_line_id"]
        )
        batch_op.create_index(batch_op.f("ix_outcome_kpi_values_updated_by_id"), ["updated_by_id"])


def downgrade():
    with op.batch_alter_table("outcome_kpi_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_kpi_values_updated_by_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_kpi_values_business_line_id"))
    op.drop_table("outcome_kpi_values")
    op.drop_table("outcome_kpis")
