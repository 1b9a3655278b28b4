"""Visits: when each site is due under each plan, the maintainer's round, and a visit recorded
PC by PC (every PC of the park gets results or is marked missing; a failed critical item opens
an incident on that PC; the next due date follows from the completed visit)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from refurb.bounds import check_fields
from refurb.db_types import utcnow
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.i18n import local
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.maintenance.enums import (
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
    ItemKind,
    VisitStatus,
)
from refurb.maintenance.models import Plan, Site, Visit, VisitResult, site_plans
from refurb.maintenance.scoping import maintains
from refurb.maintenance.services.sites import park
from refurb.maintenance.workflow import (
    MaintenanceRefused,
    VisitAction,
    require_visit_step,
)


@dataclass
class Due:
    site: Site
    plan: Plan
    last_completed_on: date | None
    due_on: date

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def due_dates(site_ids) -> list[Due]:
    """For each (site, plan) with PCs in service: the last completed visit and the next due
    date, soonest first. A site never visited under a plan is due from the day its oldest PC in
    service was put there; a site with no PC in service needs no visit."""
    last = (
        select(Visit.site_id, Visit.plan_id, func.max(Visit.completed_at).label("last"))
        .where(Visit.status == VisitStatus.COMPLETED, Visit.site_id.in_(site_ids))
        .group_by(Visit.site_id, Visit.plan_id)
        .subquery()
    )
    in_service = (
        select(Device.site_id, func.min(Device.state_changed_at).label("since"))
        .where(Device.state == State.DEPLOYED, Device.site_id.in_(site_ids))
        .group_by(Device.site_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Site, Plan, last.c.last, in_service.c.since)
        .join(in_service, in_service.c.site_id == Site.id)
        .join(site_plans, site_plans.c.site_id == Site.id)
        .join(Plan, Plan.id == site_plans.c.plan_id)
        .outerjoin(last, (last.c.site_id == Site.id) & (last.c.plan_id == Plan.id))
        .where(Site.id.in_(site_ids), Site.is_active)
    ).all()
    dues = []
    for site, plan, last_at, since in rows:
        if last_at is not None:
            last_day = local(last_at).date()  # the day in Gers, not in UTC
            dues.append(Due(site, plan, last_day, last_day + timedelta(days=plan.interval_days)))
        else:
            dues.append(Due(site, plan, None, local(since).date()))
    return sorted(dues, key=lambda d: (d.due_on, d.site.name, d.plan.interval_days))


def next_due_on(site: Site, plan: Plan) -> date:
    dues = [d.due_on for d in due_dates([site.id]) if d.plan.id == plan.id]
    return dues[0] if dues else local(site.created_at).date()


def open_visit(site: Site, plan: Plan) -> Visit | None:
    return db.session.scalar(
        select(Visit).where(
            Visit.site_id == site.id,
            Visit.plan_id == plan.id,
            Visit.status == VisitStatus.IN_PROGRESS,
        )
    )


def _require_maintainer(actor, site: Site) -> None:
    if actor is not None and not maintains(actor, site):
        raise MaintenanceRefused(
            "not_assigned",
            _("Seuls les mainteneurs affectés à ce lieu (et la coordination) y font les visites."),
            status=403,
        )


def start_visit(actor, site: Site, plan: Plan) -> Visit:
    """Start (or go back to) the visit of `site` under `plan`, with its current checklist."""
    _require_maintainer(actor, site)
    if plan not in site.plans:
        raise InvalidInput(
            "plan_not_applied",
            _("Ce plan ne s'applique pas à ce lieu."),
            details={"plan_id": "invalid"},
        )
    existing = open_visit(site, plan)
    if existing is not None:
        return existing
    visit = Visit(
        site_id=site.id,
        plan_id=plan.id,
        plan_version_id=plan.current.id,
        maintainer_id=getattr(actor, "id", None),
        due_on=next_due_on(site, plan),
        started_at=utcnow(),
    )
    db.session.add(visit)
    db.session.flush()
    record(
        "visit", visit.id, "visit.started", actor=actor, details={"site": site.id, "plan": plan.key}
    )
    return visit


def _checked_answers(items: list[dict], answers: dict) -> tuple[dict, list[str]]:
    """The answers as stored, and the keys of the items that failed; refuses what is missing or
    malformed, every item at once."""
    stored, failed, problems = {}, [], {}
    for item in items:
        key, value = item["key"], answers.get(item["key"])
        if value in (None, ""):
            if item["required"]:
                problems[key] = _("À renseigner.")
            continue
        if item["kind"] == ItemKind.YES_NO:
            if value in (True, "yes", "oui", "1", "true"):
                stored[key] = True
            elif value in (False, "no", "non", "0", "false"):
                stored[key] = False
                failed.append(key)
            else:
                problems[key] = _("Oui ou non.")
        elif item["kind"] == ItemKind.NUMBER:
            try:
                number = float(str(value).replace(",", "."))
            except ValueError:
                problems[key] = _("Un nombre est attendu.")
                continue
            if number != number or abs(number) > 1e9:
                problems[key] = _("Un nombre est attendu.")
                continue
            stored[key] = number
            low, high = item.get("min"), item.get("max")
            if (low is not None and number < low) or (high is not None and number > high):
                failed.append(key)
        else:
            text = str(value).strip()
            if len(text) > 500:
                problems[key] = _("500 caractères au plus.")
            stored[key] = text[:500]
    if problems:
        from refurb.bounds import InvalidFields

        raise InvalidFields(problems)
    return stored, failed


def record_result(
    actor, visit: Visit, device: Device, answers: dict, *, missing: bool = False, note: str = ""
) -> VisitResult:
    """The results for one PC of the park (recorded again: replaced)."""
    _require_maintainer(actor, visit.site)
    require_visit_step(visit, VisitAction.RECORD)
    if device.site_id != visit.site_id or device.state != State.DEPLOYED:
        raise MaintenanceRefused(
            "not_in_park",
            _("Ce PC n'est pas en service dans ce lieu : il ne fait pas partie de la visite."),
            details={"tag": device.tag},
        )
    check_fields(VisitResult, {"note": note})
    stored = {} if missing else _checked_answers(visit.plan_version.items, answers)[0]
    result = next((r for r in visit.results if r.device_id == device.id), None)
    if result is None:
        result = VisitResult(visit=visit, device_id=device.id)
        db.session.add(result)
    result.missing, result.answers, result.note = missing, stored, note.strip()
    result.recorded_at = utcnow()
    db.session.flush()
    return result


def failed_items(visit: Visit, result: VisitResult) -> list[dict]:
    _stored, failed = _checked_answers(
        [dict(item, required=False) for item in visit.plan_version.items], result.answers
    )
    return [item for item in visit.plan_version.items if item["key"] in failed]


def complete_visit(actor, visit: Visit, minutes_spent: int | None, notes: str = "") -> list:
    """Close the visit: every PC of the park has results or is marked missing. Opens an
    incident on each PC with a failed critical item (and on each missing PC); returns them."""
    from refurb.maintenance.services.incidents import report

    _require_maintainer(actor, visit.site)
    require_visit_step(visit, VisitAction.COMPLETE)
    check_fields(Visit, {"minutes_spent": minutes_spent, "notes": notes})
    if minutes_spent is None or not 0 < minutes_spent <= 24 * 60:
        raise InvalidInput(
            "minutes_required",
            _("Indiquez le temps passé (en minutes, au plus une journée)."),
            details={"minutes_spent": "required"},
        )
    done = {r.device_id for r in visit.results}
    # The park as the visit found it: a PC put in service after it started is not due.
    pending = [d for d in park([visit.site_id], as_of=visit.started_at) if d.id not in done]
    if pending:
        raise MaintenanceRefused(
            "result_missing",
            _(
                "Il manque des PC : %(tags)s. Renseignez-les, ou marquez-les absents.",
                tags=", ".join(d.tag for d in pending),
            ),
            details={"tags": [d.tag for d in pending]},
        )
    opened = []
    for result in visit.results:
        if result.device.state != State.DEPLOYED or result.device.site_id != visit.site_id:
            continue  # left the site since (withdrawn, lost): its results stay, no incident
        if result.missing:
            problem = _("PC absent lors de la visite %(plan)s.", plan=visit.plan.name)
            opened.append(
                report(
                    actor,
                    result.device,
                    IncidentCategory.HARDWARE,
                    IncidentImpact.BLOCKING,
                    problem,
                    IncidentSource.VISIT,
                    visit=visit,
                )
            )
            continue
        critical = [i for i in failed_items(visit, result) if i["critical"]]
        if critical:
            labels = "; ".join(i["label"] for i in critical)
            opened.append(
                report(
                    actor,
                    result.device,
                    IncidentCategory.OTHER,
                    IncidentImpact.BLOCKING,
                    _("Point critique en échec à la visite : %(items)s.", items=labels),
                    IncidentSource.VISIT,
                    visit=visit,
                )
            )
    visit.status = VisitStatus.COMPLETED
    visit.completed_at = utcnow()
    visit.minutes_spent, visit.notes = minutes_spent, notes.strip()
    record(
        "visit",
        visit.id,
        "visit.completed",
        actor=actor,
        details={"site": visit.site_id, "plan": visit.plan.key, "incidents": len(opened)},
    )
    db.session.flush()
    return opened


def cancel_visit(actor, visit: Visit) -> None:
    _require_maintainer(actor, visit.site)
    require_visit_step(visit, VisitAction.CANCEL)
    visit.status = VisitStatus.CANCELLED
    record("visit", visit.id, "visit.cancelled", actor=actor, details={"site": visit.site_id})
    db.session.flush()
