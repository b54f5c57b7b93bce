"""Satisfaction surveys (questions, anonymous answers, invitations), quick-win benefits in
numbers, and the lessons library.

A survey gets a kind (``pain_points`` for every existing one) and, for satisfaction surveys,
the month its answers measure. Satisfaction answers live apart from invitations: nothing in
either table refers to the other. A quick-win project gets its savings per month (money or
hours), the cost of an hour and its one-off cost. ``lessons.search_text`` holds the title,
text and tags normalised for substring search.

Revision ID: 5e7a1c9d2b40
Revises: 5c0e7a1d9b42
Create Date: 2026-11-30 13:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7a1c9d2b40"
down_revision = "5c0e7a1d9b42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "pain_points", "satisfaction", name="survey_kind", native_enum=False, length=20
                ),
                nullable=False,
                server_default="pain_points",
            )
        )
        batch_op.add_column(sa.Column("period", sa.String(length=7), nullable=True))
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.alter_column("kind", server_default=None)

    op.create_table(
        "survey_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("likert", "choice", "text", name="question_kind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_questions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questions")),
    )
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_questions_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "satisfaction_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("business_line_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_line_id"],
            ["business_lines.id"],
            name=op.f("fk_satisfaction_responses_business_line_id_business_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_satisfaction_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_responses")),
    )
    with op.batch_alter_table("satisfaction_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_satisfaction_responses_business_line_id"),
            ["business_line_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_satisfaction_responses_survey_id"), ["survey_id"], unique=False
        )

    op.create_table(
        "satisfaction_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("choice", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_satisfaction_answers_rating_range")
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["findings.id"],
            name=op.f("fk_satisfaction_answers_finding_id_findings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["survey_questions.id"],
            name=op.f("fk_satisfaction_answers_question_id_survey_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["satisfaction_responses.id"],
            name=op.f("fk_satisfaction_answers_response_id_satisfaction_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_answers")),
    )
    with op.batch_alter_table("satisfaction_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answers_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_satisfaction_answers_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "survey_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_invitations_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitations")),
        sa.UniqueConstraint("survey_id", "email", name=op.f("uq_survey_invitations_survey_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_survey_invitations_token_hash")),
    )
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_invitations_survey_id"), ["survey_id"], unique=False
        )

    with op.batch_alter_table("quick_win_projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "benefit_unit",
                sa.Enum("money", "hours", name="benefit_unit", native_enum=False, length=10),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("benefit_per_month", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("benefit_hourly_cost", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("benefit_one_off_cost", sa.Float(), nullable=True))

    op.create_table(
        "lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("best_practice", "failure", name="lesson_kind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("business_line_id", sa.Integer(), nullable=True),
        sa.Column("process_area", sa.String(length=16), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "manual", "quick_win", "review", name="lesson_source", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_line_id"],
            ["business_lines.id"],
            name=op.f("fk_lessons_business_line_id_business_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_lessons_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["quick_win_projects.id"],
            name=op.f("fk_lessons_project_id_quick_win_projects"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["improvement_reviews.id"],
            name=op.f("fk_lessons_review_id_improvement_reviews"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lessons")),
    )
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lessons_business_line_id"), ["business_line_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_lessons_process_area"), ["process_area"], unique=False)


def downgrade():
    with op.batch_alter_table("lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lessons_process_area"))
        batch_op.drop_index(batch_op.f("ix_lessons_business_line_id"))
    op.drop_table("lessons")
    with op.batch_alter_table("quick_win_projects", schema=None) as batch_op:
        batch_op.drop_column("benefit_one_off_cost")
        batch_op.drop_column("benefit_hourly_cost")
        batch_op.drop_column("benefit_per_month")
        batch_op.drop_column("benefit_unit")
    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_invitations_survey_id"))
    op.drop_table("survey_invitations")
    with op.batch_alter_table("satisfaction_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_answers_response_id"))
        batch_op.drop_index(batch_op.f("ix_satisfaction_answers_question_id"))
    op.drop_table("satisfaction_answers")
    with op.batch_alter_table("satisfaction_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_satisfaction_responses_survey_id"))
        batch_op.drop_index(batch_op.f("ix_satisfaction_responses_business_line_id"))
    op.drop_table("satisfaction_responses")
    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_questions_survey_id"))
    op.drop_table("survey_questions")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("period")
        batch_op.drop_column("kind")
