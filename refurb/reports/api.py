"""The roadmap's indicators over JSON (DESIGN §7, §8): `GET /api/v1/indicators?as_of=`."""

from datetime import date

from marshmallow import Schema, fields, validate

from refurb.api import BEARER, Blueprint
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow
from refurb.auth.roles import Role
from refurb.reports.indicators import indicators
from refurb.reports.timeline import PARIS

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Indicateurs")


class AsOfQuery(Schema):
    as_of = fields.Date(
        load_default=None,
        validate=validate.Range(date(2020, 1, 1), date(2100, 12, 31)),
        metadata={"description": "YYYY-MM-DD (default: today, Paris time)"},
    )


class ForecastOut(Schema):
    """The pace of the last 180 days carried to the deadline (counts only)."""

    pace_per_month = fields.Float()
    projected_at_deadline = fields.Float()
    reached_on_at_this_pace = fields.Date(allow_none=True)
    needed_per_month = fields.Float()


class IndicatorOut(Schema):
    key = fields.String()
    label = fields.String()
    value = fields.Float()
    target = fields.Float()
    deadline = fields.Date(allow_none=True)
    status = fields.String(metadata={"description": "reached, on_track or behind"})
    since = fields.Date(allow_none=True, metadata={"description": "0/1 indicators: became 1 on"})
    forecast = fields.Nested(ForecastOut)


class IndicatorsOut(Schema):
    as_of = fields.Date()
    indicators = fields.List(fields.Nested(IndicatorOut))


@blp.route("/indicators")
@allow(Role.VIEWER)
@blp.arguments(AsOfQuery, location="query")
@blp.response(200, IndicatorsOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(security=[BEARER])
def list_indicators(args):
    """Every indicator of the roadmap as of a date, with target, deadline, status, forecast."""
    from refurb.db_types import utcnow

    day = args["as_of"] or utcnow().astimezone(PARIS).date()
    return {"as_of": day, "indicators": [i.as_dict() for i in indicators(day)]}
