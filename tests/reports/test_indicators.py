"""The roadmap's indicators on hand-made histories: as of any date, before and after each event;
a device lent three times counted once; a device recycled after being ready still counted;
targets edited without changing past figures; the forecast arithmetic; the software shares'
year steps; the API."""

from datetime import date, timedelta

import pytest

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import clock_at
from refurb.inventory.enums import State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.inventory.models import Device
from refurb.maintenance.enums import SiteKind
from refurb.reports.indicators import _forecast, indicators
from refurb.reports.targets import set_target
from tests.conftest import TODAY
from tests.reports.conftest import at, make_ready, pool_id, receive


def by_key(day: date) -> dict:
    return {i.key: i for i in indicators(day)}


@pytest.fixture
def admin(create_user):
    return create_user(Role.ADMIN)


def test_collected_and_made_ready_as_of_each_day(in_app, admin):
    with in_app() as session:
        actor = session.get(User, admin.id)
        first = receive(actor, date(2026, 3, 1))
        receive(actor, date(2026, 3, 5))
        make_ready(first, actor, date(2026, 3, 10))
        for cycle in range(2):  # back from two loans or sites: made ready again, counted once
            with clock_at(at(date(2026, 4, 1 + cycle * 10))):
                perform(
                    first,
                    Action.DEPLOY,
                    Context(actor=actor, details={"site_id": pool_id(session)}),
                )
                perform(first, Action.WITHDRAW, Context(actor=actor))
            make_ready(first, actor, date(2026, 4, 5 + cycle * 10))
        with clock_at(at(date(2026, 5, 1))):
            first.state = State.PARTS  # recycled later: it was made ready all the same
        session.commit()
        assert by_key(date(2026, 2, 28))["collected"].value == 0
        assert by_key(date(2026, 3, 1))["collected"].value == 1
        assert by_key(date(2026, 3, 4))["collected"].value == 1
        assert by_key(date(2026, 3, 5))["collected"].value == 2
        assert by_key(date(2026, 3, 9))["made_ready"].value == 0
        assert by_key(date(2026, 3, 10))["made_ready"].value == 1
        assert by_key(date(2026, 12, 1))["made_ready"].value == 1


def test_a_past_figure_does_not_change_when_later_work_is_recorded(in_app, admin):
    with in_app() as session:
        actor = session.get(User, admin.id)
        receive(actor, date(2026, 6, 1))
        session.commit()
        before = [i.value for i in indicators(date(2026, 6, 30))]
        receive(actor, date(2026, 7, 2))
        device = receive(actor, date(2026, 7, 3), simplified=True)
        make_ready(device, actor, date(2026, 7, 4))
        session.commit()
        assert [i.value for i in indicators(date(2026, 6, 30))] == before


def test_targets_edited_keep_past_reports_and_the_status(in_app, admin):
    with in_app() as session:
        actor = session.get(User, admin.id)
        for n in range(3):
            receive(actor, date(2026, 1, 10 + n))
        session.commit()
        assert by_key(date(2026, 2, 1))["collected"].target == 400
        with clock_at(at(date(2026, 3, 1))):
            set_target(actor, "collected", 3, date(2027, 12, 31))
        session.commit()
        assert by_key(date(2026, 2, 1))["collected"].target == 400
        assert by_key(date(2026, 2, 1))["collected"].status == "behind"
        after = by_key(date(2026, 3, 2))["collected"]
        assert after.target == 3 and after.status == "reached"


def test_the_forecast_arithmetic():
    forecast = _forecast(100, 40, date(2026, 1, 1), 400, date(2027, 12, 31))
    pace = 60 / 180  # per day
    assert forecast["pace_per_month"] == round(pace * 30.44, 2)
    days = (date(2027, 12, 31) - date(2026, 1, 1)).days
    assert forecast["projected_at_deadline"] == round(100 + pace * days, 1)
    assert forecast["reached_on_at_this_pace"] == date(2026, 1, 1) + timedelta(days=900)
    assert forecast["needed_per_month"] == round(300 / (days / 30.44), 2)
    stalled = _forecast(100, 100, date(2026, 1, 1), 400, date(2027, 12, 31))
    assert stalled["reached_on_at_this_pace"] is None and stalled["pace_per_month"] == 0


def test_the_loan_and_maintenance_schemes_become_1_on_their_first_day(
    in_app, admin, lender, make_household, make_device, make_site
):
    from refurb.loans.models import Household
    from refurb.loans.services import lending

    household, device = make_household(), make_device(State.READY)
    with in_app() as session:
        actor = session.get(User, lender.id)
        with clock_at(at(date(2026, 2, 1))):
            loan = lending.reserve(
                actor, session.get(Household, household.id), session.get(Device, device.id)
            )
        with clock_at(at(date(2026, 2, 3))):
            lending.checkout(actor, loan, loan.version, [], 0, True, date(2026, 2, 3))
        session.commit()
        assert by_key(date(2026, 2, 2))["loan_system"].value == 0
        handed = by_key(date(2026, 2, 3))["loan_system"]
        assert handed.value == 1 and handed.since == date(2026, 2, 3)
        assert by_key(date(2026, 2, 3))["maintenance_scheme"].status == "behind"


def test_software_shares_and_simplified_sites_at_a_date_with_year_steps(in_app, admin):
    from refurb.maintenance.services.sites import create_site

    with in_app() as session:
        actor = session.get(User, admin.id)
        site = create_site(
            None, name="Médiathèque", kind=SiteKind.MEDIATHEQUE, commune_code="32013"
        )
        free = receive(actor, date(2026, 2, 1), simplified=True)
        plain = receive(actor, date(2026, 2, 1))
        free.has_free_software = True
        for device in (free, plain):
            make_ready(device, actor, date(2026, 2, 2))
            with clock_at(at(date(2026, 2, 3))):
                perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
        with clock_at(at(date(2026, 9, 1))):
            perform(plain, Action.WITHDRAW, Context(actor=actor))
        session.commit()
        june = by_key(date(2026, 6, 1))
        assert june["free_software_share"].value == 0.5
        assert june["free_software_share"].target == pytest.approx(2 / 3)
        assert june["simplified_sites"].value == 1 and june["simplified_devices"].value == 1
        assert by_key(date(2026, 10, 1))["free_software_share"].value == 1.0
        assert by_key(date(2025, 6, 1))["free_software_share"].target == pytest.approx(1 / 3)
        assert by_key(date(2026, 1, 31))["simplified_sites"].value == 0


def test_the_indicators_api(client, api_token):
    headers, _user = api_token(Role.VIEWER)
    as_of = (TODAY - timedelta(days=150)).isoformat()  # a past day, whatever today is
    answer = client.get(f"/api/v1/indicators?as_of={as_of}", headers=headers)
    assert answer.status_code == 200 and answer.json["as_of"] == as_of
    keys = [i["key"] for i in answer.json["indicators"]]
    assert keys == [
        "collected",
        "made_ready",
        "loan_system",
        "maintenance_scheme",
        "donor_partnerships",
        "simplified_devices",
        "simplified_sites",
        "rotation_pool",
        "free_software_share",
        "dys_software_share",
    ]
    bad = client.get("/api/v1/indicators?as_of=31/06/2026", headers=headers)
    assert bad.status_code == 400 and "as_of" in bad.json["error"]["details"]
    lender, _ = api_token(Role.LENDER)
    assert client.get("/api/v1/indicators", headers=lender).status_code == 403
