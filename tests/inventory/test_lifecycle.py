"""Every action of DESIGN §3 from every state, and every guard: allowed, or refused with
its reason and nothing changed."""

import pytest
from sqlalchemy import func, select

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    ErasureMethod,
    MediumKind,
    State,
)
from refurb.inventory.lifecycle import (
    TRANSITIONS,
    Action,
    Context,
    Refusal,
    Via,
    available_actions,
    perform,
    refusal,
)
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test, workshop
from refurb.maintenance.enums import SiteKind
from tests.conftest import TODAY
from tests.inventory.conftest import make_ready_able, passing_results


def context_for(action: Action, actor, site_id=None) -> Context:
    """What each action needs besides the device, when performed the right way."""
    via = {Action.LEND: Via.LOAN, Action.RETURN: Via.LOAN, Action.RECYCLE: Via.RECYCLING_BATCH}.get(
        action
    )
    details = {}
    note = ""
    if action == Action.RESERVE:
        details = {"purpose": "site", "site_id": site_id}
    if action == Action.DEPLOY:
        details = {"site_id": site_id}
    if action == Action.GIVE:
        via, note = Via.LOAN, "converti en don"
    if action == Action.DECLARE_LOST:
        note = "volé dans le local"
    return Context(actor=actor, via=via, note=note, details=details)


def event_count(device_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.subject_id == device_id, Event.subject_type == "device")
    )


@pytest.fixture
def site(make_site):
    return make_site()


@pytest.fixture
def coordinator(create_user, create_organisation):
    return create_user(
        Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    )


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_each_action_from_each_state(in_app, make_device, coordinator, site, action, state):
    made = make_device(State.DIAGNOSIS)  # prepared first, then put in `state` below
    with in_app():
        actor = db.session.get(User, coordinator.id)
        device = db.session.get(Device, made.id)
        make_ready_able(device, actor)
        device.state = state  # make_ready_able records events but keeps the state
        db.session.flush()
        before = event_count(device.id)
        transition = TRANSITIONS[action]
        context = context_for(action, actor, site.id)
        if state in transition.sources:
            perform(device, action, context)
            assert device.state == transition.target
            last = db.session.scalar(
                select(Event).where(Event.subject_id == device.id).order_by(Event.id.desc())
            )
            assert (last.action, last.from_state, last.to_state) == (
                f"device.{action.value}",
                state.value,
                transition.target.value,
            )
        else:
            with pytest.raises(Refusal) as refused:
                perform(device, action, context)
            assert refused.value.code == "invalid_state"
            assert device.state == state
            assert event_count(device.id) == before


def refuse(device, action, actor, **context) -> Refusal:
    found = refusal(device, action, Context(actor=actor, **context))
    assert found is not None
    with pytest.raises(Refusal):
        perform(device, action, Context(actor=actor, **context))
    return found


@pytest.fixture
def bench(in_app, make_device, technician):
    """A device in diagnosis and its technician, inside an app context."""
    made = make_device(State.DIAGNOSIS)
    with in_app():
        yield db.session.get(Device, made.id), db.session.get(User, technician.id)


def test_mark_ready_needs_a_functional_test(bench):
    device, actor = bench
    assert refuse(device, Action.MARK_READY, actor).code == "functional_test_required"
    assert device.state == State.DIAGNOSIS


def test_mark_ready_needs_a_passed_functional_test(bench):
    device, actor = bench
    results = passing_results(device.category)
    results["battery"] = {"result": CheckResult.FAIL.value, "note": "42 % de capacité"}
    functional_test.record_diagnosis(device, actor, results, DiagnosisOutcome.NEEDS_REPAIR)
    refused = refuse(device, Action.MARK_READY, actor)
    assert refused.code == "functional_test_failed"
    assert refused.details["failed_items"] == ["battery"]


def test_mark_ready_needs_the_storage_recorded(bench):
    device, actor = bench
    functional_test.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    assert refuse(device, Action.MARK_READY, actor).code == "storage_unknown"
    device.storage_absent = True
    device.grade = "A"
    perform(device, Action.MARK_READY, Context(actor=actor))
    assert device.state == State.READY


def test_mark_ready_needs_every_medium_erased_and_verified(bench):
    device, actor = bench
    functional_test.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    ssd = workshop.add_medium(device, actor, MediumKind.SSD, serial="SSD-1")
    hdd = workshop.add_medium(device, actor, MediumKind.HDD, serial="HDD-2")
    workshop.record_erasure(device, actor, ssd, ErasureMethod.PURGE, "hdparm", True)
    workshop.record_erasure(
        device, actor, hdd, ErasureMethod.CLEAR, "nwipe", False, "erreurs de lecture"
    )
    refused = refuse(device, Action.MARK_READY, actor)
    assert refused.code == "erasure_required"
    assert "HDD-2" in refused.message
    workshop.record_erasure(device, actor, hdd, ErasureMethod.DESTROY, "broyeur", True)
    device.grade = "C"
    perform(device, Action.MARK_READY, Context(actor=actor))
    assert device.state == State.READY
    assert [m.serial for m in device.active_media] == ["SSD-1"]  # the destroyed disk left


def test_mark_ready_needs_a_grade(bench):
    device, actor = bench
    make_ready_able(device, actor)
    device.grade = None
    assert refuse(device, Action.MARK_READY, actor).code == "grade_required"


def test_screens_and_printers_need_no_storage(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS, category=Category.SCREEN)
    with in_app():
        actor = db.session.get(User, technician.id)
        device = db.session.get(Device, made.id)
        functional_test.record_diagnosis(
            device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
        )
        device.grade = "A"
        perform(device, Action.MARK_READY, Context(actor=actor))
        assert device.state == State.READY


def test_back_from_a_site_the_device_must_be_tested_and_erased_again(
    in_app, make_device, coordinator, site
):
    made = make_device(State.DIAGNOSIS)
    with in_app():
        actor = db.session.get(User, coordinator.id)
        device = db.session.get(Device, made.id)
        make_ready_able(device, actor)
        perform(device, Action.MARK_READY, Context(actor=actor))
        perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
        assert device.site_id == site.id
        perform(device, Action.WITHDRAW, Context(actor=actor))
        assert device.state == State.DIAGNOSIS and device.site_id is None
        assert refuse(device, Action.MARK_READY, actor).code == "functional_test_required"
        functional_test.record_diagnosis(
            device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
        )
        assert refuse(device, Action.MARK_READY, actor).code == "erasure_required"


def test_loan_actions_only_through_a_loan(in_app, make_device, coordinator):
    made = make_device(State.READY)
    with in_app():
        actor = db.session.get(User, coordinator.id)
        device = db.session.get(Device, made.id)
        assert refuse(device, Action.LEND, actor).code == "loan_required"
        assert (
            refuse(device, Action.RESERVE, actor, details={"purpose": "loan"}).code
            == "loan_required"
        )
        device.state = State.ON_LOAN
        assert refuse(device, Action.RETURN, actor).code == "loan_required"
        assert refuse(device, Action.GIVE, actor, note="à un foyer").code == "loan_required"


def test_recycling_only_through_a_batch(in_app, make_device, coordinator):
    made = make_device(State.PARTS, category=Category.PRINTER)
    with in_app():
        device = db.session.get(Device, made.id)
        assert (
            refuse(device, Action.RECYCLE, db.session.get(User, coordinator.id)).code
            == "recycling_batch_required"
        )


def test_actions_that_need_a_reason_or_a_place(in_app, make_device, coordinator, make_site):
    made = make_device(State.READY)
    pool = make_site("Parc tournant", SiteKind.ROTATION_POOL)
    with in_app():
        actor = db.session.get(User, coordinator.id)
        device = db.session.get(Device, made.id)
        assert refuse(device, Action.RESERVE, actor).code == "purpose_required"
        assert refuse(device, Action.GIVE, actor).code == "recipient_required"
        assert refuse(device, Action.DEPLOY, actor).code == "site_required"
        assert (
            refuse(device, Action.DEPLOY, actor, details={"site_id": 999_999}).code
            == "site_required"
        )
        assert (
            refuse(device, Action.RESERVE, actor, details={"purpose": "site"}).code
            == "site_required"
        )
        assert refuse(device, Action.DECLARE_LOST, actor).code == "note_required"
        perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": pool.id}))
        assert device.state == State.DEPLOYED and device.site_id == pool.id


def test_roles_limit_the_actions(in_app, make_device, create_user):
    made = make_device(State.RECEIVED)
    lender = create_user(Role.LENDER)
    with in_app():
        device = db.session.get(Device, made.id)
        refused = refuse(device, Action.START_DIAGNOSIS, db.session.get(User, lender.id))
        assert (refused.code, refused.status) == ("role_not_allowed", 403)


def test_the_device_page_offers_what_the_role_may_do_with_what_blocks_it(bench):
    device, actor = bench
    offered = {action: blocked for action, blocked in available_actions(device, actor)}
    assert set(offered) == {Action.SEND_TO_REPAIR, Action.MARK_READY, Action.DISMANTLE}
    assert offered[Action.MARK_READY].code == "functional_test_required"
    assert offered[Action.SEND_TO_REPAIR] is None


def test_actions_that_ask_for_input_are_offered_not_blocked(in_app, make_device, coordinator):
    made = make_device(State.READY)
    with in_app():
        device = db.session.get(Device, made.id)
        offered = dict(available_actions(device, db.session.get(User, coordinator.id)))
        assert {Action.RESERVE, Action.GIVE, Action.DEPLOY, Action.DECLARE_LOST} <= set(offered)
        assert all(blocked is None for blocked in offered.values())


def test_a_device_whose_disk_was_destroyed_can_be_recycled(
    in_app, make_device, technician, create_organisation
):

    from refurb.auth.models import Organisation
    from refurb.inventory.services import recycling

    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    made = make_device(State.PARTS)
    with in_app():
        actor = db.session.get(User, technician.id)
        device = db.session.get(Device, made.id)
        hdd = workshop.add_medium(device, actor, MediumKind.HDD, serial="HDD-9")
        workshop.record_erasure(device, actor, hdd, ErasureMethod.DESTROY, "perceuse", True)
        recycling.create_batch(actor, db.session.get(Organisation, recycler.id), TODAY, [device])
        assert device.state == State.RECYCLED


@pytest.mark.parametrize("state", [State.GIVEN, State.RECYCLED, State.LOST])
def test_nothing_more_is_recorded_on_a_device_that_left_the_programme(
    in_app, make_device, technician, state
):
    made = make_device(state)
    with in_app():
        actor = db.session.get(User, technician.id)
        device = db.session.get(Device, made.id)
        attempts = [
            lambda: functional_test.record_diagnosis(
                device,
                actor,
                passing_results(device.category),
                DiagnosisOutcome.READY_AFTER_ERASURE,
            ),
            lambda: workshop.add_medium(device, actor, MediumKind.SSD, serial="X"),
            lambda: workshop.record_repair(device, actor, "Écran", workshop.RepairStatus.FIXED),
            lambda: workshop.update_device(device, actor, device.version, os="Linux Mint"),
        ]
        for attempt in attempts:
            with pytest.raises(DomainError) as refused:
                attempt()
            assert refused.value.code == "device_final"
