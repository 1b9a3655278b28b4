"""JSON API of the inventory (DESIGN §7): devices, transitions, workbench records, donors,
collections, recycling. The same services as the pages, so the same rules."""

from flask import Response, request
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from refurb.api import BEARER, Blueprint
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.errors import InvalidInput, NotFound, check_version
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory import lifecycle, search
from refurb.inventory.enums import (
    Category,
    DiagnosisOutcome,
    DonorKind,
    ErasureMethod,
    Grade,
    MediumKind,
    RepairBarrier,
    RepairStatus,
    State,
)
from refurb.inventory.labels import TEMPLATES
from refurb.inventory.lifecycle import Action, Context
from refurb.inventory.models import Collection, Donor, StorageMedium
from refurb.inventory.search import devices_for_tags
from refurb.inventory.services import intake, recycling, workshop
from refurb.inventory.services.labels import issue_unclaimed, print_device_labels, template_named
from refurb.inventory.services.snapshots import apply_snapshot
from refurb.inventory.views import device_or_404

blp = Blueprint("api_inventory", __name__, url_prefix="/api/v1", description="Inventaire")

WORKSHOP = (Role.TECHNICIAN,)
READERS = (Role.TECHNICIAN, Role.MAINTAINER, Role.LENDER)
DOC = {"security": [BEARER]}


def enum_field(enum, **kwargs):
    return fields.Enum(enum, by_value=True, **kwargs)


class MediumSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = enum_field(MediumKind, required=True)
    serial = fields.String(load_default="")
    model = fields.String(load_default="")
    size_gb = fields.Float(allow_none=True, load_default=None)
    health_percent = fields.Integer(dump_only=True, allow_none=True)
    smart_passed = fields.Boolean(dump_only=True, allow_none=True)
    power_on_hours = fields.Integer(dump_only=True, allow_none=True)


class DeviceSchema(Schema):
    tag = fields.String()
    category = enum_field(Category)
    brand = fields.String()
    model = fields.String()
    serial_number = fields.String(allow_none=True)
    year_of_manufacture = fields.Integer(allow_none=True)
    state = enum_field(State)
    grade = enum_field(Grade, allow_none=True)
    version = fields.Integer()
    cpu = fields.String(allow_none=True)
    ram_gb = fields.Float(allow_none=True)
    screen_inches = fields.Float(allow_none=True)
    battery_design_wh = fields.Float(allow_none=True)
    battery_full_wh = fields.Float(allow_none=True)
    os = fields.String(allow_none=True)
    has_free_software = fields.Boolean()
    has_dys_software = fields.Boolean()
    simplified = fields.Boolean()
    weight_kg = fields.Float(allow_none=True)
    accessories = fields.String()
    storage_absent = fields.Boolean()
    collection_id = fields.Integer(allow_none=True)
    holder_organisation_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    state_changed_at = fields.DateTime()
    media = fields.Method("active_media")

    def active_media(self, device):
        return MediumSchema(many=True).dump(device.active_media)


class DeviceDetailSchema(DeviceSchema):
    duplicate_serial_of = fields.Method("duplicates")

    def duplicates(self, device):
        return intake.duplicate_serials(device)


class DeviceCreate(Schema):
    category = enum_field(Category, required=True)
    tag = fields.String(load_default=None, allow_none=True)
    brand = fields.String(load_default="", validate=validate.Length(max=80))
    model = fields.String(load_default="", validate=validate.Length(max=120))
    serial_number = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=80)
    )
    year_of_manufacture = fields.Integer(load_default=None, allow_none=True)
    weight_kg = fields.Float(load_default=None, allow_none=True)
    accessories = fields.String(load_default="", validate=validate.Length(max=255))
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    collection_id = fields.Integer(load_default=None, allow_none=True)


class DevicePatch(Schema):
    version = fields.Integer(required=True)
    brand = fields.String(validate=validate.Length(max=80))
    model = fields.String(validate=validate.Length(max=120))
    serial_number = fields.String(allow_none=True, validate=validate.Length(max=80))
    year_of_manufacture = fields.Integer(allow_none=True)
    cpu = fields.String(allow_none=True)
    ram_gb = fields.Float(allow_none=True)
    screen_inches = fields.Float(allow_none=True)
    battery_design_wh = fields.Float(allow_none=True)
    battery_full_wh = fields.Float(allow_none=True)
    os = fields.String(allow_none=True)
    has_free_software = fields.Boolean()
    has_dys_software = fields.Boolean()
    simplified = fields.Boolean()
    grade = enum_field(Grade, allow_none=True)
    weight_kg = fields.Float(allow_none=True)
    accessories = fields.String(validate=validate.Length(max=255))
    notes = fields.String(validate=validate.Length(max=2000))
    storage_absent = fields.Boolean()


class DeviceQuery(Schema):
    state = fields.String(load_default="")
    category = fields.String(load_default="")
    grade = fields.String(load_default="")
    collection_id = fields.Integer(load_default=None)
    donor_id = fields.Integer(load_default=None)
    q = fields.String(load_default="")
    sort = fields.String(load_default="recent")
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DevicePage(Schema):
    items = fields.List(fields.Nested(DeviceSchema))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class TransitionRequest(Schema):
    action = enum_field(Action, required=True)
    version = fields.Integer(load_default=None, metadata={"description": "refused if stale"})
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    purpose = fields.String(
        load_default=None, validate=validate.OneOf(lifecycle.RESERVATION_PURPOSES)
    )
    organisation_id = fields.Integer(load_default=None)
    rotation_pool = fields.Boolean(load_default=False)


class EventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    occurred_at = fields.DateTime()
    note = fields.String(allow_none=True)
    details = fields.Dict()


class CheckAnswer(Schema):
    result = fields.String(required=True, validate=validate.OneOf(["pass", "fail", "na"]))
    note = fields.String(load_default="")


class DiagnosisRequest(Schema):
    results = fields.Dict(keys=fields.String(), values=fields.Nested(CheckAnswer), required=True)
    outcome = enum_field(DiagnosisOutcome, required=True)
    notes = fields.String(load_default="")


class ErasureRequest(Schema):
    medium_id = fields.Integer(load_default=None)
    medium_serial = fields.String(load_default=None)
    method = enum_field(ErasureMethod, required=True)
    tool = fields.String(required=True, validate=validate.Length(min=1, max=120))
    verified = fields.Boolean(required=True)
    verification_note = fields.String(load_default="")
    performed_at = fields.AwareDateTime(load_default=None, allow_none=True)


class RepairRequest(Schema):
    problem = fields.String(required=True)
    status = enum_field(RepairStatus, required=True)
    barrier = enum_field(RepairBarrier, load_default=None, allow_none=True)
    parts_used = fields.String(load_default="")
    minutes_spent = fields.Integer(load_default=None, allow_none=True)
    notes = fields.String(load_default="")


class RecordCreated(Schema):
    id = fields.Integer()
    device = fields.Nested(DeviceSchema)


class ErasureCreated(RecordCreated):
    certificate_number = fields.String()


class SnapshotCreated(Schema):
    id = fields.Integer()
    kind = fields.String()
    summary = fields.Dict()
    device = fields.Nested(DeviceSchema)


class DonorSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    kind = enum_field(DonorKind, required=True)
    organisation_id = fields.Integer(load_default=None, allow_none=True)
    commune_code = fields.String(load_default=None, allow_none=True)
    contact_name = fields.String(load_default="")
    email = fields.String(load_default="", validate=lambda v: v == "" or validate.Email()(v))
    phone = fields.String(load_default="")


class CollectionSchema(Schema):
    id = fields.Integer(dump_only=True)
    reference = fields.String(dump_only=True)
    donor_id = fields.Integer(required=True)
    collected_on = fields.Date(required=True)
    place = fields.String(load_default="")
    workshop_id = fields.Integer(load_default=None, allow_none=True)
    notes = fields.String(load_default="")


class RecyclingRequest(Schema):
    recycler_id = fields.Integer(required=True)
    handed_over_on = fields.Date(required=True)
    tags = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    total_weight_kg = fields.Float(load_default=None, allow_none=True)
    handover_reference = fields.String(load_default="")
    notes = fields.String(load_default="")


class RecyclingCreated(Schema):
    id = fields.Integer()
    reference = fields.String()
    total_weight_kg = fields.Float()
    tags = fields.List(fields.String())


# --- Devices ----------------------------------------------------------------------------------


@blp.route("/devices", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(DeviceCreate)
@blp.response(201, DeviceDetailSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_device(payload):
    """Receive a device (state `received`); the tag is claimed if given, generated otherwise."""
    device = intake.receive_device(current_actor(), **payload)
    db.session.commit()
    return device


@blp.route("/devices")
@allow(*READERS)
@blp.arguments(DeviceQuery, location="query")
@blp.response(200, DevicePage)
@blp.doc(**DOC)
def list_devices(args):
    """Devices filtered by state, category, grade, collection, donor and text."""
    filters = search.DeviceFilters.from_args({k: v for k, v in args.items() if v is not None})
    rows, total = search.search_devices(filters)
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
    return device_or_404(tag)


@blp.route("/devices/<tag>", methods=["PATCH"])
@allow(*WORKSHOP)
@blp.arguments(DevicePatch)
@blp.response(200, DeviceDetailSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.doc(**DOC)
def patch_device(payload, tag):
    """Edit specs and readiness; `version` must be the one last read (409 otherwise)."""
    device = device_or_404(tag)
    version = payload.pop("version")
    workshop.update_device(device, current_actor(), version, **payload)
    db.session.commit()
    return device


@blp.route("/devices/<tag>/transitions", methods=["POST"])
@allow(Role.TECHNICIAN, Role.MAINTAINER, Role.LENDER)
@blp.arguments(TransitionRequest)
@blp.response(200, DeviceDetailSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Refused: `code` names the failed guard")
@blp.doc(**DOC)
def transition(payload, tag):
    """Apply a lifecycle action; a refusal names the guard (e.g. `erasure_required`)."""
    device = device_or_404(tag)
    if payload["version"] is not None:
        check_version(device, payload["version"])
    details = {
        "purpose": payload["purpose"],
        "organisation_id": payload["organisation_id"],
        "rotation_pool": payload["rotation_pool"],
    }
    lifecycle.perform(
        device,
        payload["action"],
        Context(actor=current_actor(), note=payload["note"], details=details),
    )
    db.session.commit()
    return device


@blp.route("/devices/<tag>/events")
@allow(*READERS)
@blp.response(200, EventSchema(many=True))
@blp.doc(**DOC)
def device_events(tag):
    """The device's full history, oldest first."""
    device = device_or_404(tag)
    rows = db.session.execute(
        select(Event, User.name)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.subject_type == "device", Event.subject_id == device.id)
        .order_by(Event.occurred_at, Event.id)
    ).all()
    return [
        {
            **{
                c: getattr(e, c)
                for c in (
                    "id",
                    "action",
                    "from_state",
                    "to_state",
                    "occurred_at",
                    "note",
                    "details",
                )
            },
            "actor": name,
        }
        for e, name in rows
    ]


# --- Workbench --------------------------------------------------------------------------------


@blp.route("/devices/<tag>/diagnoses", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(DiagnosisRequest)
@blp.response(201, RecordCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_diagnosis(payload, tag):
    """Record a functional test: every checklist item of the category answered."""
    device = device_or_404(tag)
    diagnosis = workshop.record_diagnosis(
        device, current_actor(), payload["results"], payload["outcome"], payload["notes"]
    )
    db.session.commit()
    return {"id": diagnosis.id, "device": device}


@blp.route("/devices/<tag>/media", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(MediumSchema)
@blp.response(201, MediumSchema)
@blp.doc(**DOC)
def create_medium(payload, tag):
    """Add a storage medium to the device."""
    device = device_or_404(tag)
    medium = workshop.add_medium(
        device,
        current_actor(),
        payload["kind"],
        payload["serial"],
        payload["model"],
        payload["size_gb"],
    )
    db.session.commit()
    return medium


@blp.route("/devices/<tag>/erasures", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(ErasureRequest)
@blp.response(201, ErasureCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_erasure(payload, tag):
    """Record the erasure of one medium (by `medium_id` or `medium_serial`)."""
    device = device_or_404(tag)
    medium = None
    if payload["medium_id"] is not None:
        medium = db.session.get(StorageMedium, payload["medium_id"])
    elif payload["medium_serial"]:
        medium = next(
            (m for m in device.active_media if m.serial == payload["medium_serial"]), None
        )
    if medium is None or medium.device_id != device.id:
        raise InvalidInput(
            "medium_required",
            _("Support de stockage inconnu sur cet appareil."),
            details={"medium_id": "unknown"},
        )
    erasure = workshop.record_erasure(
        device,
        current_actor(),
        medium,
        payload["method"],
        payload["tool"],
        payload["verified"],
        payload["verification_note"],
        payload["performed_at"],
    )
    db.session.commit()
    return {"id": erasure.id, "certificate_number": erasure.certificate_number, "device": device}


@blp.route("/devices/<tag>/repairs", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(RepairRequest)
@blp.response(201, RecordCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_repair(payload, tag):
    """Record a repair (ORDS fields)."""
    device = device_or_404(tag)
    repair = workshop.record_repair(device, current_actor(), **payload)
    db.session.commit()
    return {"id": repair.id, "device": device}


@blp.route("/devices/<tag>/snapshots", methods=["POST"])
@allow(*WORKSHOP)
@blp.response(201, SnapshotCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(
    **DOC,
    description="Body: the raw output of `lshw -json` or `smartctl -j -a` "
    "(application/json), or a multipart form with a `file` field.",
)
def create_snapshot(tag):
    """Upload a hardware report; specs and storage media are filled from it."""
    device = device_or_404(tag)
    upload = request.files.get("file")
    raw = upload.read() if upload else request.get_data()
    name = upload.filename if upload else request.headers.get("X-Filename", "")
    snapshot = apply_snapshot(device, current_actor(), raw, name or "")
    db.session.commit()
    return {"id": snapshot.id, "kind": snapshot.kind, "summary": snapshot.summary, "device": device}


# --- Donors, collections, recycling ------------------------------------------------------------


@blp.route("/donors")
@allow(*WORKSHOP)
@blp.response(200, DonorSchema(many=True))
@blp.doc(**DOC)
def list_donors():
    """All donors, by name."""
    return db.session.scalars(select(Donor).order_by(Donor.name)).all()


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
    db.session.commit()
    return donor


@blp.route("/collections")
@allow(*WORKSHOP)
@blp.response(200, CollectionSchema(many=True))
@blp.doc(**DOC)
def list_collections():
    """Collections, most recent first."""
    return db.session.scalars(select(Collection).order_by(Collection.collected_on.desc())).all()


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
    db.session.commit()
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
    db.session.commit()
    return {
        "id": batch.id,
        "reference": batch.reference,
        "total_weight_kg": batch.total_weight_kg,
        "tags": [d.tag for d in devices],
    }


class LabelsRequest(Schema):
    tags = fields.List(fields.String(), load_default=None)
    count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5000))
    template = fields.String(load_default="avery-l7160", validate=validate.OneOf(list(TEMPLATES)))
    start = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "first position on the sheet, 1 = top left"},
    )


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
    db.session.commit()
    return Response(pdf, mimetype="application/pdf")
