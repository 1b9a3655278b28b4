"""Accounts: users, organisations, memberships (user × organisation × role) and secrets."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from refurb.auth.roles import OrganisationKind, Role
from refurb.db_types import UTCDateTime, str_enum, utcnow
from refurb.extensions import db
from refurb.territory.models import Commune


class Organisation(db.Model):
    """A partner of the programme; its commune gives its EPCI."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind), index=True)
    commune_code: Mapped[str] = mapped_column(ForeignKey("communes.insee_code"), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    commune: Mapped[Commune] = relationship(lazy="joined")
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def epci(self):
        return self.commune.epci

    def __repr__(self) -> str:
        return f"<Organisation {self.name!r}>"


class User(UserMixin, db.Model):
    """A person who signs in. The password is stored only as a salted hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changes whenever the password changes or the account is deactivated, which ends sessions.
    session_nonce: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def roles(self) -> set[Role]:
        return {m.role for m in self.memberships}

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def organisation_ids(self, *roles: Role) -> set[int]:
        """Organisations where the user holds one of `roles` (any role when none given)."""
        return {m.organisation_id for m in self.memberships if not roles or m.role in roles}

    def has_role(self, *roles: Role, organisation_id: int | None = None) -> bool:
        """True for the coordinator, or when one of `roles` is held (in that organisation)."""
        if self.is_admin:
            return True
        return any(
            m.role in roles and (organisation_id is None or m.organisation_id == organisation_id)
            for m in self.memberships
        )

    def __repr__(self) -> str:
        return f"<User {self.email!r}>"


class Membership(db.Model):
    """A user's role in an organisation; one user can hold several."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(str_enum(Role), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships", lazy="joined")


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; it can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PasswordLink(db.Model):
    """A one-time link to set a password (new account, or reset by the coordinator)."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A failed sign-in, kept for the throttling window. The e-mail is stored hashed."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_key_failed_at", "email_key", "failed_at"),
        Index("ix_login_failures_address_failed_at", "address", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))
