"""The maintenance figures of a report as of D (DESIGN §5, §8), from the maintenance module's
own measures over the 90 days up to D, and the public park at D rebuilt from the history:
availability, MTTR, visits on time, visits overdue at D, and sites against their needs."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import Category
from refurb.inventory.models import Device
from refurb.maintenance import figures
from refurb.maintenance.enums import SiteKind, VisitStatus
from refurb.maintenance.models import Plan, Site, SiteNeed, Visit, site_plans
from refurb.reports.timeline import PARIS, at, before_end_of, deployed_at, end_of

PERIOD_DAYS = 90


@dataclass
class EpciUpkeep:
    epci: str
    sites: int = 0
    pcs: int = 0
    availability: float | None = None
    sites_equipped: int = 0  # park ≥ needs in every category
    missing: int = 0  # PCs still missing to meet the needs


@dataclass
class Upkeep:
    start: date
    end: date
    availability: float | None = None  # of the PCs of the sites' current park
    pcs: int = 0
    mttr_hours: float | None = None
    incidents_reported: int = 0
    visits_done: int = 0
    visits_on_time: int = 0
    visits_overdue: int = 0
    sites: int = 0
    sites_equipped: int = 0
    missing: int = 0
    by_epci: list[EpciUpkeep] = field(default_factory=list)


def park_at(day: date) -> dict[tuple[int, Category], int]:
    """(site id, category) → PCs in service there at the end of D."""
    deployed = deployed_at(day).subquery()
    site_id = deployed.c.details["site_id"].as_integer()
    rows = db.session.execute(
        select(site_id, Device.category, func.count())
        .join(Device, Device.id == deployed.c.device_id)
        .group_by(site_id, Device.category)
    )
    return {(site, Category(category)): count for site, category, count in rows if site}


def upkeep(day: date) -> Upkeep:
    start = day - timedelta(days=PERIOD_DAYS - 1)
    begin, finish = figures.moments(start, day)
    found = Upkeep(start=start, end=day)
    sites = db.session.scalars(
        select(Site).where(Site.kind != SiteKind.ROTATION_POOL, Site.created_at < at(end_of(day)))
    ).all()
    downtimes = figures.site_downtime(begin, finish)
    found.availability = figures.programme_availability(sites, begin, finish, downtimes)[0]
    times = figures.incident_times(begin, finish)
    found.mttr_hours, found.incidents_reported = times["mttr_hours"], times["reported"]
    found.visits_on_time, found.visits_done = figures.visits_on_time(begin, finish)
    by_epci = figures.availability_by_epci(sites, begin, finish, downtimes)
    park = park_at(day)
    needs: dict[int, dict[Category, int]] = {}
    for need in db.session.scalars(select(SiteNeed)):
        needs.setdefault(need.site_id, {})[need.category] = need.count
    overdue = overdue_at(day, park)
    groups: dict[str, EpciUpkeep] = {}
    for site in sites:
        name = site.commune.epci.name
        availability = by_epci.get(name, (None,))[0]
        group = groups.setdefault(name, EpciUpkeep(name, availability=availability))
        group.sites += 1
        group.pcs += sum(n for (s, _c), n in park.items() if s == site.id)
        missing = sum(
            max(count - park.get((site.id, category), 0), 0)
            for category, count in needs.get(site.id, {}).items()
        )
        group.missing += missing
        group.sites_equipped += 1 if site.id in needs and not missing else 0
    found.by_epci = sorted(groups.values(), key=lambda g: g.epci)
    for group in groups.values():  # no PC at D: no availability to show
        if not group.pcs:
            group.availability = None
    found.pcs = sum(g.pcs for g in groups.values())
    if not found.pcs:
        found.availability = None
    found.sites = len(sites)
    found.sites_equipped = sum(g.sites_equipped for g in groups.values())
    found.missing = sum(g.missing for g in groups.values())
    found.visits_overdue = overdue
    return found


def overdue_at(day: date, park: dict[tuple[int, Category], int]) -> int:
    """(site, plan) pairs whose visit was overdue at D: the last visit completed by D, or the
    first PC put in service when none, plus the plan's interval, before D."""
    in_service = {site for (site, _c), n in park.items() if n}
    if not in_service:
        return 0
    last = {
        (site, plan): moment
        for site, plan, moment in db.session.execute(
            select(Visit.site_id, Visit.plan_id, func.max(Visit.completed_at))
            .where(Visit.status == VisitStatus.COMPLETED, before_end_of(Visit.completed_at, day))
            .group_by(Visit.site_id, Visit.plan_id)
        )
    }
    site = Event.details["site_id"].as_integer()
    since = {
        site_id: moment.astimezone(PARIS).date()
        for site_id, moment in db.session.execute(
            select(site, func.min(Event.occurred_at))
            .where(Event.action == "device.deploy", before_end_of(Event.occurred_at, day))
            .group_by(site)
        )
    }
    count = 0
    for site_id, plan_id, interval in db.session.execute(
        select(site_plans.c.site_id, Plan.id, Plan.interval_days)
        .join(Plan, Plan.id == site_plans.c.plan_id)
        .where(site_plans.c.site_id.in_(in_service))
    ):
        done = last.get((site_id, plan_id))
        due = since.get(site_id)
        if done is not None:
            due = done.astimezone(PARIS).date() + timedelta(days=interval)
        count += 1 if due is not None and due < day else 0
    return count
