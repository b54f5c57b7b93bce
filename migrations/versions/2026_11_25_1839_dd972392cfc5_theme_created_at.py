"""When a theme was created (for the review agenda's "new themes since the last review").

Revision ID: dd972392cfc5
Revises: 1437fc2fb806
Create Date: 2026-11-25 18:39:15.322475

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "dd972392cfc5"
down_revision = "1437fc2fb806"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_themes_created_at"), ["created_at"], unique=False)
    # Existing themes date from their run.
    op.execute(
        "UPDATE themes SET created_at = (SELECT coalesce(r.finished_at, r.created_at) "
        "FROM clustering_runs r WHERE r.id = themes.run_id)"
    )


def downgrade():
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_themes_created_at"))
        batch_op.drop_column("created_at")
