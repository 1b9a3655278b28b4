"""Column types shared by every module."""

import enum
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, DateTime, Enum, Integer
from sqlalchemy.types import TypeDecorator

_frozen: list[datetime] = []
PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> datetime:
    """Now, in UTC; demo data generation can set the clock with `clock_at`."""
    return _frozen[-1] if _frozen else datetime.now(UTC)


def today() -> date:
    """Today in Paris by the same clock as utcnow(): the date a record is made on."""
    return utcnow().astimezone(PARIS).date()


@contextmanager
def clock_at(moment: datetime):
    """Make utcnow() return `moment` inside the block (for generating dated demo history)."""
    _frozen.append(moment)
    try:
        yield
    finally:
        _frozen.pop()


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A 64-bit key on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer, "sqlite")


def str_enum(enum_class: type[enum.Enum], length: int = 32) -> Enum:
    """Store an enum by its value as a plain string column (portable, easy to extend)."""
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
