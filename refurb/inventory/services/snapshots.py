"""Storing an uploaded hardware report and filling the device from it."""

from refurb.bounds import out_of_bounds
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
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
        if isinstance(value, str):
            value = value[: LENGTHS.get(key, 120)]
        elif isinstance(value, int | float) and out_of_bounds("devices", key, value):
            continue  # no machine has it (memory of 1e290 Go): left to the person
        sources[key] = {"snapshot": snapshot.id, "kind": reading.kind}
        if getattr(device, key) != value:
            setattr(device, key, value)
            filled.append(key)
    device.spec_sources = sources
    return filled


MEASURES = ("health_percent", "smart_passed", "power_on_hours")
# Column lengths of what a report may write (a report's text is cut, never refused for it).
LENGTHS = {"brand": 80, "model": 120, "serial_number": 80, "cpu": 120}


def _same_size(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) <= max(a, b) * 0.01


def _reported(medium: StorageMedium, key: str):
    """What the reports call this medium (a person's correction does not change it)."""
    return (medium.reported or {}).get(key, getattr(medium, key))


def _pair(device: Device, media: list) -> dict[int, StorageMedium]:
    """found index → the medium it describes. First the same serial (as reported or as
    corrected), across the whole report; then the same size, where one side has no serial."""
    pool = list(device.media)
    paired: dict[int, StorageMedium] = {}
    for n, found in enumerate(media):
        if not found.serial:
            continue
        for medium in pool:
            if medium.is_removed and not medium.removed_by_report:
                continue  # a person took it out
            if found.serial in (medium.serial, _reported(medium, "serial")):
                paired[n] = medium
                pool.remove(medium)
                break
    for n, found in enumerate(media):
        if n in paired:
            continue
        for medium in pool:
            if medium.is_removed or (
                found.serial and (medium.serial or _reported(medium, "serial"))
            ):
                continue  # two serials that differ are two disks
            if _same_size(_reported(medium, "size_gb"), found.size_gb) or (
                found.size_gb is None and _reported(medium, "size_gb") is None and not found.serial
            ):
                paired[n] = medium
                pool.remove(medium)
                break
    return paired


def _sync_media(device: Device, actor, reading, snapshot: Snapshot):
    added, updated = [], []
    lshw = reading.kind == "lshw"  # lshw says which disks are in the machine
    paired = _pair(device, reading.media)
    seen: set[int] = set()
    for n, found in enumerate(reading.media):
        medium = paired.get(n)
        if medium is None:
            medium = add_medium(
                device,
                actor,
                found.kind,
                found.serial[:80],
                found.model[:120],
                found.size_gb,
                source=reading.kind,
                snapshot_id=snapshot.id,
                reported={"serial": found.serial[:80], "size_gb": found.size_gb},
                **{k: getattr(found, k) for k in MEASURES},
            )
            added.append(medium.id)
        else:
            if medium.is_removed and not lshw:
                continue  # an old disk's smartctl: lshw says it is no longer in the machine
            if medium.is_removed:  # back in the machine: its records with it
                medium.is_removed, medium.removed_by_report = False, False
            _update(medium, found, reading.kind)
            medium.snapshot_id = snapshot.id
            updated.append(medium.id)
        seen.add(medium.id)
    removed = []
    if lshw and reading.media:  # a report listing no disk at all (no root?) removes nothing
        for medium in device.active_media:
            if medium.source == "lshw" and medium.id not in seen and not medium.corrected:
                medium.is_removed, medium.removed_by_report = True, True
                removed.append(medium.id)
    db.session.flush()
    return added, updated, removed


def _update(medium: StorageMedium, found, kind: str) -> None:
    """What the report says, except what a person typed or corrected. smartctl is the
    authority on a disk's kind and model; lshw fills them only where unknown."""
    values = {k: getattr(found, k) for k in MEASURES}
    values["serial"] = found.serial[:80]
    values["size_gb"] = found.size_gb
    if kind == "smartctl" or not medium.model:
        values["model"] = found.model[:120]
    if kind == "smartctl" or medium.kind == MediumKind.UNKNOWN:
        values["kind"] = found.kind
    corrected = set(medium.corrected or [])
    for key, value in values.items():
        if key not in corrected and value not in (None, "", MediumKind.UNKNOWN):
            setattr(medium, key, value)
    medium.reported = {
        "serial": found.serial[:80] or _reported(medium, "serial"),
        "size_gb": found.size_gb if found.size_gb is not None else _reported(medium, "size_gb"),
    }
    if kind == "lshw" and medium.source == "smartctl":
        medium.source = "lshw"  # lshw has seen it in the machine: its next report decides
