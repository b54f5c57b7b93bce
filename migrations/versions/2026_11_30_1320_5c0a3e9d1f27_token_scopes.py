"""API tokens carry scopes: ``read`` for every token, ``kpi:write`` and ``themes:run`` on
request for PMO and admin accounts. Existing tokens keep reading only.

Revision ID: 5c0a3e9d1f27
Revises: 384b7f2df83c
Create Date: 2026-11-30 13:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c0a3e9d1f27"
down_revision = "384b7f2df83c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("scopes", sa.String(length=200), nullable=False, server_default="read")
        )


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("scopes")
