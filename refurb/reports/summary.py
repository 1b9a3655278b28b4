"""Every figure of a report as of D (DESIGN §8), gathered once for the dashboard, the PDF, the
exports and the API: the indicators and the other figures, none of them personal."""

from collections import OrderedDict
from datetime import date
from functools import cached_property
from threading import Lock

from flask import current_app
from sqlalchemy import func, select

from refurb.db_types import today, utcnow
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.reports.environment import Environment, environment
from refurb.reports.indicators import Indicator, indicators
from refurb.reports.lending import LoanFigures, loan_figures
from refurb.reports.maintenance import Upkeep, upkeep
from refurb.reports.models import IndicatorTarget
from refurb.reports.stock import Month, flows, median_days_to_ready, stock
from refurb.reports.territory import EpciReach, territory


class Summary:
    """The figures as of `as_of`, each computed when first read (a chart reads only its own)."""

    def __init__(self, as_of: date):
        self.as_of = as_of

    @cached_property
    def indicators(self) -> list[Indicator]:
        return indicators(self.as_of)

    @cached_property
    def stock(self) -> dict[tuple[Category, State], int]:
        return stock(self.as_of)

    @cached_property
    def flows(self) -> list[Month]:
        return flows(self.as_of)

    @cached_property
    def median_days_to_ready(self) -> float | None:
        return median_days_to_ready(self.as_of)

    @cached_property
    def loans(self) -> LoanFigures:
        return loan_figures(self.as_of)

    @cached_property
    def maintenance(self) -> Upkeep:
        return upkeep(self.as_of)

    @cached_property
    def territory(self) -> list[EpciReach]:
        return territory(self.as_of)

    @cached_property
    def environment(self) -> Environment:
        return environment(self.as_of)

    def by_state(self) -> list[tuple[State, int]]:
        return [(s, sum(n for (_c, st), n in self.stock.items() if st == s)) for s in State]

    def by_category(self) -> list[tuple[Category, dict[State, int], int]]:
        """Per category present: its count per state and its total."""
        rows = []
        for category in Category:
            counts = {s: self.stock.get((category, s), 0) for s in State}
            if any(counts.values()):
                rows.append((category, counts, sum(counts.values())))
        return rows

    @property
    def devices(self) -> int:
        return sum(self.stock.values())


CACHE_SIZE = 16  # dates kept per process
LOCK = Lock()
FRESH_SECONDS = 300  # today's figures also age (an open incident's downtime grows)


def summary(day: date) -> Summary:
    """The figures as of `day`, kept while nothing is recorded: every change a service makes
    appends an event (and a target edit a row), so the newest ids version them."""
    if not current_app.config.get("REPORT_CACHE", True):
        return Summary(day)
    moment = utcnow()
    key = (
        day,
        db.session.scalar(select(func.max(Event.id))),
        db.session.scalar(select(func.max(IndicatorTarget.id))),
        int(moment.timestamp() // FRESH_SECONDS) if day >= today() else None,
    )
    kept: OrderedDict = current_app.extensions.setdefault("refurb.reports", OrderedDict())
    with LOCK:  # threads of one process share it
        found = kept.get(key)
        if found is None:
            found = kept[key] = Summary(day)
            while len(kept) > CACHE_SIZE:
                kept.popitem(last=False)
        else:
            kept.move_to_end(key)
    return found
