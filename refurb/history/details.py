"""An event's details as the journal shows them: French names for the keys, French labels,
dates and numbers for the values, the records they name linked to their pages; internal ids
that mean nothing to a reader are left out."""

from collections.abc import Callable
from datetime import date

from flask import url_for
from markupsafe import Markup, escape

from refurb.auth.roles import OrganisationKind, Role
from refurb.history.naming import Named, unnamed
from refurb.i18n import format_date, thousands
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory.checklists import CHECKLISTS
from refurb.inventory.enums import (
    Category,
    DiagnosisOutcome,
    DonorKind,
    ErasureMethod,
    MediumKind,
    RepairBarrier,
    RepairStatus,
)
from refurb.inventory.forms import spec_label
from refurb.inventory.label_sheets import TEMPLATES
from refurb.loans.enums import Criterion
from refurb.maintenance.enums import IncidentImpact, IncidentSource, SiteKind
from refurb.reports.targets import is_share

# The names of the fields an edit lists, beyond a device's (the specifications form's labels).
FIELD_LABELS = {
    "name": _l("Nom"),
    "kind": _l("Type"),
    "category": _l("Type d'appareil"),
    "commune_code": _l("Commune"),
    "address": _l("Adresse"),
    "email": _l("E-mail"),
    "phone": _l("Téléphone"),
    "organisation_id": _l("Organisation"),
    "host_organisation_id": _l("Organisation d'accueil"),
    "contact_name": _l("Nom du contact"),
    "contact_phone": _l("Téléphone du contact"),
    "contact_email": _l("E-mail du contact"),
    "opening_hours": _l("Horaires"),
    "weekly_attendance": _l("Fréquentation par semaine"),
    "attendance_assessed_on": _l("Date de l'estimation de fréquentation"),
    "size": _l("Personnes au foyer"),
    "criterion": _l("Critère d'éligibilité"),
    "criterion_note": _l("Précision sur le critère"),
    "verified_on": _l("Critère vérifié le"),
    "referring_organisation": _l("Orienté par"),
    "consent_on": _l("Consentement recueilli le"),
    "notes": _l("Notes"),
    "serial": _l("Numéro de série"),
    "size_gb": _l("Capacité (Go)"),
}

# What a subject's `kind` detail is, per subject type.
KINDS = {
    "organisation": OrganisationKind,
    "donor": DonorKind,
    "site": SiteKind,
    "device": MediumKind,
}
PURPOSES = {"loan": _l("un prêt"), "site": _l("un lieu ou le parc tournant")}
CHANNELS = {"email": _l("courriel envoyé"), "call": _l("appel à passer")}
STEPS = {"due_soon": _l("avant l'échéance"), "overdue": _l("retard")}
CHECK_LABELS = {item.key: item.label for items in CHECKLISTS.values() for item in items}


def _labelled(kind, value) -> str:
    try:
        return kind(value).label
    except ValueError:
        return str(value)


def _field(name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    try:
        return str(spec_label(name))
    except AttributeError:
        return name


def _listed(values, one: Callable = str) -> str:
    values = values if isinstance(values, list | tuple) else [values]
    return ", ".join(one(v) for v in values) if values else _("aucun")


def _yes_no(value) -> str:
    return _("oui") if value else _("non")


def _number(value) -> str:
    return thousands(value) if isinstance(value, int | float) else str(value)


def _day(value) -> str:
    try:
        return format_date(date.fromisoformat(str(value)), "short")
    except ValueError:
        return str(value)


def _reason(value) -> str:
    if value == "request":
        return _("à la demande du foyer")
    if str(value).startswith("retention "):
        months = str(value).split()[1]
        return _("durée de conservation écoulée (%(n)s mois)", n=months)
    return str(value)


def _flags(value) -> str:
    if not isinstance(value, dict):
        return str(value)
    return "; ".join(
        _(
            "%(field)s : %(before)s → %(after)s",
            field=_field(name),
            before=_yes_no(change[0]),
            after=_yes_no(change[1]),
        )
        for name, change in value.items()
        if isinstance(change, list) and len(change) == 2
    )


# key → (its name, how its value reads: value, event, named records → text or Markup).
Shown = Callable[[object, object, dict], str | Markup]


def _plain(show: Callable[[object], str]) -> Shown:
    return lambda value, event, named: show(value)


def _record(kind: str) -> Shown:
    def show(value, event, named):
        return (named.get((kind, value)) or unnamed(value)).html()

    return show


def _device(value, event, named):
    return Named(str(value), url_for("inventory.device", tag=str(value))).html()


def _kind(value, event, named):
    kind = KINDS.get(event.subject_type)
    if event.action == "device.snapshot_uploaded" or kind is None:
        return str(value)
    return _labelled(kind, value)


def _plan(value, event, named):
    return (named.get(("plan_key", value)) or Named(str(value))).html()


def _diagnosis(value, event, named):
    device = named.get(("device", event.subject_id))
    if device is None:
        return _("n° %(id)s", id=value)
    url = url_for("inventory.diagnosis", tag=device.text, diagnosis_id=value)
    return Markup('<a href="{}">{}</a>').format(url, _("voir le test"))


def _target(value, event, named):
    key = (event.details or {}).get("key", "")
    if is_share(key) and isinstance(value, int | float):
        return _("%(n)s %%", n=thousands(round(value * 100, 1)))
    return _number(value)


KEYS: dict[str, tuple[object, Shown]] = {
    "criterion": (_l("Critère d'éligibilité"), _plain(lambda v: _labelled(Criterion, v))),
    "changed": (_l("Champs modifiés"), _plain(lambda v: _listed(v, _field))),
    "category": (_l("Type d'appareil"), _plain(lambda v: _labelled(Category, v))),
    "device": (_l("Appareil"), _device),
    "due_on": (_l("À rendre le"), _plain(_day)),
    "renewals": (_l("Prolongations"), _plain(_number)),
    "missing": (_l("Accessoires manquants"), _plain(_listed)),
    "reason": (_l("Motif"), _plain(_reason)),
    "channel": (_l("Rappel"), _plain(lambda v: str(CHANNELS.get(v, v)))),
    "step": (_l("Rappel"), _plain(lambda v: str(STEPS.get(v, v)))),
    "role": (_l("Rôle"), _plain(lambda v: _labelled(Role, v))),
    "kind": (_l("Type"), _kind),
    "token_id": (_l("Jeton d'accès"), _plain(lambda v: _("n° %(id)s", id=v))),
    "devices": (_l("Appareils"), _plain(_number)),
    "total_weight_kg": (_l("Poids total"), _plain(lambda v: _("%(n)s kg", n=_number(v)))),
    "diagnosis_id": (_l("Test fonctionnel"), _diagnosis),
    "outcome": (_l("Issue"), _plain(lambda v: _labelled(DiagnosisOutcome, v))),
    "failed": (_l("Points en défaut"), _plain(lambda v: _listed(v, _check))),
    "items": (_l("Points"), _plain(lambda v: _listed(v, _check))),
    "serial": (_l("Numéro de série du support"), _plain(str)),
    "method": (_l("Méthode"), _plain(lambda v: _labelled(ErasureMethod, v))),
    "verified": (_l("Vérifié"), _plain(_yes_no)),
    "certificate": (_l("Certificat"), _plain(str)),
    "status": (_l("Résultat"), _plain(lambda v: _labelled(RepairStatus, v))),
    "barrier": (_l("Obstacle à la réparation"), _plain(lambda v: _labelled(RepairBarrier, v))),
    "flags": (_l("Changements"), _plain(_flags)),
    "filled": (_l("Caractéristiques remplies"), _plain(lambda v: _listed(v, _field))),
    "media_added": (_l("Supports ajoutés"), _plain(lambda v: _number(_count(v)))),
    "media_updated": (_l("Supports mis à jour"), _plain(lambda v: _number(_count(v)))),
    "media_removed": (_l("Supports retirés"), _plain(lambda v: _number(_count(v)))),
    "template": (_l("Planche"), _plain(lambda v: TEMPLATES[v].name if v in TEMPLATES else str(v))),
    "count": (_l("Nombre"), _plain(_number)),
    "batch": (_l("Lot"), _plain(str)),
    "purpose": (_l("Réservé pour"), _plain(lambda v: str(PURPOSES.get(v, v)))),
    "site_id": (_l("Lieu"), _record("site")),
    "site": (_l("Lieu"), _record("site")),
    "loan": (_l("Prêt"), _plain(str)),
    "incident": (_l("Incident"), _plain(str)),
    "impact": (_l("Gravité"), _plain(lambda v: _labelled(IncidentImpact, v))),
    "source": (_l("Signalé par"), _plain(lambda v: _labelled(IncidentSource, v))),
    "signed_on": (_l("Signé le"), _plain(_day)),
    "donor_id": (_l("Donateur"), _record("donor")),
    "collection_id": (_l("Collecte"), _record("collection")),
    "plan": (_l("Plan"), _plan),
    "incidents": (_l("Incidents ouverts"), _plain(_number)),
    "version": (_l("Version"), _plain(_number)),
    "target": (_l("Cible"), _target),
}
# Ids that mean nothing to a reader, and what the subject already says.
HIDDEN = {
    "erasure_id",
    "medium_id",
    "repair_id",
    "snapshot_id",
    "partnership_id",
    "request_id",
    "tag",
    "key",
}
# Details that name records: (detail key, subject type of the record).
REFERENCES = {"site_id": "site", "site": "site", "donor_id": "donor", "collection_id": "collection"}


def _count(value) -> int:
    return len(value) if isinstance(value, list | tuple) else value


def _check(key) -> str:
    return str(CHECK_LABELS.get(key, key))


def _generic(value) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list | tuple):
        return _listed([_generic(v) for v in value])
    if isinstance(value, dict):
        return "; ".join(f"{k} : {_generic(v)}" for k, v in value.items())
    return _number(value)


def wanted(event) -> dict[str, set]:
    """The records `event`'s details name, {subject type: ids}, to be named with the page."""
    found: dict[str, set] = {}
    for key, value in (event.details or {}).items():
        if key in REFERENCES and isinstance(value, int):
            found.setdefault(REFERENCES[key], set()).add(value)
        elif key == "plan" and isinstance(value, str):
            found.setdefault("plan_key", set()).add(value)
    if "diagnosis_id" in (event.details or {}) and event.subject_type == "device":
        found.setdefault("device", set()).add(event.subject_id)
    return found


def readable(event, named: dict) -> list[tuple[str, str | Markup]]:
    """(French name, value as read) for each detail of `event` worth reading."""
    lines = []
    for key, value in (event.details or {}).items():
        if key in HIDDEN or value is None or value == "":
            continue
        if key in KEYS:
            name, show = KEYS[key]
            lines.append((str(name), show(value, event, named)))
        else:
            lines.append((key, escape(_generic(value))))
    return lines
