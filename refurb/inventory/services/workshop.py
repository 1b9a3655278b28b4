"""At the workbench: storage media, erasures, repairs, specs and readiness (the functional
test is in functional_test.py)."""

from datetime import datetime

from refurb.auth.roles import Role
from refurb.bounds import check_fields
from refurb.db_types import utcnow
from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import format_date
from refurb.i18n import gettext as _
from refurb.inventory.enums import (
    ErasureMethod,
    Grade,
    MediumKind,
    RepairBarrier,
    RepairStatus,
)
from refurb.inventory.hardware_reports import REPORTED_SPECS
from refurb.inventory.models import Device, Erasure, Repair, StorageMedium
from refurb.inventory.services.intake import check_device_fields, normalise_serial
from refurb.numbering import next_reference

# Fields a technician edits on the device page (specs and readiness).
EDITABLE_FIELDS = {
    "brand",
    "model",
    "serial_number",
    "year_of_manufacture",
    "cpu",
    "cpu_cores",
    "cpu_threads",
    "ram_gb",
    "screen_inches",
    "battery_design_wh",
    "battery_full_wh",
    "os",
    "has_free_software",
    "has_dys_software",
    "simplified",
    "grade",
    "weight_kg",
    "accessories",
    "notes",
    "storage_absent",
}


def ensure_open(device: Device) -> None:
    """Refuse to record anything on a device that has left the programme."""
    if device.state.is_final:
        raise InvalidInput(
            "device_final", _("Cet appareil a quitté le programme : sa fiche est close.")
        )


def not_in_the_future(when: datetime | None, field: str) -> datetime:
    now = utcnow()
    if when is None:
        return now
    if when > now:
        raise InvalidInput(
            "date_in_future", _("La date est dans le futur."), details={field: "future"}
        )
    return when


def _in_this_cycle(device: Device, when: datetime) -> datetime:
    """Work counts for the device's current cycle only: dated before its arrival at the
    workshop (or its last return), it would be recorded and never count, so it is refused."""
    if when >= device.cycle_started_at:
        return when
    raise InvalidInput(
        "before_this_cycle",
        _(
            "L'appareil n'est arrivé (ou revenu) à l'atelier que le %(d)s : seul un travail fait "
            "depuis compte pour sa remise en état.",
            d=format_date(device.cycle_started_at, "short"),
        ),
        details={"performed_at": "before_this_cycle"},
    )


def add_medium(
    device: Device,
    actor,
    kind: MediumKind,
    serial: str = "",
    model: str = "",
    size_gb: float | None = None,
    **measures,
) -> StorageMedium:
    ensure_open(device)
    serial = serial.strip()
    check_fields(StorageMedium, {"serial": serial, "model": model, "size_gb": size_gb})
    if serial and any(m.serial == serial for m in device.active_media):
        raise InvalidInput(
            "medium_exists",
            _("Ce support est déjà enregistré sur l'appareil."),
            details={"serial": "exists"},
        )
    if measures.get("source", "manual") == "manual":  # typed by a person: no report rewrites it
        typed = {"kind": kind, "serial": serial, "model": model.strip(), "size_gb": size_gb}
        measures["corrected"] = sorted(k for k, v in typed.items() if v not in (None, ""))
    medium = StorageMedium(
        device=device, kind=kind, serial=serial, model=model.strip(), size_gb=size_gb, **measures
    )
    db.session.add(medium)
    device.storage_absent = False
    db.session.flush()
    record(
        "device",
        device.id,
        "device.medium_added",
        actor=actor,
        details={"medium_id": medium.id, "kind": kind.value, "serial": serial},
    )
    return medium


def remove_medium(device: Device, medium: StorageMedium, actor, note: str = "") -> None:
    """Take out a medium recorded by mistake (or removed from the device): it no longer
    needs erasing; the record and its history stay."""
    if medium.device_id != device.id or medium.is_removed:
        raise InvalidInput("medium_elsewhere", _("Ce support n'appartient pas à cet appareil."))
    medium.is_removed = True
    record(
        "device",
        device.id,
        "device.medium_removed",
        actor=actor,
        note=note or None,
        details={"medium_id": medium.id, "serial": medium.serial},
    )
    db.session.flush()


def correct_medium(device: Device, medium: StorageMedium, actor, **values) -> list[str]:
    """A person corrects what a report (or someone) got wrong: kind, serial, model, size.
    The fields changed are marked corrected, and no later report overwrites them."""
    ensure_open(device)
    if medium.device_id != device.id or medium.is_removed:
        raise InvalidInput("medium_elsewhere", _("Ce support n'appartient pas à cet appareil."))
    values["serial"] = (values.get("serial") or "").strip()
    values["model"] = (values.get("model") or "").strip()
    check_fields(
        StorageMedium,
        {"serial": values["serial"], "model": values["model"], "size_gb": values.get("size_gb")},
    )
    if values["serial"] and any(
        m.serial == values["serial"] for m in device.active_media if m.id != medium.id
    ):
        raise InvalidInput(
            "medium_exists",
            _("Un autre support de l'appareil porte déjà ce numéro de série."),
            details={"serial": "exists"},
        )
    changed = sorted(k for k, v in values.items() if getattr(medium, k) != v)
    for key in changed:
        setattr(medium, key, values[key])
    if changed:
        medium.corrected = sorted(set(medium.corrected or []) | set(changed))
        record(
            "device",
            device.id,
            "device.medium_corrected",
            actor=actor,
            details={"medium_id": medium.id, "changed": changed},
        )
        db.session.flush()
    return changed


def record_erasure(
    device: Device,
    actor,
    medium: StorageMedium,
    method: ErasureMethod,
    tool: str,
    verified: bool,
    verification_note: str = "",
    performed_at: datetime | None = None,
) -> Erasure:
    """Record the sanitisation of one medium; gives it its certificate number."""
    ensure_open(device)
    if medium.device_id != device.id or medium.is_removed:
        raise InvalidInput(
            "medium_elsewhere",
            _("Ce support n'est pas dans cet appareil."),
            details={"medium_id": "elsewhere"},
        )
    check_fields(Erasure, {"tool": tool, "verification_note": verification_note})
    if not tool.strip():
        raise InvalidInput(
            "tool_required",
            _("Indiquez l'outil utilisé (ex. nwipe, hdparm, nvme-cli)."),
            details={"tool": "required"},
        )
    if not verified and not verification_note.strip():
        raise InvalidInput(
            "verification_note_required",
            _("Un effacement non vérifié doit être expliqué dans la note de vérification."),
            details={"verification_note": "required"},
        )
    erasure = Erasure(
        device_id=device.id,
        medium_id=medium.id,
        medium_serial=medium.serial,
        method=method,
        tool=tool.strip(),
        operator_id=getattr(actor, "id", None),
        verified=verified,
        verification_note=verification_note.strip(),
        performed_at=_in_this_cycle(device, not_in_the_future(performed_at, "performed_at")),
        certificate_number=next_reference("CE", width=5),
    )
    db.session.add(erasure)
    if method == ErasureMethod.DESTROY:
        medium.is_removed = True
    db.session.flush()
    record(
        "device",
        device.id,
        "device.erased",
        actor=actor,
        details={
            "erasure_id": erasure.id,
            "medium_id": medium.id,
            "method": method.value,
            "verified": verified,
            "certificate": erasure.certificate_number,
        },
    )
    return erasure


def record_repair(
    device: Device,
    actor,
    problem: str,
    status: RepairStatus,
    barrier: RepairBarrier | None = None,
    parts_used: str = "",
    minutes_spent: int | None = None,
    notes: str = "",
    performed_at: datetime | None = None,
) -> Repair:
    ensure_open(device)
    if not problem.strip():
        raise InvalidInput(
            "problem_required", _("Décrivez le problème."), details={"problem": "required"}
        )
    if status == RepairStatus.END_OF_LIFE and barrier is None:
        raise InvalidInput(
            "barrier_required",
            _("Pour une fin de vie, indiquez ce qui empêche la réparation."),
            details={"barrier": "required"},
        )
    if status != RepairStatus.END_OF_LIFE:
        barrier = None
    check_fields(
        Repair,
        {
            "problem": problem,
            "parts_used": parts_used,
            "notes": notes,
            "minutes_spent": minutes_spent,
        },
    )
    workshops = sorted(actor.organisation_ids(Role.TECHNICIAN)) if actor is not None else []
    repair = Repair(
        device_id=device.id,
        technician_id=getattr(actor, "id", None),
        organisation_id=workshops[0] if workshops else None,
        problem=problem.strip(),
        status=status,
        barrier=barrier,
        parts_used=parts_used.strip(),
        minutes_spent=minutes_spent,
        notes=notes.strip(),
        performed_at=not_in_the_future(performed_at, "performed_at"),
    )
    db.session.add(repair)
    db.session.flush()
    record(
        "device",
        device.id,
        "device.repaired",
        actor=actor,
        details={
            "repair_id": repair.id,
            "status": status.value,
            "barrier": barrier.value if barrier else None,
        },
    )
    return repair


# Flags the programme's indicators count (simplified devices, software shares).
REPORTED_FLAGS = ("simplified", "has_free_software", "has_dys_software")


def _same(current, new) -> bool:
    """An empty field left empty is no change (None or "")."""
    return current == new or (current in (None, "") and new in (None, ""))


def update_device(device: Device, actor, version, **fields) -> list[str]:
    """Edit specs and readiness (grade, software, simplified…); refuse a stale version."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    check_version(device, version)
    ensure_open(device)
    if "grade" in fields and fields["grade"] is not None:
        fields["grade"] = Grade(fields["grade"])
    if "serial_number" in fields:
        fields["serial_number"] = normalise_serial(fields["serial_number"])
    check_device_fields(fields)
    changed = sorted(k for k, v in fields.items() if not _same(getattr(device, k), v))
    flags = {k: [getattr(device, k), fields[k]] for k in changed if k in REPORTED_FLAGS}
    for key in changed:
        setattr(device, key, fields[key])
    if flags:  # what the report to the Conseil Départemental rebuilds at a past date
        record("device", device.id, "device.flags_changed", actor=actor, details={"flags": flags})
    reported = [k for k in changed if k in REPORTED_SPECS]
    if reported:  # a person's value: no later hardware report overwrites it
        moment = utcnow().isoformat()
        device.spec_sources = {
            **(device.spec_sources or {}),
            **{k: {"person": getattr(actor, "id", None), "at": moment} for k in reported},
        }
    if changed:
        record("device", device.id, "device.edited", actor=actor, details={"changed": changed})
        db.session.flush()
    return changed
