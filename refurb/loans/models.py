"""Households, their requests (waiting list), loans, agreement terms, lender settings, reminders."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.inventory.enums import Category
from refurb.loans.enums import Criterion, LoanStatus, RequestStatus, priority_label


class Household(db.Model):
    """A household helped by a lender organisation. Identity and contact are personal data:
    only the owning organisation's lenders see them, and they are erased after the retention
    delay (the record stays, anonymised, for statistics)."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    lender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.insee_code"), index=True)
    size: Mapped[int]
    criterion: Mapped[Criterion] = mapped_column(str_enum(Criterion))
    criterion_note: Mapped[str] = mapped_column(String(200), default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    verified_on: Mapped[date]
    referring_organisation: Mapped[str] = mapped_column(String(160), default="")
    # Personal data, optional, erased by the purge:
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    consent_on: Mapped[date | None]
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    commune = relationship("Commune", lazy="joined")
    lender = relationship("Organisation", lazy="joined")
    verified_by = relationship("User", lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    @property
    def has_identity(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.contact_email)


class LoanRequest(db.Model):
    """A household's request for a category of device: the waiting list."""

    __tablename__ = "loan_requests"
    __table_args__ = (Index("ix_loan_requests_queue", "status", "priority", "requested_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    category: Mapped[Category] = mapped_column(str_enum(Category))
    requested_on: Mapped[date]
    priority: Mapped[int] = mapped_column(default=2)  # 1 urgent, 2 normal, 3 low
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.WAITING
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loans.id"), index=True)

    household: Mapped[Household] = relationship(lazy="joined")

    @property
    def priority_label(self) -> str:
        return priority_label(self.priority)


class AgreementTerms(db.Model):
    """One version of a lender organisation's loan terms (the agreement's text)."""

    __tablename__ = "agreement_terms"
    __table_args__ = (UniqueConstraint("organisation_id", "version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    version_number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)


class LenderSettings(db.Model):
    """A lender organisation's loan rules."""

    __tablename__ = "lender_settings"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    loan_days: Mapped[int] = mapped_column(default=180)
    renewal_days: Mapped[int] = mapped_column(default=90)
    renewal_cap: Mapped[int] = mapped_column(default=2)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Loan(db.Model):
    """A device lent to a household by a lender organisation."""

    __tablename__ = "loans"
    __table_args__ = (
        Index("ix_loans_status_due_on", "status", "due_on"),
        Index("ix_loans_lender_status", "lender_organisation_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(24), unique=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    lender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[LoanStatus] = mapped_column(str_enum(LoanStatus), default=LoanStatus.RESERVED)
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    start_on: Mapped[date | None]
    due_on: Mapped[date | None]
    ended_on: Mapped[date | None] = mapped_column(index=True)
    accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    deposit_euros: Mapped[int] = mapped_column(default=0)
    deposit_returned: Mapped[bool | None]  # at return: given back (True) or kept (False)
    agreement_terms_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_terms.id"))
    renewals: Mapped[int] = mapped_column(default=0)
    override_reason: Mapped[str] = mapped_column(String(300), default="")
    return_condition: Mapped[str] = mapped_column(Text, default="")
    missing_accessories: Mapped[list[str]] = mapped_column(JSON, default=list)
    signed_agreement_path: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)

    household: Mapped[Household] = relationship(lazy="joined")
    device = relationship("Device", lazy="joined")
    lender = relationship("Organisation", lazy="joined")
    terms: Mapped[AgreementTerms | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    def is_overdue(self, today: date) -> bool:
        return self.status == LoanStatus.ACTIVE and self.due_on is not None and self.due_on < today


class Reminder(db.Model):
    """A reminder for a step of a loan (due soon, overdue): sent once, by e-mail or to call."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("loan_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loans.id"), index=True)
    step: Mapped[str] = mapped_column(String(16))  # due_soon, overdue
    channel: Mapped[str] = mapped_column(String(8))  # email, call
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    loan: Mapped[Loan] = relationship(lazy="joined")
