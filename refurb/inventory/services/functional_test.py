"""The functional test at the workbench: every point of the category's checklist answered,
its outcome consistent with the blocking points, its texts within bounds."""

from datetime import datetime

from refurb.bounds import InvalidFields, text_problems
from refurb.errors import InvalidInput
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.inventory.checklists import checklist
from refurb.inventory.enums import CheckResult, DiagnosisOutcome
from refurb.inventory.models import Device, Diagnosis
from refurb.inventory.services.workshop import ensure_open, not_in_the_future


def diagnosis_texts(results: dict[str, dict], notes: str) -> dict[str, str]:
    """The diagnosis's remarks and item notes refused by the bounds: field → sentence."""
    item_notes = {f"{key}.note": (answer or {}).get("note") for key, answer in results.items()}
    return text_problems(Diagnosis, {"notes": notes}, item_notes)


def checklist_problems(device: Device, results: dict[str, dict], items=None) -> dict[str, str]:
    """The checklist items left unanswered ("required") or unknown to the device's category
    (`items`: its checklist, when already read)."""
    expected = [item.key for item in (items or checklist(device.category))]
    valid = {r.value for r in CheckResult}
    errors = {
        key: "required" for key in expected if (results.get(key) or {}).get("result") not in valid
    }
    errors.update({key: "unknown_item" for key in set(results) - set(expected)})
    return errors


def record_diagnosis(
    device: Device,
    actor,
    results: dict[str, dict],
    outcome: DiagnosisOutcome,
    notes: str = "",
    performed_at: datetime | None = None,
) -> Diagnosis:
    """Record a functional test: every item of the category's checklist answered."""
    ensure_open(device)
    items = checklist(device.category)  # read once: the answers' check and the record
    errors, texts = checklist_problems(device, results, items), diagnosis_texts(results, notes)
    ordered = [
        {
            "key": item.key,
            "result": results[item.key]["result"],
            "note": (results[item.key].get("note") or "").strip(),
            "critical": item.critical,  # as it was when tested, whatever is decided later
        }
        for item in items
        if item.key not in errors
    ]
    if errors:  # every mistake at once: the points unanswered and the texts refused
        refusal = InvalidInput(
            "checklist_incomplete",
            _("Répondez à chaque point du test (OK, défaut ou sans objet)."),
            details={**errors, **texts},
        )
        refusal.messages = texts  # each text's own sentence, beside it on the page
        raise refusal
    if texts:
        raise InvalidFields(texts)
    failed = [r["key"] for r in ordered if r["result"] == CheckResult.FAIL.value]
    blocking = [r["key"] for r in ordered if r["key"] in failed and r["critical"]]
    if blocking and outcome == DiagnosisOutcome.READY_AFTER_ERASURE:
        raise InvalidInput(
            "outcome_contradicts_checklist",
            _(
                "Des points bloquants sont en défaut : l'issue ne peut pas être « prêt après "
                "effacement » (les défauts non bloquants, eux, sont permis et seront signalés)."
            ),
            details={"outcome": "contradicts_checklist", "blocking": blocking},
        )
    diagnosis = Diagnosis(
        device_id=device.id,
        technician_id=getattr(actor, "id", None),
        outcome=outcome,
        results=ordered,
        notes=notes.strip(),
        performed_at=not_in_the_future(performed_at, "performed_at"),
    )
    db.session.add(diagnosis)
    db.session.flush()
    record(
        "device",
        device.id,
        "device.diagnosed",
        actor=actor,
        note=notes.strip() or None,
        details={"diagnosis_id": diagnosis.id, "outcome": outcome.value, "failed": failed},
    )
    return diagnosis
