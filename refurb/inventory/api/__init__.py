"""JSON API of the inventory (DESIGN §7): devices, transitions, workbench records, donors,
collections, recycling, labels. The same services as the pages, so the same rules."""

from refurb.api import Blueprint
from refurb.auth.roles import Role

blp = Blueprint("api_inventory", __name__, url_prefix="/api/v1", description="Inventaire")

WORKSHOP = (Role.TECHNICIAN,)
READERS = (Role.TECHNICIAN, Role.MAINTAINER, Role.LENDER)

from refurb.inventory.api import devices, donations, workbench  # noqa: E402, F401
