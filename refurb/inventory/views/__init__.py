"""HTML pages of the inventory: one blueprint, one module per concern."""

from flask import Blueprint

from refurb.auth.roles import Role
from refurb.i18n import lazy_gettext as _l

bp = Blueprint("inventory", __name__)

# Who works on the inventory: the workshops (and the coordinator, who may do everything).
WORKSHOP = (Role.TECHNICIAN,)

EVENT_LABELS = {
    "device.received": _l("Reçu dans l'inventaire"),
    "device.edited": _l("Fiche modifiée"),
    "device.flags_changed": _l("Logiciels ou simplification modifiés"),
    "device.medium_corrected": _l("Support de stockage corrigé"),
    "device.diagnosed": _l("Test fonctionnel"),
    "device.medium_added": _l("Support de stockage ajouté"),
    "device.medium_removed": _l("Support de stockage retiré"),
    "device.erased": _l("Effacement"),
    "device.repaired": _l("Réparation"),
    "device.snapshot_uploaded": _l("Rapport matériel importé"),
    "device.labels_printed": _l("Étiquette imprimée"),
}


from refurb.inventory.views import devices, donations, recycling, scan, workbench  # noqa: E402, F401
