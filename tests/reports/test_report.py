"""The report's other figures on a hand-made history (stock, flows, loans, unmet demand with
its "< 5" rule, maintenance, territory, environment), each as of dates before and after the
events; then the same figures read back from the PDF, the CSV files, the workbook and the
API, with no personal data anywhere."""

import csv
import io
import subprocess
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import clock_at
from refurb.db_types import today as paris_today
from refurb.inventory.enums import Category, State
from refurb.inventory.lifecycle import Action, Context, perform
from refurb.loans.models import Household
from refurb.loans.services import households, lending
from refurb.maintenance.enums import SiteKind
from refurb.maintenance.services.sites import create_site
from refurb.reports.environment import factors
from refurb.reports.indicators import indicators
from refurb.reports.lending import masked, suppressed
from refurb.reports.summary import summary
from refurb.reports.targets import history as target_history
from refurb.reports.targets import share_step
from tests.reports.conftest import at, make_ready, receive

TODAY = paris_today()
BASE = TODAY - timedelta(days=300)  # every event is dated from here, relative to today


def day(n: int) -> date:
    return BASE + timedelta(days=n)


@pytest.fixture
def history(in_app, create_user, lender, lender_org, make_household):
    """A laptop deployed at a library; a smartphone lent, returned and dismantled; a desktop
    left in diagnosis; a laptop lent and never returned; five households waiting for a
    tablet in Auch and one in Condom."""
    admin = create_user(Role.ADMIN)
    served = make_household(contact_name="Mme Durand")
    waiting = [make_household(contact_name=f"Foyer Attente {n}") for n in range(5)]
    condom = make_household(commune_code="32107", contact_name="M. Condom")
    with in_app() as session:
        actor, lends = session.get(User, admin.id), session.get(User, lender.id)
        with clock_at(at(day(0))):
            site = create_site(
                None, name="Médiathèque", kind=SiteKind.MEDIATHEQUE, commune_code="32013"
            )
        laptop = receive(actor, day(0))
        phone = receive(actor, day(4), category=Category.SMARTPHONE, weight_kg=0.2)
        desktop = receive(actor, day(4), category=Category.DESKTOP, weight_kg=8.0)
        kept = receive(actor, day(1))
        make_ready(laptop, actor, day(9))
        make_ready(phone, actor, day(11))
        make_ready(kept, actor, day(5))
        with clock_at(at(day(5))):
            perform(desktop, Action.START_DIAGNOSIS, Context(actor=actor))
        with clock_at(at(day(31))):
            perform(laptop, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
        household = session.get(Household, served.id)
        for device, reserved, handed in ((phone, 32, 33), (kept, 9, 10)):
            with clock_at(at(day(reserved))):
                loan = lending.reserve(lends, household, device, override_reason="un second")
            with clock_at(at(day(handed))):
                lending.checkout(lends, loan, loan.version, ["chargeur"], 0, True, day(handed))
            if device is phone:
                with clock_at(at(day(63))):
                    lending.take_back(lends, loan, loan.version, "Bon état", [])
                with clock_at(at(day(70))):
                    perform(phone, Action.DISMANTLE, Context(actor=actor))
        for n, made in enumerate([*waiting, condom]):
            with clock_at(at(day(2 + n))):
                households.add_request(session.get(Household, made.id), lends, Category.TABLET)
        session.commit()
        return SimpleNamespace(site_id=site.id)


def test_stock_by_state_and_category_as_of_each_day(in_app, history):
    with in_app():
        assert summary(day(0)).stock == {(Category.LAPTOP, State.RECEIVED): 1}
        assert summary(day(-1)).stock == {}
        assert summary(day(32)).stock == {
            (Category.LAPTOP, State.DEPLOYED): 1,
            (Category.LAPTOP, State.ON_LOAN): 1,
            (Category.SMARTPHONE, State.RESERVED): 1,
            (Category.DESKTOP, State.DIAGNOSIS): 1,
        }
        later = summary(day(80))
        assert later.stock[(Category.SMARTPHONE, State.PARTS)] == 1
        assert dict(later.by_state())[State.ON_LOAN] == 1 and later.devices == 4


def test_monthly_flows_with_running_totals_and_the_median_days_to_ready(in_app, history):
    with in_app():
        figures = summary(day(80))
        months = {m.month: m for m in figures.flows}
        assert sum(m.received for m in figures.flows) == 4
        assert figures.flows[-1].received_total == 4 and figures.flows[-1].made_ready_total == 3
        assert sum(m.lent for m in figures.flows) == 2
        assert sum(m.deployed for m in figures.flows) == 1
        first = min(months)
        assert first == date(BASE.year, BASE.month, 1)
        # days to ready: 9, 7 and 4 → median 7
        assert figures.median_days_to_ready == 7.0
        assert summary(day(10)).median_days_to_ready == pytest.approx((4 + 9) / 2)
        assert summary(day(3)).median_days_to_ready is None


def test_loans_active_overdue_returned_at_their_boundaries(in_app, history):
    with in_app():
        assert summary(day(9)).loans.active == 0
        handed = summary(day(10)).loans
        assert handed.active == 1 and handed.households_served == 1
        both = summary(day(33)).loans
        assert both.active == 2 and both.overdue == 0
        back = summary(day(63)).loans
        assert back.active == 1 and back.returned == 1
        due = day(10) + timedelta(days=180)  # the lender's loan length
        assert summary(due).loans.overdue == 0
        assert summary(due + timedelta(days=1)).loans.overdue == 1
        # the request to handover wait needs a request the loan served: none here
        assert handed.median_wait_days is None


def test_unmet_demand_is_counted_by_epci_and_masked_under_five_households(in_app, history):
    with in_app():
        assert summary(day(1)).loans.unmet == []
        early = {epci: n for _c, epci, n in summary(day(4)).loans.unmet}
        assert early == {"CA Grand Auch Coeur de Gascogne": "< 5"}
        later = {epci: n for _c, epci, n in summary(day(8)).loans.unmet}
        # the total (6) beside a lone "< 5" would give it away: the other cell is hidden too
        assert later == {"CA Grand Auch Coeur de Gascogne": "masqué", "CC de la Ténarèze": "< 5"}
        assert summary(day(8)).loans.waiting == 6
    assert [masked(n) for n in (0, 1, 4, 5, 12)] == [0, "< 5", "< 5", 5, 12]
    assert suppressed([7, 2, 12, 0]) == ["masqué", "< 5", 12, 0]
    assert suppressed([7, 2, 3]) == [7, "< 5", "< 5"] and suppressed([2]) == ["< 5"]


def test_territory_and_maintenance_at_a_date(in_app, history):
    with in_app():
        reach = {r.epci: r for r in summary(day(40)).territory}
        auch = reach["CA Grand Auch Coeur de Gascogne"]
        assert auch.households == "< 5" and auch.deployed == 1
        before = {r.epci: r for r in summary(day(30)).territory}
        assert before["CA Grand Auch Coeur de Gascogne"].deployed == 0
        assert before[None].collected == 4  # received with no donor: no commune
        upkeep = summary(day(40)).maintenance
        assert upkeep.pcs == 1 and upkeep.sites == 1 and upkeep.end == day(40)
        assert upkeep.start == day(40) - timedelta(days=89)


def test_environment_counts_each_reused_device_once_with_the_shipped_factors(in_app, history):
    table = factors()
    with in_app():
        before = summary(day(9)).environment
        assert before.reused_devices == 0 and before.avoided_kg_co2e == 0
        at_day = summary(day(40)).environment
        # the kept laptop (lent day 10), the deployed laptop (day 31), the phone (lent day 33)
        assert at_day.reused_devices == 3
        assert at_day.reused_kg == pytest.approx(2.2 + 2.2 + 0.2)
        expected = 2 * table.kg_co2e[Category.LAPTOP] + table.kg_co2e[Category.SMARTPHONE]
        assert at_day.avoided_kg_co2e == pytest.approx(expected)
        # dismantled later: it was reused all the same
        assert summary(day(80)).environment.reused_devices == 3
        assert at_day.factor_version == table.version
    assert "ADEME" in table.citation and table.source["year"] == 2022
    assert Category.PRINTER not in table.kg_co2e and Category.PRINTER in table.not_counted


def test_a_past_report_is_the_same_after_later_work(in_app, history, create_user):
    coordinator = create_user(Role.ADMIN)
    with in_app() as session:
        before = summary(day(40))
        frozen = (before.stock, before.loans, before.environment, before.territory)
        actor = session.get(User, coordinator.id)
        late = receive(actor, day(41))
        make_ready(late, actor, day(42))
        session.commit()
        again = summary(day(40))
        assert (again.stock, again.loans, again.environment, again.territory) == frozen


def _sign_in_viewer(client, login_as):
    login_as(Role.VIEWER)


def test_the_pdf_reads_back_every_indicator_and_its_value(client, login_as, history):
    _sign_in_viewer(client, login_as)
    answer = client.get(f"/tableau-de-bord/rapport.pdf?date={day(40).isoformat()}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=answer.data, capture_output=True, check=True
    ).stdout.decode()
    flat = " ".join(text.split())
    assert f"Situation au {day(40).strftime('%d/%m/%Y')}" in flat
    for label, value in [
        ("Matériel numérique récupéré", "4 400"),
        ("Matériel disponible pour réemploi", "3 250"),
        ("Système de prêt créé", "1 1"),
        ("Dispositif de maintenance en place", "0 1"),
    ]:
        assert f"{label} {value}" in flat, label
    for heading in ("Prêts aux foyers", "Territoire par EPCI", "Définitions", "Sources"):
        assert heading in flat
    assert factors().version in flat
    for name in ("Durand", "Foyer Attente", "06 12 34 56 78"):
        assert name not in flat


def test_the_csv_opens_as_french_excel_reads_it(client, login_as, history):
    _sign_in_viewer(client, login_as)
    answer = client.get(f"/tableau-de-bord/export/environnement.csv?date={day(40).isoformat()}")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Catégorie" and "Émissions évitées (kg CO2e)" in rows[0]
    laptop = next(r for r in rows if r[0] == "Ordinateur portable")
    assert laptop[1] == "2" and laptop[2] == "4,4" and laptop[3] == "170,3"
    indicators = client.get(f"/tableau-de-bord/export/indicateurs.csv?date={day(40).isoformat()}")
    lines = indicators.data.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Matériel numérique récupéré;4;400;")
    assert client.get("/tableau-de-bord/export/inconnu.csv").status_code == 404


def test_the_workbook_has_a_sheet_per_table_with_numbers(client, login_as, history):
    _sign_in_viewer(client, login_as)
    answer = client.get(f"/tableau-de-bord/rapport.xlsx?date={day(40).isoformat()}")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == [
        "Rapport",
        "indicateurs",
        "flux",
        "stock",
        "prets",
        "demande_non_satisfaite",
        "maintenance",
        "territoire",
        "environnement",
    ]
    sheet = book["indicateurs"]
    assert sheet["A2"].value == "Matériel numérique récupéré" and sheet["B2"].value == 4
    unmet = [row for row in book["demande_non_satisfaite"].iter_rows(values_only=True)]
    assert ("CA Grand Auch Coeur de Gascogne", "Tablette", "masqué") in unmet
    assert factors().version in " ".join(str(c.value) for c in book["Rapport"]["A"] if c.value)


def test_the_dashboard_shows_the_cards_charts_and_tables(client, login_as, history):
    _sign_in_viewer(client, login_as)
    home = client.get("/")
    assert home.status_code == 302 and home.location.endswith("/tableau-de-bord")
    page = client.get(f"/tableau-de-bord?date={day(40).isoformat()}").get_data(as_text=True)
    assert "Matériel numérique récupéré" in page and "<meter" in page
    assert page.count('src="/tableau-de-bord/graphiques/') == 3
    assert "Modifier la cible" not in page  # the coordinator's
    assert "Durand" not in page and "< 5" in page.replace("&lt;", "<")
    chart = client.get(f"/tableau-de-bord/graphiques/cumul.svg?date={day(40).isoformat()}")
    assert chart.mimetype == "image/svg+xml" and b"<svg" in chart.data
    assert "script-src" not in chart.headers["Content-Security-Policy"]
    assert client.get("/tableau-de-bord/graphiques/autre.svg").status_code == 404


@pytest.mark.parametrize("value", ["31/06/2026", "2019-12-31", "2999-01-01", "x" * 50])
def test_a_bad_date_is_explained_next_to_the_field(client, login_as, value):
    login_as(Role.VIEWER)
    answer = client.get(f"/tableau-de-bord?date={value}")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert 'id="date-error"' in page and 'aria-invalid="true"' in page
    assert client.get(f"/tableau-de-bord/rapport.pdf?date={value}").status_code == 400


def test_the_coordinator_sets_a_target_and_a_stale_edit_is_refused(client, login_as, in_app):
    login_as(Role.ADMIN)
    page = client.get("/tableau-de-bord/cibles/collected").get_data(as_text=True)
    assert "Historique des cibles" in page and 'value="400' in page
    saved = client.post(
        "/tableau-de-bord/cibles/collected",
        data={"version": "1", "target": "450", "deadline": "2027-12-31"},
    )
    assert saved.status_code == 302
    stale = client.post(
        "/tableau-de-bord/cibles/collected",
        data={"version": "1", "target": "500", "deadline": "2027-12-31"},
    )
    assert stale.status_code == 409  # shown again, nothing saved
    assert "modifiée par quelqu" in stale.get_data(as_text=True)
    share = client.post(
        "/tableau-de-bord/cibles/free_software_share", data={"version": "1", "target": "150"}
    )
    assert share.status_code == 400 and "entre 1 et 100" in share.get_data(as_text=True)
    client.post(
        "/tableau-de-bord/cibles/free_software_share", data={"version": "1", "target": "90"}
    )
    with in_app():
        assert [t.target for t in target_history("collected")] == [450, 400]
        assert target_history("free_software_share")[0].target == pytest.approx(0.9)
        now = {i.key: i for i in indicators(TODAY)}
        assert now["collected"].target == 450
        assert now["free_software_share"].target == pytest.approx(0.9 * share_step(TODAY.year))
        assert {i.key: i for i in indicators(TODAY - timedelta(days=1))}["collected"].target == 400
    assert client.get("/tableau-de-bord/cibles/inconnu").status_code == 404


def test_the_summary_api_gives_the_same_figures_without_personal_data(client, api_token, history):
    headers, _user = api_token(Role.VIEWER)
    answer = client.get(f"/api/v1/reports/summary?as_of={day(40).isoformat()}", headers=headers)
    assert answer.status_code == 200
    body = answer.json
    assert body["as_of"] == day(40).isoformat()
    assert {"state": "deployed", "count": 1} in body["stock"]["by_state"]
    assert body["loans"]["active"] == 2 and body["loans"]["returned"] == 0
    unmet = {u["epci"]: u["households"] for u in body["loans"]["unmet_demand"]}
    assert unmet == {"CA Grand Auch Coeur de Gascogne": "masqué", "CC de la Ténarèze": "< 5"}
    assert body["environment"]["factor_version"] == factors().version
    assert body["maintenance"]["from"] == (day(40) - timedelta(days=89)).isoformat()
    assert "Durand" not in answer.get_data(as_text=True)
    bad = client.get("/api/v1/reports/summary?as_of=2026-02-30", headers=headers)
    assert bad.status_code == 400 and "as_of" in bad.json["error"]["details"]


def test_the_charts_and_the_report_draw_for_a_programme_with_no_history(client, login_as):
    login_as(Role.VIEWER)
    for name in ("cumul", "stock", "disponibilite"):
        chart = client.get(f"/tableau-de-bord/graphiques/{name}.svg")
        assert chart.status_code == 200 and b"<svg" in chart.data, name
    text = subprocess.run(
        ["pdftotext", "-raw", "-", "-"],
        input=client.get("/tableau-de-bord/rapport.pdf").data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Matériel numérique récupéré 0 400" in " ".join(text.split())


def test_the_figures_are_kept_until_something_is_recorded(app, in_app, history, create_user):
    coordinator = create_user(Role.ADMIN)
    app.config["REPORT_CACHE"] = True
    try:
        with in_app() as session:
            first = summary(day(40))
            assert summary(day(40)) is first and summary(day(41)) is not first
            receive(session.get(User, coordinator.id), day(41))
            session.commit()
            again = summary(day(40))
            assert again is not first
            assert again.stock == first.stock  # a past date: recomputed, the same
    finally:
        app.config["REPORT_CACHE"] = False
        app.extensions.pop("refurb.reports", None)


def test_a_target_is_typed_the_french_way_and_checked(client, login_as, in_app):
    login_as(Role.ADMIN)
    page = client.get("/tableau-de-bord/cibles/free_software_share").get_data(as_text=True)
    assert 'inputmode="decimal"' in page and 'type="number"' not in page
    share = client.post(
        "/tableau-de-bord/cibles/free_software_share", data={"version": "1", "target": "45,5"}
    )
    assert share.status_code == 302
    devices = "/tableau-de-bord/cibles/collected"
    fraction = client.post(devices, data={"version": "1", "target": "450,5", "deadline": ""})
    page = fraction.get_data(as_text=True)
    assert fraction.status_code == 400 and "nombre entier" in page
    assert 'value="450,5"' in page  # what was typed, shown again
    undated = client.post(devices, data={"version": "1", "target": "450", "deadline": ""})
    assert undated.status_code == 400 and "Indiquez l&#39;échéance" in undated.get_data(
        as_text=True
    )
    zero = client.post(devices, data={"version": "1", "target": "0", "deadline": "2027-12-31"})
    assert "Entre 0,01 et 100 000." in zero.get_data(as_text=True)
    with in_app():
        assert target_history("free_software_share")[0].target == pytest.approx(0.455)
        assert [t.target for t in target_history("collected")] == [400]


def test_household_totals_are_masked_and_a_future_date_has_no_figures(
    client, api_token, history, in_app
):
    headers, _user = api_token(Role.VIEWER)
    early = client.get(f"/api/v1/reports/summary?as_of={day(4)}", headers=headers).json
    assert early["loans"]["waiting"] == "< 5" and early["loans"]["households_served"] == 0
    assert early["maintenance"]["availability"] is None  # no PC in service yet
    later = client.get(f"/api/v1/reports/summary?as_of={day(40)}", headers=headers).json
    assert later["loans"]["waiting"] == 6 and later["maintenance"]["pcs"] == 1
    future = client.get(f"/api/v1/indicators?as_of={TODAY + timedelta(days=1)}", headers=headers)
    assert future.status_code == 400 and future.json["error"]["details"] == {"as_of": "in_future"}


def test_a_signed_agreement_attached_does_not_hide_an_overdue_loan(in_app, history, lender):
    with in_app() as session:
        from refurb.loans.models import Loan

        kept = session.query(Loan).filter_by(start_on=day(10)).one()
        due = day(10) + timedelta(days=180)
        with clock_at(at(day(20))):
            lending.attach_signed_agreement(
                session.get(User, lender.id), kept, b"%PDF-1.4\n%signed\n%%EOF\n"
            )
        session.commit()
        assert summary(due).loans.overdue == 0
        assert summary(due + timedelta(days=1)).loans.overdue == 1
        from refurb import uploads

        uploads.remove("agreements", kept.signed_agreement_path)  # other tests expect none
        session.commit()


def test_a_target_set_after_midnight_in_paris_counts_from_that_day(in_app, create_user):
    from datetime import UTC, datetime

    from refurb.reports.targets import set_target

    admin = create_user(Role.ADMIN)
    with in_app() as session:
        with clock_at(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)):  # 2 March, 00:30 in Paris
            set_target(session.get(User, admin.id), "collected", 300, date(2027, 12, 31))
        session.commit()
        assert {i.key: i for i in indicators(date(2026, 3, 1))}["collected"].target == 400
        assert {i.key: i for i in indicators(date(2026, 3, 2))}["collected"].target == 300


def test_a_pace_that_would_take_centuries_gives_no_date():
    from refurb.reports.indicators import _forecast, _status

    slow = _forecast(1, 0, date(2026, 1, 1), 20_000, date(2027, 12, 31))
    assert slow["reached_on_at_this_pace"] is None and slow["pace_per_month"] > 0
    assert _status(1 / 3, 1 / 3, date(2025, 12, 31), date(2025, 12, 31)) == "reached"


def test_a_cancelled_reservation_does_not_change_the_past_waiting_list(
    in_app, lender, make_household, make_device
):
    from refurb.inventory.models import Device

    household, device = make_household(), make_device(State.READY)
    with in_app() as session:
        actor = session.get(User, lender.id)
        with clock_at(at(day(2))):
            request = households.add_request(
                session.get(Household, household.id), actor, Category.LAPTOP
            )
        with clock_at(at(day(3))):
            loan = lending.reserve(
                actor, session.get(Household, household.id), session.get(Device, device.id), request
            )
        assert summary(day(5)).loans.waiting == 0
        with clock_at(at(day(10))):
            lending.cancel(actor, loan, loan.version)
        session.commit()
        assert [summary(day(n)).loans.waiting for n in (1, 2, 5, 10)] == [0, 1, 0, 1]


def test_flags_edited_later_do_not_change_past_indicators(in_app, history, create_user):
    from refurb.inventory.models import Device
    from refurb.inventory.services import workshop

    coordinator = create_user(Role.ADMIN)
    with in_app() as session:
        before = {i.key: i.value for i in indicators(day(40))}
        deployed = session.query(Device).filter_by(state=State.DEPLOYED).one()
        with clock_at(at(day(50))):
            workshop.update_device(
                deployed,
                session.get(User, coordinator.id),
                deployed.version,
                simplified=True,
                has_free_software=True,
            )
        session.commit()
        assert {i.key: i.value for i in indicators(day(40))} == before
        after = {i.key: i.value for i in indicators(day(50))}
        assert after["simplified_devices"] == before["simplified_devices"] + 1
        assert after["free_software_share"] == 1.0 and after["simplified_sites"] == 1


def test_the_environment_totals_are_the_sums_of_the_rows_shown(in_app, make_device):
    from refurb.history.services import record
    from refurb.reports.environment import environment

    weights = {Category.LAPTOP: 1.04, Category.TABLET: 1.04, Category.SMARTPHONE: 0.14}
    with in_app() as session:
        for category, kg in weights.items():
            device = make_device(State.READY, category, weight_kg=kg)
            record("device", device.id, "device.give")
        session.commit()
        found = environment(paris_today())
    assert [row.kg for row in found.by_category] == [1.0, 0.1, 1.0]  # by category's name
    assert found.reused_kg == 2.1  # not the 2.2 of the unrounded 2.22
    assert found.avoided_kg_co2e == pytest.approx(sum(r.avoided_kg_co2e for r in found.by_category))
