"""Human references numbered per year: COL-2026-0001, CE-2026-00042, REC-2026-003…"""

from datetime import date

from sqlalchemy import String, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from refurb.db_types import today
from refurb.extensions import db


class Counter(db.Model):
    """The last number given for a kind of reference in a year."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_reference(name: str, width: int = 4, on: date | None = None) -> str:
    """Take the next number for `name` this year, atomically on both databases: the counter row
    is created if missing (a concurrent creation is not an error), then incremented and read
    in one UPDATE … RETURNING, which holds the row until the transaction ends."""
    year = (on or today()).year
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Counter).values(name=name, year=year, value=0).on_conflict_do_nothing()
    )
    value = db.session.scalar(
        update(Counter)
        .where(Counter.name == name, Counter.year == year)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    )
    return f"{name}-{year}-{value:0{width}d}"
