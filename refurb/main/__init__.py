"""Home page (by role), language switch, health check."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from refurb import i18n
from refurb.auth.access import public, signed_in
from refurb.auth.roles import Role
from refurb.auth.session import memberships_shown
from refurb.extensions import db
from refurb.inventory import bench
from refurb.maintenance.scoping import visible_site_ids
from refurb.navigation import menu_for

bp = Blueprint("main", __name__)


@bp.app_context_processor
def navigation_context():
    return {"menu": menu_for(current_user)}


def _site_home(user) -> str:
    """Site staff: their site's page (its incidents, the report button), or the incidents of
    all their sites when they have several."""
    ids = visible_site_ids(user)
    if len(ids) == 1:
        return url_for("maintenance.site", site_id=ids[0])
    return url_for("maintenance.incidents")


# A person's home is what they have to do today: the page of their first role in this order
# (DESIGN §2's), the menu leading to the others. The coordinator, who holds every role, and a
# person with no role yet get the home page itself.
HOMES = (
    (Role.TECHNICIAN, lambda user: url_for("inventory.bench")),  # devices at each step
    (Role.LENDER, lambda user: url_for("loans.dashboard")),  # overdue loans, calls to make
    (Role.MAINTAINER, lambda user: url_for("maintenance.round_page")),  # sites due, incidents
    (Role.SITE_STAFF, _site_home),
    (Role.VIEWER, lambda user: url_for("reports.dashboard")),  # the figures
)


def home_url(user) -> str | None:
    """Where `user`'s home leads, or None for the home page itself."""
    if user.is_admin:
        return None
    roles = user.roles
    return next((home(user) for role, home in HOMES if role in roles), None)


@bp.route("/")
@signed_in
def home():
    url = home_url(current_user)
    if url is not None:
        return redirect(url)
    memberships = memberships_shown(current_user)
    queues = None
    if current_user.is_admin:  # the coordinator: the workshop's queues beside every page
        queues = bench.queues()
    return render_template("main/home.html", memberships=memberships, queues=queues)


@bp.route("/langue/<code>")
@public
def language(code):
    return i18n.set_language(code)


@bp.route("/healthz")
@public
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
