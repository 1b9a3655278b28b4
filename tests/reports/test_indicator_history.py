"""The indicators rebuilt from the history at a date: the maintenance scheme's first completed
departmental visit, the day in Paris of a first loan, the rotation pool's simplified PCs, the
simplified devices before a person changed their flag, the forecast of each counted figure,
and the day's last instant."""

from datetime import UTC, date, datetime, timedelta

import pytest

from refurb.db_types import clock_at
from refurb.extensions import db
from refurb.inventory.enums import DonorKind, State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.models import Device
from refurb.inventory.services import intake, workshop
from refurb.maintenance.models import Site
from refurb.maintenance.services import visits
from refurb.reports.indicators import (
    PACE_DAYS,
    collected,
    indicators,
    loan_system,
    made_ready,
    maintenance_scheme,
    simplified_devices,
)
from refurb.reports.targets import set_target
from refurb.reports.timeline import end_of
from tests.reports.conftest import at, make_ready, pool_id, receive


def by_key(day: date) -> dict:
    return {i.key: i for i in indicators(day)}


@pytest.fixture
def library(make_site) -> int:
    """A library with the departmental plans and no PC yet (an empty park to visit)."""
    return make_site().id


def test_the_scheme_starts_with_the_first_completed_departmental_visit(library, admin):
    site = db.session.get(Site, library)
    first_plan, second_plan = site.plans[0], site.plans[1]
    with clock_at(at(date(2026, 3, 1))):
        cancelled = visits.start_visit(admin, site, first_plan)
        visits.cancel_visit(admin, cancelled)
    with clock_at(at(date(2026, 3, 2))):
        local = visits.start_visit(admin, site, second_plan)
        visits.complete_visit(admin, local, 30)
    second_plan.is_departmental = False  # a plan of the site's own, not the protocol's
    with clock_at(at(date(2026, 3, 5))):
        begun = visits.start_visit(admin, site, first_plan)
    assert maintenance_scheme(date(2026, 3, 10)) == (0, None)  # cancelled, local, in progress
    # completed at midnight in Paris (23:00 UTC on the 10th): on 11 March, not the 10th
    with clock_at(datetime(2026, 3, 10, 23, 0, tzinfo=UTC)):
        visits.complete_visit(admin, begun, 45)
    assert maintenance_scheme(date(2026, 3, 10)) == (0, None)
    assert maintenance_scheme(date(2026, 3, 11)) == (1, date(2026, 3, 11))
    assert by_key(date(2026, 4, 1))["maintenance_scheme"].since == date(2026, 3, 11)


def test_a_first_loan_counts_on_its_day_in_paris(
    in_app, lender, make_household, make_device, session_as
):
    from refurb.loans.models import Household
    from refurb.loans.services import lending

    household, device = make_household(), make_device(State.READY)
    with session_as(lender) as (session, actor):
        loan = lending.reserve(
            actor, session.get(Household, household.id), session.get(Device, device.id)
        )
        # 23:00 UTC on 3 February is midnight on the 4th in Paris (winter time)
        with clock_at(datetime(2026, 2, 3, 23, 0, tzinfo=UTC)):
            lending.checkout(actor, loan, loan.version, [], 0, True, date(2026, 2, 3))
        assert loan_system(date(2026, 2, 3)) == (0, None)
        assert loan_system(date(2026, 2, 4)) == (1, date(2026, 2, 4))


def test_a_day_ends_just_before_midnight_in_paris(admin):
    midnight = end_of(date(2026, 5, 1)).astimezone(UTC)  # 2 May, 00:00 in Paris
    assert midnight == datetime(2026, 5, 1, 22, 0, tzinfo=UTC)
    with clock_at(midnight):
        device = intake.receive_device(admin, category="laptop")
    device.first_ready_at = midnight
    db.session.flush()
    assert (collected(date(2026, 5, 1)), collected(date(2026, 5, 2))) == (0, 1)
    assert (made_ready(date(2026, 5, 1)), made_ready(date(2026, 5, 2))) == (0, 1)


def test_the_rotation_pool_counts_its_simplified_pcs_only(admin):
    pool = db.session.get(Site, pool_id(db.session))
    public = db.session.get(Site, town_hall())
    placed = [
        (receive(admin, date(2026, 2, 1), simplified=True), pool),
        (receive(admin, date(2026, 2, 1), simplified=True), pool),
        (receive(admin, date(2026, 2, 1)), pool),
        (receive(admin, date(2026, 2, 1), simplified=True), public),
    ]
    for device, site in placed:
        make_ready(device, admin, date(2026, 2, 2))
        with clock_at(at(date(2026, 2, 3))):
            perform(device, Action.DEPLOY, Context(actor=admin, details={"site_id": site.id}))
    figures = by_key(date(2026, 3, 1))
    assert figures["rotation_pool"].value == 2
    assert figures["simplified_sites"].value == 1  # the pool is not a public site
    assert figures["free_software_share"].value == 0.0  # of the public site's one PC


def town_hall() -> int:
    from refurb.maintenance.enums import SiteKind
    from refurb.maintenance.services.sites import create_site

    return create_site(None, name="Mairie d'Eauze", kind=SiteKind.MAIRIE, commune_code="32119").id


def test_no_public_pc_makes_a_share_of_nothing(admin):
    figures = by_key(date(2026, 3, 1))
    assert figures["free_software_share"].value == 0.0
    assert figures["dys_software_share"].value == 0.0


def test_simplified_devices_as_they_were_before_a_person_changed_them(admin):
    kept = receive(admin, date(2026, 2, 1), simplified=True)
    later = receive(admin, date(2026, 2, 1))
    receive(admin, date(2026, 6, 1), simplified=True)  # received after the day asked
    with clock_at(at(date(2026, 4, 1))):
        workshop.update_device(kept, admin, kept.version, simplified=False)
        workshop.update_device(later, admin, later.version, simplified=True)
    with clock_at(at(date(2026, 4, 2))):
        workshop.update_device(kept, admin, kept.version, simplified=True)
    assert simplified_devices(date(2026, 3, 1)) == 1  # `kept`, before both changes
    assert simplified_devices(date(2026, 4, 1)) == 1  # `later` on, `kept` off
    assert simplified_devices(date(2026, 5, 1)) == 2
    assert simplified_devices(date(2026, 7, 1)) == 3
    assert by_key(date(2026, 3, 1))["simplified_devices"].value == 1


def test_each_counted_figure_forecasts_from_its_own_pace(admin):
    day = date(2026, 9, 1)
    for offset in (PACE_DAYS + 20, PACE_DAYS + 10, 50, 40, 30):
        device = receive(admin, day - timedelta(days=offset), simplified=offset < 100)
        if offset in (50, 40):
            make_ready(device, admin, day - timedelta(days=offset - 1))
    figures = by_key(day)
    per_month = lambda n: round(n / PACE_DAYS * 30.44, 2)  # noqa: E731
    assert figures["collected"].forecast["pace_per_month"] == per_month(3)
    assert figures["made_ready"].forecast["pace_per_month"] == per_month(2)
    assert figures["simplified_devices"].forecast["pace_per_month"] == per_month(3)
    assert figures["collected"].as_dict()["label"] == str(figures["collected"].label)
    assert figures["collected"].as_dict()["label"] == "Matériel numérique récupéré"


def test_a_flag_changed_at_midnight_changed_the_next_day(admin):
    device = receive(admin, date(2026, 2, 1), simplified=True)
    with clock_at(end_of(date(2026, 4, 30)).astimezone(UTC)):  # 1 May, 00:00 in Paris
        workshop.update_device(device, admin, device.version, simplified=False)
    assert simplified_devices(date(2026, 4, 30)) == 1
    assert simplified_devices(date(2026, 5, 1)) == 0


def test_every_indicator_read_whole_on_a_quiet_quarter(admin):
    """Three devices received and one partnership signed in the first quarter of 2026: each
    indicator as the dashboard and the API show it, forecast included."""
    for received in (date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)):
        receive(admin, received)
    donor = intake.create_donor(admin, "Gascogne Logistique", DonorKind.ENTREPRISE)
    intake.add_partnership(donor, admin, date(2026, 2, 1))
    nothing = {"since": None, "forecast": {}}
    two_thirds = 2 / 3  # the software shares' step for 2026
    expected = [
        {
            "key": "collected",
            "label": "Matériel numérique récupéré",
            "value": 3,
            "target": 400.0,
            "deadline": date(2027, 12, 31),
            "status": "behind",
            "since": None,
            # 3 in the last 180 days; 640 days left; 397 to go at 1 every 60 days
            "forecast": {
                "pace_per_month": 0.51,
                "projected_at_deadline": 13.7,
                "reached_on_at_this_pace": date(2026, 3, 31) + timedelta(days=397 * 60),
                "needed_per_month": 18.88,
            },
        },
        {
            "key": "made_ready",
            "label": "Matériel disponible pour réemploi",
            "value": 0,
            "target": 250.0,
            "deadline": date(2027, 12, 31),
            "status": "behind",
            "since": None,
            "forecast": {
                "pace_per_month": 0.0,
                "projected_at_deadline": 0.0,
                "reached_on_at_this_pace": None,
                "needed_per_month": 11.89,
            },
        },
        {
            "key": "loan_system",
            "label": "Système de prêt créé",
            "value": 0,
            "target": 1.0,
            "deadline": date(2025, 6, 30),
            "status": "behind",
            **nothing,
        },
        {
            "key": "maintenance_scheme",
            "label": "Dispositif de maintenance en place",
            "value": 0,
            "target": 1.0,
            "deadline": date(2025, 6, 30),
            "status": "behind",
            **nothing,
        },
        {
            "key": "donor_partnerships",
            "label": "Partenariats signés avec des donateurs (dans l'année)",
            "value": 1,
            "target": 5.0,
            "deadline": date(2026, 12, 31),  # of the year asked
            "status": "behind",
            "since": None,
            "forecast": {"projected_at_deadline": 4.1},  # 1 in 90 days, carried over 365
        },
        {
            "key": "simplified_devices",
            "label": "Appareils simplifiés acquis",
            "value": 0,
            "target": 10.0,
            "deadline": date(2026, 3, 31),
            "status": "behind",
            "since": None,
            "forecast": {
                "pace_per_month": 0.0,
                "projected_at_deadline": 0.0,
                "reached_on_at_this_pace": None,
                "needed_per_month": 0.0,  # no month left before its deadline
            },
        },
        {
            "key": "simplified_sites",
            "label": "Lieux équipés d'appareils simplifiés",
            "value": 0,
            "target": 10.0,
            "deadline": date(2026, 3, 31),
            "status": "behind",
            **nothing,
        },
        {
            "key": "rotation_pool",
            "label": "Appareils simplifiés en rotation entre médiateurs",
            "value": 0,
            "target": 5.0,
            "deadline": date(2026, 3, 31),
            "status": "behind",
            **nothing,
        },
        {
            "key": "free_software_share",
            "label": "Part du parc public équipée de logiciels libres",
            "value": 0.0,
            "target": two_thirds,
            "deadline": date(2026, 12, 31),
            "status": "behind",
            **nothing,
        },
        {
            "key": "dys_software_share",
            "label": "Part du parc public équipée d'outils pour les dys",
            "value": 0.0,
            "target": two_thirds,
            "deadline": date(2026, 12, 31),
            "status": "behind",
            **nothing,
        },
    ]
    assert [i.as_dict() for i in indicators(date(2026, 3, 31))] == expected


def test_an_edited_target_and_deadline_are_the_ones_used(admin):
    receive(admin, date(2026, 1, 10))
    with clock_at(at(date(2026, 2, 1))):
        set_target(admin, "collected", 2, date(2028, 6, 30))
    collected_then = by_key(date(2026, 3, 31))["collected"]
    assert (collected_then.target, collected_then.deadline) == (2, date(2028, 6, 30))
    assert collected_then.forecast["projected_at_deadline"] == round(1 + 822 / 180, 1)
    assert collected_then.status == "on_track"  # 1 of 2, and 5.6 projected by the deadline


def test_a_share_before_the_programme_aims_at_the_end_of_2025(admin):
    share = by_key(date(2024, 6, 1))["free_software_share"]
    assert share.deadline == date(2025, 12, 31)


def test_without_a_stored_target_the_definition_s_is_used(admin):
    from refurb.reports.models import IndicatorTarget

    db.session.query(IndicatorTarget).delete()
    collected_now = by_key(date(2026, 3, 31))["collected"]
    assert (collected_now.target, collected_now.deadline) == (400, date(2027, 12, 31))


def test_partnerships_carried_over_the_year_from_the_days_elapsed(admin):
    donor = intake.create_donor(admin, "Gascogne Logistique", DonorKind.ENTREPRISE)
    intake.add_partnership(donor, admin, date(2026, 1, 5))
    early = by_key(date(2026, 1, 10))["donor_partnerships"]
    assert early.forecast == {"projected_at_deadline": 36.5}  # 1 in 10 days, over 365
    assert early.status == "on_track"


def test_a_device_received_at_midnight_or_later_is_not_yet_counted(admin):
    midnight = end_of(date(2026, 5, 1)).astimezone(UTC)
    with clock_at(midnight):
        intake.receive_device(admin, category="laptop").simplified = True
        late = intake.receive_device(admin, category="laptop")  # plain when received
    with clock_at(midnight + timedelta(days=3)):
        workshop.update_device(late, admin, late.version, simplified=True)
    assert simplified_devices(date(2026, 5, 1)) == 0
    assert simplified_devices(date(2026, 5, 2)) == 1  # the first; the other changed later
    assert simplified_devices(date(2026, 5, 5)) == 2


def test_flags_before_the_earliest_change_whatever_the_order_it_was_written(admin):
    # a history written out of order (demo data, a late entry): the earliest change by time
    # says what the flag was before
    device = receive(admin, date(2026, 2, 1), simplified=True)
    with clock_at(at(date(2026, 4, 2))):
        workshop.update_device(device, admin, device.version, simplified=False)
    with clock_at(at(date(2026, 4, 1))):
        workshop.update_device(device, admin, device.version, simplified=True)
    assert simplified_devices(date(2026, 3, 31)) == 0  # as the change of 1 April found it
