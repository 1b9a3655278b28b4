"""API tokens: created for a person (shown once, stored hashed), revoked, and resolved from a
request's bearer header."""

import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from refurb.auth.models import ApiToken, User
from refurb.auth.session import with_roles
from refurb.bounds import check_fields
from refurb.db_types import utcnow
from refurb.extensions import db
from refurb.history.services import record
from refurb.security import digest

TOKEN_PREFIX = "rfb_"  # noqa: S105 - a marker, not a secret


def create_api_token(user: User, name: str) -> tuple[str, ApiToken]:
    """Create a token for the user; return it in clear (shown once, stored hashed)."""
    check_fields(ApiToken, {"name": name})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip() or "API", token_hash=digest(raw), prefix=raw[:12])
    db.session.add(token)
    db.session.flush()
    record("user", user.id, "api_token.created", actor=user, details={"token_id": token.id})
    return raw, token


def revoke_api_token(token: ApiToken, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(
            "user", token.user_id, "api_token.revoked", actor=actor, details={"token_id": token.id}
        )


@cache
def _token_statement():
    """A token with its user and the roles every request checks: one query, built once."""
    return (
        select(ApiToken)
        .options(with_roles(joinedload(ApiToken.user)))
        .where(ApiToken.token_hash == bindparam("token_hash"))
    )


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    token = (
        db.session.scalars(_token_statement(), {"token_hash": digest(raw)}).unique().one_or_none()
    )
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return token.user, token
