"""The current results of each assessment, stored when its ratings change; findings indexed
newest first.

Reports read ``assessments.current_result`` (the ``ladder score`` JSON of the current ratings)
instead of scoring every open assessment on every request. It is written in the same
transaction as every save, import, submission and consensus change; rows of assessments not
saved since this upgrade keep NULL, and readers score those from their ratings until their
next save.

The findings list pages newest first (``created_at DESC, id DESC``); the index lets it read one
page instead of sorting every finding.

Revision ID: 5e7d0c2a9b41
Revises: 5e7a1c9d2b40
Create Date: 2026-11-30 13:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e7d0c2a9b41"
down_revision = "5e7a1c9d2b40"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_result", sa.JSON(), nullable=True))
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index("ix_findings_created_at_id", ["created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index("ix_findings_created_at_id")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("current_result")
