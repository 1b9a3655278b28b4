"""SQL expressions that mean the same on SQLite and PostgreSQL."""

from datetime import datetime

from sqlalchemy import func, literal

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
