"""Visit and incident rules below HTTP: missing results refused, a failed critical item opens an
incident, the next due date, incident steps allowed and refused, plans versioned."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from refurb.db_types import clock_at
from refurb.errors import DomainError
from refurb.maintenance.enums import (
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
    IncidentStatus,
    VisitStatus,
)
from refurb.maintenance.models import Plan, Site
from refurb.maintenance.services import incidents, visits
from refurb.maintenance.services.plans import edit_plan
from refurb.maintenance.workflow import IncidentAction, incident_actions
from tests.maintenance.conftest import device, user

ALL_FINE = {
    "starts": "yes",
    "updates": "yes",
    "browser_cleared": "yes",
    "peripherals": "yes",
    "network": "yes",
    "free_disk_gb": "42",
    "cleaning": "yes",
    "free_software": "yes",
    "dys_software": "yes",
}


def monthly(session) -> Plan:
    return session.scalar(select(Plan).where(Plan.key == "monthly"))


def test_a_visit_needs_every_pc_and_a_failed_critical_item_opens_an_incident(in_app, park):
    with in_app() as session:
        site, actor = session.get(Site, park.site.id), user(session, park.maintainer)
        visit = visits.start_visit(actor, site, monthly(session))
        visits.record_result(actor, visit, device(session, park.tags[0]), ALL_FINE)
        with pytest.raises(DomainError) as refused:
            visits.complete_visit(actor, visit, 40)
        assert refused.value.code == "result_missing"
        assert refused.value.details == {"tags": [park.tags[1]]}
        assert visit.status == VisitStatus.IN_PROGRESS

        with pytest.raises(DomainError) as incomplete:
            visits.record_result(actor, visit, device(session, park.tags[1]), {"starts": "yes"})
        assert set(incomplete.value.details) >= {"updates", "network", "free_disk_gb"}

        broken = {**ALL_FINE, "network": "no", "free_disk_gb": "3"}  # critical, and out of range
        visits.record_result(actor, visit, device(session, park.tags[1]), broken)
        opened = visits.complete_visit(actor, visit, 40, "RAS")
        assert [i.device.tag for i in opened] == [park.tags[1]]
        assert "Internet fonctionne" in opened[0].description
        assert (
            opened[0].source == IncidentSource.VISIT and opened[0].impact == IncidentImpact.BLOCKING
        )
        assert visit.status == VisitStatus.COMPLETED and visit.minutes_spent == 40


def test_a_missing_pc_is_recorded_not_skipped(in_app, park):
    with in_app() as session:
        site, actor = session.get(Site, park.site.id), user(session, park.maintainer)
        visit = visits.start_visit(actor, site, monthly(session))
        visits.record_result(actor, visit, device(session, park.tags[0]), ALL_FINE)
        visits.record_result(actor, visit, device(session, park.tags[1]), {}, missing=True)
        opened = visits.complete_visit(actor, visit, 25)
        assert [i.device.tag for i in opened] == [park.tags[1]]
        assert "absent" in opened[0].description


def test_the_next_due_date_follows_the_completed_visit(in_app, park):
    with in_app() as session:
        site, actor = session.get(Site, park.site.id), user(session, park.maintainer)
        plan = monthly(session)
        since = min(device(session, tag).state_changed_at for tag in park.tags).date()
        assert visits.next_due_on(site, plan) == since  # never visited: due from its first PC
        moment = datetime(2026, 11, 3, 10, tzinfo=UTC)
        with clock_at(moment):
            visit = visits.start_visit(actor, site, plan)
            for tag in park.tags:
                visits.record_result(actor, visit, device(session, tag), ALL_FINE)
            visits.complete_visit(actor, visit, 30)
        assert visits.next_due_on(site, plan) == moment.date() + timedelta(days=30)
        quarterly = session.scalar(select(Plan).where(Plan.key == "quarterly"))
        assert visits.next_due_on(site, quarterly) == since


def test_only_the_site_maintainers_visit_it(in_app, park):
    with in_app() as session:
        site = session.get(Site, park.site.id)
        with pytest.raises(DomainError) as refused:
            visits.start_visit(user(session, park.other_maintainer), site, monthly(session))
        assert refused.value.code == "not_assigned" and refused.value.status == 403
        visit = visits.start_visit(user(session, park.maintainer), site, monthly(session))
        other_pc = device(session, park.other_tags[0])
        with pytest.raises(DomainError) as elsewhere:
            visits.record_result(user(session, park.maintainer), visit, other_pc, ALL_FINE)
        assert elsewhere.value.code == "not_in_park"


def test_incident_steps_allowed_and_refused(in_app, park):
    with in_app() as session:
        pc = device(session, park.tags[0])
        incident = incidents.report(
            user(session, park.staff),
            pc,
            IncidentCategory.NETWORK,
            IncidentImpact.BLOCKING,
            "Pas de réseau",
            IncidentSource.SITE_STAFF,
        )
        assert incident.status == IncidentStatus.OPEN
        assert incident_actions(incident) == [
            IncidentAction.ACKNOWLEDGE,
            IncidentAction.RESOLVE,
            IncidentAction.REJECT,
        ]
        with pytest.raises(DomainError) as staff:
            incidents.step(user(session, park.staff), incident, IncidentAction.ACKNOWLEDGE)
        assert staff.value.code == "not_assigned"
        with pytest.raises(DomainError) as other:
            incidents.step(
                user(session, park.other_maintainer), incident, IncidentAction.ACKNOWLEDGE
            )
        assert other.value.code == "not_assigned"
        maintainer = user(session, park.maintainer)
        incidents.step(maintainer, incident, IncidentAction.ACKNOWLEDGE)
        assert incident.status == IncidentStatus.ACKNOWLEDGED and incident.acknowledged_at
        with pytest.raises(DomainError) as twice:
            incidents.step(maintainer, incident, IncidentAction.ACKNOWLEDGE)
        assert twice.value.code == "invalid_incident_state"
        with pytest.raises(DomainError) as silent:
            incidents.step(maintainer, incident, IncidentAction.RESOLVE, "")
        assert silent.value.code == "note_required"
        incidents.step(maintainer, incident, IncidentAction.RESOLVE, "Câble rebranché")
        assert incident.status == IncidentStatus.RESOLVED and incident.closed_at
        assert incident_actions(incident) == []
        with pytest.raises(DomainError) as closed:
            incidents.step(maintainer, incident, IncidentAction.REJECT, "doublon")
        assert closed.value.code == "invalid_incident_state"


def test_incidents_only_on_pcs_in_service_and_from_their_own_site(in_app, park, make_device):
    ready = make_device()
    with in_app() as session:
        from refurb.inventory.models import Device

        with pytest.raises(DomainError) as shelf:
            incidents.report(
                None,
                session.get(Device, ready.id),
                IncidentCategory.OTHER,
                IncidentImpact.BLOCKING,
                "",
                IncidentSource.PUBLIC,
            )
        assert shelf.value.code == "not_in_service"
        with pytest.raises(DomainError) as other_site:
            incidents.report(
                user(session, park.other_staff),
                device(session, park.tags[0]),
                IncidentCategory.OTHER,
                IncidentImpact.BLOCKING,
                "",
                IncidentSource.SITE_STAFF,
            )
        assert other_site.value.code == "other_site"


def test_a_plan_edit_is_a_new_version_and_a_past_visit_keeps_its_checklist(
    in_app, park, create_user
):
    from refurb.auth.roles import Role

    admin = create_user(Role.ADMIN)
    with in_app() as session:
        site, actor = session.get(Site, park.site.id), user(session, park.maintainer)
        plan = monthly(session)
        visit = visits.start_visit(actor, site, plan)
        first = visit.plan_version
        items = [
            *plan.current.items,
            {"label": "Webcam testée", "kind": "yes_no", "critical": False},
        ]
        version = edit_plan(user(session, admin), plan, plan.version, plan.name, 28, items)
        assert version.number == 2 and plan.interval_days == 28
        assert visit.plan_version is first and len(first.items) == len(items) - 1
        assert plan.current.items[-1]["label"] == "Webcam testée"
        again = edit_plan(
            user(session, admin), plan, plan.version, plan.name, 28, plan.current.items
        )
        assert again.number == 2  # nothing changed: no new version
        with pytest.raises(DomainError) as empty:
            edit_plan(user(session, admin), plan, plan.version, plan.name, 28, [])
        assert empty.value.code == "items_required"


def test_a_pc_that_left_the_park_does_not_block_the_visit(in_app, park):
    from refurb.inventory.enums import State

    with in_app() as session:
        site, actor = session.get(Site, park.site.id), user(session, park.maintainer)
        visit = visits.start_visit(actor, site, monthly(session))
        visits.record_result(actor, visit, device(session, park.tags[0]), ALL_FINE)
        gone = device(session, park.tags[1])
        visits.record_result(actor, visit, gone, {}, missing=True)
        gone.state, gone.site_id = State.LOST, None  # declared lost meanwhile
        assert visits.complete_visit(actor, visit, 20) == []
        reserved = device(session, park.tags[0])
        reserved.state = State.RESERVED
        with pytest.raises(DomainError) as not_in_service:
            visits.record_result(actor, visit, reserved, ALL_FINE)
        assert not_in_service.value.code in ("not_in_park", "visit_closed")


def test_a_maintainer_puts_pcs_in_service_only_at_their_sites(in_app, park, make_device):
    from refurb.inventory.enums import State
    from refurb.inventory.lifecycle import Action, Context, perform
    from refurb.inventory.models import Device

    made = make_device(State.READY)
    with in_app() as session:
        pc, actor = session.get(Device, made.id), user(session, park.maintainer)
        with pytest.raises(DomainError) as refused:
            perform(pc, Action.DEPLOY, Context(actor=actor, details={"site_id": park.other.id}))
        assert refused.value.code == "site_maintainers_only" and pc.state == State.READY
        perform(pc, Action.DEPLOY, Context(actor=actor, details={"site_id": park.site.id}))
        assert pc.state == State.DEPLOYED and pc.site_id == park.site.id


def test_a_device_reserved_for_a_site_moves_only_by_its_people(
    in_app, park, make_device, technician
):
    from refurb.inventory.enums import State
    from refurb.inventory.lifecycle import Action, Context, perform
    from refurb.inventory.models import Device

    made = make_device(State.READY)
    with in_app() as session:
        pc = session.get(Device, made.id)
        perform(
            pc,
            Action.RESERVE,
            Context(
                actor=user(session, park.maintainer),
                details={"purpose": "site", "site_id": park.site.id},
            ),
        )
        stranger = user(session, park.other_maintainer)
        for action, context in (
            (Action.DECLARE_LOST, Context(actor=stranger, note="parti")),
            (Action.DEPLOY, Context(actor=stranger, details={"site_id": park.other.id})),
            (Action.RELEASE, Context(actor=stranger)),
        ):
            with pytest.raises(DomainError) as refused:
                perform(pc, action, context)
            assert refused.value.code == "site_maintainers_only", action
        assert pc.state == State.RESERVED and pc.site_id == park.site.id
        perform(pc, Action.RELEASE, Context(actor=user(session, technician)))
        assert pc.state == State.READY and pc.site_id is None
