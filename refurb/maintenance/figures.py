"""Maintenance figures (DESIGN §5), computed in SQL from incident and visit times.

Availability of a PC over [start, end) = 1 − (time under a blocking incident) / (end − start).
Incidents that overlap are counted once (their union: gaps and islands over a window function),
an incident still open counts until `end` (or now), a rejected one (spam, duplicate) not at all.
A site's, an EPCI's or the programme's availability pools the time of the PCs in its park."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select

from refurb.db_types import PARIS, utcnow
from refurb.extensions import db
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.maintenance.enums import IncidentImpact, IncidentStatus, SiteKind, VisitStatus
from refurb.maintenance.models import Incident, Visit
from refurb.sql import seconds_between, stored


def moments(start: date, end: date) -> tuple[datetime, datetime]:
    """A period of days, both included, in Paris time: [start 00:00, the day after end 00:00)."""
    return (
        datetime.combine(start, time.min, PARIS),
        datetime.combine(end + timedelta(days=1), time.min, PARIS),
    )


def downtime(start: datetime, end: datetime, *conditions):
    """A subquery: device_id → seconds under a blocking incident within [start, end)."""
    now = min(end, utcnow())
    begin, finish = stored(start), stored(end)
    closed = func.coalesce(Incident.closed_at, stored(now))
    clipped = (
        select(
            Incident.device_id.label("device_id"),
            case((Incident.reported_at > begin, Incident.reported_at), else_=begin).label("s"),
            case((closed < finish, closed), else_=finish).label("e"),
        )
        .where(
            Incident.impact == IncidentImpact.BLOCKING,
            Incident.status != IncidentStatus.REJECTED,
            Incident.reported_at < finish,
            or_(Incident.closed_at > begin, Incident.closed_at.is_(None)),  # uses the index
            *conditions,
        )
        .subquery()
    )
    previous_end = func.max(clipped.c.e).over(
        partition_by=clipped.c.device_id, order_by=(clipped.c.s, clipped.c.e), rows=(None, -1)
    )
    ordered = select(clipped, previous_end.label("previous_end")).subquery()
    starts_island = case(
        (ordered.c.previous_end.is_(None), 1), (ordered.c.s > ordered.c.previous_end, 1), else_=0
    )
    numbered = select(
        ordered.c.device_id,
        ordered.c.s,
        ordered.c.e,
        func.sum(starts_island)
        .over(partition_by=ordered.c.device_id, order_by=(ordered.c.s, ordered.c.e))
        .label("island"),
    ).subquery()
    islands = (
        select(
            numbered.c.device_id,
            func.min(numbered.c.s).label("s"),
            func.max(numbered.c.e).label("e"),
        )
        .group_by(numbered.c.device_id, numbered.c.island)
        .subquery()
    )
    return (
        select(
            islands.c.device_id, func.sum(seconds_between(islands.c.e, islands.c.s)).label("down")
        )
        .group_by(islands.c.device_id)
        .subquery()
    )


def device_availability(device_ids, start: datetime, end: datetime) -> dict[int, float]:
    """Availability of each PC (1.0 for a PC with no blocking incident in the period)."""
    period = (end - start).total_seconds()
    if not device_ids or period <= 0:
        return {}
    down = downtime(start, end, Incident.device_id.in_(device_ids))
    found = dict(db.session.execute(select(down.c.device_id, down.c.down)).all())
    return {d: max(0.0, 1 - float(found.get(d, 0) or 0) / period) for d in device_ids}


def site_downtime(start: datetime, end: datetime, site_ids=None) -> dict[int, tuple[float, int]]:
    """Per site: (seconds its PCs in service spent under blocking incidents, PCs in service)."""
    where = [Device.state == State.DEPLOYED, Device.site_id.is_not(None)]
    narrow = []
    if site_ids is not None:
        where.append(Device.site_id.in_(site_ids))
        narrow.append(Incident.site_id.in_(site_ids))
    down = downtime(start, end, *narrow)
    rows = db.session.execute(
        select(Device.site_id, func.count(Device.id), func.coalesce(func.sum(down.c.down), 0))
        .outerjoin(down, down.c.device_id == Device.id)
        .where(*where)
        .group_by(Device.site_id)
    ).all()
    return {site_id: (float(seconds), count) for site_id, count, seconds in rows}


def pooled(parts, start: datetime, end: datetime) -> tuple[float, int]:
    """The availability of several sites' PCs together: (availability, PCs)."""
    period = (end - start).total_seconds()
    seconds = sum(down for down, _count in parts)
    count = sum(count for _down, count in parts)
    if not count or period <= 0:
        return 1.0, count
    return max(0.0, 1 - seconds / (period * count)), count


def site_availability(site_ids, start, end) -> dict[int, tuple[float, int]]:
    found = site_downtime(start, end, site_ids)
    return {site_id: pooled([part], start, end) for site_id, part in found.items()}


def availability_by_epci(sites, start, end, downtimes=None) -> dict[str, tuple[float, int]]:
    """Per EPCI (name) of the open-access sites: the pooled availability of their PCs in
    service."""
    downtimes = downtimes if downtimes is not None else site_downtime(start, end)
    groups: dict[str, list] = {}
    for site in open_access(sites):
        if site.id in downtimes:
            groups.setdefault(site.commune.epci.name, []).append(downtimes[site.id])
    return {name: pooled(parts, start, end) for name, parts in groups.items()}


def open_access(sites) -> list:
    """The sites whose PCs are in open access: the programme's availability is theirs. The
    mediators' rotation pool is maintained too, but counted apart (its devices travel)."""
    return [site for site in sites if site.kind != SiteKind.ROTATION_POOL]


def programme_availability(sites, start, end, downtimes=None) -> tuple[float, int]:
    """The pooled availability of the PCs in service at the open-access ones of `sites`."""
    downtimes = downtimes if downtimes is not None else site_downtime(start, end)
    parts = [downtimes[site.id] for site in open_access(sites) if site.id in downtimes]
    return pooled(parts, start, end)


def incident_times(start: datetime, end: datetime, *conditions) -> dict[str, float | int | None]:
    """MTTR and mean time to acknowledge (hours) of the incidents closed or acknowledged in the
    period, and how many incidents were reported in it."""
    begin, finish = stored(start), stored(end)
    resolved = db.session.execute(
        select(
            func.avg(seconds_between(Incident.closed_at, Incident.reported_at)), func.count()
        ).where(
            Incident.status == IncidentStatus.RESOLVED,
            Incident.closed_at >= begin,
            Incident.closed_at < finish,
            *conditions,
        )
    ).one()
    acknowledged = db.session.scalar(
        select(func.avg(seconds_between(Incident.acknowledged_at, Incident.reported_at))).where(
            Incident.acknowledged_at.is_not(None),
            Incident.acknowledged_at >= begin,
            Incident.acknowledged_at < finish,
            *conditions,
        )
    )
    reported = db.session.scalar(
        select(func.count()).where(
            Incident.reported_at >= begin, Incident.reported_at < finish, *conditions
        )
    )
    hours = lambda seconds: None if seconds is None else round(float(seconds) / 3600, 1)  # noqa: E731
    return {
        "mttr_hours": hours(resolved[0]),
        "resolved": resolved[1],
        "mtta_hours": hours(acknowledged),
        "reported": reported,
    }


def visits_on_time(start: datetime, end: datetime, *conditions) -> tuple[int, int]:
    """(visits completed by their due date, visits completed) in the period."""
    begin, finish = stored(start), stored(end)
    on_time = case(
        (and_(Visit.due_on.is_not(None), func.date(Visit.completed_at) <= Visit.due_on), 1), else_=0
    )
    done, timely = db.session.execute(
        select(func.count(), func.coalesce(func.sum(on_time), 0)).where(
            Visit.status == VisitStatus.COMPLETED,
            Visit.completed_at >= begin,
            Visit.completed_at < finish,
            *conditions,
        )
    ).one()
    return int(timely), int(done)
