"""The demo's figures checked by hand: the dashboard's numbers for today equal what the device
list and the loans pages show, and its numbers for a past date equal a count of the demo's own
events up to that date."""

from datetime import timedelta

from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.db_types import today
from refurb.history.models import Event
from refurb.inventory.search import state_counts
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan
from refurb.reports.summary import summary
from refurb.reports.timeline import before_end_of


def test_the_dashboard_agrees_with_the_device_list_the_loans_and_the_events(
    app, in_app, client, login_as
):
    loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    now = today()
    with in_app() as session:
        figures = summary(now)
        listed = state_counts()  # the counts the device list shows
        assert {s.value: n for s, n in figures.by_state() if n} == listed
        indicators = {i.key: i.value for i in figures.indicators}
        assert indicators["collected"] == sum(listed.values()) == 320
        loans = session.scalars(select(Loan)).all()
        assert figures.loans.active == sum(1 for loan in loans if loan.status == LoanStatus.ACTIVE)
        assert figures.loans.overdue == sum(1 for loan in loans if loan.is_overdue(now))
        assert figures.loans.returned == sum(1 for ln in loans if ln.status == LoanStatus.RETURNED)
        assert figures.loans.gifts == sum(
            1 for loan in loans if loan.status == LoanStatus.CONVERTED_TO_GIFT
        )

        past = now - timedelta(days=120)

        def events(action):
            return session.scalar(
                select(func.count(func.distinct(Event.subject_id))).where(
                    Event.action == action, before_end_of(Event.occurred_at, past)
                )
            )

        then = summary(past)
        then_indicators = {i.key: i.value for i in then.indicators}
        assert then_indicators["collected"] == events("device.received") < 320
        assert then_indicators["made_ready"] == events("device.mark_ready")
        assert then.flows[-1].received_total == then_indicators["collected"]
        assert sum(n for _s, n in then.by_state()) == then_indicators["collected"]
    login_as(Role.VIEWER)
    page = client.get("/tableau-de-bord").get_data(as_text=True)
    assert f"<strong>{int(indicators['collected'])}</strong>" in page
    assert f"<strong>{int(indicators['made_ready'])}</strong>" in page
