"""The report over JSON (DESIGN §7, §8): `GET /api/v1/indicators?as_of=` and
`GET /api/v1/reports/summary?as_of=`, the same figures as the dashboard, none personal."""

from dataclasses import asdict
from datetime import date

from marshmallow import Schema, fields, validate

from refurb.api import BEARER, Blueprint
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow
from refurb.auth.roles import Role
from refurb.db_types import today
from refurb.errors import InvalidInput
from refurb.i18n import gettext as _
from refurb.reports.environment import factors
from refurb.reports.lending import masked
from refurb.reports.summary import Summary, summary

blp = Blueprint("api_reports", __name__, url_prefix="/api/v1", description="Indicateurs et rapport")


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
    day = _day(args)
    return {"as_of": day, "indicators": [i.as_dict() for i in summary(day).indicators]}


MASKED = 'An integer, or the string "< 5" for 1 to 4 households'


class StateCount(Schema):
    state = fields.String()
    count = fields.Integer()


class CategoryStock(Schema):
    category = fields.String()
    total = fields.Integer()
    states = fields.Dict(keys=fields.String(), values=fields.Integer())


class StockOut(Schema):
    by_state = fields.List(fields.Nested(StateCount))
    by_category = fields.List(fields.Nested(CategoryStock))
    median_days_to_ready = fields.Float(allow_none=True)


class MonthOut(Schema):
    month = fields.String(metadata={"description": "YYYY-MM (Paris time)"})
    received = fields.Integer()
    made_ready = fields.Integer()
    lent = fields.Integer()
    deployed = fields.Integer()
    given = fields.Integer()
    recycled = fields.Integer()
    received_total = fields.Integer()
    made_ready_total = fields.Integer()


class UnmetOut(Schema):
    category = fields.String()
    epci = fields.String()
    households = fields.Raw(metadata={"description": MASKED})


class LoansOut(Schema):
    households_served = fields.Raw(metadata={"description": MASKED})
    active = fields.Integer()
    overdue = fields.Integer()
    returned = fields.Integer()
    gifts = fields.Integer()
    lost = fields.Integer()
    waiting = fields.Raw(metadata={"description": MASKED + " waiting"})
    median_wait_days = fields.Float(allow_none=True)
    unmet_demand = fields.List(fields.Nested(UnmetOut))


class EpciUpkeepOut(Schema):
    epci = fields.String()
    sites = fields.Integer()
    pcs = fields.Integer()
    availability = fields.Float(allow_none=True)
    sites_equipped = fields.Integer()
    missing_pcs = fields.Integer()


class MaintenanceOut(Schema):
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    availability = fields.Float(allow_none=True)
    pcs = fields.Integer()
    mttr_hours = fields.Float(allow_none=True)
    incidents_reported = fields.Integer()
    visits_done = fields.Integer()
    visits_on_time = fields.Integer()
    visits_overdue = fields.Integer()
    sites = fields.Integer()
    sites_equipped = fields.Integer()
    missing_pcs = fields.Integer()
    by_epci = fields.List(fields.Nested(EpciUpkeepOut))


class ReachOut(Schema):
    epci = fields.String(allow_none=True, metadata={"description": "null: commune not recorded"})
    collected = fields.Integer()
    households = fields.Raw(metadata={"description": MASKED})
    deployed = fields.Integer()


class ReuseOut(Schema):
    category = fields.String()
    devices = fields.Integer()
    kg = fields.Float()
    factor_kg_co2e = fields.Float(allow_none=True)
    avoided_kg_co2e = fields.Float()


class EnvironmentOut(Schema):
    factor_version = fields.String()
    factor_source = fields.String()
    reused_devices = fields.Integer()
    reused_kg = fields.Float()
    recycled_kg = fields.Float()
    avoided_kg_co2e = fields.Float()
    by_category = fields.List(fields.Nested(ReuseOut))


class SummaryOut(Schema):
    as_of = fields.Date()
    stock = fields.Nested(StockOut)
    flows = fields.List(fields.Nested(MonthOut))
    loans = fields.Nested(LoansOut)
    maintenance = fields.Nested(MaintenanceOut)
    territory = fields.List(fields.Nested(ReachOut))
    environment = fields.Nested(EnvironmentOut)


@blp.route("/reports/summary")
@allow(Role.VIEWER)
@blp.arguments(AsOfQuery, location="query")
@blp.response(200, SummaryOut)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(security=[BEARER])
def report_summary(args):
    """The report's other figures as of a date: stock, flows, loans, maintenance, territory,
    environment (DESIGN §8)."""
    return summary_json(summary(_day(args)))


def _day(args) -> date:
    """The date asked for, default today; a future date has no figures yet."""
    day = args["as_of"] or today()
    if day > today():
        raise InvalidInput(
            "as_of_in_future",
            _("La date est dans le futur : les chiffres ne sont connus que jusqu'à aujourd'hui."),
            details={"as_of": "in_future"},
        )
    return day


def summary_json(s: Summary) -> dict:
    loans, upkeep, env = s.loans, s.maintenance, s.environment
    return {
        "as_of": s.as_of,
        "stock": {
            "by_state": [{"state": st.value, "count": n} for st, n in s.by_state()],
            "by_category": [
                {"category": c.value, "total": total, "states": {k.value: v for k, v in n.items()}}
                for c, n, total in s.by_category()
            ],
            "median_days_to_ready": s.median_days_to_ready,
        },
        "flows": [{**asdict(m), "month": m.month.strftime("%Y-%m")} for m in s.flows],
        "loans": {
            **{k: v for k, v in asdict(loans).items() if k != "unmet"},
            "households_served": masked(loans.households_served),
            "waiting": masked(loans.waiting),
            "unmet_demand": [
                {"category": c.value, "epci": epci, "households": n} for c, epci, n in loans.unmet
            ],
        },
        "maintenance": {
            **{k: v for k, v in asdict(upkeep).items() if k not in ("by_epci", "missing")},
            "missing_pcs": upkeep.missing,
            "by_epci": [
                {**{k: v for k, v in asdict(g).items() if k != "missing"}, "missing_pcs": g.missing}
                for g in upkeep.by_epci
            ],
        },
        "territory": [asdict(r) for r in s.territory],
        "environment": {
            **{k: v for k, v in asdict(env).items() if k != "by_category"},
            "factor_source": factors().citation,
            "by_category": [
                {
                    "category": c.category.value,
                    "devices": c.devices,
                    "kg": c.kg,
                    "factor_kg_co2e": c.factor,
                    "avoided_kg_co2e": c.avoided_kg_co2e,
                }
                for c in env.by_category
            ],
        },
    }
