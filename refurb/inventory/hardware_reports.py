"""Reading `lshw -json` and `smartctl -j -a` reports into specs and storage media.

Pure parsing here (text in, plain dict out); `apply_snapshot` in services/snapshots.py stores
the raw file and fills the device.
"""

import json
import math
from dataclasses import dataclass, field

from refurb.bounds import out_of_bounds
from refurb.errors import InvalidInput
from refurb.i18n import gettext as _
from refurb.inventory.enums import MediumKind

MAX_BYTES = 5 * 1024 * 1024
# The device's specs a report may fill (unless a person set them).
REPORTED_SPECS = (
    "brand",
    "model",
    "serial_number",
    "cpu",
    "cpu_cores",
    "cpu_threads",
    "ram_gb",
    "battery_design_wh",
)


@dataclass
class MediumReading:
    kind: MediumKind  # UNKNOWN where the report cannot tell: the volunteer chooses
    serial: str = ""
    model: str = ""
    size_gb: float | None = None
    health_percent: int | None = None
    smart_passed: bool | None = None
    power_on_hours: int | None = None

    def __post_init__(self):
        # An impossible size (1e300 bytes) is no size: the disk is listed, its size left to type.
        if self.size_gb is not None and out_of_bounds("storage_media", "size_gb", self.size_gb):
            self.size_gb = None


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


def parse_snapshot(raw: str, boot_device: str = "") -> Reading:
    """Recognise and read a report; refuse anything else with a clear reason. `boot_device`
    (e.g. /dev/sdb, sent by the probe) is the live USB stick the machine runs from: not one
    of its disks."""
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
    try:
        if isinstance(data, dict) and "smartctl" in data:
            return read_smartctl(data, boot_device)
        if isinstance(data, list) and data and isinstance(data[0], dict) and "class" in data[0]:
            data = data[0]  # recent lshw versions wrap the tree in a list
        if isinstance(data, dict) and data.get("class") == "system":
            return read_lshw(data, boot_device)
    except (TypeError, AttributeError, KeyError, ValueError) as error:  # a value of an odd shape
        raise _refuse(
            "snapshot_malformed",
            _(
                "Ce rapport a une forme inattendue : relancez « lshw -json » ou "
                "« smartctl -j -a » sans modifier le fichier."
            ),
        ) from error
    raise _refuse(
        "snapshot_unknown",
        _("Rapport non reconnu : seuls « lshw -json » et « smartctl -j -a » sont lus."),
    )


# Values firmware ships when the maker filled nothing in: not facts about the machine.
PLACEHOLDERS = {
    "system manufacturer",
    "system product name",
    "system version",
    "system serial number",
    "to be filled by o.e.m.",
    "to be filled by oem",
    "default string",
    "not applicable",
    "not specified",
    "not available",
    "none",
    "n/a",
    "na",
    "oem",
    "o.e.m.",
    "0",
    "00000000",
    "0123456789",
    "123456789",
    "1234567890",
    "invalid",
    "unknown",
    "chassis serial number",
    "base board serial number",
    "xxxxxxxxxx",
    "sku number",
    "type1sku0",
    "type1productconfigid",
}


def fact(value) -> str:
    """A report's text with its spaces tidied, or "" for a firmware placeholder (or for a list
    or an object where a text was expected)."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    text = " ".join(str(value).split())
    return "" if text.lower() in PLACEHOLDERS or set(text) <= {"0", " ", "-", "."} else text


def product(value) -> str:
    """lshw's "product (version or SKU)": the version kept when it says something more, a
    placeholder on either side dropped ("System Product Name (To be filled by O.E.M.)")."""
    text = " ".join(str(value or "").split())
    main, _sep, extra = text.partition(" (")
    main, extra = fact(main), fact(extra[:-1] if extra.endswith(")") else extra)
    if not main:
        return ""
    return f"{main} ({extra})" if extra and extra != main else main


# --- smartctl -----------------------------------------------------------------------------


def _smartctl_kind(data: dict) -> MediumKind:
    """smartctl is the authority on a disk it reports: NVMe by protocol, SSD when it does not
    spin, HDD when it does; unknown otherwise (never a guess shown as a fact)."""
    device = data.get("device", {})
    if device.get("type") == "nvme" or device.get("protocol") == "NVMe":
        return MediumKind.NVME
    rotation = data.get("rotation_rate")
    if rotation == 0:
        return MediumKind.SSD
    if isinstance(rotation, int) and rotation > 0:
        return MediumKind.HDD
    if "solid state" in str(data.get("form_factor", {}).get("name", "")).lower():
        return MediumKind.SSD
    return MediumKind.UNKNOWN


def _endurance_used(data: dict) -> int | None:
    """ATA device statistics, Solid State Device page: "Percentage Used Endurance Indicator"."""
    for page in data.get("ata_device_statistics", {}).get("pages", []) or []:
        for entry in page.get("table", []) or []:
            if "percentage used endurance" in str(entry.get("name", "")).lower():
                value = entry.get("value")
                return value if isinstance(value, int) else None
    return None


def _smartctl_health(data: dict) -> int | None:
    """What smartctl normalises: NVMe `percentage_used`, or the ATA endurance indicator;
    no percentage where there is none (vendor attributes mean different things)."""
    nvme = data.get("nvme_smart_health_information_log") or {}
    used = nvme.get("percentage_used")
    if not isinstance(used, int):
        used = _endurance_used(data)
    return max(0, 100 - used) if isinstance(used, int) and 0 <= used <= 255 else None


def read_smartctl(data: dict, boot_device: str = "") -> Reading:
    status = data.get("smartctl", {}).get("exit_status", 0)
    model = fact(data.get("model_name") or data.get("product"))
    serial = fact(data.get("serial_number"))
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
    name = str(data.get("device", {}).get("name", ""))
    if boot_device and name and name == boot_device:
        return Reading(kind="smartctl")  # the live USB stick: not a disk of the machine
    capacity = (data.get("user_capacity") or {}).get("bytes") or data.get("nvme_total_capacity")
    capacity = capacity if _number(capacity) else None
    passed = (data.get("smart_status") or {}).get("passed")
    hours = (data.get("power_on_time") or {}).get("hours")
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

REMOVABLE_WORDS = ("card reader", "sd/mmc", "multi-card", "ms/ms-pro", "sd card", "cardreader")
OPTICAL_WORDS = ("dvd", "cd-rom", "cdrom", "optical", "blu-ray", "bd-r")


def _number(value) -> bool:
    """A positive count of bytes: not a boolean, not Infinity or NaN (which JSON may carry)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _walk(node: dict, parent: dict | None = None):
    """Each node with its parent (what is not a node is skipped)."""
    yield node, parent
    for child in node.get("children", []) or []:
        if isinstance(child, dict):
            yield from _walk(child, node)


def _text(node: dict | None, *keys: str) -> str:
    if not node:
        return ""
    return " ".join(str(node.get(k, "")) for k in keys).lower()


def _logicalnames(node: dict) -> list[str]:
    names = node.get("logicalname") or []
    return [names] if isinstance(names, str) else list(names)


def _is_fixed_storage(node: dict, parent: dict | None, boot_device: str) -> bool:
    """A disk of the machine: it has a size or a device name, and it is not an optical drive,
    a card reader's slot (with or without a card), a USB device (the live stick, an external
    disk) or the device the probe booted from."""
    if node.get("class") != "disk":
        return False
    if not _number(node.get("size")) and not _logicalnames(node):
        return False  # a slot with nothing in it
    words = _text(node, "id", "description", "product", "vendor") + _text(
        parent, "id", "description", "product", "vendor"
    )
    if any(w in words for w in OPTICAL_WORDS + REMOVABLE_WORDS):
        return False
    if node.get("id") == "medium" or "removable" in (node.get("capabilities") or {}):
        return False
    if str(node.get("businfo", "")).startswith("usb@") or str(
        (parent or {}).get("businfo", "")
    ).startswith("usb@"):
        return False
    return not (boot_device and any(n == boot_device for n in _logicalnames(node)))


def _lshw_medium_kind(node: dict, parent: dict | None) -> MediumKind:
    """Only what lshw states: NVMe by its bus, eMMC by its bus (a built-in chip), SSD when the
    product says so; otherwise unknown (smartctl will tell, or the volunteer)."""
    where = _text(node, "id", "businfo", "logicalname") + _text(
        parent, "id", "businfo", "description"
    )
    if "nvme" in where:
        return MediumKind.NVME
    if str(node.get("businfo", "")).startswith("mmc@") or "mmcblk" in where:
        return MediumKind.EMMC
    if "ssd" in _text(node, "product", "description") or "solid state" in _text(
        node, "description"
    ):
        return MediumKind.SSD
    return MediumKind.UNKNOWN


def _identity(node: dict, parent: dict | None) -> tuple[str, str]:
    """(model, serial) of a disk; an NVMe namespace has them on its controller."""
    model, serial = fact(node.get("product")), fact(node.get("serial"))
    if parent and parent.get("class") == "storage" and "nvme" in _text(parent, "id", "businfo"):
        model = model or fact(parent.get("product"))
        serial = serial or fact(parent.get("serial"))
    return model, serial


def _battery_wh(node: dict) -> float | None:
    """A battery's design capacity (lshw gives mWh); a power supply is not a battery."""
    if "battery" not in _text(node, "id", "description", "product"):
        return None
    capacity = node.get("capacity")
    if not isinstance(capacity, int | float) or capacity <= 0:
        return None
    return round(capacity / 1000, 1) if node.get("units", "mWh") == "mWh" else None


def _cpu_counts(node: dict) -> dict:
    counts = {}
    configuration = node.get("configuration") or {}
    if not isinstance(configuration, dict):
        return {}
    for key, name in (("cores", "cpu_cores"), ("threads", "cpu_threads")):
        value = str(configuration.get(key, "")).strip()
        if value.isascii() and value.isdigit() and 0 < int(value) <= 1024:
            counts[name] = int(value)
    return counts


def read_lshw(root: dict, boot_device: str = "") -> Reading:
    specs: dict = {}
    for key, name, read in (
        ("vendor", "brand", fact),
        ("product", "model", product),
        ("serial", "serial_number", fact),
    ):
        if value := read(root.get(key)):
            specs[name] = value
    media: list[MediumReading] = []
    seen: set[str] = set()
    for node, parent in _walk(root):
        kind = node.get("class")
        if kind == "processor" and fact(node.get("product")) and "cpu" not in specs:
            specs["cpu"] = fact(node["product"])
            specs.update(_cpu_counts(node))
        elif kind == "memory" and node.get("id") == "memory" and _number(node.get("size")):
            specs["ram_gb"] = round(node["size"] / 2**30, 1)
        elif kind == "power" and (wh := _battery_wh(node)) is not None:
            specs.setdefault("battery_design_wh", wh)
        elif _is_fixed_storage(node, parent, boot_device):
            model, serial = _identity(node, parent)
            if serial and serial in seen:
                continue
            if serial:
                seen.add(serial)
            media.append(
                MediumReading(
                    kind=_lshw_medium_kind(node, parent),
                    serial=serial,
                    model=model,
                    size_gb=round(node["size"] / 1e9, 1) if _number(node.get("size")) else None,
                )
            )
    return Reading(kind="lshw", specs=specs, media=media)
