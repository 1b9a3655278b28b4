"""The maintenance vocabularies, stored by value, shown with French labels."""

from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import Labelled


class SiteKind(Labelled):
    MAIRIE = "mairie"
    MEDIATHEQUE = "mediatheque"
    FRANCE_SERVICES = "france_services"
    TIERS_LIEU = "tiers_lieu"
    ASSOCIATION = "association"
    EHPAD = "ehpad"
    OTHER = "other"
    ROTATION_POOL = "rotation_pool"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            SiteKind.MAIRIE: _l("Mairie"),
            SiteKind.MEDIATHEQUE: _l("Médiathèque"),
            SiteKind.FRANCE_SERVICES: _l("France Services"),
            SiteKind.TIERS_LIEU: _l("Tiers-lieu"),
            SiteKind.ASSOCIATION: _l("Association"),
            SiteKind.EHPAD: _l("EHPAD"),
            SiteKind.OTHER: _l("Autre lieu"),
            SiteKind.ROTATION_POOL: _l("Parc tournant des médiateurs"),
        }


class ItemKind(Labelled):
    YES_NO = "yes_no"
    NUMBER = "number"
    TEXT = "text"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            ItemKind.YES_NO: _l("Oui / non"),
            ItemKind.NUMBER: _l("Nombre"),
            ItemKind.TEXT: _l("Texte"),
        }


class VisitStatus(Labelled):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            VisitStatus.IN_PROGRESS: _l("En cours"),
            VisitStatus.COMPLETED: _l("Terminée"),
            VisitStatus.CANCELLED: _l("Annulée"),
        }


class IncidentCategory(Labelled):
    HARDWARE = "hardware"
    SOFTWARE = "software"
    NETWORK = "network"
    PERIPHERAL = "peripheral"
    ACCOUNT = "account"
    OTHER = "other"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            IncidentCategory.HARDWARE: _l("L'ordinateur ne s'allume pas ou s'éteint"),
            IncidentCategory.SOFTWARE: _l("Un logiciel ne marche pas"),
            IncidentCategory.NETWORK: _l("Pas d'internet"),
            IncidentCategory.PERIPHERAL: _l("Écran, clavier, souris ou imprimante"),
            IncidentCategory.ACCOUNT: _l("Impossible de se connecter à une session"),
            IncidentCategory.OTHER: _l("Autre problème"),
        }


class IncidentImpact(Labelled):
    BLOCKING = "blocking"
    DEGRADED = "degraded"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            IncidentImpact.BLOCKING: _l("Inutilisable"),
            IncidentImpact.DEGRADED: _l("Utilisable, avec un défaut"),
        }


class IncidentStatus(Labelled):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    REJECTED = "rejected"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            IncidentStatus.OPEN: _l("Signalé"),
            IncidentStatus.ACKNOWLEDGED: _l("Pris en charge"),
            IncidentStatus.RESOLVED: _l("Résolu"),
            IncidentStatus.REJECTED: _l("Écarté"),
        }

    @property
    def is_open(self) -> bool:
        return self in OPEN_INCIDENT


OPEN_INCIDENT = (IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED)  # reported, not closed yet


class IncidentSource(Labelled):
    PUBLIC = "public"
    SITE_STAFF = "site_staff"
    MAINTAINER = "maintainer"
    VISIT = "visit"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            IncidentSource.PUBLIC: _l("Le public (étiquette du PC)"),
            IncidentSource.SITE_STAFF: _l("Le personnel du lieu"),
            IncidentSource.MAINTAINER: _l("Un mainteneur"),
            IncidentSource.VISIT: _l("Une visite (point critique en échec)"),
        }
