"""Home page (by role), language switch, health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from refurb import i18n
from refurb.auth.access import public, signed_in
from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.navigation import menu_for

bp = Blueprint("main", __name__)


@bp.app_context_processor
def navigation_context():
    return {"menu": menu_for(current_user)}


@bp.route("/")
@signed_in
def home():
    if current_user.roles == {Role.VIEWER}:  # a reviewer comes for the figures
        return redirect(url_for("reports.dashboard"))
    memberships = sorted(current_user.memberships, key=lambda m: m.organisation.name)
    return render_template("main/home.html", memberships=memberships)


@bp.route("/langue/<code>")
@public
def language(code):
    return i18n.set_language(code)


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
