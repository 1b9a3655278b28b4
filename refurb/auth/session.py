"""Flask-Login wiring: session loading that ends when the password changes."""

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from refurb.extensions import db
from refurb.i18n import lazy_gettext as _l


def load_user(session_id: str):
    from refurb.auth.models import User

    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce.isdigit():
        return None
    # One query for the user and the roles every request checks (not a second for them).
    user = (
        db.session.scalars(
            select(User).options(joinedload(User.memberships)).where(User.id == int(user_id))
        )
        .unique()
        .one_or_none()
    )
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
