"""Maintenance over JSON."""

from sqlalchemy import select

from refurb.api import BEARER
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.api.shown import Shown
from refurb.auth.access import allow, current_actor
from refurb.auth.roles import Role
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.services.lookup import device_by_tag
from refurb.lookups import get_or_not_found
from refurb.maintenance import figures
from refurb.maintenance.api import blp
from refurb.maintenance.api.schemas import (
    AvailabilityOut,
    AvailabilityQuery,
    DueOut,
    DueQuery,
    IncidentIn,
    IncidentOut,
    IncidentQuery,
    PlanOut,
    SiteDetailOut,
    SiteIn,
    SiteOut,
    StepIn,
    VisitIn,
    VisitOut,
)
from refurb.maintenance.enums import IncidentSource
from refurb.maintenance.models import Incident, Plan, Site
from refurb.maintenance.scoping import (
    incident_for,
    maintains,
    scoped_to_sites,
    site_for,
    visible_site_ids,
    visible_sites,
)
from refurb.maintenance.services import incidents, sites, visits
from refurb.maintenance.workflow import IncidentAction

DOC = {"security": [BEARER]}
PEOPLE = (Role.MAINTAINER, Role.SITE_STAFF)


@blp.route("/sites")
@allow(*PEOPLE)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(SiteOut))
@blp.doc(**DOC)
def list_sites(args):
    """The sites one maintains or works at (all of them for the coordinator)."""
    return paginate(visible_sites(current_actor()).order_by(Site.name, Site.id), args)


@blp.route("/sites", methods=["POST"])
@allow(Role.ADMIN)
@blp.arguments(SiteIn)
@blp.response(201, SiteOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_site(payload):
    """Record a site (the coordinator); the departmental plans apply to it."""
    return sites.create_site(
        current_actor(),
        maintainer_ids=payload.pop("maintainer_ids"),
        needs=payload.pop("needs"),
        **payload,
    )


@blp.route("/sites/<int:site_id>")
@allow(*PEOPLE)
@blp.response(200, SiteDetailOut)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(**DOC)
def get_site(site_id):
    """A site with its park: each PC's state, last visit, open incidents, 90-day availability."""
    site = site_for(current_actor(), site_id)
    park = [
        {
            "tag": row.device.tag,
            "category": row.device.category.value,
            "model": row.device.model,
            "state": row.device.state.value,
            "last_visit_at": row.last_visit_at,
            "open_incidents": row.open_incidents,
            "availability": round(row.availability, 4),
        }
        for row in sites.park_rows(site)
    ]
    return Shown(site, park=park)


@blp.route("/maintenance/plans")
@allow(*PEOPLE, Role.VIEWER)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(PlanOut))
@blp.doc(**DOC)
def list_plans(args):
    """The plans of the protocol with their current checklist."""
    return paginate(select(Plan).order_by(Plan.interval_days, Plan.id), args)


@blp.route("/sites/<int:site_id>/visits", methods=["POST"])
@allow(Role.MAINTAINER)
@blp.arguments(VisitIn)
@blp.response(201, VisitOut)
@blp.alt_response(409, schema=ErrorSchema, description="`result_missing`: a PC of the park")
@blp.doc(**DOC)
def record_visit(payload, site_id):
    """A whole visit at once: results per tag and item; refused (409) if a PC is missing."""
    actor = current_actor()
    site = site_for(actor, site_id)
    plan = get_or_not_found(Plan, payload["plan_id"])
    visit = visits.start_visit(actor, site, plan)
    for result in payload["results"]:
        visits.record_result(
            actor,
            visit,
            device_by_tag(result["tag"]),
            result["answers"],
            missing=result["missing"],
            note=result["note"],
        )
    opened = visits.complete_visit(actor, visit, payload["minutes_spent"], payload["notes"])
    return Shown(visit, incidents=[i.reference for i in opened])


@blp.route("/visits")
@allow(Role.MAINTAINER)
@blp.arguments(DueQuery, location="query")
@blp.response(200, page_of(DueOut))
@blp.doc(**DOC)
def list_dues(args):
    """The round: each site and plan with its next due date, soonest first."""
    ids = visible_site_ids(current_actor())
    dues = visits.due_dates(ids)
    if args["due_before"]:
        dues = [d for d in dues if d.due_on < args["due_before"]]
    return paginate(dues, args)


@blp.route("/incidents", methods=["POST"])
@allow(*PEOPLE)
@blp.arguments(IncidentIn)
@blp.response(201, IncidentOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def create_incident(payload):
    """Report an incident on a PC in service at one of one's sites."""
    actor = current_actor()
    device = device_by_tag(payload["tag"])
    site = db.session.get(Site, device.site_id) if device.site_id else None
    maintainer = site is not None and maintains(actor, site)
    source = IncidentSource.MAINTAINER if maintainer else IncidentSource.SITE_STAFF
    return incidents.report(
        actor, device, payload["category"], payload["impact"], payload["description"], source
    )


@blp.route("/incidents")
@allow(*PEOPLE)
@blp.arguments(IncidentQuery, location="query")
@blp.response(200, page_of(IncidentOut))
@blp.doc(**DOC)
def list_incidents(args):
    """Incidents of one's sites, newest first, by status and site."""
    statement = scoped_to_sites(select(Incident), Incident.site_id, current_actor())
    if args["status"] is not None:
        statement = statement.where(Incident.status == args["status"])
    if args["site_id"] is not None:
        statement = statement.where(Incident.site_id == args["site_id"])
    return paginate(statement.order_by(Incident.reported_at.desc(), Incident.id.desc()), args)


def _step(incident_id, payload, action):
    actor = current_actor()
    incident = incident_for(actor, incident_id)
    incidents.step(actor, incident, action, payload["note"], payload["version"])
    return incident


@blp.route("/incidents/<int:incident_id>/acknowledge", methods=["POST"])
@allow(Role.MAINTAINER)
@blp.arguments(StepIn)
@blp.response(200, IncidentOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def acknowledge(payload, incident_id):
    """Take the incident in charge."""
    return _step(incident_id, payload, IncidentAction.ACKNOWLEDGE)


@blp.route("/incidents/<int:incident_id>/resolve", methods=["POST"])
@allow(Role.MAINTAINER)
@blp.arguments(StepIn)
@blp.response(200, IncidentOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def resolve(payload, incident_id):
    """Mark it resolved (`note`: what was done)."""
    return _step(incident_id, payload, IncidentAction.RESOLVE)


@blp.route("/incidents/<int:incident_id>/reject", methods=["POST"])
@allow(Role.MAINTAINER)
@blp.arguments(StepIn)
@blp.response(200, IncidentOut)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def reject(payload, incident_id):
    """Reject it as spam or a duplicate (`note`: why)."""
    return _step(incident_id, payload, IncidentAction.REJECT)


@blp.route("/sites/<int:site_id>/availability")
@allow(*PEOPLE)
@blp.arguments(AvailabilityQuery, location="query")
@blp.response(200, AvailabilityOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def availability(args, site_id):
    """Availability of the site and of each PC of its park over [from, to] (days, inclusive)."""
    site = site_for(current_actor(), site_id)
    start, end = args["from_"], args["to"]
    if start > end:
        raise InvalidInput(
            "period", _("La fin de la période précède son début."), details={"to": "before_from"}
        )
    begin, finish = figures.moments(start, end)
    devices = sites.park([site.id])
    per_device = figures.device_availability([d.id for d in devices], begin, finish)
    pooled, pcs = figures.site_availability([site.id], begin, finish).get(site.id, (1.0, 0))
    return {
        "site_id": site.id,
        "from_": start,
        "to": end,
        "availability": round(pooled, 4),
        "pcs": pcs,
        "devices": [{"tag": d.tag, "availability": round(per_device[d.id], 4)} for d in devices],
    }
