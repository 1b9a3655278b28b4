"""Inventory fixtures: devices in any state, and what makes one ready."""

from types import SimpleNamespace

import pytest

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.inventory.checklists import checklist
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    ErasureMethod,
    Grade,
    MediumKind,
    State,
)
from refurb.inventory.models import Device
from refurb.inventory.services import intake, workshop


@pytest.fixture
def technician(create_user, create_organisation):
    return create_user(Role.TECHNICIAN, create_organisation("AG2I", OrganisationKind.WORKSHOP))


def passing_results(category: Category) -> dict:
    return {item.key: {"result": CheckResult.PASS.value} for item in checklist(category)}


def make_ready_able(device: Device, actor) -> None:
    """A passed functional test, every medium erased and verified, a grade."""
    workshop.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    if not device.active_media:
        workshop.add_medium(device, actor, MediumKind.SSD, serial=f"SSD-{device.id}", size_gb=240)
    for medium in device.active_media:
        workshop.record_erasure(device, actor, medium, ErasureMethod.PURGE, "hdparm", True)
    device.grade = Grade.B
    db.session.flush()


@pytest.fixture
def make_device(in_app, technician):
    """Create a device directly in `state` (set-up only; the lifecycle is what is tested)."""

    def make(state=State.RECEIVED, category=Category.LAPTOP, **fields):
        with in_app():
            actor = db.session.get(User, technician.id)
            device = intake.receive_device(
                actor, category=category, brand="Lenovo", model="ThinkPad T480", **fields
            )
            device.state = state
            db.session.commit()
            return SimpleNamespace(id=device.id, tag=device.tag)

    return make
