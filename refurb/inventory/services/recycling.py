"""Recycling batches: devices handed over to a recycler, each recycled through the lifecycle."""

from datetime import date

from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.db_types import today
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.lifecycle import Action, Context, Via, perform, refusal
from refurb.inventory.models import Device, RecyclingBatch
from refurb.numbering import next_reference


def create_batch(
    actor,
    recycler: Organisation,
    handed_over_on: date,
    devices: list[Device],
    total_weight_kg: float | None = None,
    handover_reference: str = "",
    notes: str = "",
) -> RecyclingBatch:
    """Hand devices over to a recycler: all of them are recycled, or none is."""
    if recycler.kind != OrganisationKind.RECYCLER:
        raise InvalidInput(
            "not_a_recycler",
            _("Choisissez une organisation de recyclage."),
            details={"recycler_id": "not_a_recycler"},
        )
    if not devices:
        raise InvalidInput(
            "no_devices", _("Ajoutez au moins un appareil au lot."), details={"tags": "empty"}
        )
    if handed_over_on > today():
        raise InvalidInput(
            "date_in_future",
            _("La date de remise est dans le futur."),
            details={"handed_over_on": "future"},
        )
    context = Context(actor=actor, via=Via.RECYCLING_BATCH)
    refused = {d.tag: r.message for d in devices if (r := refusal(d, Action.RECYCLE, context))}
    if refused:
        raise InvalidInput(
            "devices_refused",
            ngettext(
                "%(num)d appareil ne peut pas être recyclé : rien n'a été enregistré.",
                "%(num)d appareils ne peuvent pas être recyclés : rien n'a été enregistré.",
                len(refused),
            ),
            details={"tags": refused},
        )
    weight = (
        total_weight_kg
        if total_weight_kg is not None
        else round(sum(d.effective_weight_kg for d in devices), 1)
    )
    if weight <= 0:
        raise InvalidInput(
            "weight_required",
            _("Le poids total doit être positif."),
            details={"total_weight_kg": "positive"},
        )
    batch = RecyclingBatch(
        reference=next_reference("REC", width=3, on=handed_over_on),
        recycler=recycler,
        handed_over_on=handed_over_on,
        total_weight_kg=weight,
        handover_reference=handover_reference.strip(),
        notes=notes.strip(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(batch)
    db.session.flush()
    for device in devices:
        device.recycling_batch_id = batch.id
        perform(
            device,
            Action.RECYCLE,
            Context(actor=actor, via=Via.RECYCLING_BATCH, details={"batch": batch.reference}),
        )
    record(
        "recycling_batch",
        batch.id,
        "recycling.handed_over",
        actor=actor,
        organisation_id=recycler.id,
        details={"devices": len(devices), "total_weight_kg": weight},
    )
    return batch
