"""Inventory tables."""

from refurb.inventory.models.devices import Device, DeviceCount, IssuedTag, StorageMedium
from refurb.inventory.models.donations import Collection, Donor, Partnership
from refurb.inventory.models.recycling import RecyclingBatch
from refurb.inventory.models.workshop import (
    ChecklistRule,
    Diagnosis,
    Erasure,
    Repair,
    Snapshot,
)

__all__ = [
    "ChecklistRule",
    "Collection",
    "Device",
    "DeviceCount",
    "Diagnosis",
    "Donor",
    "Erasure",
    "IssuedTag",
    "Partnership",
    "RecyclingBatch",
    "Repair",
    "Snapshot",
    "StorageMedium",
]
