"""What the inventory API reads and writes."""

from marshmallow import Schema, fields, validate

from refurb.api.pagination import PageQuery
from refurb.inventory import lifecycle
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
from refurb.inventory.label_sheets import TEMPLATES
from refurb.inventory.lifecycle import Action
from refurb.inventory.services import intake


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
    cpu_cores = fields.Integer(allow_none=True)
    cpu_threads = fields.Integer(allow_none=True)
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
    site_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    state_changed_at = fields.DateTime()
    # Nested keeps one MediumSchema (a Method building one per device was half a list's time).
    media = fields.Nested(MediumSchema, many=True, attribute="active_media", dump_only=True)


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
    cpu_cores = fields.Integer(allow_none=True)
    cpu_threads = fields.Integer(allow_none=True)
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


class DeviceQuery(PageQuery):
    state = fields.String(load_default="")
    category = fields.String(load_default="")
    grade = fields.String(load_default="")
    collection_id = fields.Integer(load_default=None)
    donor_id = fields.Integer(load_default=None)
    q = fields.String(load_default="")
    sort = fields.String(load_default="recent")


class TransitionRequest(Schema):
    action = enum_field(Action, required=True)
    version = fields.Integer(
        required=True, strict=True, metadata={"description": "the version last read; 409 if stale"}
    )
    note = fields.String(load_default="", validate=validate.Length(max=1000))
    purpose = fields.String(
        load_default=None, validate=validate.OneOf(lifecycle.RESERVATION_PURPOSES)
    )
    site_id = fields.Integer(
        load_default=None,
        strict=True,
        metadata={"description": "reserve for / deploy to this site (the rotation pool is one)"},
    )


class EventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    actor = fields.Function(lambda event: event.actor.name if event.actor else None)
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


class LabelsRequest(Schema):
    tags = fields.List(fields.String(), load_default=None)
    count = fields.Integer(load_default=None, validate=validate.Range(min=1, max=5000))
    template = fields.String(load_default="avery-l7160", validate=validate.OneOf(list(TEMPLATES)))
    start = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "first position on the sheet, 1 = top left"},
    )
