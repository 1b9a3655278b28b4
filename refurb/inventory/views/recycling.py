"""Recycling batches and their handover slip."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from refurb.auth.access import allow
from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.documents import handover_slip
from refurb.inventory.forms import RecyclingBatchForm
from refurb.inventory.models import Device, RecyclingBatch
from refurb.inventory.search import devices_for_tags
from refurb.inventory.services.recycling import create_batch
from refurb.inventory.views import WORKSHOP, bp
from refurb.lookups import get_or_none, get_or_not_found
from refurb.transaction import tried
from refurb.web import confirmation_page, confirmed, form_status, pdf_response, refusal_shown


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

            def hand_over():
                return create_batch(
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

            with refusal_shown(form) as outcome:
                if confirmed(form):
                    batch = hand_over()
                else:  # tried first, so that a refusal comes before the confirmation
                    tried(hand_over)
            if outcome.ok and not confirmed(form):
                return _confirmation(form, devices, recycler)
            if not outcome.ok:
                problems = outcome.refusal.details.get("tags", {})
            else:
                flash(
                    ngettext(
                        "Lot %(ref)s remis : %(num)d appareil recyclé.",
                        "Lot %(ref)s remis : %(num)d appareils recyclés.",
                        len(devices),
                        ref=batch.reference,
                    ),
                    "success",
                )
                return redirect(url_for(".recycling_batch", batch_id=batch.id))
        elif problems:
            form.form_errors.append(
                _("Certaines lignes ne désignent pas un appareil : rien n'a été enregistré.")
            )
    form.confirmed.data = ""  # shown again: the next sending asks for confirmation again
    return render_template(
        "inventory/recycling_form.html", form=form, problems=problems
    ), form_status(form)


def _confirmation(form, devices, recycler):
    return confirmation_page(
        ngettext(
            "Remettre %(num)d appareil à %(r)s",
            "Remettre %(num)d appareils à %(r)s",
            len(devices),
            r=recycler.name,
        ),
        ngettext(
            "L'appareil sort du programme : il est enregistré comme recyclé et ne pourra "
            "plus être réparé ni prêté. Ce lot ne pourra pas être annulé.",
            "Les %(num)d appareils sortent du programme : ils sont enregistrés comme "
            "recyclés et ne pourront plus être réparés ni prêtés. Ce lot ne pourra pas "
            "être annulé.",
            len(devices),
        ),
        form,
        url_for(".new_recycling_batch"),
        url_for(".recycling_batches"),
        form.submit.label.text,
        carried=[  # exactly what was typed, posted again with the confirmation
            (field.name, value)
            for field in form
            if field.type not in ("HiddenField", "CSRFTokenField", "SubmitField")
            for value in field.raw_data or ()
        ],
    )


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
