"""indicator targets; events indexed by action and time (the indicators as of a date)

Revision ID: 0008_indicator_targets
Revises: 0007_maintenance
Create Date: 2026-12-01 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_indicator_targets'
down_revision = '0007_maintenance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('target', sa.Double(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_indicator_targets_set_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_targets'))
    )
    with op.batch_alter_table('indicator_targets', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_targets_key_set_at', ['key', 'set_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_targets_set_by_id'), ['set_by_id'], unique=False)
    op.create_index('ix_events_action_occurred_at', 'events', ['action', 'occurred_at', 'subject_id'], unique=False)
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_ready_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_devices_first_ready_at'), ['first_ready_at'], unique=False)
    # Devices made ready before this column existed: the day of their first mark_ready event.
    op.execute(
        "UPDATE devices SET first_ready_at = (SELECT min(events.occurred_at) FROM events"
        " WHERE events.subject_type = 'device' AND events.action = 'device.mark_ready'"
        " AND events.subject_id = devices.id)"
    )


def downgrade():
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_first_ready_at'))
        batch_op.drop_column('first_ready_at')
    op.drop_index('ix_events_action_occurred_at', table_name='events')
    with op.batch_alter_table('indicator_targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_targets_set_by_id'))
        batch_op.drop_index('ix_indicator_targets_key_set_at')
    op.drop_table('indicator_targets')
