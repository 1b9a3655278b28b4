"""Demonstration maintenance: the sites of the Gers demo (and the mediators' rotation pool) and,
after the inventory has put PCs in service, 18 months of dated visits under both plans (some
late) and incidents with realistic durations (some from the public, a few still open)."""

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.db_types import clock_at, utcnow
from refurb.extensions import db
from refurb.inventory.enums import Category
from refurb.maintenance.enums import IncidentCategory, IncidentImpact, IncidentSource, SiteKind
from refurb.maintenance.models import Plan, Site
from refurb.maintenance.services import incidents, sites, visits
from refurb.maintenance.workflow import IncidentAction

SITES = [
    # name, kind, commune, host, hours, attendance, needs
    (
        "Médiathèque d'Auch",
        SiteKind.MEDIATHEQUE,
        "32013",
        "Médiathèque d'Auch",
        "Mardi au samedi, 10 h – 18 h",
        420,
        {Category.DESKTOP: 6, Category.LAPTOP: 2},
    ),
    (
        "Mairie de Marciac",
        SiteKind.MAIRIE,
        "32233",
        "Mairie de Marciac",
        "Lundi au vendredi, 9 h – 12 h",
        60,
        {Category.DESKTOP: 2},
    ),
    (
        "France Services de Mirande",
        SiteKind.FRANCE_SERVICES,
        "32256",
        "France Services de Mirande",
        "Lundi au vendredi, 9 h – 17 h",
        150,
        {Category.DESKTOP: 3, Category.TABLET: 2},
    ),
    (
        "Parc tournant des médiateurs numériques",
        SiteKind.ROTATION_POOL,
        "32013",
        None,
        "",
        None,
        {Category.TABLET: 5},
    ),
]


def _at(moment: datetime, hour: int, minutes: int = 0) -> datetime:
    return datetime.combine(moment.date(), time(hour), UTC) + timedelta(minutes=minutes)


def load_sites(start: datetime) -> None:
    maintainer = db.session.scalar(select(User).where(User.email.startswith("maintenance@")))
    hosts = {o.name: o for o in db.session.scalars(select(Organisation))}
    with clock_at(start):
        for name, kind, commune, host, hours, attendance, needs in SITES:
            sites.create_site(
                None,
                name=name,
                kind=kind,
                commune_code=commune,
                host_organisation_id=hosts[host].id if host else None,
                opening_hours=hours,
                weekly_attendance=attendance,
                attendance_assessed_on=start.date() if attendance else None,
                maintainer_ids=[maintainer.id] if maintainer else [],
                needs=needs,
            )
    db.session.flush()


def load_history(seed: int = 32) -> None:
    """Visits and incidents from the first PC put in service until today."""
    rng = random.Random(seed)
    maintainer = db.session.scalar(select(User).where(User.email.startswith("maintenance@")))
    now = utcnow()
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        devices = sites.park([site.id])
        if not devices:
            continue
        first = min(d.state_changed_at for d in devices)
        _incidents(rng, site, devices, maintainer, first, now)
        _open_now(rng, site, devices, maintainer, now)
        for plan in db.session.scalars(select(Plan).order_by(Plan.interval_days)):
            _visits(rng, site, plan, maintainer, first, now)
    db.session.flush()


def _visits(rng, site, plan, maintainer, first, now) -> None:
    due = first  # a site is first visited when its first PC is put in service
    while due < now - timedelta(days=3):
        choices = [0, 0, 0, 0, 0, 0, 2, 9] if plan.key == "monthly" else [0, 0, 0, 6]
        late = rng.choice(choices)
        moment = _at(due + timedelta(days=late), 9, rng.randint(0, 300))
        if moment >= now:
            break
        with clock_at(moment):
            visit = visits.start_visit(maintainer, site, plan)
            for device in sites.park([site.id], as_of=moment):
                answers = _answers(rng, visit.plan_version.items)
                visits.record_result(maintainer, visit, device, answers)
        with clock_at(moment + timedelta(minutes=rng.randint(25, 90))):
            opened = visits.complete_visit(maintainer, visit, rng.randint(25, 90), "")
        for incident in opened:
            _handle(rng, incident, maintainer, moment, now)
        due = moment + timedelta(days=plan.interval_days)


def _answers(rng, items) -> dict:
    answers = {}
    for item in items:
        if item["kind"] == "yes_no":
            answers[item["key"]] = "no" if rng.random() < 0.004 else "yes"
        elif item["kind"] == "number":
            answers[item["key"]] = rng.randint(int(item["min"] or 0) + 5, 120)
        else:
            answers[item["key"]] = ""
    return answers


def _incidents(rng, site, devices, maintainer, first, now) -> None:
    moment = first + timedelta(days=rng.randint(10, 40))
    while moment < now:
        in_service = [d for d in devices if d.state_changed_at <= moment]
        if not in_service:
            moment += timedelta(days=15)
            continue
        device = rng.choice(in_service)
        source = rng.choice(
            [IncidentSource.PUBLIC, IncidentSource.PUBLIC, IncidentSource.SITE_STAFF]
        )
        category = rng.choice(list(IncidentCategory))
        impact = IncidentImpact.BLOCKING if rng.random() < 0.7 else IncidentImpact.DEGRADED
        reported = _at(moment, rng.randint(9, 17), rng.randint(0, 59))
        with clock_at(reported):
            incident = incidents.report(
                None,
                device,
                category,
                impact,
                "",
                source,
                address_digest="demo" if source == IncidentSource.PUBLIC else "",
            )
        _handle(rng, incident, maintainer, reported, now)
        moment += timedelta(days=rng.randint(20, 75))


def _open_now(rng, site, devices, maintainer, now) -> None:
    """A report from the public this morning, and one taken in charge yesterday."""
    if site.kind == SiteKind.ROTATION_POOL:
        return
    with clock_at(now - timedelta(hours=3)):
        incidents.report(
            None,
            devices[0],
            IncidentCategory.NETWORK,
            IncidentImpact.BLOCKING,
            "Pas de connexion depuis ce matin",
            IncidentSource.PUBLIC,
            address_digest="demo",
        )
    if len(devices) > 1:
        with clock_at(now - timedelta(days=1, hours=2)):
            incident = incidents.report(
                None,
                devices[-1],
                IncidentCategory.PERIPHERAL,
                IncidentImpact.DEGRADED,
                "La souris accroche",
                IncidentSource.SITE_STAFF,
            )
        with clock_at(now - timedelta(hours=20)):
            incidents.step(maintainer, incident, IncidentAction.ACKNOWLEDGE)


def _handle(rng, incident, maintainer, reported, now) -> None:
    """Acknowledge within hours, resolve within days — unless that is still in the future."""
    acknowledged = reported + timedelta(hours=rng.choice([1, 3, 6, 20, 30]))
    resolved = acknowledged + timedelta(hours=rng.choice([4, 24, 48, 72, 120, 240]))
    if acknowledged < now:
        with clock_at(acknowledged):
            incidents.step(maintainer, incident, IncidentAction.ACKNOWLEDGE)
    if resolved < now:
        with clock_at(resolved):
            if rng.random() < 0.05:
                incidents.step(
                    maintainer, incident, IncidentAction.REJECT, "Doublon d'un signalement"
                )
            else:
                note = rng.choice(
                    [
                        "Câble réseau rebranché",
                        "Session réinitialisée",
                        "Clavier remplacé",
                        "Mises à jour faites, PC redémarré",
                        "Écran rebranché",
                    ]
                )
                incidents.step(maintainer, incident, IncidentAction.RESOLVE, note)
