"""The coordinator's maintenance overview (figures per site and EPCI over any period, overdue
visits, sites against their needs) and the plans of the protocol (edited as new versions)."""

import math
from datetime import date, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.access import allow
from refurb.auth.roles import Role
from refurb.db_types import today as clock_today
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.lookups import get_or_not_found
from refurb.maintenance import figures
from refurb.maintenance.enums import ItemKind
from refurb.maintenance.forms import PlanForm
from refurb.maintenance.models import Plan, Site
from refurb.maintenance.services.plans import edit_plan
from refurb.maintenance.services.sites import needs_against_park
from refurb.maintenance.services.visits import due_dates
from refurb.maintenance.views import bp
from refurb.web import day_arg, form_status, refusal_shown

EARLIEST = date(2020, 1, 1)
MAX_ITEMS = 100  # checklist rows a plan form may post


def period_from(args) -> tuple[date, date, dict[str, str]]:
    """The period asked for (`du`, `au`, days, inclusive), default the last 90 days."""
    today = clock_today()
    errors = {}

    def day(name, default):
        latest = today + timedelta(days=1)
        found = day_arg(args, name, errors, EARLIEST, latest, _("Date hors de la période suivie."))
        return default if found is None else found

    start, end = day("du", today - timedelta(days=89)), day("au", today)
    if start > end:
        errors["au"] = _("La fin de la période précède son début.")
        start, end = today - timedelta(days=89), today
    return start, end, errors


@bp.route("/maintenance")
@allow(Role.ADMIN, Role.VIEWER)
def overview():
    start, end, errors = period_from(request.args)
    begin, finish = figures.moments(start, end)
    sites = db.session.scalars(select(Site).where(Site.is_active).order_by(Site.name)).all()
    ids = [s.id for s in sites]
    downtimes = figures.site_downtime(begin, finish)
    by_site = {i: figures.pooled([downtimes[i]], begin, finish) for i in ids if i in downtimes}
    by_epci = figures.availability_by_epci(sites, begin, finish, downtimes)
    today = clock_today()
    dues = due_dates(ids)
    return render_template(
        "maintenance/overview.html",
        start=start,
        end=end,
        errors=errors,
        sites=sites,
        by_site=by_site,
        by_epci=by_epci,
        programme=figures.programme_availability(sites, begin, finish, downtimes),
        times=figures.incident_times(begin, finish),
        on_time=figures.visits_on_time(begin, finish),
        overdue=[d for d in dues if d.is_overdue(today)],
        needs=needs_against_park(ids),
        plans=db.session.scalars(select(Plan).order_by(Plan.interval_days)).all(),
    ), (400 if errors else 200)


@bp.route("/maintenance/plans/<int:plan_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def plan(plan_id):
    plan = get_or_not_found(Plan, plan_id)
    form = PlanForm(obj=plan, data={"version": plan.version})
    items = plan.current.items
    if form.validate_on_submit():
        items = _posted_items()
        with refusal_shown(form) as outcome:
            version = edit_plan(
                current_user,
                plan,
                form.version.data,
                form.name.data,
                form.interval_days.data,
                items,
            )
        if outcome.ok:
            flash(_("Plan enregistré (version %(n)d).", n=version.number), "success")
            return redirect(url_for(".plan", plan_id=plan.id))
    return render_template(
        "maintenance/plan.html", plan=plan, form=form, items=items + [{}] * 3, kinds=list(ItemKind)
    ), form_status(form)


def _posted_items() -> list[dict]:
    """The checklist rows of the plan form, in order; a row without a label is dropped."""
    items = []
    rows = request.form.get("rows", "")
    count = int(rows) if rows.isascii() and rows.isdigit() else 0
    for position in range(min(count, MAX_ITEMS)):
        label = (request.form.get(f"label-{position}") or "").strip()
        if not label:
            continue

        def number(name, position=position):
            value = (request.form.get(f"{name}-{position}") or "").strip().replace(",", ".")
            try:
                number = float(value) if value else None
            except ValueError:
                return None
            return number if number is None or math.isfinite(number) else None

        items.append(
            {
                "key": request.form.get(f"key-{position}", ""),
                "label": label,
                "kind": request.form.get(f"kind-{position}", ItemKind.YES_NO.value),
                "required": request.form.get(f"required-{position}") == "y",
                "critical": request.form.get(f"critical-{position}") == "y",
                "min": number("min"),
                "max": number("max"),
            }
        )
    return items
