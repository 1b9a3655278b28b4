"""The incident and visit workflows, every action from every status: allowed, or refused with
its code, its whole French sentence and its details; what each page offers."""

from types import SimpleNamespace

import pytest

from refurb.maintenance.enums import IncidentStatus as I  # noqa: N814
from refurb.maintenance.enums import VisitStatus as V  # noqa: N814
from refurb.maintenance.workflow import (
    IncidentAction,
    MaintenanceRefused,
    VisitAction,
    incident_actions,
    incident_refusal,
    require_incident_step,
    require_visit_step,
    visit_actions,
)

ALLOWED = {
    (IncidentAction.ACKNOWLEDGE, I.OPEN),
    (IncidentAction.RESOLVE, I.OPEN),
    (IncidentAction.RESOLVE, I.ACKNOWLEDGED),
    (IncidentAction.REJECT, I.OPEN),
    (IncidentAction.REJECT, I.ACKNOWLEDGED),
}
LABELS = {
    IncidentAction.ACKNOWLEDGE: "Prendre en charge",
    IncidentAction.RESOLVE: "Marquer résolu",
    IncidentAction.REJECT: "Écarter (doublon, signalement abusif)",
}
STATUS_LABELS = {
    I.OPEN: "Signalé",
    I.ACKNOWLEDGED: "Pris en charge",
    I.RESOLVED: "Résolu",
    I.REJECTED: "Écarté",
}


def plain(text: str) -> str:
    return text.replace("\u202f", " ")


@pytest.fixture(autouse=True)
def french(app):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield


@pytest.mark.parametrize("status", list(I))
@pytest.mark.parametrize("action", list(IncidentAction))
def test_each_incident_action_from_each_status(action, status):
    incident = SimpleNamespace(status=status)
    refused = incident_refusal(incident, action, "fait")
    if (action, status) in ALLOWED:
        assert refused is None
        require_incident_step(incident, action, "fait")
        return
    assert isinstance(refused, MaintenanceRefused)
    assert (refused.code, plain(refused.message), refused.details, refused.status) == (
        "invalid_incident_state",
        f"Action impossible : « {LABELS[action]} » ne s'applique pas à un incident "
        f"« {STATUS_LABELS[status]} ».",
        {"status": status.value},
        409,
    )
    with pytest.raises(MaintenanceRefused):
        require_incident_step(incident, action, "fait")


@pytest.mark.parametrize(
    ("action", "asked"),
    [
        (IncidentAction.RESOLVE, "Dites en une phrase ce qui a été fait."),
        (
            IncidentAction.REJECT,
            "Dites en une phrase pourquoi le signalement est écarté (doublon, erreur…).",
        ),
    ],
)
def test_closing_an_incident_says_what_was_done_or_why_it_is_set_aside(action, asked):
    incident = SimpleNamespace(status=I.ACKNOWLEDGED)
    refused = incident_refusal(incident, action, "  ")
    assert (refused.code, plain(refused.message), refused.details) == (
        "note_required",
        asked,
        {"note": "required"},
    )
    with pytest.raises(MaintenanceRefused):
        require_incident_step(incident, action)
    assert incident_refusal(incident, action).code == "note_required"  # no note given at all
    # offered on the page all the same: the note is asked there
    assert incident_refusal(incident, action, check_inputs=False) is None


def test_taking_an_incident_in_charge_needs_no_note():
    assert incident_refusal(SimpleNamespace(status=I.OPEN), IncidentAction.ACKNOWLEDGE) is None


@pytest.mark.parametrize(
    "status, offered",
    [
        (I.OPEN, [IncidentAction.ACKNOWLEDGE, IncidentAction.RESOLVE, IncidentAction.REJECT]),
        (I.ACKNOWLEDGED, [IncidentAction.RESOLVE, IncidentAction.REJECT]),
        (I.RESOLVED, []),
        (I.REJECTED, []),
    ],
)
def test_what_an_incident_page_offers(status, offered):
    assert incident_actions(SimpleNamespace(status=status)) == offered


@pytest.mark.parametrize("action", list(VisitAction))
def test_a_visit_in_progress_takes_every_step(action):
    visit = SimpleNamespace(status=V.IN_PROGRESS)
    require_visit_step(visit, action)
    assert visit_actions(visit) == [VisitAction.RECORD, VisitAction.COMPLETE, VisitAction.CANCEL]


@pytest.mark.parametrize("status, label", [(V.COMPLETED, "Terminée"), (V.CANCELLED, "Annulée")])
@pytest.mark.parametrize("action", list(VisitAction))
def test_a_closed_visit_changes_no_more(action, status, label):
    visit = SimpleNamespace(status=status)
    with pytest.raises(MaintenanceRefused) as refused:
        require_visit_step(visit, action)
    assert (refused.value.code, plain(refused.value.message), refused.value.details) == (
        "visit_closed",
        f"Cette visite est « {label} » : elle ne se modifie plus.",
        {"status": status.value},
    )
    assert visit_actions(visit) == []
