"""checklist items critical or not per category, as the coordinator sets them

Revision ID: 0013_checklist_rules
Revises: 0012_tag_check_symbol
Create Date: 2026-12-01 18:45:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0013_checklist_rules'
down_revision = '0012_tag_check_symbol'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checklist_rules',
        sa.Column('category', sa.Enum('laptop', 'desktop', 'tablet', 'smartphone', 'screen', 'printer', 'peripheral', 'other', name='category', native_enum=False, length=32), nullable=False),
        sa.Column('item_key', sa.String(length=32), nullable=False),
        sa.Column('critical', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_checklist_rules_updated_by_id_users')),
        sa.PrimaryKeyConstraint('category', 'item_key', name=op.f('pk_checklist_rules')),
    )
    with op.batch_alter_table('checklist_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_rules_updated_by_id'), ['updated_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('checklist_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_rules_updated_by_id'))
    op.drop_table('checklist_rules')
