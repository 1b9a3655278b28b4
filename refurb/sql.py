"""SQL expressions that mean the same on SQLite and PostgreSQL."""

from datetime import datetime

from sqlalchemy import Table, func, insert, literal

from refurb.db_types import UTCDateTime
from refurb.extensions import db


def stored(moment: datetime):
    """A datetime as the database stores it (UTC; naive on SQLite), to compare with a column."""
    return literal(moment, UTCDateTime())


def seconds_between(later, earlier):
    """later − earlier in seconds."""
    if db.session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


# Rows per statement for batched lookups and inserts: one round trip per batch, not per row.
BATCH = 2000


def in_batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert many rows at once, the columns' defaults applied: COPY on PostgreSQL (one
    statement, its statement triggers run once), executemany on SQLite."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = [c for c in table.columns if c.key in rows[0] or c.default is not None]
    processors = [c.type._cached_bind_processor(connection.dialect) for c in columns]
    names = ", ".join(c.name for c in columns)
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = []
            for column, process in zip(columns, processors, strict=True):
                if column.key in row:
                    value = row[column.key]
                else:
                    value = column.default.arg
                    if callable(value):
                        value = value(None)  # SQLAlchemy's wrapped default: takes a context
                values.append(process(value) if process else value)
            copy.write_row(values)


def containing(column, typed: str):
    """`column` contains what was typed, whatever its case, taken literally: %, _ and \\ typed
    by a person are not wildcards."""
    escaped = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
