"""HTML pages of the inventory: one blueprint, one module per concern."""

from functools import lru_cache

from flask import Blueprint
from markupsafe import Markup

from refurb.auth.roles import Role
from refurb.i18n import current_locale
from refurb.inventory.enums import State

bp = Blueprint("inventory", __name__)

# Who works on the inventory: the workshops (and the coordinator, who may do everything).
WORKSHOP = (Role.TECHNICIAN,)


@bp.app_template_global()
def state_badge(state: State) -> Markup:
    """A device's state as a badge, as every page shows it (one per row of a list): written
    once per state and language, not once per row."""
    return _badge(state, str(current_locale()))


@lru_cache(maxsize=64)
def _badge(state: State, _language: str) -> Markup:
    return Markup('<span class="state state-{}">{}</span>').format(state.value, state.label)


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
