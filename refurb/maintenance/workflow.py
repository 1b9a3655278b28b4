"""The visit and incident workflows of DESIGN §5, in the shape of the device lifecycle: a table
of transitions, `refusal()` with a machine code, `available_actions()` for the pages, and
`require()`/`move()` for the services."""

from dataclasses import dataclass
from enum import StrEnum

from refurb.errors import DomainError
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.maintenance.enums import IncidentStatus, VisitStatus

I = IncidentStatus  # noqa: E741


class MaintenanceRefused(DomainError):
    """A rule of the maintenance refused the operation (409)."""


class IncidentAction(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    REJECT = "reject"


@dataclass(frozen=True)
class Step:
    sources: frozenset
    target: object
    label: object
    note_required: bool = False


INCIDENT_STEPS: dict[IncidentAction, Step] = {
    IncidentAction.ACKNOWLEDGE: Step(frozenset({I.OPEN}), I.ACKNOWLEDGED, _l("Prendre en charge")),
    IncidentAction.RESOLVE: Step(
        frozenset({I.OPEN, I.ACKNOWLEDGED}), I.RESOLVED, _l("Marquer résolu"), note_required=True
    ),
    IncidentAction.REJECT: Step(
        frozenset({I.OPEN, I.ACKNOWLEDGED}),
        I.REJECTED,
        _l("Écarter (doublon, signalement abusif)"),
        note_required=True,
    ),
}


def incident_refusal(incident, action: IncidentAction, note: str = "", *, check_inputs=True):
    step = INCIDENT_STEPS[action]
    if incident.status not in step.sources:
        return MaintenanceRefused(
            "invalid_incident_state",
            _(
                "Action impossible : « %(action)s » ne s'applique pas à un incident "
                "« %(status)s ».",
                action=step.label,
                status=incident.status.label,
            ),
            details={"status": incident.status.value},
        )
    if check_inputs and step.note_required and not note.strip():
        return MaintenanceRefused(
            "note_required",
            _("Dites en une phrase pourquoi le signalement est écarté (doublon, erreur…).")
            if action == IncidentAction.REJECT
            else _("Dites en une phrase ce qui a été fait."),
            details={"note": "required"},
        )
    return None


def incident_actions(incident) -> list[IncidentAction]:
    """What the incident's page offers (the person's right to act is checked by the scoping)."""
    return [a for a in INCIDENT_STEPS if incident_refusal(incident, a, check_inputs=False) is None]


def require_incident_step(incident, action: IncidentAction, note: str = "") -> None:
    blocked = incident_refusal(incident, action, note)
    if blocked is not None:
        raise blocked


class VisitAction(StrEnum):
    RECORD = "record"  # a PC's results
    COMPLETE = "complete"
    CANCEL = "cancel"


VISIT_STEPS: dict[VisitAction, Step] = {
    VisitAction.RECORD: Step(
        frozenset({VisitStatus.IN_PROGRESS}), VisitStatus.IN_PROGRESS, _l("Enregistrer ce PC")
    ),
    VisitAction.COMPLETE: Step(
        frozenset({VisitStatus.IN_PROGRESS}), VisitStatus.COMPLETED, _l("Terminer la visite")
    ),
    VisitAction.CANCEL: Step(
        frozenset({VisitStatus.IN_PROGRESS}), VisitStatus.CANCELLED, _l("Abandonner la visite")
    ),
}


def require_visit_step(visit, action: VisitAction) -> None:
    step = VISIT_STEPS[action]
    if visit.status not in step.sources:
        raise MaintenanceRefused(
            "visit_closed",
            _(
                "Cette visite est « %(status)s » : elle ne se modifie plus.",
                status=visit.status.label,
            ),
            details={"status": visit.status.value},
        )


def visit_actions(visit) -> list[VisitAction]:
    return [a for a, step in VISIT_STEPS.items() if visit.status in step.sources]
