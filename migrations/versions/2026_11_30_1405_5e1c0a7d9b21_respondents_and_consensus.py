"""Respondents of an assessment, their own ratings, and the consensus reason.

Assessments may have several respondents (accounts with the new role ``respondent``, and the
director): each rates the practices assigned to them in ``respondent_ratings``; the director
sets the consensus in ``practice_ratings``, with ``consensus_reason`` where it differs from the
proposal. The role is stored as text (``users.role`` is not a native enum), so it needs no
ALTER TYPE; the business line a respondent belongs to is kept in ``respondent_lines``.

Revision ID: 5e1c0a7d9b21
Revises: 5c1d2e9f7a40
Create Date: 2026-11-30 14:05:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1c0a7d9b21"
down_revision = "5c1d2e9f7a40"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "respondent_lines",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("business_line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_line_id"],
            ["business_lines.id"],
            name=op.f("fk_respondent_lines_business_line_id_business_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_respondent_lines_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_respondent_lines")),
    )
    with op.batch_alter_table("respondent_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_respondent_lines_business_line_id"), ["business_line_id"], unique=False
        )
    op.create_table(
        "assessment_respondents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assignments", sa.JSON(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_respondents_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_assessment_respondents_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_respondents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_respondents")),
        sa.UniqueConstraint(
            "assessment_id", "user_id", name=op.f("uq_assessment_respondents_assessment_id")
        ),
    )
    with op.batch_alter_table("assessment_respondents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_respondents_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_respondents_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "respondent_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent_id", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.String(length=40), nullable=False),
        sa.Column("rating", sa.String(length=2), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("na_reason", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["respondent_id"],
            ["assessment_respondents.id"],
            name=op.f("fk_respondent_ratings_respondent_id_assessment_respondents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_respondent_ratings")),
        sa.UniqueConstraint(
            "respondent_id", "practice_id", name=op.f("uq_respondent_ratings_respondent_id")
        ),
    )
    with op.batch_alter_table("respondent_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_respondent_ratings_respondent_id"), ["respondent_id"], unique=False
        )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consolidation_opened_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("respondent_snapshot", sa.JSON(), nullable=True))
    with op.batch_alter_table("practice_ratings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consensus_reason", sa.Text(), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("practice_ratings", schema=None) as batch_op:
        batch_op.drop_column("consensus_reason")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("respondent_snapshot")
        batch_op.drop_column("consolidation_opened_at")
    with op.batch_alter_table("respondent_ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respondent_ratings_respondent_id"))
    op.drop_table("respondent_ratings")
    with op.batch_alter_table("assessment_respondents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_respondents_user_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_respondents_assessment_id"))
    op.drop_table("assessment_respondents")
    with op.batch_alter_table("respondent_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_respondent_lines_business_line_id"))
    op.drop_table("respondent_lines")
