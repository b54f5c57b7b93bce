"""Every theme assignment has a confidence in 0..1 (issue #11): the theme page lists the
least confident findings first for review. Assignments made before have none (NULL).
``improvement_items.theme_id`` becomes a real foreign key (SET NULL on delete); links to
themes that no longer exist are cleared first.

Revision ID: 7d2e41c9a8b3
Revises: 5e1c0a7d9b21
Create Date: 2026-11-30 14:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d2e41c9a8b3"
down_revision = "5e1c0a7d9b21"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("theme_findings") as batch:
        batch.add_column(sa.Column("confidence", sa.Float(), nullable=True))
    op.execute(
        "UPDATE improvement_items SET theme_id = NULL"
        " WHERE theme_id IS NOT NULL AND theme_id NOT IN (SELECT id FROM themes)"
    )
    with op.batch_alter_table("improvement_items") as batch:
        batch.create_foreign_key(
            "fk_improvement_items_theme_id_themes",
            "themes",
            ["theme_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("improvement_items") as batch:
        batch.drop_constraint("fk_improvement_items_theme_id_themes", type_="foreignkey")
    with op.batch_alter_table("theme_findings") as batch:
        batch.drop_column("confidence")
