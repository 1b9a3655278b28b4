"""Pages of the maintenance: sites and their park, the maintainer's round and visits,
incidents (and the public's report from a PC's label), plans and the overview."""

from flask import Blueprint

from refurb.auth.roles import Role

bp = Blueprint("maintenance", __name__)

# Who works on sites: their maintainers and their staff (the coordinator passes everywhere);
# what each one sees is narrowed by refurb.maintenance.scoping.
SITE_PEOPLE = (Role.MAINTAINER, Role.SITE_STAFF)

from refurb.maintenance.views import incidents, overview, rounds, sites  # noqa: E402, F401
