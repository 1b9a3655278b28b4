"""The indicators' rules at their boundaries: the forecast once the target is reached, past
its deadline, at a century's pace; the status on the deadline and at exactly the target; the
day's end in Paris; partnerships of the calendar year, from 1 January to D inclusive."""

from datetime import UTC, date, datetime, timedelta

import pytest

from refurb.db_types import clock_at
from refurb.inventory.enums import DonorKind
from refurb.inventory.services import intake
from refurb.reports.indicators import _forecast, _status, collected, donor_partnerships

DAY, DEADLINE = date(2026, 7, 1), date(2027, 12, 31)


def test_the_forecast_of_a_target_already_reached():
    assert _forecast(400, 340, DAY, 400, DEADLINE) == {
        "pace_per_month": 10.15,
        "projected_at_deadline": 582.7,
        "reached_on_at_this_pace": None,
        "needed_per_month": 0.0,
    }


def test_the_forecast_on_its_way():
    assert _forecast(100, 40, DAY, 400, DEADLINE) == {
        "pace_per_month": 10.15,  # 60 in 180 days
        "projected_at_deadline": 282.7,  # 100 + 548 days at 1/3 a day
        "reached_on_at_this_pace": DAY + timedelta(days=900),  # 300 more at 1/3 a day
        "needed_per_month": 16.66,  # 300 in 548 / 30.44 months
    }


def test_the_forecast_past_its_deadline_projects_what_is_there():
    assert _forecast(100, 40, date(2028, 2, 1), 400, DEADLINE) == {
        "pace_per_month": 10.15,
        "projected_at_deadline": 100.0,
        "reached_on_at_this_pace": date(2028, 2, 1) + timedelta(days=900),
        "needed_per_month": 0.0,  # no month left to ask anything of
    }


def test_a_target_a_century_away_has_no_date():
    slow = 300 / (100 * 365)  # per day: reached in exactly a century
    on_time = _forecast(100, 100 - slow * 180, DAY, 400, DEADLINE)
    assert on_time["reached_on_at_this_pace"] == DAY + timedelta(days=100 * 365)
    later = _forecast(100, 100 - slow * 179, DAY, 400, DEADLINE)
    assert later["reached_on_at_this_pace"] is None
    falling = _forecast(100, 120, DAY, 400, DEADLINE)
    assert falling["reached_on_at_this_pace"] is None and falling["pace_per_month"] < 0


@pytest.mark.parametrize(
    "value, target, deadline, day, projected, status",
    [
        (400, 400, DEADLINE, DAY, None, "reached"),  # exactly the target
        (401, 400, DEADLINE, date(2028, 1, 1), None, "reached"),  # reached, even late
        (399, 400, DEADLINE, date(2028, 1, 1), 999, "behind"),  # the day after the deadline
        (399, 400, DEADLINE, DEADLINE, 400, "on_track"),  # on the deadline, projected there
        (100, 400, DEADLINE, DAY, 400, "on_track"),  # projected at exactly the target
        (100, 400, DEADLINE, DAY, 399.9, "behind"),
        (100, 400, DEADLINE, DAY, None, "behind"),  # no projection: not said to be on track
        (100, 400, None, DAY, 500, "on_track"),  # no deadline
    ],
)
def test_the_status(value, target, deadline, day, projected, status):
    assert _status(value, target, deadline, day, projected) == status


def test_a_day_ends_at_midnight_in_paris(admin):
    # 30 June 2026, 23:59 in Paris is 21:59 UTC (summer time); 00:00 on 1 July is 22:00 UTC.
    with clock_at(datetime(2026, 6, 30, 21, 59, tzinfo=UTC)):
        intake.receive_device(admin, category="laptop")
    with clock_at(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)):
        intake.receive_device(admin, category="laptop")
    assert (collected(date(2026, 6, 29)), collected(date(2026, 6, 30))) == (0, 1)
    assert collected(date(2026, 7, 1)) == 2


def test_partnerships_of_the_calendar_year_up_to_the_day(admin):
    donor = intake.create_donor(admin, "Gascogne Logistique", DonorKind.ENTREPRISE)
    for signed in (date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 10), date(2026, 3, 11)):
        intake.add_partnership(donor, admin, signed)
    assert donor_partnerships(date(2025, 12, 31)) == 1
    assert donor_partnerships(date(2026, 1, 1)) == 1  # the year starts again
    assert donor_partnerships(date(2026, 3, 10)) == 2  # signed on the day: counted
    assert donor_partnerships(date(2026, 12, 31)) == 3


def test_a_part_of_a_day_left_is_a_whole_day():
    pace = 300 / 900.4  # 900.4 days to go: reached on the 901st
    forecast = _forecast(100, 100 - pace * 180, DAY, 400, DEADLINE)
    assert forecast["reached_on_at_this_pace"] == DAY + timedelta(days=901)


def test_a_century_is_counted_in_days_of_365():
    pace = 300 / 36_550  # a century and 50 days
    assert _forecast(100, 100 - pace * 180, DAY, 400, DEADLINE)["reached_on_at_this_pace"] is None
