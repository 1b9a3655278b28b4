"""Demonstration households and loans for the two demo lenders, across the Gers EPCI: waiting
requests, reservations, active, overdue, returned and converted loans (dated history)."""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind
from refurb.db_types import clock_at
from refurb.db_types import today as clock_today
from refurb.extensions import db
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans.enums import Criterion
from refurb.loans.services import households, lending

COMMUNES = [
    "32013",
    "32107",
    "32132",
    "32160",
    "32233",
    "32256",
    "32296",
    "32410",
    "32462",
    "32119",
    "32208",
    "32242",
]
NAMES = [
    "Mme Lafitte",
    "M. Dubarry",
    "Mme Sentenac",
    "M. Castaing",
    "Mme Abadie",
    "M. Laporte",
    "Mme Carrère",
    "M. Daguzan",
    "Mme Lamothe",
    "M. Barrère",
    "Mme Soulé",
    "M. Trouette",
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), UTC)


def load_loans(households_per_lender: int = 12) -> None:
    rng = random.Random(4)
    today = clock_today()
    lenders = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.LENDER)
            .order_by(Organisation.id)
        )
    )
    users = {
        u.memberships[0].organisation_id: u
        for u in db.session.scalars(select(User).where(User.email.like("pret%@demo.refurb.fr")))
    }
    ready = list(
        db.session.scalars(
            select(Device)
            .where(
                Device.state == State.READY,
                Device.category.in_([Category.LAPTOP, Category.TABLET, Category.SMARTPHONE]),
                Device.state_changed_at < _at(today - timedelta(days=3)),
            )
            .order_by(Device.id)
        )
    )
    for organisation in lenders:
        actor = users.get(organisation.id)
        for n in range(households_per_lender):
            fate = n % 6
            device = ready.pop() if fate != 5 and ready else None
            start = today - timedelta(days=rng.randint(20, 400))
            if device is not None:  # lent after it was made ready, as in life
                start = max(start, device.state_changed_at.date() + timedelta(days=1))
            with clock_at(_at(start - timedelta(days=3))):
                household = households.create_household(
                    actor,
                    organisation,
                    commune_code=rng.choice(COMMUNES),
                    size=rng.randint(1, 6),
                    criterion=rng.choice([c for c in Criterion if c != Criterion.OTHER]),
                    verified_on=start - timedelta(days=3),
                    referring_organisation="CCAS",
                    contact_name=rng.choice(NAMES),
                    contact_email=f"foyer{organisation.id}{n}@exemple.fr"
                    if rng.random() < 0.5
                    else "",
                    contact_phone="06 " + " ".join(str(rng.randint(10, 99)) for _ in range(4)),
                    consent_on=start - timedelta(days=3),
                )
                request = households.add_request(
                    household,
                    actor,
                    rng.choice([Category.LAPTOP, Category.TABLET]),
                    priority=rng.choice([1, 2, 2, 3]),
                )
            if device is None:
                continue  # still waiting
            with clock_at(_at(start)):
                loan = lending.reserve(
                    actor,
                    household,
                    device,
                    request if device.category == request.category else None,
                    override_reason="",
                )
            if fate == 4:
                continue  # reserved, to hand over
            with clock_at(_at(start + timedelta(days=1))):
                lending.checkout(
                    actor, loan, loan.version, ["chargeur"], 0, True, start + timedelta(days=1)
                )
            if fate == 3:
                ended = min(today, start + timedelta(days=rng.randint(60, 170)))
                with clock_at(_at(ended)):
                    lending.take_back(actor, loan, loan.version, "Bon état général", [])
                    loan.ended_on = ended
            elif fate == 2:
                with clock_at(_at(min(today, start + timedelta(days=90)))):
                    lending.convert_to_gift(actor, loan, loan.version)
    db.session.flush()
