"""A clustering run is a draft until the PMO publishes it (issue #11): ``published_at`` and
``published_by_id`` on the run, the changes publishing made (JSON), and whether the PMO
renamed a theme (``label_edited``) so that the next publication keeps the name.

Runs finished before this migration were what everybody saw: the latest finished one is
marked published so leadership keeps seeing the same themes after the upgrade.

Revision ID: 9b3f6d1e2a74
Revises: 5e1c0b7a9d42
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9b3f6d1e2a74"
down_revision = "5e1c0b7a9d42"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clustering_runs") as batch:
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("published_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("changes", sa.JSON(), nullable=True))
        batch.create_index("ix_clustering_runs_published_at", ["published_at"])
        batch.create_foreign_key(
            "fk_clustering_runs_published_by_id_users",
            "users",
            ["published_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("themes") as batch:
        batch.add_column(
            sa.Column("label_edited", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE clustering_runs SET published_at = COALESCE(finished_at, created_at) WHERE id = "
        "(SELECT max(id) FROM clustering_runs WHERE status = 'done')"
    )


def downgrade():
    with op.batch_alter_table("themes") as batch:
        batch.drop_column("label_edited")
    with op.batch_alter_table("clustering_runs") as batch:
        batch.drop_constraint("fk_clustering_runs_published_by_id_users", type_="foreignkey")
        batch.drop_index("ix_clustering_runs_published_at")
        batch.drop_column("changes")
        batch.drop_column("published_by_id")
        batch.drop_column("published_at")
