"""Devices over JSON: receive, list, read, edit, transitions, history."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from refurb.api import BEARER
from refurb.api.pagination import PageQuery, page_of, paginate
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.history.models import Event
from refurb.inventory import lifecycle, search
from refurb.inventory.api import READERS, WORKSHOP, blp
from refurb.inventory.api.schemas import (
    DeviceCreate,
    DeviceDetailSchema,
    DevicePatch,
    DeviceQuery,
    DeviceSchema,
    EventSchema,
    TransitionRequest,
)
from refurb.inventory.services import intake, workshop
from refurb.inventory.services.lookup import device_by_tag

DOC = {"security": [BEARER]}


@blp.route("/devices", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(DeviceCreate)
@blp.response(201, DeviceDetailSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_device(payload):
    """Receive a device (state `received`); the tag is claimed if given, generated otherwise."""
    device = intake.receive_device(current_actor(), **payload)
    return device


@blp.route("/devices")
@allow(*READERS)
@blp.arguments(DeviceQuery, location="query")
@blp.response(200, page_of(DeviceSchema))
@blp.doc(**DOC)
def list_devices(args):
    """Devices filtered by state, category, grade, collection, donor and text."""
    filters = search.DeviceFilters.from_args({k: v for k, v in args.items() if v is not None})
    rows, total, _counts = search.search_devices(filters)
    return {
        "items": [row[0] for row in rows],
        "total": total,
        "page": filters.page,
        "per_page": filters.per_page,
    }


@blp.route("/devices/<tag>")
@allow(*READERS)
@blp.response(200, DeviceDetailSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.doc(**DOC)
def get_device(tag):
    """One device, by its tag (typed forgivingly)."""
    return device_by_tag(tag)


@blp.route("/devices/<tag>", methods=["PATCH"])
@allow(*WORKSHOP)
@blp.arguments(DevicePatch)
@blp.response(200, DeviceDetailSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def patch_device(payload, tag):
    """Edit specs and readiness; `version` must be the one last read (409 otherwise)."""
    device = device_by_tag(tag)
    version = payload.pop("version")
    workshop.update_device(device, current_actor(), version, **payload)
    return device


@blp.route("/devices/<tag>/transitions", methods=["POST"])
@allow(*READERS)
@blp.arguments(TransitionRequest)
@blp.response(200, DeviceDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Refused: `code` names the failed guard")
@blp.doc(**DOC)
def transition(payload, tag):
    """Apply a lifecycle action; a refusal names the guard (e.g. `erasure_required`)."""
    device = device_by_tag(tag)
    lifecycle.act_on(
        device,
        payload["action"],
        current_actor(),
        payload["version"],
        payload["note"],
        purpose=payload["purpose"],
        site_id=payload["site_id"],
    )
    return device


@blp.route("/devices/<tag>/events")
@allow(*READERS)
@blp.arguments(PageQuery, location="query")
@blp.response(200, page_of(EventSchema))
@blp.doc(**DOC)
def device_events(args, tag):
    """The device's full history, oldest first."""
    device = device_by_tag(tag)
    return paginate(
        select(Event)
        .options(joinedload(Event.actor))
        .where(Event.subject_type == "device", Event.subject_id == device.id)
        .order_by(Event.occurred_at, Event.id),
        args,
    )
