"""The workbench pages of a device: diagnosis, storage media, erasure, repair, snapshots."""

from datetime import UTC, datetime, time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from refurb.auth.access import allow
from refurb.auth.forms import ConfirmForm
from refurb.bounds import check_fields
from refurb.db_types import PARIS, utcnow
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory import readiness
from refurb.inventory.checklists import checklist
from refurb.inventory.documents import erasure_certificate
from refurb.inventory.enums import (
    CheckResult,
    DiagnosisOutcome,
    ErasureMethod,
    MediumKind,
    RepairBarrier,
    RepairStatus,
)
from refurb.inventory.forms import ErasureForm, MediumForm, RepairForm, SnapshotForm
from refurb.inventory.models import Erasure, Snapshot, StorageMedium
from refurb.inventory.ords import export_ords
from refurb.inventory.services import functional_test, workshop
from refurb.inventory.services.lookup import device_by_tag
from refurb.inventory.services.snapshots import apply_snapshot
from refurb.inventory.views import WORKSHOP, bp
from refurb.lookups import get_or_none, get_or_not_found
from refurb.web import bounds_shown, csv_download, form_status, pdf_response, refusal_shown


def local_day(day, not_before: datetime | None = None) -> datetime | None:
    """A past date typed in a form as a UTC moment: now for today, noon in Paris for an earlier
    day (None for none); on the day of `not_before` (the device's arrival at the workshop), not
    before it, so that work typed for that day counts from then. A later day is refused before
    this (bounds.PAST_DATES), not changed."""
    if day is None:
        return None
    now = utcnow()
    if day >= now.astimezone(PARIS).date():
        return now
    moment = datetime.combine(day, time(12), PARIS).astimezone(UTC)
    if not_before is not None and day == not_before.astimezone(PARIS).date():
        return max(moment, not_before)
    return moment


@bp.route("/appareils/<tag>/diagnostic", methods=["GET", "POST"])
@allow(*WORKSHOP)
def diagnose(tag):
    device = device_by_tag(tag)
    items = checklist(device.category)
    answers, errors, status = {}, {}, 200
    outcome, notes = request.form.get("outcome", ""), request.form.get("notes", "")
    if request.method == "POST":
        answers = {
            item.key: {
                "result": request.form.get(f"item-{item.key}", ""),
                "note": request.form.get(f"note-{item.key}", ""),
            }
            for item in items
        }
        chosen = (
            DiagnosisOutcome(outcome) if outcome in {o.value for o in DiagnosisOutcome} else None
        )
        if chosen is None:  # every unanswered point and refused text is said too
            errors = {
                key: "required" for key in functional_test.checklist_problems(device, answers)
            }
            errors.update(functional_test.diagnosis_texts(answers, notes))
            errors["outcome"] = _("Choisissez l'issue du diagnostic.")
            status = 400
        else:
            with refusal_shown(show=False) as attempt:
                functional_test.record_diagnosis(device, current_user, answers, chosen, notes)
            if attempt.ok:
                flash(_("Test fonctionnel enregistré."), "success")
                return redirect(url_for(".device", tag=device.tag))
            refusal = attempt.refusal
            errors = {key: refusal.message for key in refusal.details}
            errors.update(getattr(refusal, "messages", {}))  # a text refused: its own sentence
            errors["form"] = refusal.message
            status = 400
    return render_template(
        "inventory/diagnose.html",
        device=device,
        items=items,
        answers=answers,
        errors=errors,
        outcome=outcome,
        notes=notes,
        results=list(CheckResult),
        outcomes=list(DiagnosisOutcome),
    ), status


@bp.route("/appareils/<tag>/supports", methods=["POST"])
@allow(*WORKSHOP)
def add_medium(tag):
    device = device_by_tag(tag)
    form = MediumForm(prefix="medium")
    size_gb = float(form.size_gb.data) if form.size_gb.data is not None else None
    values = {"serial": form.serial.data or "", "model": form.model.data or "", "size_gb": size_gb}
    if not form.validate_on_submit():
        bounds_shown(form, StorageMedium, values)  # every error at once, beside its field
        return _erase_page(device, medium_form=form, status=400)
    with refusal_shown(form) as outcome:
        workshop.add_medium(device, current_user, MediumKind(form.kind.data), **values)
    if not outcome.ok:
        return _erase_page(device, medium_form=form, status=outcome.refusal.status)
    flash(_("Support ajouté : il est à effacer."), "success")
    return redirect(url_for(".erase", tag=device.tag))


@bp.route("/appareils/<tag>/supports/<int:medium_id>/retirer", methods=["POST"])
@allow(*WORKSHOP)
def remove_medium(tag, medium_id):
    device = device_by_tag(tag)
    if ConfirmForm(prefix="remove").validate_on_submit():
        medium = get_or_not_found(StorageMedium, medium_id)
        with refusal_shown() as outcome:
            workshop.remove_medium(device, medium, current_user, _("Saisi par erreur"))
        if outcome.ok:
            flash(_("Support retiré de la fiche : il n'est plus à effacer."), "success")
    return redirect(url_for(".erase", tag=device.tag))


@bp.route("/appareils/<tag>/supports/<int:medium_id>/corriger", methods=["POST"])
@allow(*WORKSHOP)
def correct_medium(tag, medium_id):
    device = device_by_tag(tag)
    medium = get_or_not_found(StorageMedium, medium_id)
    form = MediumForm(prefix=f"fix{medium_id}")
    if form.validate_on_submit():
        with refusal_shown() as outcome:
            changed = workshop.correct_medium(
                device,
                medium,
                current_user,
                kind=MediumKind(form.kind.data),
                serial=form.serial.data or "",
                model=form.model.data or "",
                size_gb=float(form.size_gb.data) if form.size_gb.data is not None else None,
            )
        if outcome.ok:
            flash(
                _("Support corrigé : les prochains rapports ne changeront pas ces valeurs.")
                if changed
                else _("Aucune modification."),
                "success",
            )
    else:
        flash(_("Le formulaire contient des erreurs : corrigez les champs signalés."), "error")
    return redirect(url_for(".erase", tag=device.tag))


def reports_of(device) -> dict:
    """id → (kind, uploaded_at) of the device's hardware reports: where a value came from."""
    return {
        row.id: row
        for row in db.session.execute(
            select(Snapshot.id, Snapshot.kind, Snapshot.uploaded_at).where(
                Snapshot.device_id == device.id
            )
        )
    }


def _medium_choices(device):
    return [(None, _("— choisissez —"))] + [(m.id, m.label) for m in device.active_media]


@bp.route("/appareils/<tag>/effacement", methods=["GET", "POST"])
@allow(*WORKSHOP)
def erase(tag):
    device = device_by_tag(tag)
    form = ErasureForm()
    form.medium_id.choices = _medium_choices(device)
    if request.method == "GET" and request.args.get("medium", type=int):
        form.medium_id.data = request.args.get("medium", type=int)
    if form.validate_on_submit():
        medium = get_or_none(StorageMedium, form.medium_id.data)
        # The service names the moment performed_at; the form asks for its day, performed_on.
        with refusal_shown(form, aliases={"performed_at": "performed_on"}) as outcome:
            if medium is None or medium.device_id != device.id:
                raise DomainError(
                    "medium_required",
                    _("Choisissez le support effacé."),
                    details={"medium_id": "required"},
                    status=400,
                )
            check_fields(Erasure, {"performed_on": form.performed_on.data})
            workshop.record_erasure(
                device,
                current_user,
                medium,
                ErasureMethod(form.method.data),
                form.tool.data,
                form.verified.data,
                form.verification_note.data or "",
                local_day(form.performed_on.data, not_before=device.cycle_started_at),
            )
        if outcome.ok:
            flash(_("Effacement enregistré."), "success")
            return redirect(url_for(".erase", tag=device.tag))
    return _erase_page(device, form, status=400 if form.is_submitted() else 200)


def _erase_page(device, form=None, medium_form=None, status=200):
    """The erasure page: the erasure form, the media, and the form adding one (shown open with
    what was typed and its errors when it was refused)."""
    if form is None:
        form = ErasureForm(formdata=None)
        form.medium_id.choices = _medium_choices(device)
    pending = {m.id for m in readiness.media_not_erased(device)}
    return render_template(
        "inventory/erase.html",
        device=device,
        form=form,
        medium_form=medium_form or MediumForm(prefix="medium", formdata=None),
        fix_forms={
            m.id: MediumForm(prefix=f"fix{m.id}", obj=m, data={"kind": m.kind.value})
            for m in device.active_media
        },
        remove_form=ConfirmForm(prefix="remove"),
        reports=reports_of(device),
        pending=pending,
        erased=db.session.scalar(
            select(Erasure.id)
            .where(Erasure.device_id == device.id, Erasure.performed_at >= device.cycle_started_at)
            .limit(1)
        )
        is not None,
    ), status


@bp.route("/appareils/<tag>/certificat-effacement.pdf")
@allow(*WORKSHOP)
def erasure_certificate_pdf(tag):
    device = device_by_tag(tag)
    erasures = db.session.scalars(
        select(Erasure)
        .where(Erasure.device_id == device.id, Erasure.performed_at >= device.cycle_started_at)
        .order_by(Erasure.performed_at, Erasure.id)
    ).all()
    if not erasures:
        flash(_("Aucun effacement enregistré depuis la dernière remise en état."), "error")
        return redirect(url_for(".device", tag=device.tag))
    return pdf_response(
        erasure_certificate(device, erasures), f"certificat-effacement-{device.tag}.pdf"
    )


@bp.route("/appareils/<tag>/reparation", methods=["GET", "POST"])
@allow(*WORKSHOP)
def repair(tag):
    device = device_by_tag(tag)
    form = RepairForm()
    if form.validate_on_submit():
        with refusal_shown(form) as outcome:
            workshop.record_repair(
                device,
                current_user,
                form.problem.data,
                RepairStatus(form.status.data),
                RepairBarrier(form.barrier.data) if form.barrier.data else None,
                form.parts_used.data or "",
                form.minutes_spent.data,
                form.notes.data or "",
            )
        if outcome.ok:
            flash(_("Réparation enregistrée."), "success")
            return redirect(url_for(".device", tag=device.tag))
    return render_template("inventory/repair.html", device=device, form=form), form_status(form)


@bp.route("/appareils/<tag>/rapport", methods=["GET", "POST"])
@allow(*WORKSHOP)
def upload_snapshot(tag):
    device = device_by_tag(tag)
    form = SnapshotForm()
    if form.validate_on_submit():
        upload = form.report.data
        with refusal_shown(form, field="report") as outcome:
            apply_snapshot(device, current_user, upload.read(), upload.filename or "")
        if outcome.ok:
            flash(_("Rapport importé : caractéristiques et supports mis à jour."), "success")
            return redirect(url_for(".device", tag=device.tag))
    return render_template(
        "inventory/snapshot.html",
        device=device,
        form=form,
        public_url=current_app.config["PUBLIC_URL"].rstrip("/"),
    ), form_status(form)


@bp.route("/reparations/ords.csv")
@allow(*WORKSHOP)
def ords_csv():
    return csv_download(export_ords(), "refurb-ords.csv")
