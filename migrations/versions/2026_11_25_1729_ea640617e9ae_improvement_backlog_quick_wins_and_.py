"""improvement backlog quick wins and reviews

Revision ID: ea640617e9ae
Revises: c151433f6104
Create Date: 2026-11-25 17:29:13.773654

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ea640617e9ae'
down_revision = 'c151433f6104'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('improvement_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('weekly', 'monthly', 'quarterly', name='review_kind', native_enum=False, length=20), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_reviews'))
    )
    with op.batch_alter_table('improvement_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_reviews_held_on'), ['held_on'], unique=False)
    op.create_table('quick_win_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('min_impact', sa.Integer(), nullable=False),
    sa.Column('max_effort', sa.Integer(), nullable=False),
    sa.Column('max_weeks', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quick_win_rules'))
    )
    op.create_table('improvement_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('business_line_id', sa.Integer(), nullable=True),
    sa.Column('process_area', sa.String(length=16), nullable=True),
    sa.Column('impact', sa.Integer(), nullable=False),
    sa.Column('urgency', sa.Integer(), nullable=False),
    sa.Column('effort', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Float(), nullable=False),
    sa.Column('quick_win', sa.Boolean(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('planned_start', sa.Date(), nullable=True),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('proposed', 'approved', 'in_progress', 'done', 'verified', 'rejected', 'deferred', name='item_status', native_enum=False, length=20), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('approved_on', sa.Date(), nullable=True),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('effort BETWEEN 1 AND 5', name=op.f('ck_improvement_items_effort_range')),
    sa.CheckConstraint('impact BETWEEN 1 AND 5', name=op.f('ck_improvement_items_impact_range')),
    sa.CheckConstraint('urgency BETWEEN 1 AND 5', name=op.f('ck_improvement_items_urgency_range')),
    sa.ForeignKeyConstraint(['business_line_id'], ['business_lines.id'], name=op.f('fk_improvement_items_business_line_id_business_lines')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_improvement_items_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_improvement_items'))
    )
    with op.batch_alter_table('improvement_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_improvement_items_business_line_id'), ['business_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_items_process_area'), ['process_area'], unique=False)
        batch_op.create_index('ix_improvement_items_status_priority', ['status', 'priority'], unique=False)
        batch_op.create_index(batch_op.f('ix_improvement_items_theme_id'), ['theme_id'], unique=False)
    op.create_table('review_action_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_review_action_items_owner_id_users')),
    sa.ForeignKeyConstraint(['review_id'], ['improvement_reviews.id'], name=op.f('fk_review_action_items_review_id_improvement_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_action_items'))
    )
    with op.batch_alter_table('review_action_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_action_items_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_action_items_review_id'), ['review_id'], unique=False)
    op.create_table('quick_win_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('goal', sa.Text(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('business_line_id', sa.Integer(), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('team', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('achieved', sa.Boolean(), nullable=True),
    sa.Column('benefit_text', sa.Text(), nullable=False),
    sa.Column('benefit_numbers', sa.Text(), nullable=False),
    sa.Column('lessons_learned', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_line_id'], ['business_lines.id'], name=op.f('fk_quick_win_projects_business_line_id_business_lines')),
    sa.ForeignKeyConstraint(['item_id'], ['improvement_items.id'], name=op.f('fk_quick_win_projects_item_id_improvement_items')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_quick_win_projects_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quick_win_projects')),
    sa.UniqueConstraint('item_id', name=op.f('uq_quick_win_projects_item_id'))
    )
    with op.batch_alter_table('quick_win_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quick_win_projects_business_line_id'), ['business_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quick_win_projects_owner_id'), ['owner_id'], unique=False)
    op.create_table('review_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('old_status', sa.String(length=20), nullable=False),
    sa.Column('new_status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['improvement_items.id'], name=op.f('fk_review_decisions_item_id_improvement_items')),
    sa.ForeignKeyConstraint(['review_id'], ['improvement_reviews.id'], name=op.f('fk_review_decisions_review_id_improvement_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_decisions'))
    )
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_decisions_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_decisions_review_id'), ['review_id'], unique=False)
    op.create_table('kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.Enum('higher', 'lower', name='kpi_direction', native_enum=False, length=10), nullable=False),
    sa.Column('baseline', sa.Float(), nullable=False),
    sa.Column('target', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['quick_win_projects.id'], name=op.f('fk_kpis_project_id_quick_win_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpis')),
    sa.UniqueConstraint('project_id', 'name', name=op.f('uq_kpis_project_id'))
    )
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpis_project_id'), ['project_id'], unique=False)
    op.create_table('improvement_item_findings',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_improvement_item_findings_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['improvement_items.id'], name=op.f('fk_improvement_item_findings_item_id_improvement_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'finding_id', name=op.f('pk_improvement_item_findings'))
    )
    op.create_table('kpi_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_kpi_measurements_kpi_id_kpis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_measurements'))
    )
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kpi_measurements_kpi_id'), ['kpi_id'], unique=False)


def downgrade():
    with op.batch_alter_table('kpi_measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpi_measurements_kpi_id'))
    op.drop_table('kpi_measurements')
    op.drop_table('improvement_item_findings')
    with op.batch_alter_table('kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kpis_project_id'))
    op.drop_table('kpis')
    with op.batch_alter_table('review_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_decisions_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_decisions_item_id'))
    op.drop_table('review_decisions')
    with op.batch_alter_table('quick_win_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quick_win_projects_owner_id'))
        batch_op.drop_index(batch_op.f('ix_quick_win_projects_business_line_id'))
    op.drop_table('quick_win_projects')
    with op.batch_alter_table('review_action_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_action_items_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_action_items_owner_id'))
    op.drop_table('review_action_items')
    with op.batch_alter_table('improvement_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_items_theme_id'))
        batch_op.drop_index('ix_improvement_items_status_priority')
        batch_op.drop_index(batch_op.f('ix_improvement_items_process_area'))
        batch_op.drop_index(batch_op.f('ix_improvement_items_owner_id'))
        batch_op.drop_index(batch_op.f('ix_improvement_items_business_line_id'))
    op.drop_table('improvement_items')
    op.drop_table('quick_win_rules')
    with op.batch_alter_table('improvement_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_improvement_reviews_held_on'))
    op.drop_table('improvement_reviews')
