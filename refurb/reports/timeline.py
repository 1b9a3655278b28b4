"""The state of things at the end of a day D, rebuilt from the history (events, loans, visits),
so that a figure for a past date never changes when later work is recorded.

"On or before D" is "before end_of(D)", the first moment of the next day in Paris."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, literal, select

from refurb.db_types import PARIS
from refurb.extensions import db
from refurb.history.models import Event
from refurb.sql import seconds_between, stored


def end_of(day: date) -> datetime:
    """The first moment after `day` in Paris."""
    return datetime.combine(day + timedelta(days=1), time.min, PARIS)


at = stored  # a moment to compare with a column


def before_end_of(column, day: date):
    return column < at(end_of(day))


def last_state(subject_type: str, day: date, *conditions):
    """A subquery (subject_id, action, to_state, details) of each subject's last state change
    on or before D."""
    ranked = (
        select(
            Event.subject_id,
            Event.action,
            Event.to_state,
            Event.details,
            func.row_number()
            .over(
                partition_by=Event.subject_id,
                order_by=(Event.occurred_at.desc(), Event.id.desc()),
            )
            .label("n"),
        )
        .where(
            Event.subject_type == subject_type,
            Event.to_state.is_not(None),
            before_end_of(Event.occurred_at, day),
            *conditions,
        )
        .subquery()
    )
    return (
        select(ranked.c.subject_id, ranked.c.action, ranked.c.to_state, ranked.c.details)
        .where(ranked.c.n == 1)
        .subquery()
    )


def deployed_at(day: date):
    """(device_id, details) of the devices in service at a site at the end of D: each device's
    last state change by then, kept when it was `deploy` (details carry the site)."""
    last = last_state(
        "device",
        day,
        Event.subject_id.in_(select(Event.subject_id).where(Event.action == "device.deploy")),
    )
    return select(last.c.subject_id.label("device_id"), last.c.details).where(
        last.c.action == "device.deploy"
    )


def months_until(first: date, day: date) -> list[date]:
    """The first day of each month from `first`'s month to D's month."""
    months, month = [], date(first.year, first.month, 1)
    while month <= day:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def month_bucket(column, months: list[date]):
    """The index of the month (Paris time) a moment falls in, as SQL: months[i] ≤ moment <
    months[i + 1]; before the first month is -1. A balanced CASE: a few comparisons a row."""
    starts = [at(datetime.combine(month, time.min, PARIS)) for month in months]

    def between(low: int, high: int):  # the index in [low, high], knowing moment ≥ starts[low]
        if low == high:
            return literal(low)
        middle = (low + high + 1) // 2
        return case(
            (column < starts[middle], between(low, middle - 1)), else_=between(middle, high)
        )

    if not months:
        return literal(0)
    return case((column < starts[0], literal(-1)), else_=between(0, len(months) - 1))


def median(values) -> float | None:
    """The median of a one-column subquery of numbers, in SQL on either database."""
    column = values.c[0]
    count = db.session.scalar(select(func.count()).select_from(values).where(column.is_not(None)))
    if not count:
        return None
    middle = select(column).where(column.is_not(None)).order_by(column)
    if count % 2:
        return float(db.session.scalar(middle.offset(count // 2).limit(1)))
    pair = db.session.scalars(middle.offset(count // 2 - 1).limit(2)).all()
    return (float(pair[0]) + float(pair[1])) / 2


def days_between(later, earlier):
    """later − earlier in days (fractional)."""
    return seconds_between(later, earlier) / 86400.0
