"""What an allowed action changes on the device besides its state (the cycle, the first day
ready, who holds it, the event written), and the person's way in (`act_on`): the role told
first, then the version, then the rule."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.db_types import clock_at, utcnow
from refurb.errors import StaleVersion
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import State
from refurb.inventory.lifecycle import (
    Action,
    Context,
    Refusal,
    Via,
    act_on,
    available_actions,
    perform,
)
from refurb.inventory.models import Device
from refurb.maintenance.models import Site
from tests.inventory.conftest import make_ready_able


@pytest.fixture
def world(in_app, make_device, technician, create_organisation, create_user, make_site, lender):
    """A device that may be made ready, its technician, a library hosted by a town hall and
    its maintainer, a site of nobody's (the rotation pool's kind), the coordinator, a lender."""
    town_hall = create_organisation("Mairie de Fleurance", OrganisationKind.SITE_HOST)
    maintainer = create_user(Role.MAINTAINER)
    coordinator = create_user(
        Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    )
    site = make_site(maintainers=[maintainer], host=town_hall)
    other_site = make_site(name="Mairie de Mirande")
    made = make_device(State.DIAGNOSIS)
    with in_app():
        device = db.session.get(Device, made.id)
        actor = db.session.get(User, technician.id)
        make_ready_able(device, actor)
        yield {
            "device": device,
            "technician": actor,
            "maintainer": db.session.get(User, maintainer.id),
            "coordinator": db.session.get(User, coordinator.id),
            "lender": db.session.get(User, lender.id),
            "site": db.session.get(Site, site.id),
            "other_site": db.session.get(Site, other_site.id),
            "host": db.session.get(Organisation, town_hall.id),
        }


def last_event(device) -> Event:
    return db.session.scalar(
        select(Event)
        .where(Event.subject_type == "device", Event.subject_id == device.id)
        .order_by(Event.id.desc())
    )


def at(minutes: int):
    """The app's clock `minutes` from now, so each step has its own instant."""
    return clock_at(utcnow().replace(microsecond=0) + timedelta(minutes=minutes))


def test_a_cycle_begins_again_only_when_a_device_comes_back(world):
    device, actor, site = world["device"], world["technician"], world["site"]
    began = device.cycle_started_at
    with at(1):
        perform(device, Action.MARK_READY, Context(actor=actor))
    with at(2):
        perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
    assert device.cycle_started_at == began  # ready, then in service: the same cycle
    with at(3):
        perform(device, Action.WITHDRAW, Context(actor=world["coordinator"]))
    assert device.cycle_started_at == device.state_changed_at != began
    assert device.state == State.DIAGNOSIS


def test_the_first_day_ready_is_kept_through_later_cycles(world):
    device, actor, site = world["device"], world["technician"], world["site"]
    assert device.first_ready_at is None
    with at(1):
        perform(device, Action.MARK_READY, Context(actor=actor))
    first = device.first_ready_at
    assert first == device.state_changed_at
    with at(2):
        perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
    assert device.first_ready_at == first  # in service: still the day it was first ready
    with at(3):
        perform(device, Action.WITHDRAW, Context(actor=world["coordinator"]))
    with at(4):
        make_ready_able(device, actor)
    with at(5):
        perform(device, Action.MARK_READY, Context(actor=actor))
    assert device.first_ready_at == first != device.state_changed_at


def test_a_site_holds_what_is_reserved_for_it_or_in_service_there(world):
    device, actor = world["device"], world["technician"]
    site, host = world["site"], world["host"]
    perform(device, Action.MARK_READY, Context(actor=actor))
    assert (device.site_id, device.holder_organisation_id) == (None, None)
    details = {"purpose": "site", "site_id": site.id, "empty": "", "none": None}
    reserving = Context(actor=actor, note="  pour la rentrée ", details=details)
    perform(device, Action.RESERVE, reserving)
    assert (device.site_id, device.holder_organisation_id) == (site.id, host.id)
    event = last_event(device)
    assert (event.action, event.from_state, event.to_state) == (
        "device.reserve",
        "ready",
        "reserved",
    )
    assert (event.note, event.actor_id) == ("pour la rentrée", actor.id)
    assert event.details == {"purpose": "site", "site_id": site.id}  # nothing empty kept
    perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": site.id}))
    assert (device.site_id, device.holder_organisation_id) == (site.id, host.id)
    assert last_event(device).note is None  # no note typed: none recorded
    perform(device, Action.WITHDRAW, Context(actor=world["coordinator"]))
    assert (device.site_id, device.holder_organisation_id) == (None, None)


def test_the_rotation_pool_has_no_host(world):
    device, actor, other = world["device"], world["technician"], world["other_site"]
    perform(device, Action.MARK_READY, Context(actor=actor))
    perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": other.id}))
    assert (device.site_id, device.holder_organisation_id) == (other.id, None)


def test_a_role_that_may_not_act_is_told_so_before_the_version(world):
    device, lender = world["device"], world["lender"]
    device.state = State.RECEIVED
    with pytest.raises(Refusal) as refused:
        act_on(device, Action.START_DIAGNOSIS, lender, version="0")
    assert (refused.value.code, refused.value.status) == ("role_not_allowed", 403)
    with pytest.raises(StaleVersion):
        act_on(device, Action.START_DIAGNOSIS, world["technician"], version="0")
    assert device.state == State.RECEIVED
    act_on(device, Action.START_DIAGNOSIS, world["technician"], device.version, note=None)
    assert device.state == State.DIAGNOSIS and last_event(device).note is None


def test_acting_on_a_device_from_its_page(world):
    device, actor, site = world["device"], world["technician"], world["site"]
    act_on(device, Action.MARK_READY, actor, device.version)
    act_on(
        device,
        Action.RESERVE,
        actor,
        device.version,
        "pour la médiathèque",
        purpose="site",
        site_id=site.id,
    )
    assert device.site_id == site.id
    reserved = last_event(device)
    assert (reserved.note, reserved.actor_id) == ("pour la médiathèque", actor.id)
    assert reserved.details == {"purpose": "site", "site_id": site.id}
    # deployed where it was reserved, when no other place is named
    act_on(device, Action.DEPLOY, actor, device.version)  # no note typed
    assert (device.state, device.site_id) == (State.DEPLOYED, site.id)
    deployed = last_event(device)
    assert (deployed.details, deployed.note, deployed.actor_id) == (
        {"site_id": site.id},
        None,
        actor.id,
    )


def test_a_loan_purpose_names_no_site(world):
    device, actor, site = world["device"], world["technician"], world["site"]
    act_on(device, Action.MARK_READY, actor, device.version)
    with pytest.raises(Refusal) as refused:
        act_on(device, Action.RESERVE, actor, device.version, purpose="loan", site_id=site.id)
    assert refused.value.code == "loan_required" and device.site_id is None


def test_a_place_named_at_deployment_wins_over_the_reservation(world):
    device, actor = world["device"], world["technician"]
    site, other = world["site"], world["other_site"]
    act_on(device, Action.MARK_READY, actor, device.version)
    act_on(device, Action.RESERVE, actor, device.version, purpose="site", site_id=site.id)
    act_on(device, Action.DEPLOY, actor, device.version, site_id=other.id)
    assert device.site_id == other.id


def test_what_blocks_an_offered_action_is_said_for_that_person(world):
    """A maintainer sees a device in service at a site they do not maintain: withdrawing it is
    offered with the reason it is not theirs to move."""
    device, actor, other = world["device"], world["technician"], world["other_site"]
    perform(device, Action.MARK_READY, Context(actor=actor))
    perform(device, Action.DEPLOY, Context(actor=actor, details={"site_id": other.id}))
    offered = dict(available_actions(device, world["maintainer"]))
    assert offered[Action.WITHDRAW].code == "site_maintainers_only"
    assert dict(available_actions(device, world["coordinator"]))[Action.WITHDRAW] is None


def test_a_reservation_for_a_loan_names_no_site(world):
    device, actor = world["device"], world["technician"]
    perform(device, Action.MARK_READY, Context(actor=actor))
    loan = Context(actor=actor, via=Via.LOAN, details={"purpose": "loan", "loan": "PRET-1"})
    perform(device, Action.RESERVE, loan)
    assert (device.state, device.site_id, device.holder_organisation_id) == (
        State.RESERVED,
        None,
        None,
    )


def test_a_person_is_offered_only_what_their_role_may_do(world):
    device = world["device"]
    assert available_actions(device, world["lender"]) == []  # in diagnosis: the workshop's
    assert [action for action, _blocked in available_actions(device, world["technician"])] == [
        Action.SEND_TO_REPAIR,
        Action.MARK_READY,
        Action.DISMANTLE,
    ]
