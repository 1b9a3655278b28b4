"""Human references numbered per year: COL-2026-0001, CE-2026-00042, REC-2026-003…"""

from datetime import date

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from refurb.extensions import db


class Counter(db.Model):
    """The last number given for a kind of reference in a year."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


def next_reference(name: str, width: int = 4, on: date | None = None) -> str:
    """Take the next number for `name` this year (row-locked on PostgreSQL)."""
    year = (on or date.today()).year
    counter = db.session.scalar(
        select(Counter).where(Counter.name == name, Counter.year == year).with_for_update()
    )
    if counter is None:
        counter = Counter(name=name, year=year, value=0)
        db.session.add(counter)
    counter.value += 1
    db.session.flush()
    return f"{name}-{year}-{counter.value:0{width}d}"
