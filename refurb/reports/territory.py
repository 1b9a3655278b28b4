"""The territory as of D (DESIGN §8): per EPCI, the devices collected (by the donor's commune),
the households a device was lent to (by the household's commune, "< 5" under five) and the
devices put in service at sites (by the site's commune)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.models import Collection, Device, Donor
from refurb.loans.models import Household, Loan
from refurb.maintenance.models import Site
from refurb.reports.lending import suppressed
from refurb.reports.timeline import before_end_of
from refurb.territory.models import Commune, Epci


@dataclass
class EpciReach:
    epci: str | None  # None: the commune was not recorded
    collected: int = 0
    households: int | str = 0  # households a device was lent to, masked
    deployed: int = 0


def territory(day: date) -> list[EpciReach]:
    rows: dict[str | None, EpciReach] = {}

    def row(name: str | None) -> EpciReach:
        return rows.setdefault(name, EpciReach(name))

    for name, count in db.session.execute(
        select(Epci.name, func.count())
        .select_from(Device)
        .outerjoin(Collection, Collection.id == Device.collection_id)
        .outerjoin(Donor, Donor.id == Collection.donor_id)
        .outerjoin(Commune, Commune.insee_code == Donor.commune_code)
        .outerjoin(Epci, Epci.siren == Commune.epci_siren)
        .where(before_end_of(Device.created_at, day))
        .group_by(Epci.name)
    ):
        row(name).collected = count
    handed = select(Event.subject_id).where(
        Event.action == "loan.checked_out", before_end_of(Event.occurred_at, day)
    )
    for name, count in db.session.execute(
        select(Epci.name, func.count(func.distinct(Loan.household_id)))
        .join(Household, Household.id == Loan.household_id)
        .join(Commune, Commune.insee_code == Household.commune_code)
        .join(Epci, Epci.siren == Commune.epci_siren)
        .where(Loan.id.in_(handed))
        .group_by(Epci.name)
    ):
        row(name).households = count
    site_id = Event.details["site_id"].as_integer()
    deployed = (
        select(Event.subject_id.label("device_id"), site_id.label("site_id"))
        .where(Event.action == "device.deploy", before_end_of(Event.occurred_at, day))
        .distinct()
        .subquery()
    )
    for name, count in db.session.execute(
        select(Epci.name, func.count(func.distinct(deployed.c.device_id)))
        .join(Site, Site.id == deployed.c.site_id)
        .join(Commune, Commune.insee_code == Site.commune_code)
        .join(Epci, Epci.siren == Commune.epci_siren)
        .group_by(Epci.name)
    ):
        row(name).deployed = count
    found = sorted(rows.values(), key=lambda r: (r.epci is None, r.epci or ""))
    for reach, shown in zip(found, suppressed([r.households for r in found]), strict=True):
        reach.households = shown
    return found
