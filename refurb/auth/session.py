"""Flask-Login wiring: session loading that ends when the password changes."""

from functools import cache

from flask import Flask
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from refurb.extensions import db
from refurb.i18n import lazy_gettext as _l


def with_roles(path=None):
    """The loader option for a user (at `path`, a joined load ending at a user, or the
    statement's own) with the memberships every access check reads, in the same query; their
    organisations are loaded only by a page that shows them."""
    from refurb.auth.models import Membership, User

    if path is None:
        memberships = joinedload(User.memberships)
    else:
        memberships = path.joinedload(User.memberships)
    return memberships.lazyload(Membership.organisation)


@cache
def _user_statement():
    """Built once per process: building it cost more than running it (SQLite, one user)."""
    from refurb.auth.models import User

    return select(User).options(with_roles()).where(User.id == bindparam("user_id"))


def memberships_shown(user) -> list:
    """The user's memberships by organisation name, for the pages that show them: their
    organisations read in one query (a signed-in user is loaded without them)."""
    from refurb.auth.models import Organisation

    ids = user.organisation_ids()
    found = db.session.scalars(select(Organisation).where(Organisation.id.in_(ids))) if ids else []
    organisations = {organisation.id: organisation for organisation in found}
    for membership in user.memberships:
        set_committed_value(membership, "organisation", organisations[membership.organisation_id])
    return sorted(user.memberships, key=lambda m: m.organisation.name)


def load_user(session_id: str):
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce.isdigit():
        return None
    user = db.session.scalars(_user_statement(), {"user_id": int(user_id)}).unique().one_or_none()
    if user is None or not user.is_active or user.session_nonce != int(nonce):
        return None
    return user


def init_login(app: Flask, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
