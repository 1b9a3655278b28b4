"""uploaded documents in the database when UPLOADS_STORAGE is "database"

Revision ID: 0011_stored_files
Revises: 0010_device_counts_and_search
Create Date: 2026-12-01 16:55:00

"""
from alembic import op
import sqlalchemy as sa

revision = '0011_stored_files'
down_revision = '0010_device_counts_and_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stored_files',
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'name', name=op.f('pk_stored_files')),
    )


def downgrade():
    op.drop_table('stored_files')
