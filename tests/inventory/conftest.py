"""Inventory fixtures: devices in any state, and what makes one ready."""

from refurb.extensions import db
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    ErasureMethod,
    Grade,
    MediumKind,
)
from refurb.inventory.models import Device
from refurb.inventory.services import functional_test, workshop


def passing_results(category: Category) -> dict:
    return {item.key: {"result": CheckResult.PASS.value} for item in default_checklist(category)}


def make_ready_able(device: Device, actor) -> None:
    """A passed functional test, every medium erased and verified, a grade."""
    functional_test.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    if not device.active_media:
        workshop.add_medium(device, actor, MediumKind.SSD, serial=f"SSD-{device.id}", size_gb=240)
    for medium in device.active_media:
        workshop.record_erasure(device, actor, medium, ErasureMethod.PURGE, "hdparm", True)
    device.grade = Grade.B
    db.session.flush()
