"""Donors, the partnerships signed with them, and collections (donation batches)."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.inventory.enums import DonorKind


class Donor(db.Model):
    """Who gives devices: the Département, a company, an association, a collectivité or a person."""

    __tablename__ = "donors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[DonorKind] = mapped_column(str_enum(DonorKind), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    commune_code: Mapped[str | None] = mapped_column(ForeignKey("communes.insee_code"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    commune = relationship("Commune", lazy="joined")
    partnerships: Mapped[list["Partnership"]] = relationship(
        back_populates="donor", order_by="Partnership.signed_on.desc()"
    )

    __mapper_args__ = {"version_id_col": version}


class Partnership(db.Model):
    """A partnership agreement signed with a donor organisation (roadmap: +5 a year)."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    signed_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date | None]
    document_name: Mapped[str] = mapped_column(String(255), default="")
    document_path: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    donor: Mapped[Donor] = relationship(back_populates="partnerships")


class Collection(db.Model):
    """A donation batch: devices given by one donor on one day, received into the inventory."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    collected_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(160), default="")
    workshop_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    donor: Mapped[Donor] = relationship(lazy="joined")
    workshop = relationship("Organisation", lazy="raise")
