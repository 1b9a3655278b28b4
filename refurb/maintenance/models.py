"""Sites and their needs, the maintenance plans (versioned), visits and their results,
incidents, and the secret address of each maintainer's calendar."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.inventory.enums import Category
from refurb.maintenance.enums import (
    IncidentCategory,
    IncidentImpact,
    IncidentSource,
    IncidentStatus,
    SiteKind,
    VisitStatus,
)

site_maintainers = Table(
    "site_maintainers",
    db.metadata,
    Column("site_id", ForeignKey("sites.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)

site_plans = Table(
    "site_plans",
    db.metadata,
    Column("site_id", ForeignKey("sites.id"), primary_key=True),
    Column("plan_id", ForeignKey("maintenance_plans.id"), primary_key=True, index=True),
)


class Site(db.Model):
    """A place hosting open-access PCs (or the mediators' rotation pool)."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[SiteKind] = mapped_column(str_enum(SiteKind))
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.insee_code"), index=True)
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    opening_hours: Mapped[str] = mapped_column(String(500), default="")
    weekly_attendance: Mapped[int | None]
    attendance_assessed_on: Mapped[date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    commune = relationship("Commune", lazy="joined")
    host = relationship("Organisation", lazy="joined")
    # Loaded when used (a page of incidents or dues need none of them).
    maintainers = relationship("User", secondary=site_maintainers)
    plans = relationship("Plan", secondary=site_plans, order_by="Plan.id")
    needs: Mapped[list["SiteNeed"]] = relationship(
        cascade="all, delete-orphan", order_by="SiteNeed.category"
    )

    __mapper_args__ = {"version_id_col": version}


class SiteNeed(db.Model):
    """How many PCs of a category the site should have (roadmap 3.2: sized to attendance)."""

    __tablename__ = "site_needs"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    category: Mapped[Category] = mapped_column(str_enum(Category), primary_key=True)
    count: Mapped[int]


class Plan(db.Model):
    """A maintenance plan (monthly, quarterly…): its checklist lives in versions."""

    __tablename__ = "maintenance_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    interval_days: Mapped[int]
    is_departmental: Mapped[bool] = mapped_column(default=True)  # the departmental protocol
    version: Mapped[int] = mapped_column(default=1)

    versions: Mapped[list["PlanVersion"]] = relationship(
        back_populates="plan", order_by="PlanVersion.number"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def current(self) -> "PlanVersion":
        return self.versions[-1]


class PlanVersion(db.Model):
    """One version of a plan's checklist; a visit keeps the version it was done under.

    `items`: ordered [{"key", "label", "kind", "required", "critical", "min", "max"}]."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("maintenance_plans.id"), index=True)
    number: Mapped[int]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="versions", lazy="joined")


class Visit(db.Model):
    """A maintainer's visit of a site under a plan: a result for every PC of the park."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_site_plan_status", "site_id", "plan_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("maintenance_plans.id"), index=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    maintainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[VisitStatus] = mapped_column(
        str_enum(VisitStatus), default=VisitStatus.IN_PROGRESS
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    due_on: Mapped[date | None]  # when this visit was due (for "done on time")
    minutes_spent: Mapped[int | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)

    site: Mapped[Site] = relationship(lazy="joined")
    plan_version: Mapped[PlanVersion] = relationship(lazy="joined")
    maintainer = relationship("User", lazy="joined")
    results: Mapped[list["VisitResult"]] = relationship(
        back_populates="visit", lazy="selectin", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def plan(self) -> Plan:
        return self.plan_version.plan


class VisitResult(db.Model):
    """The checklist answers for one PC at a visit, or the record that it was missing."""

    __tablename__ = "visit_results"
    __table_args__ = (UniqueConstraint("visit_id", "device_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    missing: Mapped[bool] = mapped_column(default=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(1000), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    visit: Mapped[Visit] = relationship(back_populates="results")
    device = relationship("Device", lazy="joined")


class Incident(db.Model):
    """Something wrong with a PC in service: open → acknowledged → resolved (or rejected)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_site_status", "site_id", "status"),
        Index("ix_incidents_device_reported", "device_id", "reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    category: Mapped[IncidentCategory] = mapped_column(str_enum(IncidentCategory))
    impact: Mapped[IncidentImpact] = mapped_column(str_enum(IncidentImpact))
    description: Mapped[str] = mapped_column(String(2000), default="")
    source: Mapped[IncidentSource] = mapped_column(str_enum(IncidentSource))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # From the public: an optional way to be told (kept for the maintainers only), and the
    # digest of the address, for the rate limit (never the address itself).
    public_contact: Mapped[str] = mapped_column(String(120), default="")
    address_digest: Mapped[str] = mapped_column(String(64), default="", index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)
    status: Mapped[IncidentStatus] = mapped_column(
        str_enum(IncidentStatus), default=IncidentStatus.OPEN, index=True
    )
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    resolution: Mapped[str] = mapped_column(String(2000), default="")
    version: Mapped[int] = mapped_column(default=1)

    device = relationship("Device", lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class CalendarFeed(db.Model):
    """The secret address of a maintainer's round as an iCalendar feed (renewable)."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
