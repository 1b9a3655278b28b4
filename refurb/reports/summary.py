"""Every figure of a report as of D (DESIGN §8), gathered once for the dashboard, the PDF, the
exports and the API: the indicators and the other figures, none of them personal."""

from dataclasses import dataclass
from datetime import date

from refurb.inventory.enums import Category, State
from refurb.reports.environment import Environment, environment
from refurb.reports.indicators import Indicator, indicators
from refurb.reports.lending import LoanFigures, loan_figures
from refurb.reports.maintenance import Upkeep, upkeep
from refurb.reports.stock import Month, flows, median_days_to_ready, stock
from refurb.reports.territory import EpciReach, territory


@dataclass
class Summary:
    as_of: date
    indicators: list[Indicator]
    stock: dict[tuple[Category, State], int]
    flows: list[Month]
    median_days_to_ready: float | None
    loans: LoanFigures
    maintenance: Upkeep
    territory: list[EpciReach]
    environment: Environment

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


def summary(day: date) -> Summary:
    return Summary(
        as_of=day,
        indicators=indicators(day),
        stock=stock(day),
        flows=flows(day),
        median_days_to_ready=median_days_to_ready(day),
        loans=loan_figures(day),
        maintenance=upkeep(day),
        territory=territory(day),
        environment=environment(day),
    )
