"""The functional-test checklist of each category (décret 2022-190: every function tested).

Every item is tested; a failed *critical* item blocks reuse, a failed non-critical one (a dead
webcam) is recorded as a known defect, shown on the device page and printed on the agreement.
Which items are critical is data the coordinator edits per category (`ChecklistRule`); the
defaults are here (`critical` below, and NOT_CRITICAL_BY_DEFAULT)."""

from dataclasses import dataclass, replace

from sqlalchemy import select

from refurb.db_types import utcnow
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Category


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: object
    critical: bool = True


POWER = CheckItem("power", _l("Démarrage et alimentation"))
SCREEN = CheckItem("screen", _l("Écran (pixels, rétroéclairage, charnières)"))
KEYBOARD = CheckItem("keyboard", _l("Clavier et pavé tactile"))
TOUCH = CheckItem("touch", _l("Écran tactile"))
BATTERY = CheckItem("battery", _l("Batterie (santé, autonomie)"))
STORAGE = CheckItem("storage", _l("Santé du stockage (SMART)"))
RAM = CheckItem("ram", _l("Mémoire vive (test)"))
PORTS = CheckItem("ports", _l("Ports USB, vidéo, audio"))
WIFI = CheckItem("wifi", _l("Wi-Fi et Bluetooth"))
CAMERA = CheckItem("camera", _l("Caméra"))
AUDIO = CheckItem("audio", _l("Son (haut-parleurs, micro)"))
CHARGER = CheckItem("charger", _l("Chargeur et charge"))
ACTIVATION_LOCK = CheckItem(
    "activation_lock", _l("Verrous d'activation retirés (compte Google, iCloud)")
)
CELLULAR = CheckItem("cellular", _l("Réseau mobile (SIM, appels)"))
BUTTONS = CheckItem("buttons", _l("Boutons physiques"))
PRINT = CheckItem("print", _l("Impression d'une page de test"))
CONSUMABLES = CheckItem("consumables", _l("Consommables (encre, toner, tambour)"))
DEVICE_FUNCTION = CheckItem("function", _l("Fonction principale de l'appareil"))
CABLES = CheckItem("cables", _l("Câbles et connectique"))

CHECKLISTS: dict[Category, tuple[CheckItem, ...]] = {
    Category.LAPTOP: (
        POWER,
        SCREEN,
        KEYBOARD,
        BATTERY,
        STORAGE,
        RAM,
        PORTS,
        WIFI,
        CAMERA,
        AUDIO,
        CHARGER,
    ),
    Category.DESKTOP: (POWER, STORAGE, RAM, PORTS, WIFI, AUDIO),
    Category.TABLET: (
        POWER,
        TOUCH,
        BATTERY,
        STORAGE,
        PORTS,
        WIFI,
        CAMERA,
        AUDIO,
        CHARGER,
        BUTTONS,
        ACTIVATION_LOCK,
    ),
    Category.SMARTPHONE: (
        POWER,
        TOUCH,
        BATTERY,
        STORAGE,
        PORTS,
        WIFI,
        CAMERA,
        AUDIO,
        CHARGER,
        BUTTONS,
        CELLULAR,
        ACTIVATION_LOCK,
    ),
    Category.SCREEN: (POWER, SCREEN, PORTS, CABLES),
    Category.PRINTER: (POWER, PRINT, CONSUMABLES, PORTS, CABLES),
    Category.PERIPHERAL: (DEVICE_FUNCTION, CABLES),
    Category.OTHER: (POWER, DEVICE_FUNCTION, CABLES),
}


# Functions a device is still useful without, unless the coordinator decides otherwise.
NOT_CRITICAL_BY_DEFAULT = {"camera", "audio", "buttons"}


def default_checklist(category: Category) -> tuple[CheckItem, ...]:
    return tuple(
        replace(item, critical=item.key not in NOT_CRITICAL_BY_DEFAULT)
        for item in CHECKLISTS[category]
    )


def checklist(category: Category) -> tuple[CheckItem, ...]:
    """The category's items, each critical or not as the coordinator set it (one query)."""
    from refurb.inventory.models import ChecklistRule

    rules = dict(
        db.session.execute(
            select(ChecklistRule.item_key, ChecklistRule.critical).where(
                ChecklistRule.category == category
            )
        ).all()
    )
    return tuple(
        replace(item, critical=rules.get(item.key, item.critical))
        for item in default_checklist(category)
    )


def critical_keys_of(items) -> str:
    """What a form shows of a category's rules, sent back with it: the blocking items' keys."""
    return " ".join(sorted(item.key for item in items if item.critical))


def set_critical(
    actor, category: Category, critical_keys: set[str], shown: str | None = None
) -> list[str]:
    """Record which items of the category block reuse; returns the keys that changed.
    `shown`: the rules the form showed (critical_keys_of); if someone changed them since, the
    choice is refused, not laid over theirs."""
    from refurb.inventory.models import ChecklistRule

    items = checklist(category)
    if shown is not None and shown != critical_keys_of(items):
        raise DomainError(
            "stale_rules",
            _(
                "Ces points ont été modifiés par quelqu'un d'autre pendant que vous les régliez : "
                "voici les réglages actuels. Refaites votre choix, puis enregistrez."
            ),
            details={"shown": "stale"},
        )
    changed = []
    for item in items:
        wanted = item.key in critical_keys
        if wanted == item.critical:
            continue
        changed.append(item.key)
        rule = db.session.get(ChecklistRule, (category, item.key))
        if rule is None:
            rule = ChecklistRule(category=category, item_key=item.key)
            db.session.add(rule)
        rule.critical, rule.updated_at = wanted, utcnow()
        rule.updated_by_id = getattr(actor, "id", None)
    if changed:
        record(
            "checklist",
            0,
            "checklist.rules_changed",
            actor=actor,
            details={"category": category.value, "items": changed},
        )
        db.session.flush()
    return changed
