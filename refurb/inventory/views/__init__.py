"""HTML pages of the inventory: one blueprint, one module per concern."""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l

from refurb.auth.roles import Role
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.inventory import tags
from refurb.inventory.models import Device

bp = Blueprint("inventory", __name__)

# Who works on the inventory: the workshops (and the coordinator, who may do everything).
WORKSHOP = (Role.TECHNICIAN,)

EVENT_LABELS = {
    "device.received": _l("Reçu dans l'inventaire"),
    "device.edited": _l("Fiche modifiée"),
    "device.diagnosed": _l("Test fonctionnel"),
    "device.medium_added": _l("Support de stockage ajouté"),
    "device.medium_removed": _l("Support de stockage retiré"),
    "device.erased": _l("Effacement"),
    "device.repaired": _l("Réparation"),
    "device.snapshot_uploaded": _l("Rapport matériel importé"),
    "device.labels_printed": _l("Étiquette imprimée"),
}


def device_or_404(tag: str) -> Device:
    try:
        canonical = tags.parse_tag(tag)
    except DomainError:
        abort(404)
    device = db.session.query(Device).filter_by(tag=canonical).one_or_none()
    if device is None:
        abort(404)
    return device


from refurb.inventory.views import devices, donations, recycling, scan, workbench  # noqa: E402, F401
