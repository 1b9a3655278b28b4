"""Recycling batches and their handover slip."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.documents import handover_slip
from refurb.inventory.forms import RecyclingBatchForm
from refurb.inventory.models import Device, RecyclingBatch
from refurb.inventory.search import devices_for_tags
from refurb.inventory.services.recycling import create_batch
from refurb.inventory.views import WORKSHOP, bp
from refurb.lookups import get_or_none, get_or_not_found
from refurb.web import form_status, pdf_response, refusal_shown


@bp.route("/recyclage")
@allow(*WORKSHOP)
def recycling_batches():
    rows = db.session.execute(
        select(RecyclingBatch, func.count(Device.id))
        .outerjoin(Device, Device.recycling_batch_id == RecyclingBatch.id)
        .group_by(RecyclingBatch.id)
        .order_by(RecyclingBatch.handed_over_on.desc())
    ).all()
    return render_template("inventory/recycling_batches.html", rows=rows)


@bp.route("/recyclage/nouveau", methods=["GET", "POST"])
@allow(*WORKSHOP)
def new_recycling_batch():
    form = RecyclingBatchForm()
    form.recycler_id.choices = [(None, _("— choisissez —"))] + [
        (r.id, r.name)
        for r in db.session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.kind == OrganisationKind.RECYCLER)
            .order_by(Organisation.name)
        )
    ]
    problems = {}
    if form.validate_on_submit():
        devices, problems = devices_for_tags(form.tags.data)
        recycler = get_or_none(Organisation, form.recycler_id.data)
        if not problems and recycler is not None:
            with refusal_shown(form) as outcome:
                batch = create_batch(
                    current_user,
                    recycler,
                    form.handed_over_on.data,
                    devices,
                    float(form.total_weight_kg.data)
                    if form.total_weight_kg.data is not None
                    else None,
                    form.handover_reference.data or "",
                    form.notes.data or "",
                )
            if not outcome.ok:
                problems = outcome.refusal.details.get("tags", {})
            else:
                flash(
                    _(
                        "Lot %(ref)s remis : %(n)d appareil(s) recyclé(s).",
                        ref=batch.reference,
                        n=len(devices),
                    ),
                    "success",
                )
                return redirect(url_for(".recycling_batch", batch_id=batch.id))
        elif problems:
            form.form_errors.append(
                _("Certaines lignes ne désignent pas un appareil : rien n'a été enregistré.")
            )
    return render_template(
        "inventory/recycling_form.html", form=form, problems=problems
    ), form_status(form)


@bp.route("/recyclage/<int:batch_id>")
@allow(*WORKSHOP)
def recycling_batch(batch_id):
    batch = get_or_not_found(RecyclingBatch, batch_id)
    devices = db.session.scalars(
        select(Device).where(Device.recycling_batch_id == batch.id).order_by(Device.tag)
    ).all()
    return render_template("inventory/recycling_batch.html", batch=batch, devices=devices)


@bp.route("/recyclage/<int:batch_id>/bordereau.pdf")
@allow(*WORKSHOP)
def handover_slip_pdf(batch_id):
    batch = get_or_not_found(RecyclingBatch, batch_id)
    devices = db.session.scalars(
        select(Device).where(Device.recycling_batch_id == batch.id).order_by(Device.tag)
    ).all()
    return pdf_response(handover_slip(batch, devices), f"bordereau-{batch.reference}.pdf")
