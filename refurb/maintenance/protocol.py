"""The departmental maintenance protocol as seeded by `refurb init`: a monthly and a quarterly
plan (DESIGN §5). The coordinator edits them afterwards; each edit is a new version."""

from sqlalchemy import select

from refurb.extensions import db
from refurb.i18n import lazy_gettext as _l
from refurb.maintenance.models import Plan, PlanVersion


def item(key, label, kind="yes_no", *, required=True, critical=False, low=None, high=None):
    return {
        "key": key,
        "label": str(label),
        "kind": kind,
        "required": required,
        "critical": critical,
        "min": low,
        "max": high,
    }


def departmental_plans() -> list[dict]:
    return [
        {
            "key": "monthly",
            "name": str(_l("Visite mensuelle")),
            "interval_days": 30,
            "items": [
                item("starts", _l("Le PC démarre et ouvre une session publique"), critical=True),
                item("updates", _l("Mises à jour du système et du navigateur faites")),
                item(
                    "browser_cleared",
                    _l("Navigation et sessions effacées (ou remise à zéro au redémarrage)"),
                    critical=True,
                ),
                item("peripherals", _l("Écran, clavier, souris et casque fonctionnent")),
                item("network", _l("Internet fonctionne"), critical=True),
                item("free_disk_gb", _l("Espace disque libre (Go)"), "number", low=10, high=100000),
                item("cleaning", _l("Nettoyage fait (écran, clavier, souris)")),
                item("free_software", _l("Suite bureautique libre présente")),
                item("dys_software", _l("Outils pour les personnes dys présents")),
                item("remarks", _l("Remarques"), "text", required=False),
            ],
        },
        {
            "key": "quarterly",
            "name": str(_l("Visite trimestrielle")),
            "interval_days": 91,
            "items": [
                item("disk_health", _l("Santé du disque correcte (SMART)"), critical=True),
                item(
                    "battery_percent",
                    _l("Santé de la batterie (%)"),
                    "number",
                    required=False,
                    low=40,
                    high=100,
                ),
                item("label_readable", _l("Étiquette présente et lisible")),
                item("inventory_found", _l("PC retrouvé à sa place (inventaire)")),
                item("remarks", _l("Remarques"), "text", required=False),
            ],
        },
    ]


def seed_plans() -> int:
    """Create the plans of the protocol that do not exist yet; returns how many were created."""
    created = 0
    for plan in departmental_plans():
        if db.session.scalar(select(Plan).where(Plan.key == plan["key"])) is not None:
            continue
        stored = Plan(key=plan["key"], name=plan["name"], interval_days=plan["interval_days"])
        db.session.add(stored)
        db.session.flush()
        db.session.add(PlanVersion(plan_id=stored.id, number=1, items=plan["items"]))
        created += 1
    db.session.flush()
    return created
