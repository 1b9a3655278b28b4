"""Sites: list, record and edit (coordinator), and a site's page with its park."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.auth.models import Membership, Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.db_types import today, utcnow
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.enums import Category
from refurb.maintenance import figures
from refurb.maintenance.enums import OPEN_INCIDENT, SiteKind, VisitStatus
from refurb.maintenance.forms import SiteForm
from refurb.maintenance.models import Incident, Site, Visit
from refurb.maintenance.scoping import maintains, site_for, visible_sites
from refurb.maintenance.services import sites as services
from refurb.maintenance.services.visits import due_dates
from refurb.maintenance.views import SITE_PEOPLE, bp
from refurb.territory.services import all_communes
from refurb.web import form_status, refusal_shown


@bp.route("/lieux")
@allow(*SITE_PEOPLE)
def sites():
    found = db.session.scalars(
        visible_sites(current_user).where(Site.is_active).order_by(Site.name)
    ).all()
    ids = [s.id for s in found]
    open_incidents = dict(
        db.session.execute(
            select(Incident.site_id, func.count())
            .where(
                Incident.site_id.in_(ids),
                Incident.status.in_(OPEN_INCIDENT),
            )
            .group_by(Incident.site_id)
        ).all()
    )
    needs = services.needs_against_park(ids)
    next_due = {}
    for due in due_dates(ids):
        next_due.setdefault(due.site.id, due)
    return render_template(
        "maintenance/sites.html",
        sites=found,
        open_incidents=open_incidents,
        needs=needs,
        next_due=next_due,
        today=today(),
    )


def _choices(form: SiteForm) -> None:
    form.host_organisation_id.choices = [(None, _("— aucune —"))] + [
        (o.id, o.name)
        for o in db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SITE_HOST, Organisation.is_active)
            .order_by(Organisation.name)
        )
    ]
    form.maintainer_ids.choices = [
        (u.id, u.name)
        for u in db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.MAINTAINER, User.is_active)
            .order_by(User.name)
            .distinct()
        )
    ]


def _fields(form: SiteForm) -> dict:
    return {
        "name": form.name.data.strip(),
        "kind": SiteKind(form.kind.data),
        "commune_code": form.commune.data,
        "host_organisation_id": form.host_organisation_id.data,
        "contact_name": form.contact_name.data or "",
        "contact_phone": form.contact_phone.data or "",
        "contact_email": form.contact_email.data or "",
        "opening_hours": form.opening_hours.data or "",
        "weekly_attendance": form.weekly_attendance.data,
        "attendance_assessed_on": form.attendance_assessed_on.data,
    }


NEED_MAX = 200


def _needs(form) -> dict[Category, int] | None:
    """The posted needs per category (empty: none); None when one cannot be read, each such
    need then said beside its field (on `form.need_errors`), nothing saved."""
    needs, errors = {}, {}
    for category in Category:
        value = (request.form.get(f"need_{category.value}") or "").strip()
        if not value:
            needs[category] = 0
        elif value.isascii() and value.isdigit() and int(value) <= NEED_MAX:
            needs[category] = int(value)
        else:
            errors[category.value] = _("Un nombre entier de postes, de 0 à %(n)d.", n=NEED_MAX)
    form.need_errors = errors
    return None if errors else needs


def _form_page(form, site):
    current = {n.category.value: n.count for n in site.needs} if site else {}
    needs = {
        c.value: request.form.get(f"need_{c.value}", current.get(c.value, "")) for c in Category
    }
    return render_template(
        "maintenance/site_form.html",
        form=form,
        site=site,
        communes=all_communes(),
        categories=list(Category),
        needs=needs,
        need_errors=getattr(form, "need_errors", {}),
    ), form_status(form)  # a need refused: the form was submitted, 400


@bp.route("/lieux/nouveau", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_site():
    form = SiteForm()
    _choices(form)
    valid = form.validate_on_submit()
    needs = _needs(form) if form.is_submitted() else None
    if valid and needs is not None:
        with refusal_shown(form) as outcome:
            site = services.create_site(
                current_user,
                maintainer_ids=form.maintainer_ids.data,
                needs=needs,
                **_fields(form),
            )
        if outcome.ok:
            flash(_("Lieu « %(name)s » enregistré.", name=site.name), "success")
            return redirect(url_for(".site", site_id=site.id))
    return _form_page(form, None)


@bp.route("/lieux/<int:site_id>/modifier", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_site(site_id):
    site = site_for(current_user, site_id)
    form = SiteForm(
        obj=site,
        data={
            "commune": site.commune_code,
            "kind": site.kind.value,
            "maintainer_ids": [m.id for m in site.maintainers],
            "version": site.version,
        },
    )
    _choices(form)
    valid = form.validate_on_submit()
    needs = _needs(form) if form.is_submitted() else None
    if valid and needs is not None:
        with refusal_shown(form) as outcome:
            services.update_site(
                site,
                current_user,
                form.version.data,
                maintainer_ids=form.maintainer_ids.data,
                needs=needs,
                **_fields(form),
            )
        if outcome.ok:
            flash(_("Lieu enregistré."), "success")
            return redirect(url_for(".site", site_id=site.id))
    return _form_page(form, site)


@bp.route("/lieux/<int:site_id>")
@allow(*SITE_PEOPLE)
def site(site_id):
    site = site_for(current_user, site_id)
    end = utcnow()
    start = end - timedelta(days=90)
    availability = figures.site_availability([site.id], start, end).get(site.id, (1.0, 0))
    times = figures.incident_times(start, end, Incident.site_id == site.id)
    on_time = figures.visits_on_time(end - timedelta(days=365), end, Visit.site_id == site.id)
    incidents = db.session.scalars(
        select(Incident)
        .where(
            Incident.site_id == site.id,
            Incident.status.in_(OPEN_INCIDENT),
        )
        .order_by(Incident.reported_at.desc())
    ).all()
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.site_id == site.id, Visit.status != VisitStatus.CANCELLED)
        .order_by(Visit.started_at.desc())
        .limit(12)
    ).all()
    return render_template(
        "maintenance/site.html",
        site=site,
        rows=services.park_rows(site),
        needs=services.needs_against_park([site.id])[site.id],
        dues=due_dates([site.id]),
        incidents=incidents,
        visits=visits,
        availability=availability,
        times=times,
        on_time=on_time,
        can_visit=maintains(current_user, site),
        today=today(),
    )
