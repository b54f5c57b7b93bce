"""Evidence files attached to practices; target profiles and roadmaps of capability levels.

Revision ID: e7d41c2b9a05
Revises: 5e7d0c2a9b41
Create Date: 2026-11-30 13:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e7d41c2b9a05"
down_revision = "5e7d0c2a9b41"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("evidence_date", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_evidence_files_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_files_uploaded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["removed_by_id"], ["users.id"], name=op.f("fk_evidence_files_removed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_files")),
    )
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_files_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_evidence_files_sha256"), ["sha256"], unique=False)
    for table, extra in (
        ("capability_targets", []),
        ("capability_plans", [sa.Column("due", sa.Date(), nullable=False)]),
    ):
        unique = ["business_line_id", "process_area"] + (["due"] if extra else [])
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("business_line_id", sa.Integer(), nullable=False),
            sa.Column("process_area", sa.String(length=20), nullable=False),
            *extra,
            sa.Column("level", sa.Integer(), nullable=False),
            sa.Column("updated_by_id", sa.Integer(), nullable=True),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["business_line_id"],
                ["business_lines.id"],
                name=op.f(f"fk_{table}_business_line_id_business_lines"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["updated_by_id"], ["users.id"], name=op.f(f"fk_{table}_updated_by_id_users")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(*unique, name=op.f(f"uq_{table}_business_line_id")),
        )


def downgrade():
    op.drop_table("capability_plans")
    op.drop_table("capability_targets")
    with op.batch_alter_table("evidence_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_files_sha256"))
        batch_op.drop_index(batch_op.f("ix_evidence_files_assessment_id"))
    op.drop_table("evidence_files")
