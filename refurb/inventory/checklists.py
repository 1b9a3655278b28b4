"""The functional-test checklist of each category (décret 2022-190: every function tested)."""

from dataclasses import dataclass

from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Category


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: object


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


def checklist(category: Category) -> tuple[CheckItem, ...]:
    return CHECKLISTS[category]
