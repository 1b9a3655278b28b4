"""The inventory's vocabularies (DESIGN §3), stored by value, shown with French labels."""

import enum
import functools

from refurb.i18n import current_locale, in_french
from refurb.i18n import lazy_gettext as _l


@functools.cache
def _labels(kind: type) -> dict:
    return kind.LABELS()  # lazy strings: built once, translated when shown


@functools.lru_cache(maxsize=1024)
def _label(kind: type, member: "Labelled", _language: str) -> str:
    # The class is part of the key: members of two enums with the same value are equal
    # (State.PARTS == DiagnosisOutcome.PARTS == "parts") but are labelled differently.
    return str(_labels(kind)[member])


class Labelled(enum.StrEnum):
    """A string enum whose members carry a French label in LABELS."""

    @property
    def label(self) -> str:
        """In the reader's language, translated once per language (a list shows hundreds)."""
        return _label(type(self), self, str(current_locale()))

    @property
    def french(self) -> str:
        """In French whatever the reader's language: for documents."""
        return in_french(_labels(type(self))[self])

    @classmethod
    def choices(cls, blank=None):
        options = [(m.value, m.label) for m in cls]
        return [("", blank)] + options if blank else options


class Category(Labelled):
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    TABLET = "tablet"
    SMARTPHONE = "smartphone"
    SCREEN = "screen"
    PRINTER = "printer"
    PERIPHERAL = "peripheral"
    OTHER = "other"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            Category.LAPTOP: _l("Ordinateur portable"),
            Category.DESKTOP: _l("Ordinateur fixe"),
            Category.TABLET: _l("Tablette"),
            Category.SMARTPHONE: _l("Smartphone"),
            Category.SCREEN: _l("Écran"),
            Category.PRINTER: _l("Imprimante"),
            Category.PERIPHERAL: _l("Périphérique"),
            Category.OTHER: _l("Autre"),
        }

    @property
    def holds_data(self) -> bool:
        """Categories that normally carry storage holding previous users' data."""
        return self in (Category.LAPTOP, Category.DESKTOP, Category.TABLET, Category.SMARTPHONE)


# Median weights (kg) used when a device was not weighed at intake.
MEDIAN_WEIGHT_KG = {
    Category.LAPTOP: 2.2,
    Category.DESKTOP: 7.5,
    Category.TABLET: 0.5,
    Category.SMARTPHONE: 0.18,
    Category.SCREEN: 4.5,
    Category.PRINTER: 8.0,
    Category.PERIPHERAL: 0.4,
    Category.OTHER: 1.0,
}


class State(Labelled):
    RECEIVED = "received"
    DIAGNOSIS = "diagnosis"
    REPAIR = "repair"
    READY = "ready"
    RESERVED = "reserved"
    ON_LOAN = "on_loan"
    DEPLOYED = "deployed"
    GIVEN = "given"
    PARTS = "parts"
    RECYCLED = "recycled"
    LOST = "lost"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            State.RECEIVED: _l("Reçu"),
            State.DIAGNOSIS: _l("En diagnostic"),
            State.REPAIR: _l("En réparation"),
            State.READY: _l("Prêt au réemploi"),
            State.RESERVED: _l("Réservé"),
            State.ON_LOAN: _l("Prêté"),
            State.DEPLOYED: _l("En service"),
            State.GIVEN: _l("Donné"),
            State.PARTS: _l("Démonté pour pièces"),
            State.RECYCLED: _l("Recyclé"),
            State.LOST: _l("Perdu"),
        }

    @property
    def is_final(self) -> bool:
        return self in (State.GIVEN, State.RECYCLED, State.LOST)


class Grade(Labelled):
    A = "A"
    B = "B"
    C = "C"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            Grade.A: _l("A — comme neuf"),
            Grade.B: _l("B — traces d'usage légères"),
            Grade.C: _l("C — traces d'usage visibles"),
        }


class DonorKind(Labelled):
    DEPARTEMENT = "departement"
    ENTREPRISE = "entreprise"
    ASSOCIATION = "association"
    COLLECTIVITE = "collectivite"
    PARTICULIER = "particulier"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            DonorKind.DEPARTEMENT: _l("Département"),
            DonorKind.ENTREPRISE: _l("Entreprise"),
            DonorKind.ASSOCIATION: _l("Association"),
            DonorKind.COLLECTIVITE: _l("Collectivité"),
            DonorKind.PARTICULIER: _l("Particulier"),
        }


class DiagnosisOutcome(Labelled):
    READY_AFTER_ERASURE = "ready_after_erasure"
    NEEDS_REPAIR = "needs_repair"
    PARTS = "parts"
    RECYCLE = "recycle"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            DiagnosisOutcome.READY_AFTER_ERASURE: _l("Fonctionnel : prêt après effacement"),
            DiagnosisOutcome.NEEDS_REPAIR: _l("À réparer"),
            DiagnosisOutcome.PARTS: _l("À démonter pour pièces"),
            DiagnosisOutcome.RECYCLE: _l("À recycler"),
        }


class CheckResult(Labelled):
    PASS = "pass"  # noqa: S105 - a checklist answer
    FAIL = "fail"
    NOT_APPLICABLE = "na"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            CheckResult.PASS: _l("OK"),
            CheckResult.FAIL: _l("Défaut"),
            CheckResult.NOT_APPLICABLE: _l("Sans objet"),
        }


class ErasureMethod(Labelled):
    """NIST SP 800-88 rev. 1 sanitisation methods."""

    CLEAR = "clear"
    PURGE = "purge"
    DESTROY = "destroy"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            ErasureMethod.CLEAR: _l("Clear — réécriture complète"),
            ErasureMethod.PURGE: _l("Purge — ATA Secure Erase, NVMe Sanitize ou crypto-effacement"),
            ErasureMethod.DESTROY: _l("Destroy — destruction physique"),
        }


class MediumKind(Labelled):
    HDD = "hdd"
    SSD = "ssd"
    NVME = "nvme"
    EMMC = "emmc"
    FLASH = "flash"
    OTHER = "other"
    UNKNOWN = "unknown"  # a report could not tell: the volunteer chooses

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            MediumKind.HDD: _l("Disque dur (HDD)"),
            MediumKind.SSD: _l("SSD SATA"),
            MediumKind.NVME: _l("SSD NVMe"),
            MediumKind.EMMC: _l("eMMC"),
            MediumKind.FLASH: _l("Mémoire flash (téléphone, tablette)"),
            MediumKind.OTHER: _l("Autre"),
            MediumKind.UNKNOWN: _l("Type à préciser"),
        }


class RepairStatus(Labelled):
    """ORDS 0.3 repair_status values."""

    FIXED = "Fixed"
    REPAIRABLE = "Repairable"
    END_OF_LIFE = "End of life"
    UNKNOWN = "Unknown"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            RepairStatus.FIXED: _l("Réparé"),
            RepairStatus.REPAIRABLE: _l("Réparable (à poursuivre)"),
            RepairStatus.END_OF_LIFE: _l("Fin de vie"),
            RepairStatus.UNKNOWN: _l("Inconnu"),
        }


class RepairBarrier(Labelled):
    """ORDS 0.3 repair_barrier_if_end_of_life values."""

    NO_SPARE_PARTS = "Spare parts not available"
    PARTS_TOO_EXPENSIVE = "Spare parts too expensive"
    CANNOT_OPEN = "No way to open product"
    NO_INFORMATION = "Repair information not available"
    NO_EQUIPMENT = "Lack of equipment"
    TOO_WORN = "Item too worn out"

    @staticmethod
    def LABELS():  # noqa: N802
        return {
            RepairBarrier.NO_SPARE_PARTS: _l("Pièces détachées indisponibles"),
            RepairBarrier.PARTS_TOO_EXPENSIVE: _l("Pièces détachées trop chères"),
            RepairBarrier.CANNOT_OPEN: _l("Impossible d'ouvrir l'appareil"),
            RepairBarrier.NO_INFORMATION: _l("Informations de réparation indisponibles"),
            RepairBarrier.NO_EQUIPMENT: _l("Manque d'équipement"),
            RepairBarrier.TOO_WORN: _l("Appareil trop usé"),
        }
