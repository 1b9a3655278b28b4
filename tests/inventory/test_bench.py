"""The bench (/atelier): each workshop device waits at the step the `mark_ready` guard names,
oldest first, counted whole, in a few queries whatever the number of devices."""

import re
from datetime import timedelta

import pytest

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.db_types import utcnow
from refurb.inventory import lifecycle
from refurb.inventory.bench import Step, queues
from refurb.inventory.enums import Category, DiagnosisOutcome, ErasureMethod, MediumKind, State
from refurb.inventory.lifecycle import Action
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test, workshop
from tests.conftest import statements
from tests.inventory.conftest import make_ready_able, passing_results

# What the mark_ready guard answers for a device at each step (None: it may be marked ready).
GUARD_CODES = {
    Step.ERASURE: {"erasure_required", "storage_unknown"},
    Step.GRADING: {"grade_required"},
    Step.READY: {None},
}


@pytest.fixture
def bench(in_app, make_device, technician):
    """One device at every step, and some that look close to another."""
    made = {
        "received": make_device(State.RECEIVED),
        "untested": make_device(State.DIAGNOSIS),
        "failed": make_device(State.DIAGNOSIS),
        "in_repair": make_device(State.REPAIR),
        "no_storage_yet": make_device(State.DIAGNOSIS),
        "to_erase": make_device(State.DIAGNOSIS),
        "unverified": make_device(State.REPAIR),
        "to_grade": make_device(State.DIAGNOSIS),
        "screen_to_grade": make_device(State.DIAGNOSIS, category=Category.SCREEN),
        "done": make_device(State.REPAIR),
        "old_test": make_device(State.DIAGNOSIS),
        "lent": make_device(State.ON_LOAN),
    }
    with in_app() as session:
        actor = session.get(User, technician.id)
        device = {name: session.get(Device, m.id) for name, m in made.items()}

        def passed(d):
            functional_test.record_diagnosis(
                d, actor, passing_results(d.category), DiagnosisOutcome.READY_AFTER_ERASURE
            )

        failing = passing_results(Category.LAPTOP)
        failing["screen"] = {"result": "fail", "note": "dalle fendue"}
        functional_test.record_diagnosis(
            device["failed"], actor, failing, DiagnosisOutcome.NEEDS_REPAIR
        )
        passed(device["no_storage_yet"])
        passed(device["to_erase"])
        workshop.add_medium(device["to_erase"], actor, MediumKind.SSD, serial="S-ERASE")
        passed(device["unverified"])
        medium = workshop.add_medium(device["unverified"], actor, MediumKind.HDD, serial="H-1")
        workshop.record_erasure(
            device["unverified"], actor, medium, ErasureMethod.CLEAR, "nwipe", False, "échec"
        )
        make_ready_able(device["to_grade"], actor)
        device["to_grade"].grade = None
        passed(device["screen_to_grade"])
        make_ready_able(device["done"], actor)
        make_ready_able(device["old_test"], actor)
        device["old_test"].cycle_started_at = utcnow() + timedelta(seconds=1)  # a new cycle
        make_ready_able(device["lent"], actor)
        session.commit()
    return made


EXPECTED = {
    Step.DIAGNOSIS: {"received", "untested", "failed", "old_test"},
    Step.REPAIR: {"in_repair"},
    Step.ERASURE: {"no_storage_yet", "to_erase", "unverified"},
    Step.GRADING: {"to_grade", "screen_to_grade"},
    Step.READY: {"done"},
}


def test_each_device_waits_at_the_step_its_cycle_holds(in_app, bench):
    with in_app():
        found = {q.step: q for q in queues()}
        for step, names in EXPECTED.items():
            assert {d.tag for d in found[step].devices} == {bench[n].tag for n in names}, step
            assert found[step].total == len(names)


def test_the_bench_agrees_with_the_mark_ready_guard(in_app, bench):
    with in_app():
        for queue in queues():
            for device in queue.devices:
                if queue.step in GUARD_CODES:
                    refusal = lifecycle.refusal(device, Action.MARK_READY)
                    assert (refusal.code if refusal else None) in GUARD_CODES[queue.step], (
                        device.tag
                    )


def test_a_technician_comes_home_to_the_bench(client, login_as, bench):
    login_as(Role.TECHNICIAN)
    home = client.get("/")
    assert home.status_code == 302 and home.location == "/atelier"
    page = client.get("/atelier").get_data(as_text=True)
    sections = dict(
        re.findall(r'<section[^>]*aria-labelledby="etape-(\w+)"(.*?)</section>', page, re.S)
    )
    for step, names in EXPECTED.items():
        shown = set(re.findall(r'href="/appareils/([\w-]+)"', sections[step.value]))
        assert shown == {bench[n].tag for n in names}, step
    assert 'À effacer <span class="badge">3 appareils</span>' in page
    assert bench["lent"].tag not in page
    assert 'href="/appareils?state=received&amp;sort=oldest"' in page
    assert "Tous les appareils « Reçu » (1)" in page.replace("\u202f", " ")  # the counters


def test_the_oldest_come_first_and_ten_are_shown_of_all(app, client, login_as, make_device, in_app):
    login_as(Role.TECHNICIAN)
    made = [make_device(State.RECEIVED) for _ in range(12)]
    with in_app() as session:
        for age, m in enumerate(made):
            session.get(Device, m.id).cycle_started_at = utcnow() - timedelta(days=age)
        session.commit()
    with in_app():
        queue = next(q for q in queues() if q.step == Step.DIAGNOSIS)
        assert queue.total == 12
        assert [d.tag for d in queue.devices] == [m.tag for m in reversed(made)][:10]
    with app.app_context(), statements() as few:
        assert client.get("/atelier").status_code == 200
    for _ in range(20):
        make_device(State.DIAGNOSIS)
    with app.app_context(), statements() as many:
        page = client.get("/atelier").get_data(as_text=True)
    assert len(many) == len(few) <= 5  # the session's user, the counters, the bench
    assert 'À diagnostiquer <span class="badge">32 appareils</span>' in page


def test_the_bench_is_for_the_workshops(client, login_as):
    login_as(Role.LENDER)
    assert client.get("/atelier").status_code == 403
