"""Account operations: sign-in with throttling, users, roles, organisations, secrets.

Services take plain values and the acting user, check the rules, change the models, record the
event and flush; the caller commits.
"""

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, func, select

from refurb.auth.models import (
    ApiToken,
    LoginFailure,
    Membership,
    Organisation,
    PasswordLink,
    User,
    user_by_email,
)
from refurb.auth.passwords import check_password_rule, hash_password, verify_password
from refurb.auth.roles import ROLE_KINDS, OrganisationKind, Role
from refurb.bounds import check_fields
from refurb.db_types import utcnow
from refurb.errors import DomainError, InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.security import digest
from refurb.territory.models import Commune
from refurb.transaction import keep_even_if_refused


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidInput(
            "invalid_email", _("Adresse e-mail invalide."), details={"email": str(error)}
        ) from error


# --- Sign-in ------------------------------------------------------------------------------


class SignInRefused(DomainError):
    status = 401


def _throttled(email_key: str, address: str) -> bool:
    config = current_app.config
    since = utcnow() - timedelta(minutes=int(config["LOGIN_WINDOW_MINUTES"]))
    by_email = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.email_key == email_key, LoginFailure.failed_at >= since)
    )
    if by_email >= int(config["LOGIN_MAX_FAILURES_PER_EMAIL"]):
        return True
    by_address = db.session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.address == address, LoginFailure.failed_at >= since)
    )
    return by_address >= int(config["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def authenticate(email: str, password: str, address: str) -> User:
    """Return the user for these credentials, or raise SignInRefused.

    After too many failures for an e-mail (or from an address) within the window, every attempt
    is refused, right or wrong, with the same message whether the account exists or not. A
    failure is kept although the request is refused (`keep_even_if_refused`), so it counts.
    """
    email = (email or "").strip().lower()
    email_key = digest(email)
    if _throttled(email_key, address):
        minutes = int(current_app.config["LOGIN_WINDOW_MINUTES"])
        raise SignInRefused(
            "too_many_attempts",
            _(
                "Trop de tentatives de connexion échouées. Par sécurité, attendez %(m)d minutes "
                "avant de réessayer, ou demandez un nouveau lien à la coordination.",
                m=minutes,
            ),
            status=429,
        )
    user = user_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        db.session.add(LoginFailure(email_key=email_key, address=address))
        db.session.flush()
        keep_even_if_refused()
        raise SignInRefused("invalid_credentials", _("Adresse e-mail ou mot de passe incorrect."))
    db.session.execute(delete(LoginFailure).where(LoginFailure.email_key == email_key))
    user.last_login_at = utcnow()
    record("user", user.id, "user.signed_in", actor=user)
    return user


def prune_login_failures() -> int:
    """Forget failures older than a day (they no longer count)."""
    result = db.session.execute(
        delete(LoginFailure).where(LoginFailure.failed_at < utcnow() - timedelta(days=1))
    )
    return result.rowcount


# --- Passwords ------------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    check_password_rule(password, user.email)
    user.password_hash = hash_password(password)
    user.session_nonce += 1  # ends the user's other sessions
    record("user", user.id, "user.password_set", actor=user)


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidInput(
            "wrong_password",
            _("Le mot de passe actuel est incorrect."),
            details={"current_password": "wrong"},
        )
    set_password(user, new)


def issue_password_link(user: User, actor: User | None) -> str:
    """Create a one-time link token (replacing unused ones); return the raw token."""
    now = utcnow()
    for link in db.session.scalars(
        select(PasswordLink).where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
    ):
        link.used_at = now
    raw = secrets.token_urlsafe(32)
    hours = int(current_app.config["PASSWORD_LINK_HOURS"])
    db.session.add(
        PasswordLink(user=user, token_hash=digest(raw), expires_at=now + timedelta(hours=hours))
    )
    record("user", user.id, "user.password_link_issued", actor=actor)
    return raw


def password_link_user(raw: str) -> User | None:
    """The user a still-valid link belongs to, or None."""
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == digest(raw)))
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        return None
    if not link.user.is_active:
        return None
    return link.user


def use_password_link(raw: str, password: str) -> User:
    link = db.session.scalar(select(PasswordLink).where(PasswordLink.token_hash == digest(raw)))
    user = password_link_user(raw)
    if user is None:
        raise InvalidInput(
            "link_invalid",
            _("Ce lien n'est plus valable. Demandez-en un nouveau à la coordination."),
        )
    set_password(user, password)
    link.used_at = utcnow()
    return user


# --- Users and roles ------------------------------------------------------------------------


def create_user(
    email: str,
    name: str,
    organisation: Organisation,
    role: Role,
    actor: User | None,
    password: str | None = None,
) -> User:
    """Create an active user holding `role` in `organisation`."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise InvalidInput(
            "email_taken",
            _("Un compte existe déjà avec cette adresse e-mail."),
            details={"email": "taken"},
        )
    user = User(email=email, name=name.strip() or email)
    if password is not None:
        check_password_rule(password, email)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    user.memberships.append(Membership(organisation=organisation, role=role))
    record(
        "user",
        user.id,
        "user.created",
        actor=actor,
        organisation_id=organisation.id,
        details={"role": role.value},
    )
    db.session.flush()
    return user


def update_user(user: User, actor: User, version: int, name: str, email: str) -> None:
    check_version(user, version)
    email = normalise_email(email)
    other = user_by_email(email)
    if other is not None and other.id != user.id:
        raise InvalidInput(
            "email_taken",
            _("Un compte existe déjà avec cette adresse e-mail."),
            details={"email": "taken"},
        )
    user.name, user.email = name.strip(), email
    record("user", user.id, "user.updated", actor=actor)


def check_role_fits(organisation: Organisation, role: Role) -> None:
    """Refuse a role in an organisation of a kind where it makes no sense (roles.ROLE_KINDS)."""
    if organisation.kind not in ROLE_KINDS[role]:
        raise DomainError(
            "role_not_for_organisation",
            _(
                "Le rôle « %(role)s » ne se donne pas dans une organisation de type "
                "« %(kind)s » : choisissez une organisation où il a du sens (%(kinds)s).",
                role=role.label,
                kind=organisation.kind.label,
                kinds=", ".join(sorted(k.label for k in ROLE_KINDS[role])),
            ),
            details={"organisation_id": "kind"},
        )


def grant_role(user: User, organisation: Organisation, role: Role, actor: User) -> Membership:
    check_role_fits(organisation, role)
    if any(m.organisation_id == organisation.id and m.role == role for m in user.memberships):
        raise DomainError(
            "role_already_held", _("Cette personne a déjà ce rôle dans cette organisation.")
        )
    membership = Membership(organisation=organisation, role=role)
    user.memberships.append(membership)
    record(
        "user",
        user.id,
        "user.role_granted",
        actor=actor,
        organisation_id=organisation.id,
        details={"role": role.value},
    )
    db.session.flush()
    return membership


def revoke_role(membership: Membership, actor: User) -> None:
    user = membership.user
    if user.id == actor.id and membership.role == Role.ADMIN:
        raise DomainError(
            "own_admin_role",
            _("Vous ne pouvez pas retirer votre propre rôle de coordination."),
        )
    record(
        "user",
        user.id,
        "user.role_revoked",
        actor=actor,
        organisation_id=membership.organisation_id,
        details={"role": membership.role.value},
    )
    user.memberships.remove(membership)
    db.session.flush()


def deactivate_user(user: User, actor: User) -> None:
    if user.id == actor.id:
        raise DomainError("own_account", _("Vous ne pouvez pas désactiver votre propre compte."))
    if not user.is_active:
        raise DomainError("already_inactive", _("Ce compte est déjà désactivé."))
    user.is_active = False
    user.session_nonce += 1
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
    record("user", user.id, "user.deactivated", actor=actor)


def reactivate_user(user: User, actor: User) -> None:
    if user.is_active:
        raise DomainError("already_active", _("Ce compte est déjà actif."))
    user.is_active = True
    record("user", user.id, "user.reactivated", actor=actor)


# --- Organisations ----------------------------------------------------------------------------


def _check_commune(code: str) -> None:
    if db.session.get(Commune, code) is None:
        raise InvalidInput(
            "unknown_commune",
            _("Commune inconnue dans le Gers."),
            details={"commune": "unknown"},
        )


def _check_name_free(name: str, organisation_id: int | None = None) -> None:
    clash = db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )
    if clash is not None and clash.id != organisation_id:
        raise InvalidInput(
            "name_taken",
            _("Une organisation porte déjà ce nom."),
            details={"name": "taken"},
        )


def create_organisation(
    name: str, kind: OrganisationKind, commune_code: str, actor: User | None, **contact
) -> Organisation:
    _check_name_free(name)
    _check_commune(commune_code)
    check_fields(Organisation, {"name": name, **contact})
    organisation = Organisation(name=name.strip(), kind=kind, commune_code=commune_code, **contact)
    db.session.add(organisation)
    db.session.flush()
    record(
        "organisation",
        organisation.id,
        "organisation.created",
        actor=actor,
        organisation_id=organisation.id,
        details={"kind": kind.value},
    )
    return organisation


def update_organisation(
    organisation: Organisation, actor: User, version: int, **fields
) -> Organisation:
    check_version(organisation, version)
    if "name" in fields:
        _check_name_free(fields["name"], organisation.id)
        fields["name"] = fields["name"].strip()
    if "commune_code" in fields:
        _check_commune(fields["commune_code"])
    check_fields(Organisation, fields, organisation)
    changed = sorted(k for k, v in fields.items() if getattr(organisation, k) != v)
    for key, value in fields.items():
        setattr(organisation, key, value)
    record(
        "organisation",
        organisation.id,
        "organisation.updated",
        actor=actor,
        organisation_id=organisation.id,
        details={"changed": changed},
    )
    db.session.flush()
    return organisation


def organisation_by_name(name: str) -> Organisation | None:
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )
