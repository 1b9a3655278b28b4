"""Device list, page, intake, edit, actions and export (the CSV import is in imports.py)."""

from dataclasses import replace

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.access import allow
from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.history import sentences
from refurb.history.models import Event
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory import lifecycle, readiness, search
from refurb.inventory.checklists import default_checklist
from refurb.inventory.context import Refusal
from refurb.inventory.enums import Category, Grade, State
from refurb.inventory.forms import (
    DeviceEditForm,
    IntakeForm,
    TransitionForm,
    spec_label,
)
from refurb.inventory.hardware_reports import REPORTED_SPECS
from refurb.inventory.label_sheets import TEMPLATES
from refurb.inventory.lifecycle import TRANSITIONS, Action
from refurb.inventory.models import (
    Collection,
    Device,
    Diagnosis,
    Donor,
    Erasure,
    Repair,
    Snapshot,
)
from refurb.inventory.next_steps import CANNOT_BE_UNDONE, next_steps
from refurb.inventory.services import intake, workshop
from refurb.inventory.services.lookup import device_by_tag
from refurb.inventory.views import WORKSHOP, bp
from refurb.inventory.views.scan import label_defaults
from refurb.lookups import get_or_not_found
from refurb.transaction import tried
from refurb.web import (
    bounds_shown,
    confirmation_page,
    confirmed,
    csv_download,
    flash_step_gone,
    form_status,
    refusal_shown,
)


def collection_choices(blank: str):
    """The latest collections, each with its donor's name (one query, joined)."""
    rows = db.session.execute(
        select(Collection.id, Collection.reference, Collection.collected_on, Donor.name)
        .join(Donor, Donor.id == Collection.donor_id)
        .order_by(Collection.collected_on.desc(), Collection.id.desc())
        .limit(200)
    )
    return [(None, blank)] + [
        (r.id, f"{r.reference} — {r.name} ({r.collected_on:%d/%m/%Y})") for r in rows
    ]


TO_A_SITE = (Action.RESERVE, Action.DEPLOY)
NO_SITE = Refusal(  # a maintainer's
    "no_site_assigned",
    _l("Aucun lieu ne vous est affecté : la coordination affecte les mainteneurs aux lieux."),
    status=403,
)
NO_ACTIVE_SITE = Refusal(  # the workshop's and the coordinator's
    "no_active_site",
    _l("Aucun lieu n'est encore enregistré, ou tous sont fermés : la coordination les enregistre."),
)


def site_choices(offered: bool = True):
    """The active sites (the rotation pool included) the signed-in person may reserve or deploy a
    device for: all for the workshops and the coordinator, their own for a maintainer (the rule
    of holders.site_refusal, which the step applies). `offered=False`: every active site, for
    reading a form, so that another site is refused by that rule, with its reason."""
    from refurb.maintenance.models import Site, site_maintainers

    statement = select(Site.id, Site.name).where(Site.is_active).order_by(Site.name)
    if offered and not current_user.has_role(Role.TECHNICIAN):  # True for the coordinator
        assigned = select(site_maintainers.c.site_id).where(
            site_maintainers.c.user_id == current_user.id
        )
        statement = statement.where(Site.id.in_(assigned))
    rows = db.session.execute(statement)
    return [(None, _("— choisissez un lieu —"))] + [(r.id, r.name) for r in rows]


@bp.route("/appareils")
@allow(*WORKSHOP)
def devices():
    filters = search.DeviceFilters.from_args(request.args)
    rows, total, counts = search.search_devices(filters, listed_only=True)
    collection = (
        db.session.get(Collection, filters.collection_id) if filters.collection_id else None
    )
    return render_template(
        "inventory/devices.html",
        rows=rows,
        total=total,
        filters=filters,
        pages=max((total + filters.per_page - 1) // filters.per_page, 1),
        states=list(State),
        categories=list(Category),
        grades=list(Grade),
        counts=counts,
        collection=collection,
    )


@bp.route("/appareils/export.csv")
@allow(*WORKSHOP)
def export_devices():
    filters = search.DeviceFilters.from_args(request.args)
    return csv_download(search.export_csv(filters), "appareils.csv")


@bp.route("/appareils/nouveau", methods=["GET", "POST"])
@allow(*WORKSHOP)
def intake_device():
    form = IntakeForm()
    form.collection_id.choices = collection_choices(_("— sans collecte —"))
    if request.method == "GET":
        form.tag.data = request.args.get("tag", "")
        form.collection_id.data = request.args.get("collection_id", type=int)
        form.category.data = request.args.get("category", "")
        form.brand.data = request.args.get("brand", "")
    values = {
        "brand": form.brand.data or "",
        "model": form.model.data or "",
        "serial_number": form.serial_number.data,
        "year_of_manufacture": form.year_of_manufacture.data,
        "weight_kg": float(form.weight_kg.data) if form.weight_kg.data is not None else None,
        "accessories": form.accessories.data or "",
        "notes": form.notes.data or "",
        "collection_id": form.collection_id.data,
    }
    if form.is_submitted() and not form.validate():
        bounds_shown(form, Device, values)
    elif form.is_submitted():
        with refusal_shown(form) as outcome:
            device = intake.receive_device(
                current_user, category=Category(form.category.data), tag=form.tag.data, **values
            )
        if outcome.ok:
            duplicates = intake.duplicate_serials(device)
            flash(_("Appareil %(tag)s enregistré.", tag=device.tag), "success")
            if duplicates:
                flash(
                    _(
                        "Attention : ce numéro de série est déjà enregistré sur %(tags)s.",
                        tags=", ".join(duplicates),
                    ),
                    "error",
                )
            if form.submit_next.data:
                return redirect(
                    url_for(
                        ".intake_device",
                        collection_id=device.collection_id,
                        category=device.category.value,
                        brand=device.brand,
                        last=device.tag,
                    )
                )
            return redirect(url_for(".device", tag=device.tag))
    last = None  # the device just received with "saisir le suivant": its label one tap away
    if request.args.get("last"):
        try:
            last = device_by_tag(request.args["last"], media=False)
        except DomainError:
            last = None
    return render_template(
        "inventory/intake.html",
        form=form,
        last=last,
        label_sheet=label_defaults(),
        label_templates=list(TEMPLATES.values()),
    ), form_status(form)


def _device_page(device, typed: dict | None = None, status: int = 200, refused=None):
    """The device page; `typed`: the note typed for a refused step ({action: note}), kept in
    that step's form; `refused`: (action, refusal), said in that step's form, at its field."""
    diagnosis = readiness.latest_diagnosis(device)
    erasures = db.session.scalars(
        select(Erasure).where(Erasure.device_id == device.id).order_by(Erasure.performed_at.desc())
    ).all()
    repairs = db.session.scalars(
        select(Repair).where(Repair.device_id == device.id).order_by(Repair.performed_at.desc())
    ).all()
    snapshots = db.session.execute(
        select(Snapshot.id, Snapshot.kind, Snapshot.filename, Snapshot.uploaded_at)
        .where(Snapshot.device_id == device.id)
        .order_by(Snapshot.id.desc())
    ).all()
    history = [
        (event, sentences.what_happened(event), actor_name)
        for event, actor_name in db.session.execute(
            select(Event, User.name)
            .outerjoin(User, User.id == Event.actor_id)
            .where(Event.subject_type == "device", Event.subject_id == device.id)
            .order_by(Event.occurred_at.desc(), Event.id.desc())
        )
    ]
    cycle_erasures = [e for e in erasures if e.performed_at >= device.cycle_started_at]
    collection = None
    if device.collection_id:  # what the page names of it: not the donor's commune and EPCI
        collection = db.session.execute(
            select(Collection.id, Collection.reference, Collection.donor_id, Donor.name)
            .join(Donor, Donor.id == Collection.donor_id)
            .where(Collection.id == device.collection_id)
        ).one_or_none()
    from refurb.maintenance.models import Site

    site = db.session.get(Site, device.site_id) if device.site_id else None
    steps = next_steps(device, current_user, diagnosis)
    to_a_site = any(s.action in TO_A_SITE and not s.blocked for s in steps)
    site_options = site_choices() if to_a_site else []
    if to_a_site and len(site_options) == 1:  # the blank choice alone: no site to send it to
        why = NO_ACTIVE_SITE if current_user.has_role(Role.TECHNICIAN) else NO_SITE
        steps = [replace(s, blocked=why) if s.action in TO_A_SITE else s for s in steps]
    if refused and not any(s.action == refused[0] and not s.blocked for s in steps):
        flash_step_gone(refused[1])  # no form of that step on the page: said at the top
    return render_template(
        "inventory/device.html",
        device=device,
        label_sheet=label_defaults(),
        label_templates=list(TEMPLATES.values()),
        diagnosis=diagnosis,
        checklist={item.key: item.label for item in default_checklist(device.category)},
        erasures=erasures,
        cycle_erasures=cycle_erasures,
        repairs=repairs,
        snapshots=snapshots,
        reports={row.id: row for row in snapshots},
        spec_labels={name: spec_label(name) for name in REPORTED_SPECS},
        history=history,
        collection=collection,
        site=site,
        workshop=current_user.has_role(*WORKSHOP),
        duplicates=intake.duplicate_serials(device),
        site_options=site_options,
        steps=steps,
        known_defects=readiness.known_defects(device, diagnosis),
        transitions=TRANSITIONS,
        media_pending={m.id for m in readiness.media_not_erased(device, erasures=cycle_erasures)},
        diagnosis_current=diagnosis is not None
        and diagnosis.performed_at >= device.cycle_started_at,
        typed=typed or {},
        refused=refused,
    ), status


def _specs_page(device, form=None, status=200):
    """The specifications form on its own page: the device page stays short on a phone."""
    form = form or DeviceEditForm(
        obj=device,
        data={"grade": device.grade.value if device.grade else "", "version": device.version},
    )
    return render_template("inventory/device_specs.html", device=device, edit_form=form), status


@bp.route("/appareils/<tag>")
@allow(*lifecycle.FIELD)
def device(tag):
    return _device_page(device_by_tag(tag))


@bp.route("/appareils/<tag>/caracteristiques")
@allow(*WORKSHOP)
def device_specs(tag):
    return _specs_page(device_by_tag(tag))


@bp.route("/appareils/<tag>/modifier", methods=["POST"])
@allow(*WORKSHOP)
def edit_device(tag):
    device = device_by_tag(tag)
    form = DeviceEditForm()
    fields = {name: getattr(form, name).data for name in workshop.EDITABLE_FIELDS}
    for name in ("ram_gb", "screen_inches", "battery_design_wh", "battery_full_wh", "weight_kg"):
        fields[name] = float(fields[name]) if fields[name] is not None else None
    fields["grade"] = fields["grade"] or None
    for name in ("brand", "model", "accessories", "notes"):
        fields[name] = fields[name] or ""
    if not form.validate_on_submit():
        bounds_shown(form, Device, fields, record=device)  # every error at once
    else:
        with refusal_shown(form) as outcome:
            changed = workshop.update_device(device, current_user, form.version.data, **fields)
        if not outcome.ok:
            return _specs_page(device_by_tag(tag), form, 409)
        flash(_("Fiche enregistrée.") if changed else _("Aucune modification."), "success")
        return redirect(url_for(".device", tag=device.tag))
    return _specs_page(device, form, 400)


@bp.route("/appareils/<tag>/actions/<action>", methods=["GET", "POST"])
@allow(*lifecycle.FIELD)
def transition(tag, action):
    """One step, posted from the device page. The address of a refused step, reopened later
    (a restored tab, a bookmark), leads back to the device."""
    device = device_by_tag(tag)
    if request.method == "GET":
        return redirect(url_for(".device", tag=device.tag))
    try:
        chosen = Action(action)
    except ValueError:
        return redirect(url_for(".device", tag=device.tag))
    form = TransitionForm()
    form.site_id.choices = site_choices(offered=False)
    if not form.validate_on_submit():
        flash(_("Le formulaire contient des erreurs : corrigez les champs signalés."), "error")
        return redirect(url_for(".device", tag=device.tag))

    def act():
        lifecycle.act_on(
            device,
            chosen,
            current_user,
            form.version.data,
            form.note.data,
            purpose=form.purpose.data,
            site_id=form.site_id.data,
        )

    def refused(outcome):  # the page again, the rule's refusal in the step, the note as typed
        typed = {chosen.value: form.note.data or ""}
        refusal = outcome.refusal
        return _device_page(device_by_tag(tag), typed, refusal.status, (chosen.value, refusal))

    if chosen in CANNOT_BE_UNDONE and not confirmed(form):
        with refusal_shown(show=False, step=True) as outcome:
            tried(act)  # a refusal is said now, not after the confirmation
        if not outcome.ok:
            return refused(outcome)
        return confirmation_page(
            _("%(action)s : %(tag)s", action=TRANSITIONS[chosen].label, tag=device.tag),
            CANNOT_BE_UNDONE[chosen],
            form,
            url_for(".transition", tag=device.tag, action=chosen.value),
            url_for(".device", tag=device.tag),
            TRANSITIONS[chosen].label,
            carried=[
                (name, value)
                for name in ("note", "purpose", "site_id")
                for value in getattr(form, name).raw_data or ()
            ],
        )
    with refusal_shown(show=False, step=True) as outcome:
        act()
    if not outcome.ok:
        return refused(outcome)
    flash(
        _(
            "%(action)s : fait. L'appareil est maintenant « %(state)s ».",
            action=TRANSITIONS[chosen].label,
            state=device.state.label,
        ),
        "success",
    )
    return redirect(url_for(".device", tag=device.tag))


@bp.route("/appareils/<tag>/diagnostics/<int:diagnosis_id>")
@allow(*WORKSHOP)
def diagnosis(tag, diagnosis_id):
    device = device_by_tag(tag)
    found = get_or_not_found(Diagnosis, diagnosis_id)
    if found.device_id != device.id:
        return redirect(url_for(".device", tag=device.tag))
    return render_template(
        "inventory/diagnosis_view.html",
        device=device,
        diagnosis=found,
        checklist={item.key: item.label for item in default_checklist(device.category)},
    )
