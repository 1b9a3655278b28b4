"""Environment figures as of D (DESIGN §8): kilograms reused and handed to recyclers, and the
manufacturing emissions avoided by reuse, from the factor table shipped in `data/` (with its
source, year and version, shown wherever the figure is)."""

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

from sqlalchemy import case, func, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import MEDIAN_WEIGHT_KG, Category
from refurb.inventory.models import Device, RecyclingBatch
from refurb.reports.timeline import before_end_of

# A device is reused once it is lent, given or put in service at a site (counted once).
REUSE_ACTIONS = ("device.lend", "device.give", "device.deploy")


@dataclass(frozen=True)
class Factors:
    version: str
    unit: str
    source: dict
    kg_co2e: dict[Category, float]
    not_counted: dict[Category, str]

    @property
    def citation(self) -> str:
        s = self.source
        return f"{s['publisher']}, « {s['title']} », {s['year']}, {s['pages']}. {s['url']}"


@cache
def factors() -> Factors:
    data = json.loads(
        resources.files("refurb.reports").joinpath("data/emission_factors.json").read_text("utf-8")
    )
    return Factors(
        version=data["version"],
        unit=data["unit"],
        source=data["source"],
        kg_co2e={Category(k): float(v["kg_co2e"]) for k, v in data["factors"].items()},
        not_counted={Category(k): v for k, v in data["not_counted"].items()},
    )


@dataclass
class CategoryReuse:
    category: Category
    devices: int
    kg: float
    factor: float | None  # kg CO2e per device; None: not counted
    avoided_kg_co2e: float


@dataclass
class Environment:
    factor_version: str
    reused_devices: int = 0
    reused_kg: float = 0.0
    recycled_kg: float = 0.0
    avoided_kg_co2e: float = 0.0
    by_category: list[CategoryReuse] = field(default_factory=list)


def environment(day: date) -> Environment:
    table = factors()
    reused = select(Event.subject_id).where(
        Event.action.in_(REUSE_ACTIONS), before_end_of(Event.occurred_at, day)
    )
    weight = func.coalesce(
        Device.weight_kg,
        case(*((Device.category == c, w) for c, w in MEDIAN_WEIGHT_KG.items()), else_=1.0),
    )
    found = Environment(factor_version=table.version)
    for category, count, kg in db.session.execute(
        select(Device.category, func.count(), func.sum(weight))
        .where(Device.id.in_(reused))
        .group_by(Device.category)
        .order_by(Device.category)
    ):
        category = Category(category)
        factor = table.kg_co2e.get(category)
        avoided = round(count * factor, 1) if factor is not None else 0.0
        kg = round(float(kg), 1)
        found.by_category.append(CategoryReuse(category, count, kg, factor, avoided))
        # Totals of the rows as shown (rounded), so that a reader adding them up finds them.
        found.reused_devices += count
        found.reused_kg += kg
        found.avoided_kg_co2e += avoided
    found.reused_kg = round(found.reused_kg, 1)
    found.avoided_kg_co2e = round(found.avoided_kg_co2e, 1)
    found.recycled_kg = round(
        float(
            db.session.scalar(
                select(func.coalesce(func.sum(RecyclingBatch.total_weight_kg), 0.0)).where(
                    RecyclingBatch.handed_over_on <= day
                )
            )
        ),
        1,
    )
    return found
