"""Reading `lshw -json` and `smartctl -j -a` reports into specs and storage media.

Pure parsing here (text in, plain dict out); `apply_snapshot` in services/snapshots.py stores
the raw file and fills the device.
"""

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _

from refurb.errors import InvalidInput
from refurb.inventory.enums import MediumKind

MAX_BYTES = 5 * 1024 * 1024


@dataclass
class MediumReading:
    kind: MediumKind
    serial: str = ""
    model: str = ""
    size_gb: float | None = None
    health_percent: int | None = None
    smart_passed: bool | None = None
    power_on_hours: int | None = None


@dataclass
class Reading:
    kind: str  # "lshw" or "smartctl"
    specs: dict = field(default_factory=dict)
    media: list[MediumReading] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "specs": self.specs,
            "media": [{**vars(m), "kind": m.kind.value} for m in self.media],
        }


def _refuse(code: str, message: str) -> InvalidInput:
    return InvalidInput(code, message, details={"file": code})


def parse_snapshot(raw: str) -> Reading:
    """Recognise and read a report; refuse anything else with a clear reason."""
    if len(raw.encode()) > MAX_BYTES:
        raise _refuse("snapshot_too_large", _("Fichier trop volumineux pour un rapport matériel."))
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise _refuse(
            "snapshot_not_json",
            _(
                "Ce fichier n'est pas un rapport JSON : utilisez « lshw -json » "
                "ou « smartctl -j -a »."
            ),
        ) from error
    if isinstance(data, dict) and "smartctl" in data:
        return read_smartctl(data)
    if isinstance(data, list) and data and isinstance(data[0], dict) and "class" in data[0]:
        data = data[0]  # recent lshw versions wrap the tree in a list
    if isinstance(data, dict) and data.get("class") == "system":
        return read_lshw(data)
    raise _refuse(
        "snapshot_unknown",
        _("Rapport non reconnu : seuls « lshw -json » et « smartctl -j -a » sont lus."),
    )


# --- smartctl -----------------------------------------------------------------------------


def _smartctl_kind(data: dict) -> MediumKind:
    device = data.get("device", {})
    if device.get("type") == "nvme" or device.get("protocol") == "NVMe":
        return MediumKind.NVME
    rotation = data.get("rotation_rate")
    if rotation == 0:
        return MediumKind.SSD
    if isinstance(rotation, int) and rotation > 0:
        return MediumKind.HDD
    return MediumKind.OTHER


def _ata_attribute(data: dict, *ids: int) -> dict | None:
    for attribute in data.get("ata_smart_attributes", {}).get("table", []):
        if attribute.get("id") in ids:
            return attribute
    return None


def _smartctl_health(data: dict) -> int | None:
    nvme = data.get("nvme_smart_health_information_log")
    if nvme and isinstance(nvme.get("percentage_used"), int):
        return max(0, 100 - nvme["percentage_used"])
    # Normalised "life left" attributes of SSDs (Crucial, Samsung, Intel, Kingston…).
    life = _ata_attribute(data, 231, 202, 177, 233)
    if life and isinstance(life.get("value"), int) and 0 <= life["value"] <= 100:
        return life["value"]
    return None


def read_smartctl(data: dict) -> Reading:
    status = data.get("smartctl", {}).get("exit_status", 0)
    model = (data.get("model_name") or data.get("product") or "").strip()
    serial = (data.get("serial_number") or "").strip()
    if status & 0b11 or not (model or serial):
        messages = "; ".join(m.get("string", "") for m in data["smartctl"].get("messages", []))
        raise _refuse(
            "snapshot_unreadable",
            _(
                "smartctl n'a pas pu lire ce disque (%(reason)s). Relancez-le sur le bon "
                "périphérique, par exemple « smartctl -j -a /dev/sda ».",
                reason=messages or _("aucune information"),
            ),
        )
    capacity = data.get("user_capacity", {}).get("bytes") or data.get("nvme_total_capacity")
    passed = data.get("smart_status", {}).get("passed")
    hours = data.get("power_on_time", {}).get("hours")
    return Reading(
        kind="smartctl",
        media=[
            MediumReading(
                kind=_smartctl_kind(data),
                serial=serial,
                model=model,
                size_gb=round(capacity / 1e9, 1) if capacity else None,
                health_percent=_smartctl_health(data),
                smart_passed=passed if isinstance(passed, bool) else None,
                power_on_hours=hours if isinstance(hours, int) else None,
            )
        ],
    )


# --- lshw ----------------------------------------------------------------------------------


def _walk(node: dict):
    yield node
    for child in node.get("children", []) or []:
        yield from _walk(child)


def _lshw_medium_kind(node: dict) -> MediumKind:
    text = " ".join(str(node.get(k, "")) for k in ("id", "description", "product", "businfo"))
    lowered = text.lower()
    if "nvme" in lowered:
        return MediumKind.NVME
    if "mmc" in lowered:
        return MediumKind.EMMC
    if "ssd" in lowered or "solid state" in lowered:
        return MediumKind.SSD
    if "disk" in str(node.get("description", "")).lower() or "ata" in lowered:
        return MediumKind.HDD
    return MediumKind.OTHER


def read_lshw(root: dict) -> Reading:
    specs: dict = {}
    if root.get("vendor"):
        specs["brand"] = root["vendor"].strip()
    if root.get("product"):
        specs["model"] = root["product"].strip()
    if root.get("serial"):
        specs["serial_number"] = root["serial"].strip()
    media: list[MediumReading] = []
    for node in _walk(root):
        kind = node.get("class")
        if kind == "processor" and node.get("product") and "cpu" not in specs:
            specs["cpu"] = node["product"].strip()
        elif kind == "memory" and node.get("id") == "memory" and node.get("size"):
            specs["ram_gb"] = round(node["size"] / 2**30, 1)
        elif kind == "power" and node.get("capacity"):
            # lshw reports the battery's design capacity in mWh.
            specs["battery_design_wh"] = round(node["capacity"] / 1000, 1)
        elif kind == "disk" and _is_storage(node):
            size = node.get("size")
            media.append(
                MediumReading(
                    kind=_lshw_medium_kind(node),
                    serial=(node.get("serial") or "").strip(),
                    model=(node.get("product") or "").strip(),
                    size_gb=round(size / 1e9, 1) if isinstance(size, int | float) else None,
                )
            )
    return Reading(kind="lshw", specs=specs, media=media)


def _is_storage(node: dict) -> bool:
    """Disks that hold data (not optical drives or card readers without media)."""
    description = str(node.get("description", "")).lower()
    if any(word in description for word in ("dvd", "cd-rom", "cdrom", "optical")):
        return False
    return not str(node.get("id", "")).startswith("cdrom")
