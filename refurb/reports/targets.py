"""The roadmap's targets (DESIGN §1), seeded by `refurb init` and edited by the coordinator;
each edit is kept, so the target of any past date is known."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from refurb.errors import InvalidInput, StaleVersion
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.reports.models import IndicatorTarget
from refurb.reports.timeline import before_end_of


@dataclass(frozen=True)
class Definition:
    key: str
    label: object
    target: float
    deadline: date | None  # None: yearly
    cumulative: bool  # a count that grows (forecast), or a state (0/1, a share, at D)


DEFINITIONS = [
    Definition("collected", _l("Matériel numérique récupéré"), 400, date(2027, 12, 31), True),
    Definition(
        "made_ready", _l("Matériel disponible pour réemploi"), 250, date(2027, 12, 31), True
    ),
    Definition("loan_system", _l("Système de prêt créé"), 1, date(2025, 6, 30), False),
    Definition(
        "maintenance_scheme", _l("Dispositif de maintenance en place"), 1, date(2025, 6, 30), False
    ),
    Definition(
        "donor_partnerships",
        _l("Partenariats signés avec des donateurs (dans l'année)"),
        5,
        None,
        True,
    ),
    Definition(
        "simplified_devices", _l("Appareils simplifiés acquis"), 10, date(2026, 3, 31), True
    ),
    Definition(
        "simplified_sites", _l("Lieux équipés d'appareils simplifiés"), 10, date(2026, 3, 31), False
    ),
    Definition(
        "rotation_pool",
        _l("Appareils simplifiés en rotation entre médiateurs"),
        5,
        date(2026, 3, 31),
        False,
    ),
    Definition(
        "free_software_share",
        _l("Part du parc public équipée de logiciels libres"),
        1,
        date(2027, 12, 31),
        False,
    ),
    Definition(
        "dys_software_share",
        _l("Part du parc public équipée d'outils pour les dys"),
        1,
        date(2027, 12, 31),
        False,
    ),
]
BY_KEY = {d.key: d for d in DEFINITIONS}
# What each figure counts, as printed at the end of the report.
MEANINGS = {
    "collected": _l("Appareils reçus (enregistrés à la réception) jusqu'à la date incluse."),
    "made_ready": _l(
        "Appareils distincts passés au moins une fois à l'état « prêt » jusqu'à la date : un "
        "appareil prêté trois fois compte une fois, un appareil recyclé ensuite reste compté."
    ),
    "loan_system": _l("1 à partir de la remise du premier prêt à un foyer, sinon 0."),
    "maintenance_scheme": _l(
        "1 à partir de la première visite terminée selon un plan du protocole départemental."
    ),
    "donor_partnerships": _l(
        "Partenariats signés avec des donateurs dans l'année civile de la date, jusqu'à elle."
    ),
    "simplified_devices": _l("Appareils marqués « simplifié » reçus jusqu'à la date."),
    "simplified_sites": _l(
        "Lieux d'accueil (hors parc de rotation) ayant au moins un appareil simplifié en "
        "service à la date."
    ),
    "rotation_pool": _l("Appareils simplifiés en service dans le parc de rotation à la date."),
    "free_software_share": _l(
        "Part des appareils en service dans les lieux à la date qui ont la suite de logiciels "
        "libres ; cible : un tiers de plus par an (un tiers fin 2025, deux tiers fin 2026, "
        "tous fin 2027)."
    ),
    "dys_software_share": _l(
        "La même part pour les logiciels adaptés aux troubles dys, avec les mêmes paliers."
    ),
}
# The software shares rise by a third a year: each year's end reaches this part of the target
# (before 2025, the first step; from 2027, the whole target).
SHARE_STEPS = {2025: 1 / 3, 2026: 2 / 3, 2027: 1.0}


def share_step(year: int) -> float:
    return SHARE_STEPS.get(year, 1 / 3 if year < 2025 else 1.0)


def is_share(key: str) -> bool:
    return key.endswith("_share")


def seed_targets() -> int:
    """Store the roadmap's targets that have none yet; returns how many were stored."""
    known = set(db.session.scalars(select(IndicatorTarget.key).distinct()))
    created = 0
    for definition in DEFINITIONS:
        if definition.key not in known:
            db.session.add(
                IndicatorTarget(
                    key=definition.key,
                    target=definition.target,
                    deadline=definition.deadline,
                    set_at=datetime(2024, 1, 1, tzinfo=UTC),
                )
            )
            created += 1
    db.session.flush()
    return created


def target_on(key: str, day: date) -> IndicatorTarget | None:
    """The target in force at the end of `day` (the latest edit made by then, or the first)."""
    found = db.session.scalar(
        select(IndicatorTarget)
        .where(IndicatorTarget.key == key, before_end_of(IndicatorTarget.set_at, day))
        .order_by(IndicatorTarget.set_at.desc(), IndicatorTarget.id.desc())
        .limit(1)
    )
    return found or db.session.scalar(
        select(IndicatorTarget)
        .where(IndicatorTarget.key == key)
        .order_by(IndicatorTarget.id)
        .limit(1)
    )


def history(key: str) -> list[IndicatorTarget]:
    """Every target set for `key`, the latest first."""
    return list(
        db.session.scalars(
            select(IndicatorTarget)
            .where(IndicatorTarget.key == key)
            .order_by(IndicatorTarget.set_at.desc(), IndicatorTarget.id.desc())
        )
    )


def version_of(key: str) -> int:
    """How many targets were set for `key`: the version an edit is based on."""
    return db.session.scalar(
        select(func.count()).select_from(IndicatorTarget).where(IndicatorTarget.key == key)
    )


def set_target(
    actor, key: str, target: float, deadline: date | None, version=None
) -> IndicatorTarget:
    """A new target for `key` from now on (earlier reports keep theirs). A share's target is
    its part of the park (at most 1), reached by yearly steps; `version` refuses an edit based
    on a target someone has changed since."""
    if key not in BY_KEY:
        raise InvalidInput(
            "unknown_indicator", _("Indicateur inconnu."), details={"key": "unknown"}
        )
    if version is not None and str(version).strip() != str(version_of(key)):
        raise StaleVersion(version_of(key))
    highest = 1 if is_share(key) else 100_000
    if not isinstance(target, int | float) or target != target or not 0 < target <= highest:
        raise InvalidInput(
            "target_out_of_range",
            _("La part visée est entre 1 et 100 %.")
            if is_share(key)
            else _("La cible est un nombre positif (au plus 100 000)."),
            details={"target": "out_of_range"},
        )
    if not is_share(key) and target != int(target):
        raise InvalidInput(
            "target_not_whole",
            _("La cible est un nombre entier."),
            details={"target": "not_whole"},
        )
    if deadline is None and BY_KEY[key].deadline is not None:
        raise InvalidInput(
            "deadline_required",
            _("Indiquez l'échéance de cette cible."),
            details={"deadline": "required"},
        )
    if deadline is not None and not date(2024, 1, 1) <= deadline <= date(2040, 12, 31):
        raise InvalidInput(
            "deadline_out_of_range",
            _("L'échéance est entre 2024 et 2040."),
            details={"deadline": "out_of_range"},
        )
    stored = IndicatorTarget(
        key=key, target=float(target), deadline=deadline, set_by_id=getattr(actor, "id", None)
    )
    db.session.add(stored)
    db.session.flush()
    record(
        "indicator", 0, "indicator.target_set", actor=actor, details={"key": key, "target": target}
    )
    return stored
