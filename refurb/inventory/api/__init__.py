"""JSON API of the inventory (DESIGN §7): devices, transitions, workbench records, donors,
collections, recycling, labels. The same services as the pages, so the same rules."""

from refurb.api import Blueprint
from refurb.auth.roles import Role
from refurb.inventory.lifecycle import FIELD

blp = Blueprint("api_inventory", __name__, url_prefix="/api/v1", description="Inventaire")

WORKSHOP = (Role.TECHNICIAN,)
# Who reads devices and acts on them: the same roles as the device page (workshops and
# maintenance); lenders see devices through their loans only.
READERS = tuple(FIELD)

from refurb.inventory.api import devices, donations, workbench  # noqa: E402, F401
