"""The loans' figures as of D (DESIGN §8), from the loans' history: households served, loans
active and overdue, returns, gifts and losses, unmet demand, the wait from request to handover.
Counts of households only, never who: a cell under 5 households is shown as "< 5"."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import Category
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.models import Household, Loan, LoanRequest
from refurb.reports.timeline import at, before_end_of, days_between, end_of, last_state, median
from refurb.territory.models import Commune, Epci

FEW = 5  # fewer households than this in a cell are shown as "< 5"


HIDDEN = "masqué"  # a cell hidden so that a lone "< 5" cannot be worked out from the total


def masked(households: int) -> int | str:
    """A count of households as it may be shown: "< 5" for 1 to 4."""
    return f"< {FEW}" if 0 < households < FEW else households


def suppressed(counts: list[int]) -> list[int | str]:
    """A column of household counts as it may be shown beside its total: 1 to 4 as "< 5",
    and when only one cell is so masked, the next smallest one hidden too."""
    shown: list[int | str] = [masked(n) for n in counts]
    small = [n for n, value in enumerate(shown) if isinstance(value, str)]
    others = sorted((c, n) for n, c in enumerate(counts) if c >= FEW)
    if len(small) == 1 and others:
        shown[others[0][1]] = HIDDEN
    return shown


@dataclass
class LoanFigures:
    households_served: int = 0
    active: int = 0
    overdue: int = 0
    returned: int = 0
    gifts: int = 0
    lost: int = 0
    median_wait_days: float | None = None
    waiting: int = 0
    # (category, EPCI name) → households waiting, masked
    unmet: list[tuple[Category, str, int | str]] = field(default_factory=list)


def loan_figures(day: date) -> LoanFigures:
    figures = LoanFigures()
    last = last_state("loan", day)
    # the due date in force: the last handover or renewal by D (other steps carry none)
    dues = last_state("loan", day, Event.action.in_(("loan.checked_out", "loan.renewed")))
    due = func.coalesce(dues.c.details["due_on"].as_string(), "9999")
    flagged = (
        select(last.c.to_state, (due < day.isoformat()).label("late"))
        .outerjoin(dues, dues.c.subject_id == last.c.subject_id)
        .subquery()
    )
    for status, is_overdue, count in db.session.execute(
        select(flagged.c.to_state, flagged.c.late, func.count()).group_by(
            flagged.c.to_state, flagged.c.late
        )
    ):
        if status == LoanStatus.ACTIVE:
            figures.active += count
            figures.overdue += count if is_overdue else 0
        elif status == LoanStatus.RETURNED:
            figures.returned += count
        elif status == LoanStatus.CONVERTED_TO_GIFT:
            figures.gifts += count
        elif status == LoanStatus.LOST:
            figures.lost += count
    handed = _handed_over(day)
    figures.households_served = db.session.scalar(
        select(func.count(func.distinct(Loan.household_id))).where(Loan.id.in_(handed))
    )
    figures.median_wait_days = _median_wait(day)
    figures.unmet = unmet_demand(day)
    figures.waiting = db.session.scalar(select(func.count()).select_from(_waiting(day).subquery()))
    return figures


def _handed_over(day: date):
    """The ids of the loans handed over on or before D."""
    return select(Event.subject_id).where(
        Event.action == "loan.checked_out", before_end_of(Event.occurred_at, day)
    )


def _median_wait(day: date) -> float | None:
    """Median days from a request to the handover of the loan that served it."""
    checkout = (
        select(Event.subject_id, func.min(Event.occurred_at).label("at"))
        .where(Event.action == "loan.checked_out", before_end_of(Event.occurred_at, day))
        .group_by(Event.subject_id)
        .subquery()
    )
    values = select(days_between(checkout.c.at, LoanRequest.requested_on)).join(
        checkout, checkout.c.subject_id == LoanRequest.loan_id
    )
    found = median(values.subquery())
    return None if found is None else round(found, 1)


def _waiting(day: date):
    """The requests waiting at the end of D: made by then, and not served by a reservation
    made by then and not cancelled by then (the loans' events say which request each served)."""
    cancelled = select(Event.subject_id).where(
        Event.action == "loan.cancelled", before_end_of(Event.occurred_at, day)
    )
    request_id = Event.details["request_id"].as_integer()
    served = select(request_id).where(
        Event.action == "loan.reserved",
        before_end_of(Event.occurred_at, day),
        request_id.is_not(None),
        Event.subject_id.not_in(cancelled),
    )
    return (
        select(LoanRequest.id, LoanRequest.category, LoanRequest.household_id)
        .outerjoin(Loan, Loan.id == LoanRequest.loan_id)
        .where(
            LoanRequest.requested_on <= day,
            LoanRequest.status != RequestStatus.CANCELLED,
            LoanRequest.id.not_in(served),
            or_(LoanRequest.loan_id.is_(None), Loan.reserved_at >= at(end_of(day))),
        )
    )


def unmet_demand(day: date) -> list[tuple[Category, str, int | str]]:
    """Households waiting at D, by category asked for and EPCI of the household."""
    waiting = _waiting(day).subquery()
    rows = db.session.execute(
        select(waiting.c.category, Epci.name, func.count(func.distinct(waiting.c.household_id)))
        .join(Household, Household.id == waiting.c.household_id)
        .join(Commune, Commune.insee_code == Household.commune_code)
        .join(Epci, Epci.siren == Commune.epci_siren)
        .group_by(waiting.c.category, Epci.name)
        .order_by(Epci.name, waiting.c.category)
    )
    rows = list(rows)
    shown = suppressed([count for _c, _e, count in rows])
    return [(Category(c), epci, n) for (c, epci, _count), n in zip(rows, shown, strict=True)]
