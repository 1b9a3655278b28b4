"""a loan's deposit at return: given back to the household or kept by the association

Revision ID: 0014_deposit_returned
Revises: 0013_checklist_rules
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0014_deposit_returned'
down_revision = '0013_checklist_rules'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deposit_returned', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('deposit_returned')
