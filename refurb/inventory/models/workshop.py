"""What happens at the workbench: diagnoses, erasures, repairs, hardware snapshots."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    ErasureMethod,
    RepairBarrier,
    RepairStatus,
)


class Diagnosis(db.Model):
    """A functional test against the category's checklist, with its outcome."""

    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    outcome: Mapped[DiagnosisOutcome] = mapped_column(str_enum(DiagnosisOutcome))
    # [{"key": "screen", "result": "pass", "note": ""}, …] in checklist order
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")

    technician = relationship("User", lazy="joined")

    @property
    def failed_items(self) -> list[str]:
        return [r["key"] for r in self.results if r["result"] == CheckResult.FAIL.value]

    @property
    def blocking_faults(self) -> list[str]:
        """Failed items that were critical when the test was recorded (older tests, before
        items could be non-critical, count every failure as critical)."""
        return [
            r["key"]
            for r in self.results
            if r["result"] == CheckResult.FAIL.value and r.get("critical", True)
        ]

    @property
    def known_defects(self) -> list[str]:
        """Failed items that do not block reuse: recorded, shown, printed on the agreement."""
        return [
            r["key"]
            for r in self.results
            if r["result"] == CheckResult.FAIL.value and not r.get("critical", True)
        ]

    @property
    def is_passed(self) -> bool:
        """No critical function fails, and the technician judged the device ready."""
        return not self.blocking_faults and self.outcome == DiagnosisOutcome.READY_AFTER_ERASURE


class ChecklistRule(db.Model):
    """Whether a checklist item blocks reuse for a category, as the coordinator set it. With
    no row, the item's default in `refurb.inventory.checklists` applies."""

    __tablename__ = "checklist_rules"

    category: Mapped[Category] = mapped_column(str_enum(Category), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(32), primary_key=True)
    critical: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class Erasure(db.Model):
    """The sanitisation of one storage medium (NIST SP 800-88), with its verification."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    medium_id: Mapped[int | None] = mapped_column(ForeignKey("storage_media.id"), index=True)
    medium_serial: Mapped[str] = mapped_column(String(80), default="")
    method: Mapped[ErasureMethod] = mapped_column(str_enum(ErasureMethod))
    tool: Mapped[str] = mapped_column(String(120))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified: Mapped[bool] = mapped_column(default=False)
    verification_note: Mapped[str] = mapped_column(Text, default="")
    certificate_number: Mapped[str] = mapped_column(String(24), unique=True)

    operator = relationship("User", lazy="joined")
    medium = relationship("StorageMedium", lazy="joined")


class Repair(db.Model):
    """A repair attempt, in the Open Repair Data Standard's terms."""

    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The workshop where the repair was done (ORDS group_identifier).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    problem: Mapped[str] = mapped_column(Text)
    status: Mapped[RepairStatus] = mapped_column(str_enum(RepairStatus))
    barrier: Mapped[RepairBarrier | None] = mapped_column(str_enum(RepairBarrier, 40))
    parts_used: Mapped[str] = mapped_column(Text, default="")
    minutes_spent: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")

    technician = relationship("User", lazy="joined")


class Snapshot(db.Model):
    """An uploaded `lshw -json` or `smartctl -j -a` report, kept raw with what was read from it."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(255), default="")
    raw: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
