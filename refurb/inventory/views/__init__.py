"""HTML pages of the inventory: one blueprint, one module per concern."""

from flask import Blueprint

from refurb.auth.roles import Role

bp = Blueprint("inventory", __name__)

# Who works on the inventory: the workshops (and the coordinator, who may do everything).
WORKSHOP = (Role.TECHNICIAN,)


from refurb.inventory.views import (  # noqa: E402, F401
    bench,
    checklists,
    devices,
    donations,
    imports,
    recycling,
    scan,
    workbench,
)
