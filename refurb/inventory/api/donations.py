"""Donors, collections, recycling batches and labels over JSON."""

from flask import Response
from sqlalchemy import select

from refurb.api import BEARER
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.auth.models import Organisation
from refurb.errors import InvalidInput, NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.api import WORKSHOP, blp
from refurb.inventory.api.schemas import (
    CollectionSchema,
    DonorSchema,
    LabelsRequest,
    RecyclingCreated,
    RecyclingRequest,
)
from refurb.inventory.models import Collection, Donor
from refurb.inventory.search import devices_for_tags
from refurb.inventory.services import intake, recycling
from refurb.inventory.services.labels import issue_unclaimed, print_device_labels, template_named

DOC = {"security": [BEARER]}


@blp.route("/donors")
@allow(*WORKSHOP)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(DonorSchema))
@blp.doc(**DOC)
def list_donors(args):
    """All donors, by name."""
    return paginate(select(Donor).order_by(Donor.name, Donor.id), args)


@blp.route("/donors", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(DonorSchema)
@blp.response(201, DonorSchema)
@blp.doc(**DOC)
def create_donor(payload):
    """Record a donor."""
    donor = intake.create_donor(
        current_actor(), payload.pop("name"), payload.pop("kind"), **payload
    )
    return donor


@blp.route("/collections")
@allow(*WORKSHOP)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(CollectionSchema))
@blp.doc(**DOC)
def list_collections(args):
    """Collections, most recent first."""
    return paginate(
        select(Collection).order_by(Collection.collected_on.desc(), Collection.id.desc()), args
    )


@blp.route("/collections", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(CollectionSchema)
@blp.response(201, CollectionSchema)
@blp.doc(**DOC)
def create_collection(payload):
    """Open a collection (a donation batch) for a donor."""
    donor = db.session.get(Donor, payload.pop("donor_id"))
    if donor is None:
        raise NotFound("unknown_donor", _("Donateur inconnu."))
    collection = intake.create_collection(current_actor(), donor, **payload)
    return collection


@blp.route("/recycling-batches", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(RecyclingRequest)
@blp.response(201, RecyclingCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_recycling_batch(payload):
    """Hand devices over to a recycler: all are recycled, or none (`details.tags` says why)."""
    devices, problems = devices_for_tags("\n".join(payload["tags"]))
    if problems:
        raise InvalidInput(
            "unknown_tags", _("Étiquettes inconnues ou illisibles."), details={"tags": problems}
        )
    recycler = db.session.get(Organisation, payload["recycler_id"])
    if recycler is None:
        raise NotFound("unknown_recycler", _("Recycleur inconnu."))
    batch = recycling.create_batch(
        current_actor(),
        recycler,
        payload["handed_over_on"],
        devices,
        payload["total_weight_kg"],
        payload["handover_reference"],
        payload["notes"],
    )
    return {
        "id": batch.id,
        "reference": batch.reference,
        "total_weight_kg": batch.total_weight_kg,
        "tags": [d.tag for d in devices],
    }


@blp.route("/labels", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(LabelsRequest)
@blp.response(200, description="application/pdf: the label sheets")
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_labels(payload):
    """Labels of existing devices (`tags`), or `count` new unclaimed tags, as a PDF."""
    template = template_named(payload["template"])
    start = payload["start"] - 1
    if payload["tags"]:
        devices, problems = devices_for_tags("\n".join(payload["tags"]))
        if problems:
            raise InvalidInput(
                "unknown_tags", _("Étiquettes inconnues ou illisibles."), details={"tags": problems}
            )
        pdf = print_device_labels(devices, current_actor(), template, start)
    elif payload["count"]:
        _batch, pdf = issue_unclaimed(payload["count"], current_actor(), template, start)
    else:
        raise InvalidInput(
            "tags_or_count",
            _("Donnez des étiquettes (tags) ou un nombre (count)."),
            details={"tags": "required", "count": "required"},
        )
    return Response(pdf, mimetype="application/pdf")
