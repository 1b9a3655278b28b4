"""Storing an uploaded hardware report and filling the device from it."""

from flask_babel import gettext as _

from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.inventory.hardware_reports import parse_snapshot
from refurb.inventory.models import Device, Snapshot
from refurb.inventory.services.intake import normalise_serial
from refurb.inventory.services.workshop import add_medium, ensure_open

# Specs a snapshot may fill; identity fields only when they are still empty.
IDENTITY = ("brand", "model", "serial_number")


def apply_snapshot(device: Device, actor, raw: bytes | str, filename: str = "") -> Snapshot:
    """Keep the raw report, then fill specs and storage media from what it says."""
    ensure_open(device)
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(
                "snapshot_not_text",
                _("Ce fichier n'est pas un rapport texte (JSON)."),
                details={"file": "not_text"},
            ) from error
    reading = parse_snapshot(raw)
    filled = []
    for key, value in reading.specs.items():
        if key in IDENTITY and getattr(device, key):
            continue
        if key == "serial_number":
            value = normalise_serial(value)
        if getattr(device, key) != value:
            setattr(device, key, value)
            filled.append(key)
    media_added, media_updated = [], []
    for found in reading.media:
        existing = next(
            (m for m in device.active_media if found.serial and m.serial == found.serial), None
        )
        measures = {
            k: v for k, v in vars(found).items() if k not in ("kind", "serial", "model", "size_gb")
        }
        if existing is None:
            medium = add_medium(
                device, actor, found.kind, found.serial, found.model, found.size_gb, **measures
            )
            media_added.append(medium.id)
        else:
            for key, value in {**measures, "size_gb": found.size_gb, "model": found.model}.items():
                if value not in (None, ""):
                    setattr(existing, key, value)
            media_updated.append(existing.id)
    snapshot = Snapshot(
        device_id=device.id,
        kind=reading.kind,
        filename=filename[:255],
        raw=raw,
        summary=reading.summary(),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(snapshot)
    db.session.flush()
    record(
        "device",
        device.id,
        "device.snapshot_uploaded",
        actor=actor,
        details={
            "snapshot_id": snapshot.id,
            "kind": reading.kind,
            "filled": filled,
            "media_added": media_added,
            "media_updated": media_updated,
        },
    )
    return snapshot
