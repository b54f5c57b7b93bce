"""A re-prioritisation's new impact, urgency and effort on its review decision (for the
minutes), and a survey's English title and introduction.

Revision ID: 5c1d2e9f7a40
Revises: e7d41c2b9a05
Create Date: 2026-11-30 14:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1d2e9f7a40"
down_revision = "e7d41c2b9a05"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review_decisions") as batch:
        batch.add_column(sa.Column("impact", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("urgency", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("effort", sa.Integer(), nullable=True))
    with op.batch_alter_table("surveys") as batch:
        batch.add_column(
            sa.Column("title_en", sa.String(length=200), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("introduction_en", sa.Text(), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("surveys") as batch:
        batch.drop_column("introduction_en")
        batch.drop_column("title_en")
    with op.batch_alter_table("review_decisions") as batch:
        batch.drop_column("effort")
        batch.drop_column("urgency")
        batch.drop_column("impact")
