"""device counts kept by triggers; SQLite text search through an FTS5 trigram index

Revision ID: 0010_device_counts_and_search
Revises: 0009_hardware_provenance
Create Date: 2026-12-01 16:20:00

The device list shows how many devices are in each state. Counting them on every page read
100,000 rows; `device_counts` holds the counts per (state, category, grade) instead, kept by
triggers in the same transaction as any insert, change or delete of a device, whichever code
path made it (pages, API, imports, bulk inserts).

On SQLite, `LIKE '%…%'` scans the whole table: `device_search` is an FTS5 index with the
trigram tokenizer over the searched columns (external content: the text stays in `devices`),
kept by triggers too. PostgreSQL already has trigram GIN indexes (0004).

A SQLite batch migration that rebuilds `devices` drops its triggers: such a migration must
call `create_triggers()` of this module again (tests/inventory/test_counts.py would fail).
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_device_counts_and_search'
down_revision = '0009_hardware_provenance'
branch_labels = None
depends_on = None

KEY = "state = {row}.state AND category = {row}.category AND grade = COALESCE({row}.grade, '')"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER device_counts_insert AFTER INSERT ON devices BEGIN
      INSERT OR IGNORE INTO device_counts (state, category, grade, devices)
        VALUES (NEW.state, NEW.category, COALESCE(NEW.grade, ''), 0);
      UPDATE device_counts SET devices = devices + 1 WHERE {KEY.format(row='NEW')};
      INSERT INTO device_search (rowid, tag, brand, model, serial_number)
        VALUES (NEW.id, NEW.tag, NEW.brand, NEW.model, COALESCE(NEW.serial_number, ''));
    END""",
    f"""CREATE TRIGGER device_counts_delete AFTER DELETE ON devices BEGIN
      UPDATE device_counts SET devices = devices - 1 WHERE {KEY.format(row='OLD')};
      INSERT INTO device_search (device_search, rowid, tag, brand, model, serial_number)
        VALUES ('delete', OLD.id, OLD.tag, OLD.brand, OLD.model, COALESCE(OLD.serial_number, ''));
    END""",
    f"""CREATE TRIGGER device_counts_update AFTER UPDATE OF state, category, grade ON devices
    WHEN OLD.state IS NOT NEW.state OR OLD.category IS NOT NEW.category
      OR OLD.grade IS NOT NEW.grade BEGIN
      UPDATE device_counts SET devices = devices - 1 WHERE {KEY.format(row='OLD')};
      INSERT OR IGNORE INTO device_counts (state, category, grade, devices)
        VALUES (NEW.state, NEW.category, COALESCE(NEW.grade, ''), 0);
      UPDATE device_counts SET devices = devices + 1 WHERE {KEY.format(row='NEW')};
    END""",
    """CREATE TRIGGER device_search_update AFTER UPDATE OF tag, brand, model, serial_number
    ON devices BEGIN
      INSERT INTO device_search (device_search, rowid, tag, brand, model, serial_number)
        VALUES ('delete', OLD.id, OLD.tag, OLD.brand, OLD.model, COALESCE(OLD.serial_number, ''));
      INSERT INTO device_search (rowid, tag, brand, model, serial_number)
        VALUES (NEW.id, NEW.tag, NEW.brand, NEW.model, COALESCE(NEW.serial_number, ''));
    END""",
]

# PostgreSQL: statement-level triggers over the transition tables, adding each statement's net
# change per key in one upsert. (A row-level trigger updating the same counter row for each of
# 50,000 inserted rows leaves 50,000 row versions in one transaction: quadratic.)
NET = {
    "INSERT": "SELECT state, category, COALESCE(grade, '') AS grade, 1 AS d FROM new_rows",
    "DELETE": "SELECT state, category, COALESCE(grade, '') AS grade, -1 AS d FROM old_rows",
}
NET["UPDATE"] = NET["INSERT"] + " UNION ALL " + NET["DELETE"]

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION device_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO device_counts AS c (state, category, grade, devices)
      SELECT state, category, grade, sum(d) FROM ({INSERT}) AS changes
      GROUP BY state, category, grade
      ON CONFLICT (state, category, grade) DO UPDATE SET devices = c.devices + EXCLUDED.devices;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE device_counts AS c SET devices = c.devices + n.d
      FROM (SELECT state, category, grade, sum(d) AS d FROM ({DELETE}) AS changes
            GROUP BY state, category, grade) AS n
      WHERE c.state = n.state AND c.category = n.category AND c.grade = n.grade;
  ELSE
    INSERT INTO device_counts AS c (state, category, grade, devices)
      SELECT state, category, grade, sum(d) FROM ({UPDATE}) AS changes
      GROUP BY state, category, grade HAVING sum(d) <> 0
      ON CONFLICT (state, category, grade) DO UPDATE SET devices = c.devices + EXCLUDED.devices;
  END IF;
  RETURN NULL;
END $$""".format(**NET)

POSTGRESQL_TRIGGERS = {
    "INSERT": "REFERENCING NEW TABLE AS new_rows",
    "DELETE": "REFERENCING OLD TABLE AS old_rows",
    "UPDATE": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def create_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for operation, transition in POSTGRESQL_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER device_counts_{operation.lower()} AFTER {operation} ON devices"
                f" {transition} FOR EACH STATEMENT EXECUTE FUNCTION device_counts_follow()"
            )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def upgrade():
    op.create_table(
        'device_counts',
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('category', sa.String(length=32), nullable=False),
        sa.Column('grade', sa.String(length=1), nullable=False),
        sa.Column('devices', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('state', 'category', 'grade', name=op.f('pk_device_counts')),
    )
    if op.get_bind().dialect.name == "postgresql":
        # No device may change between the count below and the triggers (the migration's
        # transaction holds this lock until it commits; other instances' writes wait).
        op.execute("LOCK TABLE devices IN SHARE ROW EXCLUSIVE MODE")
    op.execute(
        "INSERT INTO device_counts (state, category, grade, devices)"
        " SELECT state, category, COALESCE(grade, ''), count(*) FROM devices"
        " GROUP BY state, category, COALESCE(grade, '')"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE device_search USING fts5(tag, brand, model, serial_number,"
            " content='devices', content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO device_search (device_search) VALUES ('rebuild')")
    create_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for operation in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER device_counts_{operation.lower()} ON devices")
        op.execute("DROP FUNCTION device_counts_follow()")
    else:
        for name in ("device_counts_insert", "device_counts_delete", "device_counts_update",
                     "device_search_update"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE device_search")
    op.drop_table('device_counts')
