"""What the maintenance API reads and writes."""

from datetime import date

from marshmallow import Schema, fields, validate

from refurb.api.pagination import PageQuery
from refurb.db_types import today
from refurb.inventory.enums import Category
from refurb.maintenance.enums import IncidentCategory, IncidentImpact, IncidentStatus, SiteKind


def enum_field(enum, **kwargs):
    return fields.Enum(enum, by_value=True, **kwargs)


class SiteIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=160))
    kind = enum_field(SiteKind, required=True)
    commune_code = fields.String(required=True, validate=validate.Length(equal=5))
    host_organisation_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    contact_name = fields.String(load_default="", validate=validate.Length(max=120))
    contact_phone = fields.String(load_default="", validate=validate.Length(max=32))
    contact_email = fields.String(
        load_default="",
        validate=[validate.Length(max=254), lambda v: v == "" or validate.Email()(v)],
    )
    opening_hours = fields.String(load_default="", validate=validate.Length(max=500))
    weekly_attendance = fields.Integer(load_default=None, allow_none=True, strict=True)
    attendance_assessed_on = fields.Date(load_default=None, allow_none=True)
    maintainer_ids = fields.List(fields.Integer(strict=True), load_default=list)
    needs = fields.Dict(
        keys=fields.Enum(Category, by_value=True),
        values=fields.Integer(strict=True, validate=validate.Range(0, 200)),
        load_default=dict,
    )


class NeedOut(Schema):
    category = fields.Function(lambda n: n.category.value)
    count = fields.Integer()


class SiteOut(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.Function(lambda s: s.kind.value)
    commune_code = fields.String()
    epci = fields.Function(lambda s: s.commune.epci.name)
    host_organisation_id = fields.Integer(allow_none=True)
    opening_hours = fields.String()
    weekly_attendance = fields.Integer(allow_none=True)
    maintainers = fields.Function(lambda s: [m.id for m in s.maintainers])
    needs = fields.List(fields.Nested(NeedOut))
    version = fields.Integer()


class ParkDeviceOut(Schema):
    tag = fields.String()
    category = fields.String()
    model = fields.String()
    state = fields.String()
    last_visit_at = fields.DateTime(allow_none=True)
    open_incidents = fields.Integer()
    availability = fields.Float()


class SiteDetailOut(SiteOut):
    park = fields.List(fields.Nested(ParkDeviceOut))


class PlanItemOut(Schema):
    key = fields.String()
    label = fields.String()
    kind = fields.String()
    required = fields.Boolean()
    critical = fields.Boolean()
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)


class PlanOut(Schema):
    id = fields.Integer()
    key = fields.String()
    name = fields.String()
    interval_days = fields.Integer()
    version = fields.Function(lambda p: p.current.number)
    items = fields.Function(lambda p: PlanItemOut(many=True).dump(p.current.items))


class ResultIn(Schema):
    tag = fields.String(required=True, validate=validate.Length(max=64))
    missing = fields.Boolean(load_default=False)
    answers = fields.Dict(keys=fields.String(validate=validate.Length(max=64)), load_default=dict)
    note = fields.String(load_default="", validate=validate.Length(max=1000))


class VisitIn(Schema):
    plan_id = fields.Integer(required=True, strict=True)
    minutes_spent = fields.Integer(required=True, strict=True)
    notes = fields.String(load_default="", validate=validate.Length(max=2000))
    results = fields.List(fields.Nested(ResultIn), required=True)


class VisitOut(Schema):
    id = fields.Integer()
    site_id = fields.Integer()
    plan_id = fields.Integer()
    plan_version = fields.Function(lambda v: v.plan_version.number)
    status = fields.Function(lambda v: v.status.value)
    due_on = fields.Date(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    minutes_spent = fields.Integer(allow_none=True)
    incidents = fields.List(fields.String(), dump_default=list)


class DueQuery(PageQuery):
    due_before = fields.Date(load_default=None)


class DueOut(Schema):
    site_id = fields.Function(lambda d: d.site.id)
    site = fields.Function(lambda d: d.site.name)
    plan_id = fields.Function(lambda d: d.plan.id)
    plan = fields.Function(lambda d: d.plan.key)
    last_completed_on = fields.Date(allow_none=True)
    due_on = fields.Date()
    overdue = fields.Function(lambda d: d.is_overdue(today()))


class IncidentIn(Schema):
    tag = fields.String(required=True, validate=validate.Length(max=64))
    category = enum_field(IncidentCategory, required=True)
    impact = enum_field(IncidentImpact, load_default=IncidentImpact.BLOCKING)
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class IncidentQuery(PageQuery):
    status = enum_field(IncidentStatus, load_default=None)
    site_id = fields.Integer(load_default=None)


class IncidentOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    tag = fields.Function(lambda i: i.device.tag)
    site_id = fields.Integer()
    category = fields.Function(lambda i: i.category.value)
    impact = fields.Function(lambda i: i.impact.value)
    description = fields.String()
    source = fields.Function(lambda i: i.source.value)
    status = fields.Function(lambda i: i.status.value)
    reported_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    resolution = fields.String()
    version = fields.Integer()


class StepIn(Schema):
    version = fields.Integer(required=True, strict=True)
    note = fields.String(load_default="", validate=validate.Length(max=2000))


PERIOD = validate.Range(date(2000, 1, 1), date(2100, 12, 31))


class AvailabilityQuery(Schema):
    from_ = fields.Date(data_key="from", required=True, validate=PERIOD)
    to = fields.Date(required=True, validate=PERIOD)


class DeviceAvailabilityOut(Schema):
    tag = fields.String()
    availability = fields.Float()


class AvailabilityOut(Schema):
    site_id = fields.Integer()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    availability = fields.Float()
    pcs = fields.Integer()
    devices = fields.List(fields.Nested(DeviceAvailabilityOut))
