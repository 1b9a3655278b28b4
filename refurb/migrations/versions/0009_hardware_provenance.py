"""hardware reports: where each spec and medium came from, people's corrections, CPU cores

Revision ID: 0009_hardware_provenance
Revises: 0008_indicator_targets
Create Date: 2026-12-01 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_hardware_provenance'
down_revision = '0008_indicator_targets'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cpu_cores', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cpu_threads', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('spec_sources', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('storage_media', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='manual'))
        batch_op.add_column(sa.Column('snapshot_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrected', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reported', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('removed_by_report', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_storage_media_snapshot_id'), ['snapshot_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_storage_media_snapshot_id_snapshots'), 'snapshots', ['snapshot_id'], ['id'])


def downgrade():
    with op.batch_alter_table('storage_media', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_storage_media_snapshot_id_snapshots'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_storage_media_snapshot_id'))
        batch_op.drop_column('removed_by_report')
        batch_op.drop_column('reported')
        batch_op.drop_column('corrected')
        batch_op.drop_column('snapshot_id')
        batch_op.drop_column('source')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_column('spec_sources')
        batch_op.drop_column('cpu_threads')
        batch_op.drop_column('cpu_cores')
