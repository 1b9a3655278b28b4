"""The workbench over JSON: diagnoses, storage media, erasures, repairs, hardware reports."""

from flask import request

from refurb.api import BEARER
from refurb.api.schemas import ErrorSchema
from refurb.auth.access import allow, current_actor
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory.api import WORKSHOP, blp
from refurb.inventory.api.schemas import (
    DiagnosisRequest,
    ErasureCreated,
    ErasureRequest,
    MediumSchema,
    RecordCreated,
    RepairRequest,
    SnapshotCreated,
)
from refurb.inventory.models import StorageMedium
from refurb.inventory.services import functional_test, workshop
from refurb.inventory.services.lookup import device_by_tag
from refurb.inventory.services.snapshots import apply_snapshot

DOC = {"security": [BEARER]}


@blp.route("/devices/<tag>/diagnoses", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(DiagnosisRequest)
@blp.response(201, RecordCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_diagnosis(payload, tag):
    """Record a functional test: every checklist item of the category answered."""
    device = device_by_tag(tag)
    diagnosis = functional_test.record_diagnosis(
        device, current_actor(), payload["results"], payload["outcome"], payload["notes"]
    )
    return {"id": diagnosis.id, "device": device}


@blp.route("/devices/<tag>/media", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(MediumSchema)
@blp.response(201, MediumSchema)
@blp.doc(**DOC)
def create_medium(payload, tag):
    """Add a storage medium to the device."""
    device = device_by_tag(tag)
    medium = workshop.add_medium(
        device,
        current_actor(),
        payload["kind"],
        payload["serial"],
        payload["model"],
        payload["size_gb"],
    )
    return medium


@blp.route("/devices/<tag>/erasures", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(ErasureRequest)
@blp.response(201, ErasureCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_erasure(payload, tag):
    """Record the erasure of one medium (by `medium_id` or `medium_serial`)."""
    device = device_by_tag(tag)
    medium = None
    if payload["medium_id"] is not None:
        medium = db.session.get(StorageMedium, payload["medium_id"])
    elif payload["medium_serial"]:
        medium = next(
            (m for m in device.active_media if m.serial == payload["medium_serial"]), None
        )
    if medium is None or medium.device_id != device.id:
        raise InvalidInput(
            "medium_required",
            _("Support de stockage inconnu sur cet appareil."),
            details={"medium_id": "unknown"},
        )
    erasure = workshop.record_erasure(
        device,
        current_actor(),
        medium,
        payload["method"],
        payload["tool"],
        payload["verified"],
        payload["verification_note"],
        payload["performed_at"],
    )
    return {"id": erasure.id, "certificate_number": erasure.certificate_number, "device": device}


@blp.route("/devices/<tag>/repairs", methods=["POST"])
@allow(*WORKSHOP)
@blp.arguments(RepairRequest)
@blp.response(201, RecordCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(**DOC)
def create_repair(payload, tag):
    """Record a repair (ORDS fields)."""
    device = device_by_tag(tag)
    repair = workshop.record_repair(device, current_actor(), **payload)
    return {"id": repair.id, "device": device}


@blp.route("/devices/<tag>/snapshots", methods=["POST"])
@allow(*WORKSHOP)
@blp.response(201, SnapshotCreated)
@blp.alt_response(400, schema=ErrorSchema)
@blp.doc(
    **DOC,
    description="Body: the raw output of `lshw -json` or `smartctl -j -a` "
    "(application/json), or a multipart form with a `file` field. Header `X-Boot-Device` "
    "(e.g. /dev/sdb): the live USB stick the machine was booted from, not one of its disks.",
)
def create_snapshot(tag):
    """Upload a hardware report; specs and storage media are filled from it."""
    device = device_by_tag(tag)
    upload = request.files.get("file")
    raw = upload.read() if upload else request.get_data()
    name = upload.filename if upload else request.headers.get("X-Filename", "")
    boot = request.headers.get("X-Boot-Device", "")
    snapshot = apply_snapshot(device, current_actor(), raw, name or "", boot_device=boot)
    return {"id": snapshot.id, "kind": snapshot.kind, "summary": snapshot.summary, "device": device}
