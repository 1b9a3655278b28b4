"""JSON API of the maintenance (DESIGN §7): sites and their park, plans, visits, incidents,
availability. Same services and the same scoping as the pages."""

from refurb.api import Blueprint

blp = Blueprint("api_maintenance", __name__, url_prefix="/api/v1", description="Maintenance")

from refurb.maintenance.api import routes  # noqa: E402, F401
