"""Editing a plan of the protocol: a new version of its checklist (past visits keep theirs)."""

import re

from refurb.errors import InvalidInput, check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.maintenance.enums import ItemKind
from refurb.maintenance.models import Plan, PlanVersion


def _checked_items(items: list[dict]) -> list[dict]:
    if not items:
        raise InvalidInput(
            "items_required",
            _("Un plan a au moins un point de contrôle."),
            details={"items": "required"},
        )
    checked, keys = [], set()
    for position, item in enumerate(items, start=1):
        label = str(item.get("label") or "").strip()
        if not label or len(label) > 200:
            raise InvalidInput(
                "item_label",
                _("Point %(n)d : un intitulé de 1 à 200 caractères.", n=position),
                details={"items": position},
            )
        key = str(item.get("key") or "").strip() or re.sub(r"\W+", "_", label.lower())[:40]
        if key in keys:
            key = f"{key}_{position}"
        keys.add(key)
        kind = item.get("kind") or ItemKind.YES_NO.value
        if kind not in {k.value for k in ItemKind}:
            raise InvalidInput(
                "item_kind",
                _("Point %(n)d : type inconnu.", n=position),
                details={"items": position},
            )
        low, high = item.get("min"), item.get("max")
        if kind == ItemKind.NUMBER and low is not None and high is not None and low > high:
            raise InvalidInput(
                "item_range",
                _("Point %(n)d : le minimum dépasse le maximum.", n=position),
                details={"items": position},
            )
        checked.append(
            {
                "key": key,
                "label": label,
                "kind": kind,
                "required": bool(item.get("required", True)),
                "critical": bool(item.get("critical", False)),
                "min": low if kind == ItemKind.NUMBER else None,
                "max": high if kind == ItemKind.NUMBER else None,
            }
        )
    return checked


def edit_plan(
    actor, plan: Plan, version, name: str, interval_days: int, items: list[dict]
) -> PlanVersion:
    check_version(plan, version)
    if not name.strip() or len(name) > 120:
        raise InvalidInput(
            "name_required", _("Le nom du plan est obligatoire."), details={"name": "required"}
        )
    if not isinstance(interval_days, int) or not 1 <= interval_days <= 730:
        raise InvalidInput(
            "interval_out_of_range",
            _("L'intervalle se compte en jours, de 1 à 730."),
            details={"interval_days": "out_of_range"},
        )
    checked = _checked_items(items)
    plan.name, plan.interval_days = name.strip(), interval_days
    current = plan.current
    if checked != current.items:
        current = PlanVersion(
            plan_id=plan.id,
            number=current.number + 1,
            items=checked,
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(current)
        plan.versions.append(current)
    db.session.add(plan)
    record("plan", plan.id, "plan.edited", actor=actor, details={"version": current.number})
    db.session.flush()
    return current
