"""A device and its storage media."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.i18n import decimal
from refurb.inventory.enums import MEDIAN_WEIGHT_KG, Category, Grade, MediumKind, State


class Device(db.Model):
    """A donated device, identified by the tag on its label, followed until its final state."""

    __tablename__ = "devices"
    __table_args__ = (
        Index("ix_devices_state_created_at", "state", "created_at"),
        Index("ix_devices_category_created_at", "category", "created_at"),
        Index("ix_devices_created_at_id", "created_at", "id"),  # the list's default order
        # Text search (ILIKE '%…%') on PostgreSQL: trigram GIN indexes (pg_trgm); on SQLite
        # these are plain indexes that the LIKE scan does not use.
        *(
            Index(
                f"ix_devices_{column}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
            for column in ("tag", "brand", "model")
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(16), unique=True)
    category: Mapped[Category] = mapped_column(str_enum(Category))
    brand: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    # Stored upper-case without surrounding spaces (see normalise_serial), so that
    # duplicate checks and searches are exact matches served by the index.
    serial_number: Mapped[str | None] = mapped_column(String(80), index=True)
    year_of_manufacture: Mapped[int | None]
    cpu: Mapped[str | None] = mapped_column(String(120))
    cpu_cores: Mapped[int | None]
    cpu_threads: Mapped[int | None]
    ram_gb: Mapped[float | None]
    screen_inches: Mapped[float | None]
    battery_design_wh: Mapped[float | None]
    battery_full_wh: Mapped[float | None]
    os: Mapped[str | None] = mapped_column(String(120))
    has_free_software: Mapped[bool] = mapped_column(default=False)
    has_dys_software: Mapped[bool] = mapped_column(default=False)
    simplified: Mapped[bool] = mapped_column(default=False)
    grade: Mapped[Grade | None] = mapped_column(str_enum(Grade, 1), index=True)
    weight_kg: Mapped[float | None]
    accessories: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Set when the technician confirms the device has no storage medium at all.
    storage_absent: Mapped[bool] = mapped_column(default=False)
    state: Mapped[State] = mapped_column(str_enum(State), default=State.RECEIVED)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Start of the current refurbishing cycle (intake, or back from a loan or a site):
    # the functional test and the erasures that count for mark_ready are those after it.
    cycle_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("collections.id"), index=True)
    holder_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    recycling_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("recycling_batches.id"), index=True
    )
    # When the device was first made ready for reuse (never changes once set): the
    # `made_ready` indicator counts these, as of any date.
    first_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The site a deployed device is in service at (its park); None otherwise.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Where each spec came from: field → {"snapshot": id, "kind": "lshw"} or {"person": user id}.
    # A person's value is never overwritten by a later report.
    spec_sources: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)

    collection = relationship("Collection", lazy="raise")
    holder = relationship("Organisation", lazy="raise")
    media: Mapped[list["StorageMedium"]] = relationship(
        back_populates="device", order_by="StorageMedium.id", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def effective_weight_kg(self) -> float:
        """The weighed weight, or the category's median when it was not weighed."""
        return self.weight_kg if self.weight_kg is not None else MEDIAN_WEIGHT_KG[self.category]

    @property
    def battery_health_percent(self) -> int | None:
        if self.battery_design_wh and self.battery_full_wh:
            return round(100 * self.battery_full_wh / self.battery_design_wh)
        return None

    @property
    def active_media(self) -> list["StorageMedium"]:
        return [m for m in self.media if not m.is_removed]

    @property
    def without_storage(self) -> bool:
        """Nothing to erase: no medium recorded, and a device that holds no data (a screen, a
        printer) or one the workshop marked as having no storage."""
        return not self.active_media and (self.storage_absent or not self.category.holds_data)

    @property
    def brand_and_model(self) -> str:
        """Brand then model ("Dell Latitude 5490"); empty when neither was recorded."""
        return " ".join(part for part in (self.brand, self.model) if part)

    @property
    def title(self) -> str:
        """What the device is called: its brand and model, or else its category."""
        return self.brand_and_model or self.category.label

    @property
    def full_title(self) -> str:
        """Category and name, the category said once: "Ordinateur portable — Dell Latitude 5490",
        "Ordinateur portable" when neither brand nor model was recorded. In French whatever the
        reader's language: the documents' name for the device."""
        named = self.brand_and_model
        return f"{self.category.french} — {named}" if named else self.category.french

    def __repr__(self) -> str:
        return f"<Device {self.tag} {self.state}>"


class StorageMedium(db.Model):
    """A data-bearing storage medium of a device (disk, SSD, eMMC, phone flash…)."""

    __tablename__ = "storage_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    kind: Mapped[MediumKind] = mapped_column(str_enum(MediumKind))
    serial: Mapped[str] = mapped_column(String(80), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    size_gb: Mapped[float | None]
    health_percent: Mapped[int | None]
    smart_passed: Mapped[bool | None]
    power_on_hours: Mapped[int | None]
    # Taken out of the device (for destruction or reuse elsewhere): no longer counts.
    is_removed: Mapped[bool] = mapped_column(default=False)
    # "manual" (typed by a person), "lshw" or "smartctl"; the report that last described it;
    # the fields a person corrected, which no later report overwrites.
    source: Mapped[str] = mapped_column(String(16), default="manual")
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id"), index=True)
    corrected: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the reports call it (serial, size), whatever a person corrected: how the next
    # report finds it. Removed because a newer report no longer saw it in the machine.
    reported: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    removed_by_report: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    device: Mapped[Device] = relationship(back_populates="media")

    @property
    def label(self) -> str:
        return self.described()

    def described(self, *, french: bool = False) -> str:
        """Its kind, model, size and serial; `french`: whatever the reader's language."""
        size = decimal(self.size_gb, locale="fr" if french else None)
        kind = self.kind.french if french else self.kind.label
        serial = f"n° {self.serial}" if self.serial else ""
        parts = [kind, self.model, f"{size} Go" if self.size_gb else "", serial]
        return " · ".join(p for p in parts if p)


class IssuedTag(db.Model):
    """A tag printed before any device carries it (pre-printed label sheets)."""

    __tablename__ = "issued_tags"

    tag: Mapped[str] = mapped_column(String(16), primary_key=True)
    batch: Mapped[str] = mapped_column(String(24), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class DeviceCount(db.Model):
    """How many devices are in each (state, category, grade): kept by database triggers in the
    transaction that inserts, changes or deletes a device (migration 0010), so the device list
    reads its counts here instead of counting 100,000 rows on every page."""

    __tablename__ = "device_counts"

    state: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    grade: Mapped[str] = mapped_column(String(1), primary_key=True)  # '' for no grade
    devices: Mapped[int] = mapped_column(default=0)
