"""Password hashing and the password rule (CNIL recommendation: 12 characters or more)."""

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from refurb.errors import InvalidInput
from refurb.i18n import gettext as _

MIN_LENGTH = 12


@cache
def _dummy_hash() -> str:
    """Checked when the e-mail is unknown, so that both cases cost the same time."""
    return generate_password_hash("refurb-timing-equaliser")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def check_password_rule(password: str, email: str = "") -> None:
    """Refuse a password that is too short or that contains the e-mail's name."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            "password_too_short",
            _("Le mot de passe doit faire au moins %(n)d caractères.", n=MIN_LENGTH),
            details={"password": "too_short"},
        )
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in password.lower():
        raise InvalidInput(
            "password_contains_email",
            _("Le mot de passe ne doit pas contenir votre adresse e-mail."),
            details={"password": "contains_email"},
        )
