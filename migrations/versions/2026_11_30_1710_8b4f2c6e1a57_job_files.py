"""Files of background jobs.

``job_files`` keeps, in the database so that any process can read them, an upload waiting for
its import job and a report document (PDF, workbook) a job prepared.

Revision ID: 8b4f2c6e1a57
Revises: 9b3f6d1e2a74
Create Date: 2026-11-30 17:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8b4f2c6e1a57"
down_revision = "9b3f6d1e2a74"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_job_files_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_files")),
    )
    with op.batch_alter_table("job_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_files_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_job_files_key"), ["key"], unique=False)


def downgrade():
    with op.batch_alter_table("job_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_job_files_key"))
        batch_op.drop_index(batch_op.f("ix_job_files_created_at"))
    op.drop_table("job_files")
