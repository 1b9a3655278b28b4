"""The roadmap's indicators as of a date D (DESIGN §8), each computed in SQL from the history,
so a figure for a past date never changes when later work is recorded."""

import math
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.models import Device, Partnership
from refurb.maintenance.enums import SiteKind, VisitStatus
from refurb.maintenance.models import Plan, Site, Visit
from refurb.reports.targets import DEFINITIONS, is_share, share_step, target_on
from refurb.reports.timeline import PARIS, at, deployed_at, end_of

PACE_DAYS = 180


def collected(day: date) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Event.action == "device.received", Event.occurred_at < at(end_of(day))
        )
    )


def made_ready(day: date) -> int:
    """Devices that reached `ready` at least once (a device lent three times counts once):
    `Device.first_ready_at`, set by the lifecycle the first time and never changed."""
    return db.session.scalar(select(func.count()).where(Device.first_ready_at < at(end_of(day))))


def _first(statement) -> datetime | None:
    return db.session.scalar(statement)


def loan_system(day: date) -> tuple[int, date | None]:
    first = _first(
        select(func.min(Event.occurred_at)).where(
            Event.action == "loan.checked_out", Event.occurred_at < at(end_of(day))
        )
    )
    return (1, first.astimezone(PARIS).date()) if first else (0, None)


def maintenance_scheme(day: date) -> tuple[int, date | None]:
    first = _first(
        select(func.min(Visit.completed_at))
        .join(Plan, Plan.id == Visit.plan_id)
        .where(
            Plan.is_departmental,
            Visit.status == VisitStatus.COMPLETED,
            Visit.completed_at < at(end_of(day)),
        )
    )
    return (1, first.astimezone(PARIS).date()) if first else (0, None)


def donor_partnerships(day: date) -> int:
    return db.session.scalar(
        select(func.count()).where(
            Partnership.signed_on >= date(day.year, 1, 1), Partnership.signed_on <= day
        )
    )


FLAGS = ("simplified", "has_free_software", "has_dys_software")


def flags_changed_after(day: date) -> dict[int, dict[str, bool]]:
    """device id → {flag: its value at the end of D} for the devices whose flags a person
    changed after D: the value before the first such change (today's columns say the rest)."""
    before: dict[int, dict[str, bool]] = {}
    for device_id, details in db.session.execute(
        select(Event.subject_id, Event.details)
        .where(Event.action == "device.flags_changed", Event.occurred_at >= at(end_of(day)))
        .order_by(Event.occurred_at, Event.id)
    ):
        for flag, (old, _new) in (details or {}).get("flags", {}).items():
            before.setdefault(device_id, {}).setdefault(flag, bool(old))
    return before


def _flag(row, flag: str, changed: dict) -> bool:
    return changed.get(row.id, {}).get(flag, getattr(row, flag))


def simplified_devices(day: date, changed: dict | None = None) -> int:
    changed = flags_changed_after(day) if changed is None else changed
    count = db.session.scalar(
        select(func.count()).where(Device.simplified, Device.created_at < at(end_of(day)))
    )
    for row in db.session.execute(
        select(Device.id, Device.simplified).where(
            Device.id.in_(list(changed)), Device.created_at < at(end_of(day))
        )
    ):
        count += int(_flag(row, "simplified", changed)) - int(row.simplified)
    return count


def _deployments(day: date) -> list[tuple[int, int | None]]:
    """(device id, site id) of the devices in service at the end of D."""
    rows = db.session.execute(deployed_at(day)).all()
    return [(device_id, (details or {}).get("site_id")) for device_id, details in rows]


def _software(day: date, changed: dict) -> dict:
    deployments = _deployments(day)
    pool = set(db.session.scalars(select(Site.id).where(Site.kind == SiteKind.ROTATION_POOL)))
    ids = [d for d, site in deployments if site not in pool]
    flags = {
        row.id: row
        for row in db.session.execute(
            select(
                Device.id, Device.simplified, Device.has_free_software, Device.has_dys_software
            ).where(Device.id.in_([d for d, _s in deployments]))
        )
    }
    at_day = {d: {flag: _flag(row, flag, changed) for flag in FLAGS} for d, row in flags.items()}
    public = [at_day[d] for d in ids if d in at_day]
    return {
        "public": public,
        "simplified_sites": len(
            {s for d, s in deployments if s not in pool and at_day.get(d, {}).get("simplified")}
        ),
        "rotation_pool": sum(
            1 for d, s in deployments if s in pool and at_day.get(d, {}).get("simplified")
        ),
    }


@dataclass
class Indicator:
    key: str
    label: object  # lazy: kept figures are read in each request's language
    value: float
    target: float
    deadline: date | None
    status: str  # reached, on_track, behind
    since: date | None = None  # for 0/1 indicators: the day it became 1
    forecast: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {**asdict(self), "label": str(self.label)}


def _forecast(value: float, earlier: float, day: date, target: float, deadline: date) -> dict:
    """The pace of the last 180 days carried to the deadline."""
    pace = (value - earlier) / PACE_DAYS  # per day
    days_left = (deadline - day).days
    projected = value + pace * max(days_left, 0)
    reach_on = None
    if value < target and pace > 0:
        days = math.ceil(round((target - value) / pace, 6))
        reach_on = day + timedelta(days=days) if days <= 100 * 365 else None  # not in a century
    months_left = max(days_left / 30.44, 0)
    needed = (target - value) / months_left if months_left and value < target else 0.0
    return {
        "pace_per_month": round(pace * 30.44, 2),
        "projected_at_deadline": round(projected, 1),
        "reached_on_at_this_pace": reach_on,
        "needed_per_month": round(max(needed, 0.0), 2),
    }


def _status(value: float, target: float, deadline: date | None, day: date, projected=None) -> str:
    if value >= target:
        return "reached"
    if deadline is not None and day > deadline:
        return "behind"
    if projected is not None:
        return "on_track" if projected >= target else "behind"
    return "behind"


def indicators(day: date) -> list[Indicator]:
    """Every indicator of the roadmap as of the end of `day`."""
    changed = flags_changed_after(day)
    software = _software(day, changed)
    public = software["public"]

    def share(flag: str) -> float:
        if not public:
            return 0.0
        return sum(1 for row in public if row[flag]) / len(public)  # exact: ⅓ is ⅓

    values: dict[str, tuple[float, date | None]] = {
        "collected": (collected(day), None),
        "made_ready": (made_ready(day), None),
        "loan_system": loan_system(day),
        "maintenance_scheme": maintenance_scheme(day),
        "donor_partnerships": (donor_partnerships(day), None),
        "simplified_devices": (simplified_devices(day, changed), None),
        "simplified_sites": (software["simplified_sites"], None),
        "rotation_pool": (software["rotation_pool"], None),
        "free_software_share": (share("has_free_software"), None),
        "dys_software_share": (share("has_dys_software"), None),
    }
    earlier_day = day - timedelta(days=PACE_DAYS)
    earlier = {
        "collected": lambda: collected(earlier_day),
        "made_ready": lambda: made_ready(earlier_day),
        "simplified_devices": lambda: simplified_devices(earlier_day),
    }
    found = []
    for definition in DEFINITIONS:
        value, since = values[definition.key]
        stored = target_on(definition.key, day)
        target = stored.target if stored else definition.target
        deadline = stored.deadline if stored else definition.deadline
        if is_share(definition.key):
            target = target * share_step(day.year)
            deadline = date(max(day.year, 2025), 12, 31)
        if definition.key == "donor_partnerships":
            deadline = date(day.year, 12, 31)
        forecast, projected = {}, None
        if definition.key in earlier and deadline is not None:
            forecast = _forecast(value, earlier[definition.key](), day, target, deadline)
            projected = forecast["projected_at_deadline"]
        elif definition.key == "donor_partnerships":
            elapsed = (day - date(day.year, 1, 1)).days + 1
            projected = round(value * 365 / elapsed, 1)
            forecast = {"projected_at_deadline": projected}
        found.append(
            Indicator(
                key=definition.key,
                label=definition.label,
                value=value,
                target=target,
                deadline=deadline,
                status=_status(value, target, deadline, day, projected),
                since=since,
                forecast=forecast,
            )
        )
    return found
