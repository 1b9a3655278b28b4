"""The devices' figures as of D (DESIGN §8): stock by state and category, flows per month with
their running totals, and the median days from intake to ready."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.reports.timeline import (
    at,
    before_end_of,
    days_between,
    end_of,
    last_state,
    median,
    month_bucket,
    months_until,
)

MAX_MONTHS = 36  # the charts show three years at most; earlier months are in the totals
FLOWS = {
    "received": "device.received",
    "lent": "device.lend",
    "deployed": "device.deploy",
    "given": "device.give",
    "recycled": "device.recycle",
}


def stock(day: date) -> dict[tuple[Category, State], int]:
    """(category, state) → devices in that state at the end of D: today's states, with the
    devices whose state changed after D put back in their state at D (each one's last state
    change by then), so that only the changes after D are read from the history."""
    received = before_end_of(Device.created_at, day)
    changed_after = select(Event.id).where(
        Event.subject_type == "device",
        Event.to_state.is_not(None),
        Event.occurred_at >= at(end_of(day)),
    )
    changed = (
        select(Event.subject_id)
        .where(
            Event.subject_type == "device",
            Event.to_state.is_not(None),
            Event.occurred_at >= at(end_of(day)),
        )
        .distinct()
    )
    counts: Counter = Counter()
    by_state = (Device.category, Device.state)
    for category, state, count in db.session.execute(
        select(*by_state, func.count()).where(received).group_by(*by_state)
    ):
        counts[(Category(category), State(state))] += count
    if db.session.scalar(select(changed_after.exists())) is False:
        return {key: count for key, count in counts.items() if count}
    for category, state, count in db.session.execute(
        select(*by_state, func.count()).where(received, Device.id.in_(changed)).group_by(*by_state)
    ):
        counts[(Category(category), State(state))] -= count
    last = last_state("device", day, Event.subject_id.in_(changed))
    for category, state, count in db.session.execute(
        select(Device.category, last.c.to_state, func.count())
        .join(last, last.c.subject_id == Device.id)
        .where(received)
        .group_by(Device.category, last.c.to_state)
    ):
        counts[(Category(category), State(state))] += count
    return {key: count for key, count in counts.items() if count}


@dataclass
class Month:
    month: date
    received: int = 0
    made_ready: int = 0
    lent: int = 0
    deployed: int = 0
    given: int = 0
    recycled: int = 0
    received_total: int = 0  # running totals since the first record, whatever the chart shows
    made_ready_total: int = 0


def flows(day: date) -> list[Month]:
    """Per month up to D's month (Paris time): devices received, made ready (the first time),
    lent, deployed, given and recycled, with the running totals of received and made ready."""
    first = db.session.scalar(
        select(func.min(Event.occurred_at)).where(Event.action == FLOWS["received"])
    )
    start = max(first.date() if first else day, day - timedelta(days=31 * (MAX_MONTHS - 1)))
    start = min(start, date(day.year, day.month, 1) - timedelta(days=1))  # a line: two months
    months = months_until(start, day)
    found = {m.month: m for m in (Month(month) for month in months)}
    before = {name: 0 for name in [*FLOWS, "made_ready"]}

    def add(name, bucket, count):
        if bucket < 0:
            before[name] += count
        else:
            setattr(found[months[bucket]], name, count)

    names = {action: name for name, action in FLOWS.items()}
    bucket = month_bucket(Event.occurred_at, months)
    for action, index, count in db.session.execute(
        select(Event.action, bucket, func.count())
        .where(Event.action.in_(list(FLOWS.values())), before_end_of(Event.occurred_at, day))
        .group_by(Event.action, bucket)
    ):
        add(names[action], index, count)
    bucket = month_bucket(Device.first_ready_at, months)
    for index, count in db.session.execute(
        select(bucket, func.count())
        .where(before_end_of(Device.first_ready_at, day))
        .group_by(bucket)
    ):
        add("made_ready", index, count)
    received, ready = before["received"], before["made_ready"]
    for month in found.values():
        received += month.received
        ready += month.made_ready
        month.received_total, month.made_ready_total = received, ready
    return list(found.values())


def median_days_to_ready(day: date) -> float | None:
    """Median days from intake to the first time ready, over the devices made ready by D."""
    values = select(days_between(Device.first_ready_at, Device.created_at)).where(
        before_end_of(Device.first_ready_at, day)
    )
    found = median(values.subquery())
    return None if found is None else round(found, 1)
