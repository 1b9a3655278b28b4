"""device text search: trigram indexes on PostgreSQL

Revision ID: 0004_device_text_search
Revises: 0003_device_order_index
"""
from alembic import op

revision = '0004_device_text_search'
down_revision = '0003_device_order_index'
branch_labels = None
depends_on = None

COLUMNS = ("tag", "brand", "model")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm ships with PostgreSQL (contrib) and is a trusted extension since 13.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in COLUMNS:
            op.create_index(f"ix_devices_{column}_trgm", "devices", [column],
                            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    else:
        with op.batch_alter_table("devices") as batch_op:
            for column in COLUMNS:
                batch_op.create_index(f"ix_devices_{column}_trgm", [column])


def downgrade():
    with op.batch_alter_table("devices") as batch_op:
        for column in COLUMNS:
            batch_op.drop_index(f"ix_devices_{column}_trgm")
