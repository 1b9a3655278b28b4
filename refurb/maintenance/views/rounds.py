"""The maintainer's round (sites by due date, overdue first; open incidents; the calendar
feed) and a visit recorded PC by PC on a phone, scanning each label or picking from the park."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.access import allow, public
from refurb.auth.roles import Role
from refurb.db_types import today
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.enums import State
from refurb.inventory.services.lookup import device_by_tag
from refurb.lookups import get_or_not_found
from refurb.maintenance import calendar
from refurb.maintenance.enums import OPEN_INCIDENT, ItemKind
from refurb.maintenance.forms import CompleteVisitForm, ConfirmForm
from refurb.maintenance.models import CalendarFeed, Incident, Plan
from refurb.maintenance.scoping import scoped_to_sites, site_for, visible_site_ids, visit_for
from refurb.maintenance.services import visits as services
from refurb.maintenance.services.sites import park
from refurb.maintenance.views import bp
from refurb.web import flash_form_errors, public_url_for, refusal_shown

MAINTAINER = (Role.MAINTAINER,)


@bp.route("/tournee")
@allow(*MAINTAINER)
def round_page():
    ids = visible_site_ids(current_user)
    incidents = db.session.scalars(
        scoped_to_sites(
            select(Incident).where(Incident.status.in_(OPEN_INCIDENT)),
            Incident.site_id,
            current_user,
        ).order_by(Incident.status, Incident.reported_at)
    ).all()
    feed = db.session.get(CalendarFeed, current_user.id)
    return render_template(
        "maintenance/round.html",
        dues=services.due_dates(ids),
        incidents=incidents,
        today=today(),
        feed=feed,
        feed_url=request.args.get("flux"),
        confirm_form=ConfirmForm(prefix="c"),
    )


@bp.route("/tournee/calendrier", methods=["POST"])
@allow(*MAINTAINER)
def renew_calendar():
    if not ConfirmForm(prefix="c").validate_on_submit():
        abort(400)
    token = calendar.renew_feed(current_user)
    flash(_("Nouvelle adresse d'abonnement créée : l'ancienne ne fonctionne plus."), "success")
    return redirect(
        url_for(".round_page", flux=public_url_for("maintenance.round_feed", token=token))
    )


@bp.route("/tournee/<token>.ics")
@public
def round_feed(token):
    user = calendar.user_for_feed(token)
    if user is None or not user.has_role(Role.MAINTAINER):
        abort(404)
    ids = visible_site_ids(user)
    body = calendar.round_calendar(
        services.due_dates(ids), lambda site: public_url_for("maintenance.site", site_id=site.id)
    )
    return Response(body, mimetype="text/calendar; charset=utf-8")


@bp.route("/lieux/<int:site_id>/visites", methods=["POST"])
@allow(*MAINTAINER)
def start_visit(site_id):
    site = site_for(current_user, site_id)
    plan = get_or_not_found(Plan, request.form.get("plan_id", type=int))
    with refusal_shown() as outcome:
        visit = services.start_visit(current_user, site, plan)
    if not outcome.ok:
        return redirect(url_for(".site", site_id=site.id))
    return redirect(url_for(".visit", visit_id=visit.id))


def _visit_page(visit, form=None, scan_error=None, status=200):
    done = {r.device_id: r for r in visit.results}
    devices = park([visit.site_id])
    return render_template(
        "maintenance/visit.html",
        visit=visit,
        devices=devices,
        done=done,
        pending=[d for d in devices if d.id not in done],
        form=form or CompleteVisitForm(),
        cancel_form=ConfirmForm(prefix="x"),
        scan_error=scan_error,
    ), status


@bp.route("/visites/<int:visit_id>")
@allow(*MAINTAINER)
def visit(visit_id):
    visit = visit_for(current_user, visit_id)
    code = (request.args.get("etiquette") or "").strip()
    if code:  # a scanned or typed label: straight to that PC's checklist
        try:
            device = device_by_tag(code)
        except DomainError as refusal:
            return _visit_page(visit, scan_error=refusal.message, status=404)
        if device.site_id != visit.site_id or device.state != State.DEPLOYED:
            return _visit_page(
                visit,
                scan_error=_("%(tag)s n'est pas en service dans ce lieu.", tag=device.tag),
                status=409,
            )
        return redirect(url_for(".visit_device", visit_id=visit.id, tag=device.tag))
    return _visit_page(visit)


@bp.route("/visites/<int:visit_id>/pc/<tag>", methods=["GET", "POST"])
@allow(*MAINTAINER)
def visit_device(visit_id, tag):
    visit = visit_for(current_user, visit_id)
    device = device_by_tag(tag)
    items = visit.plan_version.items
    existing = next((r for r in visit.results if r.device_id == device.id), None)
    values = dict(existing.answers) if existing else {}
    errors: dict[str, str] = {}
    missing = bool(existing and existing.missing)
    note = existing.note if existing else ""
    if request.method == "POST":
        missing = request.form.get("missing") == "y"
        note = request.form.get("note", "")
        values = {item["key"]: request.form.get(f"item-{item['key']}", "") for item in items}
        with refusal_shown(show=False) as outcome:
            services.record_result(current_user, visit, device, values, missing=missing, note=note)
        if outcome.ok:
            flash(_("%(tag)s enregistré.", tag=device.tag), "success")
            return redirect(url_for(".visit", visit_id=visit.id) + "#etiquette")
        refusal = outcome.refusal
        errors = dict(getattr(refusal, "messages", None) or {"form": refusal.message})
    return render_template(
        "maintenance/visit_device.html",
        visit=visit,
        device=device,
        items=items,
        values=values,
        errors=errors,
        missing=missing,
        note=note,
        kinds=ItemKind,
    ), (400 if errors else 200)


@bp.route("/visites/<int:visit_id>/terminer", methods=["POST"])
@allow(*MAINTAINER)
def complete_visit(visit_id):
    visit = visit_for(current_user, visit_id)
    form = CompleteVisitForm()
    if not form.validate_on_submit():
        return _visit_page(visit, form=form, status=400)
    with refusal_shown(form) as outcome:
        opened = services.complete_visit(
            current_user, visit, form.minutes_spent.data, form.notes.data or ""
        )
    if not outcome.ok:
        return _visit_page(visit, form=form, status=409)
    message = _("Visite terminée.")
    if opened:
        message += " " + ngettext(
            "%(num)d incident ouvert sur un PC en échec.",
            "%(num)d incidents ouverts sur les PC en échec.",
            len(opened),
        )
    flash(message, "success")
    return redirect(url_for(".site", site_id=visit.site_id))


@bp.route("/visites/<int:visit_id>/abandonner", methods=["POST"])
@allow(*MAINTAINER)
def cancel_visit(visit_id):
    visit = visit_for(current_user, visit_id)
    if ConfirmForm(prefix="x").validate_on_submit():
        with refusal_shown() as outcome:
            services.cancel_visit(current_user, visit)
        if outcome.ok:
            flash(_("Visite abandonnée : rien n'a été compté."), "success")
    else:
        flash_form_errors(ConfirmForm(prefix="x"))
    return redirect(url_for(".site", site_id=visit.site_id))
