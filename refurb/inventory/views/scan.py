"""What a scanned label opens (/t/<tag>), scanning with the phone (/scan), scanning many
labels in a row (/scan/lot) and printing labels (/etiquettes)."""

from flask import redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow, public, signed_in
from refurb.auth.roles import Role
from refurb.errors import DomainError, NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory import lifecycle, readiness, tags
from refurb.inventory.enums import State
from refurb.inventory.label_sheets import TEMPLATES
from refurb.inventory.lifecycle import TRANSITIONS, Action, Context
from refurb.inventory.models import Device, IssuedTag
from refurb.inventory.search import devices_for_tags
from refurb.inventory.services.labels import issue_unclaimed, print_device_labels, template_named
from refurb.inventory.services.lookup import device_by_tag
from refurb.inventory.views import WORKSHOP, bp
from refurb.loans.services.households import households_for_reservation
from refurb.web import pdf_response

# Roles that open the full device page from a label.
DEVICE_PAGE_ROLES = (Role.TECHNICIAN, Role.MAINTAINER)
# Actions that need nothing but the device, so they can be applied to a scanned batch.
BULK_ACTIONS = (
    Action.START_DIAGNOSIS,
    Action.SEND_TO_REPAIR,
    Action.DISMANTLE,
    Action.RELEASE,
    Action.DEPLOY,  # to the site chosen on the form
)
AUDIT = "audit"
# States in which a device has been tested (and erased, where it holds data) for reuse.
REFURBISHED = (State.READY, State.RESERVED, State.ON_LOAN, State.GIVEN, State.DEPLOYED)


def data_erased(device: Device) -> bool:
    """Whether the label may say the device's data were erased: it has storage media, and each
    has a verified erasure (or was destroyed) in the current cycle. A screen has none."""
    return bool(device.active_media) and not readiness.media_not_erased(device)


def public_label_page(device, site, report_form):
    """What anyone reading the label sees: only what is true in the device's state (and, for a
    PC in service, the form to report a problem, shown again with its errors when refused)."""
    reported_since = None
    if report_form is not None:  # a PC in service: is a problem already known?
        from refurb.maintenance.enums import OPEN_INCIDENT
        from refurb.maintenance.models import Incident

        reported_since = db.session.scalar(
            select(func.min(Incident.reported_at)).where(
                Incident.device_id == device.id, Incident.status.in_(OPEN_INCIDENT)
            )
        )
    return render_template(
        "inventory/scanned_public.html",
        device=device,
        site=site,
        report_form=report_form,
        reported_since=reported_since,
        refurbished=device.state in REFURBISHED,
        data_erased=device.state in REFURBISHED and data_erased(device),
    )


@bp.route("/T/<tag>")  # as a label's QR code encodes it (upper case); url_for builds /t/
@bp.route("/t/<tag>")
@public
def scanned(tag):
    """A scanned label: the device page, the intake form, or a public page with no private data."""
    try:
        canonical = tags.parse_tag(tag)
    except DomainError as refusal:
        return render_template("inventory/tag_invalid.html", typed=tag, reason=refusal.message), 404
    if canonical != tag:
        return redirect(url_for(".scanned", tag=canonical))
    try:
        device = device_by_tag(canonical, media=False)
    except NotFound:
        device = None
    user = current_user
    if device is None:
        if user.is_authenticated and user.has_role(*WORKSHOP):
            return redirect(url_for(".intake_device", tag=canonical))
        issued = db.session.get(IssuedTag, canonical) is not None
        return render_template("inventory/tag_unclaimed.html", tag=canonical, issued=issued), 404
    site = None
    if device.state == State.DEPLOYED and device.site_id:
        from refurb.maintenance.models import Site

        site = db.session.get(Site, device.site_id)
    if not user.is_authenticated:
        from refurb.maintenance.forms import PublicIncidentForm

        form = PublicIncidentForm() if site is not None else None
        return public_label_page(device, site, form)
    if user.has_role(*DEVICE_PAGE_ROLES):
        return redirect(url_for(".device", tag=canonical))
    households = []
    if device.state == State.READY and user.has_role(Role.LENDER):
        households = households_for_reservation(user, device.category)
    from refurb.maintenance.scoping import can_see_site

    can_report = site is not None and can_see_site(user, site)
    return render_template(
        "inventory/scanned_device.html",
        device=device,
        site=site,
        households=households,
        can_report=can_report,
    )


@bp.route("/scan")
@signed_in
def scan():
    code = (request.args.get("code") or "").strip()
    error = None
    if code:
        try:
            return redirect(url_for(".scanned", tag=tags.parse_tag(code)))
        except DomainError as refusal:
            error = refusal.message
    return render_template("inventory/scan.html", code=code, error=error), (400 if error else 200)


def bulk_choices():
    return [(AUDIT, _l("Contrôler seulement (inventaire d'une étagère)"))] + [
        (action.value, TRANSITIONS[action].label) for action in BULK_ACTIONS
    ]


@bp.route("/scan/lot", methods=["GET", "POST"])
@allow(*WORKSHOP, Role.MAINTAINER)
def scan_bulk():
    from refurb.inventory.views.devices import site_choices

    results, problems, chosen, text = [], {}, AUDIT, ""
    site_id = request.form.get("site_id", type=int)
    if request.method == "POST":
        text = request.form.get("tags", "")
        chosen = request.form.get("action", AUDIT)
        if chosen not in {c for c, _label in bulk_choices()}:
            chosen = AUDIT
        devices, problems = devices_for_tags(text)
        for device in devices:
            before = device.state
            if chosen == AUDIT:
                results.append((device, before, None))
                continue
            try:
                lifecycle.perform(
                    device,
                    Action(chosen),
                    Context(actor=current_user, details={"site_id": site_id}),
                )
            except DomainError as refusal:
                results.append((device, before, refusal.message))
            else:
                results.append((device, before, None))
    from refurb.maintenance.models import Site

    holders = {
        site.id: site.name
        for site in db.session.scalars(
            select(Site).where(Site.id.in_({d.site_id for d, *_ in results} - {None}))
        )
    }
    return render_template(
        "inventory/scan_bulk.html",
        results=results,
        problems=problems,
        chosen=chosen,
        text=text,
        choices=bulk_choices(),
        holders=holders,
        audit=chosen == AUDIT,
        sites=site_choices(),
        site_id=site_id,
    )


# The sheet last printed on, kept in the session: the next print starts where it stopped.
SHEET = "label_sheet"


def label_defaults() -> dict:
    """The template and start position (1-based) to offer: after the labels last printed."""
    return session.get(SHEET) or {"template": "avery-l7160", "start": 1}


def _remember_sheet(template, start: int, printed: int) -> None:
    session[SHEET] = {"template": template.key, "start": (start + printed) % template.per_page + 1}


def _template_and_start():
    template = template_named(request.form.get("template", "avery-l7160"))
    try:
        start = int(request.form.get("start") or 1) - 1
    except ValueError:
        start = -1
    return template, start


@bp.route("/etiquettes", methods=["GET", "POST"])
@allow(*WORKSHOP)
def labels():
    """Print labels: a batch of new unclaimed tags, a collection, or typed/scanned tags."""
    from refurb.inventory.views.devices import collection_choices  # (devices imports scan)

    collections = collection_choices("")[1:]  # with the donor, as at intake
    error = None
    if request.method == "POST":
        try:
            template, start = _template_and_start()
            mode = request.form.get("mode")
            if mode == "unclaimed":
                count = int(request.form.get("count") or 0)
                batch, pdf = issue_unclaimed(count, current_user, template, start)
                filename = f"etiquettes-{batch}.pdf"
                _remember_sheet(template, start, count)
            else:
                if mode == "collection":
                    devices = list(
                        db.session.scalars(
                            select(Device)
                            .where(
                                Device.collection_id == request.form.get("collection_id", type=int)
                            )
                            .order_by(Device.id)
                        )
                    )
                else:
                    devices, problems = devices_for_tags(request.form.get("tags", ""))
                    if problems:
                        raise DomainError(
                            "unknown_tags",
                            "; ".join(f"{t} : {r}" for t, r in problems.items()),
                            status=400,
                        )
                pdf = print_device_labels(devices, current_user, template, start)
                filename = f"etiquettes-{len(devices)}.pdf"
                _remember_sheet(template, start, len(devices))
        except (DomainError, ValueError) as refusal:
            db.session.rollback()
            error = getattr(refusal, "message", _("Nombre d'étiquettes invalide."))
        else:
            return pdf_response(pdf, filename)
    return render_template(
        "inventory/labels.html",
        templates=list(TEMPLATES.values()),
        collections=collections,
        error=error,
        form=request.form if request.method == "POST" else label_defaults(),
        selected=request.args.getlist("tag"),
    ), (400 if error else 200)
