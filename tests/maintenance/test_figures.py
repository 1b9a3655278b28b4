"""Availability and the other figures on hand-made incident times: overlapping incidents count
once, an open one counts until the end of the period, rejected and degraded ones not at all."""

from datetime import UTC, datetime, timedelta

import pytest

from refurb.db_types import clock_at
from refurb.maintenance import figures
from refurb.maintenance.enums import IncidentImpact, IncidentSource, IncidentStatus
from refurb.maintenance.models import Incident, Visit
from tests.maintenance.conftest import device

START = datetime(2026, 10, 1, tzinfo=UTC)
END = START + timedelta(days=10)


def incident(session, pc, hours_from, hours_to, *, impact=IncidentImpact.BLOCKING, status=None):
    reported = START + timedelta(hours=hours_from)
    closed = START + timedelta(hours=hours_to) if hours_to is not None else None
    session.add(
        Incident(
            reference=f"INC-T-{reported:%d%H}-{hours_to}-{pc.id}-{impact.value[:1]}",
            device_id=pc.id,
            site_id=pc.site_id,
            category="hardware",
            impact=impact,
            source=IncidentSource.PUBLIC,
            status=status or (IncidentStatus.RESOLVED if closed else IncidentStatus.OPEN),
            reported_at=reported,
            acknowledged_at=reported + timedelta(hours=2),
            closed_at=closed,
        )
    )


def test_availability_counts_the_union_of_blocking_incidents(in_app, park):
    with in_app() as session:
        first, second = device(session, park.tags[0]), device(session, park.tags[1])
        incident(session, first, 24, 48)  # one day
        incident(session, first, 36, 60)  # overlaps: the union is 36 h
        incident(session, first, 100, 112, impact=IncidentImpact.DEGRADED)  # not counted
        incident(session, first, 150, 170, status=IncidentStatus.REJECTED)  # not counted
        incident(session, second, -48, 12)  # began before the period: 12 h inside
        incident(session, second, 228, None)  # still open: counts until the end, 12 h
        session.flush()
        with clock_at(END + timedelta(days=5)):
            found = figures.device_availability([first.id, second.id], START, END)
            pooled, pcs = figures.site_availability([park.site.id], START, END)[park.site.id]
        period = 240.0
        assert found[first.id] == pytest.approx(1 - 36 / period)
        assert found[second.id] == pytest.approx(1 - 24 / period)
        assert pcs == 2 and pooled == pytest.approx(1 - 60 / (2 * period))


def test_an_open_incident_counts_until_now_within_the_period(in_app, park):
    with in_app() as session:
        pc = device(session, park.tags[0])
        incident(session, pc, 0, None)
        session.flush()
        with clock_at(START + timedelta(hours=60)):  # now is inside the period
            found = figures.device_availability([pc.id], START, END)
        assert found[pc.id] == pytest.approx(1 - 60 / 240)


def test_mean_times_and_visits_on_time(in_app, park):
    with in_app() as session:
        pc = device(session, park.tags[0])
        incident(session, pc, 0, 10)
        incident(session, pc, 20, 50)
        for day, due in ((3, 5), (9, 5)):  # one on time, one four days late
            session.add(
                Visit(
                    site_id=park.site.id,
                    plan_id=1,
                    plan_version_id=1,
                    status="completed",
                    started_at=START + timedelta(days=day),
                    completed_at=START + timedelta(days=day, hours=1),
                    due_on=(START + timedelta(days=due)).date(),
                )
            )
        session.flush()
        times = figures.incident_times(START, END)
        assert times["mttr_hours"] == 20.0 and times["mtta_hours"] == 2.0
        assert times["resolved"] == 2 and times["reported"] == 2
        assert figures.visits_on_time(START, END) == (1, 2)


def test_the_programme_and_its_epci_count_open_access_pcs_not_the_rotation_pool(
    in_app, park, make_site
):
    from refurb.maintenance.enums import SiteKind
    from refurb.maintenance.models import Site
    from tests.maintenance.conftest import put_in_service

    pool = make_site("Parc tournant des médiateurs", kind=SiteKind.ROTATION_POOL)
    with in_app() as session:
        [traveller, *_] = put_in_service(session, pool.id, count=4)
        incident(session, device(session, traveller), 0, 240)  # down the whole period
        session.flush()
        sites = session.query(Site).all()
        with clock_at(END + timedelta(days=5)):
            downtimes = figures.site_downtime(START, END)
            programme = figures.programme_availability(sites, START, END, downtimes)
            by_epci = figures.availability_by_epci(sites, START, END, downtimes)
        assert programme == (1.0, 3)  # the two sites' three PCs, none down
        assert sum(pcs for _share, pcs in by_epci.values()) == 3
        assert downtimes[pool.id][1] == 4  # the pool is measured all the same, on its own line


def test_the_overview_counts_the_open_access_pcs_and_says_so(
    client, in_app, create_user, park, make_site
):
    from refurb.auth.roles import Role
    from refurb.maintenance.enums import SiteKind
    from tests.conftest import sign_in
    from tests.maintenance.conftest import put_in_service

    pool = make_site("Parc tournant des médiateurs", kind=SiteKind.ROTATION_POOL)
    with in_app() as session:
        put_in_service(session, pool.id, count=4)
        session.commit()
    coordinator = create_user(Role.ADMIN)
    sign_in(client, coordinator.email, coordinator.password)
    page = client.get("/maintenance").get_data(as_text=True)
    figures_part = page[page.index("Disponibilité du parc") :].split("</li>")[0]
    assert "3 PC" in figures_part  # the two open-access sites' PCs, not the pool's four
    assert "le parc tournant des médiateurs est entretenu aussi, mais compté à part" in page
    assert "Parc tournant des médiateurs</a></td><td>4</td>" in page  # on its own line
