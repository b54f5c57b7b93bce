"""Every theme assignment has a confidence in 0..1 (issue #11): the theme page lists the
least confident findings first for review. Assignments made before have none (NULL).

Revision ID: 7d2e41c9a8b3
Revises: 5c0a3e9d1f27
Create Date: 2026-11-30 14:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d2e41c9a8b3"
down_revision = "5c0a3e9d1f27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("theme_findings") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("theme_findings") as batch:
        batch.drop_column("confidence")
