"""The main menu. An entry shows only to users whose role passes its page's access rule."""

from dataclasses import dataclass

from refurb.auth.access import can_access, rule_for
from refurb.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object


MENU: list[NavItem] = [
    NavItem("main.home", _l("Accueil")),
    NavItem("reports.dashboard", _l("Tableau de bord")),
    NavItem("inventory.scan", _l("Scanner")),
    NavItem("inventory.devices", _l("Appareils")),
    NavItem("inventory.donors", _l("Donateurs")),
    NavItem("inventory.recycling_batches", _l("Recyclage")),
    NavItem("inventory.labels", _l("Étiquettes")),
    NavItem("loans.dashboard", _l("Prêts")),
    NavItem("loans.households", _l("Foyers")),
    NavItem("loans.waiting_list", _l("Liste d'attente")),
    NavItem("maintenance.round_page", _l("Ma tournée")),
    NavItem("maintenance.sites", _l("Lieux")),
    NavItem("maintenance.incidents", _l("Incidents")),
    NavItem("maintenance.overview", _l("Maintenance")),
    NavItem("admin.organisations", _l("Organisations")),
    NavItem("admin.users", _l("Utilisateurs")),
    NavItem("history.journal", _l("Journal")),
]


# The menu's pages take no organisation, so who sees an entry depends on the roles held alone:
# each set of roles' menu is worked out once per process, not on every page.
_MENUS: dict[frozenset, list[NavItem]] = {}


def menu_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    roles = frozenset(user.roles)
    if roles not in _MENUS:
        _MENUS[roles] = [item for item in MENU if can_access(user, rule_for(item.endpoint))]
    return _MENUS[roles]
