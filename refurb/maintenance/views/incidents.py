"""Incidents: the list of one's sites, an incident's page with its steps, the signed-in report
form, and the public's report from a PC's label (no account, rate-limited, honeypot)."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.access import allow, public
from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.models import Event
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.inventory.services.lookup import device_by_tag
from refurb.inventory.views.scan import public_label_page
from refurb.lookups import get_or_none
from refurb.maintenance.enums import (
    OPEN_INCIDENT,
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
)
from refurb.maintenance.forms import IncidentForm, IncidentStepForm, PublicIncidentForm
from refurb.maintenance.models import Incident, Site
from refurb.maintenance.scoping import incident_for, maintains, scoped_to_sites, site_for
from refurb.maintenance.services import incidents as services
from refurb.maintenance.services.sites import park
from refurb.maintenance.views import SITE_PEOPLE, bp
from refurb.maintenance.workflow import INCIDENT_STEPS, IncidentAction, incident_actions
from refurb.web import client_address, form_status, refusal_shown


@bp.route("/incidents")
@allow(*SITE_PEOPLE)
def incidents():
    status = request.args.get("statut", "ouverts")
    statement = scoped_to_sites(select(Incident), Incident.site_id, current_user)
    if status == "ouverts":
        statement = statement.where(Incident.status.in_(OPEN_INCIDENT))
    found = db.session.scalars(statement.order_by(Incident.reported_at.desc()).limit(200)).all()
    return render_template("maintenance/incidents.html", incidents=found, status=status)


@bp.route("/incidents/<int:incident_id>")
@allow(*SITE_PEOPLE)
def incident(incident_id):
    return _incident_page(incident_for(current_user, incident_id))


NOTE_LABELS = {
    IncidentAction.RESOLVE: _l("Ce qui a été fait"),
    IncidentAction.REJECT: _l("Pourquoi l'écarter"),
}


def _incident_page(incident, refused=None, status=200):
    """The incident, its history (who did what) and a form per step the maintainer may take;
    `refused`: the step form sent and refused, shown again with its note and error."""
    history = db.session.execute(
        select(Event, User.name)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.subject_type == "incident", Event.subject_id == incident.id)
        .order_by(Event.occurred_at, Event.id)
    ).all()
    actions = incident_actions(incident) if maintains(current_user, incident.site) else []
    forms = {
        action: IncidentStepForm(
            prefix=action.value, formdata=None, data={"version": incident.version}
        )
        for action in actions
    }
    if refused is not None and refused[0] in forms:
        forms[refused[0]] = refused[1]
        refused[1].version.data = incident.version  # sent again, it acts on what is shown
    for action, form in forms.items():
        form.note.label.text = NOTE_LABELS.get(action, form.note.label.text)
        form.note.flags.required = INCIDENT_STEPS[action].note_required
        form.note.description = _l("Pas de données sensibles ici.")  # it says what was done
    others = db.session.execute(  # the same PC reported again: treat them together
        select(Incident.id, Incident.reference, Incident.reported_at)
        .where(
            Incident.device_id == incident.device_id,
            Incident.id != incident.id,
            Incident.status.in_(OPEN_INCIDENT),
        )
        .order_by(Incident.reported_at)
    ).all()
    return render_template(
        "maintenance/incident.html",
        incident=incident,
        others=others,
        history=history,
        forms=forms,
        steps=INCIDENT_STEPS,
        show_contact=maintains(current_user, incident.site),
    ), status


@bp.route("/incidents/<int:incident_id>/<action>", methods=["POST"])
@allow(Role.MAINTAINER)
def incident_step(incident_id, action):
    incident = incident_for(current_user, incident_id)
    try:
        chosen = IncidentAction(action)
    except ValueError:
        abort(404)
    form = IncidentStepForm(prefix=chosen.value)
    if not form.validate_on_submit():
        return _incident_page(incident, (chosen, form), 400)
    with refusal_shown(form, step=True) as outcome:
        services.step(current_user, incident, chosen, form.note.data or "", form.version.data)
    if not outcome.ok:
        return _incident_page(incident, (chosen, form), outcome.refusal.status)
    flash(
        _(
            "Incident %(ref)s : « %(status)s ».",
            ref=incident.reference,
            status=incident.status.label,
        ),
        "success",
    )
    return redirect(url_for(".incident", incident_id=incident.id))


@bp.route("/lieux/<int:site_id>/incidents/nouveau", methods=["GET", "POST"])
@allow(*SITE_PEOPLE)
def report_incident(site_id):
    site = site_for(current_user, site_id)
    form = IncidentForm()
    form.device_id.choices = [(None, _("— choisissez le PC —"))] + [
        (d.id, f"{d.tag} — {d.category.label} {d.brand} {d.model}".strip()) for d in park([site.id])
    ]
    if not form.is_submitted() and request.args.get("tag"):
        found = [c for c in form.device_id.choices if c[0] and c[1].startswith(request.args["tag"])]
        form.device_id.data = found[0][0] if found else None
    if form.validate_on_submit():
        device = get_or_none(Device, form.device_id.data)
        source = (
            IncidentSource.MAINTAINER
            if maintains(current_user, site)
            else IncidentSource.SITE_STAFF
        )
        with refusal_shown(form) as outcome:
            if device is None or device.site_id != site.id:
                raise InvalidInput(
                    "not_in_park",
                    _("Choisissez un PC de ce lieu."),
                    details={"device_id": "invalid"},
                )
            incident = services.report(
                current_user,
                device,
                IncidentCategory(form.category.data),
                IncidentImpact(form.impact.data),
                form.description.data or "",
                source,
            )
        if outcome.ok:
            flash(
                _(
                    "Incident %(ref)s signalé : les mainteneurs du lieu sont prévenus.",
                    ref=incident.reference,
                ),
                "success",
            )
            return redirect(url_for(".incident", incident_id=incident.id))
    return render_template("maintenance/incident_form.html", form=form, site=site), form_status(
        form
    )


# The session remembers the last report sent from a label ([tag, reference]): its thanks page
# is shown again on a reload or a step back, and nothing is filed twice.
LAST_REPORT = "last_public_report"


def _public_site(device):
    """The site of a PC in service, or None when its label takes no report."""
    site = db.session.get(Site, device.site_id) if device.site_id else None
    return site if device.state == State.DEPLOYED else None


@bp.route("/t/<tag>/signaler", methods=["POST"])
@public
def public_report(tag):
    """The public's report from a deployed PC's label (the form is on /t/<tag>), answered by a
    redirect to its thanks page."""
    device = device_by_tag(tag)
    site = _public_site(device)
    if site is None:
        return redirect(url_for("inventory.scanned", tag=device.tag))
    form = PublicIncidentForm()
    if form.validate_on_submit():
        thanks = redirect(url_for(".public_thanks", tag=device.tag), 303)
        if form.website.data:  # the honeypot: a robot filled every field; nothing is kept
            session[LAST_REPORT] = [device.tag, None]  # thanked all the same, with no reference
            return thanks
        with refusal_shown(form) as outcome:
            incident = services.report_from_label(
                device,
                IncidentCategory(form.category.data),
                form.description.data or "",
                form.contact.data or "",
                client_address(),
            )
        if outcome.ok:
            session[LAST_REPORT] = [device.tag, incident.reference]
            return thanks
        status = outcome.refusal.status
    else:
        status = 400
    return public_label_page(device, site, form), status


@bp.route("/t/<tag>/signale")
@public
def public_thanks(tag):
    """What follows a report from a label, with its reference when this browser sent it."""
    device = device_by_tag(tag)
    site = _public_site(device)
    if site is None:
        return redirect(url_for("inventory.scanned", tag=device.tag))
    sent_tag, reference = session.get(LAST_REPORT) or (None, None)
    if sent_tag != device.tag:  # nothing reported from this browser: nothing to thank for
        return redirect(url_for("inventory.scanned", tag=device.tag))
    return render_template(
        "maintenance/public_thanks.html", device=device, site=site, reference=reference
    )
