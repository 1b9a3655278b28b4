"""Storing an uploaded hardware report and filling the device from it."""

from flask_babel import gettext as _

from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.inventory.enums import MediumKind
from refurb.inventory.hardware_reports import parse_snapshot
from refurb.inventory.models import Device, Snapshot, StorageMedium
from refurb.inventory.services.intake import normalise_serial
from refurb.inventory.services.workshop import add_medium, ensure_open

# Identity typed at intake is kept; a report fills it only where it is empty.
IDENTITY = ("brand", "model", "serial_number")


def apply_snapshot(
    device: Device, actor, raw: bytes | str, filename: str = "", boot_device: str = ""
) -> Snapshot:
    """Keep the raw report, then fill specs and storage media from what it says. Applying a
    report twice changes nothing; a new lshw report replaces what the previous one said of the
    machine's disks; a person's values (specs, corrected medium fields, media typed by hand
    and their erasures) are never overwritten."""
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
    reading = parse_snapshot(raw, boot_device.strip()[:64])
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
    filled = _fill_specs(device, reading, snapshot)
    added, updated, removed = _sync_media(device, actor, reading, snapshot)
    record(
        "device",
        device.id,
        "device.snapshot_uploaded",
        actor=actor,
        details={
            "snapshot_id": snapshot.id,
            "kind": reading.kind,
            "filled": filled,
            "media_added": added,
            "media_updated": updated,
            "media_removed": removed,
        },
    )
    return snapshot


def _fill_specs(device: Device, reading, snapshot: Snapshot) -> list[str]:
    sources = dict(device.spec_sources or {})
    filled = []
    for key, value in reading.specs.items():
        if "person" in sources.get(key, {}):
            continue  # a person set it: their value stands
        if key in IDENTITY and getattr(device, key) and key not in sources:
            continue  # typed at intake
        if key == "serial_number":
            value = normalise_serial(value)
        sources[key] = {"snapshot": snapshot.id, "kind": reading.kind}
        if getattr(device, key) != value:
            setattr(device, key, value)
            filled.append(key)
    device.spec_sources = sources
    return filled


MEASURES = ("health_percent", "smart_passed", "power_on_hours")


def _same_size(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= max(a, b) * 0.01


def _match(device: Device, found, taken: set[int]) -> StorageMedium | None:
    """The medium this report describes: the same serial; or, for a disk reported without
    one (or only now with one), a medium from a report with no serial and the same size."""
    candidates = [m for m in device.active_media if m.id not in taken]
    if found.serial:
        same = next((m for m in candidates if m.serial == found.serial), None)
        if same is not None:
            return same
    return next(
        (
            m
            for m in candidates
            if m.source != "manual"
            and (not m.serial or not found.serial)
            and _same_size(m.size_gb, found.size_gb)
        ),
        None,
    )


def _sync_media(device: Device, actor, reading, snapshot: Snapshot):
    added, updated, taken = [], [], set()
    authority = reading.kind == "smartctl"  # smartctl knows a disk's kind; lshw may not
    for found in reading.media:
        medium = _match(device, found, taken)
        if medium is None:
            medium = add_medium(
                device,
                actor,
                found.kind,
                found.serial,
                found.model,
                found.size_gb,
                source=reading.kind,
                snapshot_id=snapshot.id,
                **{k: getattr(found, k) for k in MEASURES},
            )
            added.append(medium.id)
        else:
            values = {
                "serial": found.serial,
                "model": found.model,
                "size_gb": found.size_gb,
                **{k: getattr(found, k) for k in MEASURES},
            }
            if authority or medium.kind == MediumKind.UNKNOWN:
                values["kind"] = found.kind
            for key, value in values.items():
                kept = key in (medium.corrected or []) or value in (None, "", MediumKind.UNKNOWN)
                if not kept:
                    setattr(medium, key, value)
            medium.snapshot_id = snapshot.id
            updated.append(medium.id)
        taken.add(medium.id)
    removed = []
    if reading.kind == "lshw":  # the machine's disks as this report sees them
        for medium in device.active_media:
            if medium.source == "lshw" and medium.id not in taken:
                medium.is_removed = True
                removed.append(medium.id)
    db.session.flush()
    return added, updated, removed
