"""What the device page proposes next: the actions of the moment, the likely one first (after
a passed test, "prêt au réemploi", not "réparation"), each blocked one with a link to the page
that unblocks it. The rules themselves stay in `lifecycle`; this only orders and explains."""

from dataclasses import dataclass

from flask import url_for

from refurb.i18n import lazy_gettext as _l
from refurb.inventory.enums import DiagnosisOutcome, State
from refurb.inventory.lifecycle import TRANSITIONS, Action, Refusal, available_actions
from refurb.inventory.models import Device

# A refusal's code → the page where the technician fixes it, and what to click.
FIXES = {
    "functional_test_required": ("inventory.diagnose", _l("Faire le test fonctionnel")),
    "functional_test_failed": ("inventory.diagnose", _l("Refaire le test fonctionnel")),
    "storage_unknown": ("inventory.erase", _l("Indiquer les supports de stockage")),
    "erasure_required": ("inventory.erase", _l("Enregistrer l'effacement")),
    "grade_required": ("inventory.device_specs", _l("Indiquer l'état esthétique")),
}

# What usually comes next in each situation, most likely first.
AFTER_TEST = {
    DiagnosisOutcome.READY_AFTER_ERASURE: (Action.MARK_READY,),
    DiagnosisOutcome.NEEDS_REPAIR: (Action.SEND_TO_REPAIR,),
    DiagnosisOutcome.PARTS: (Action.DISMANTLE,),
}
BY_STATE = {
    State.RECEIVED: (Action.START_DIAGNOSIS,),
    State.REPAIR: (Action.MARK_READY,),
    State.READY: (Action.RESERVE, Action.DEPLOY),
    State.RESERVED: (Action.DEPLOY, Action.RELEASE),
}
# Actions that end a device's use: offered last, never as the likely one.
LAST = (Action.DISMANTLE, Action.DECLARE_LOST, Action.WITHDRAW)
# What cannot be undone: asked on a confirmation page first.
CANNOT_BE_UNDONE = {
    Action.DECLARE_LOST: _l(
        "L'appareil est déclaré perdu : il sort du stock du programme et ne pourra plus être "
        "prêté ni mis en service. Cette déclaration ne pourra pas être annulée."
    ),
    Action.DISMANTLE: _l(
        "L'appareil est démonté pour pièces : il ne sera plus réparé ni prêté. Ce démontage "
        "ne pourra pas être annulé."
    ),
    Action.GIVE: _l(
        "L'appareil est donné : il sort du programme et appartient désormais à qui le reçoit. "
        "Ce don ne pourra pas être annulé."
    ),
}


@dataclass(frozen=True)
class Step:
    action: Action | None  # None: work on another page (the test), not a change of state
    label: object
    blocked: Refusal | None
    fix_url: str | None = None
    fix_label: object = None
    likely: bool = False


def next_steps(device: Device, actor, diagnosis=None) -> list[Step]:
    """The device's offered actions as steps, ordered for the page. `diagnosis` is the
    device's latest functional test (counted only if made in the current cycle)."""
    offered = available_actions(device, actor)
    preferred = list(BY_STATE.get(device.state, ()))
    tested = diagnosis is not None and diagnosis.performed_at >= device.cycle_started_at
    if device.state == State.DIAGNOSIS and tested:
        preferred = list(AFTER_TEST.get(diagnosis.outcome, ()))
    steps = []
    if device.state == State.DIAGNOSIS and not tested and offered:
        url = url_for("inventory.diagnose", tag=device.tag)  # what comes before any step
        steps.append(Step(None, _l("Faire le test fonctionnel"), None, url, None, True))

    def rank(item):
        action, blocked = item
        if action in preferred:
            return (0, preferred.index(action))
        return (2 if action in LAST else 1, 0 if blocked is None else 1)

    for position, (action, blocked) in enumerate(sorted(offered, key=rank)):
        fix = FIXES.get(blocked.code) if blocked is not None else None
        # Only what the situation calls for is pushed: when it is blocked, its fix is.
        likely = position == 0 and action in preferred and not steps
        steps.append(
            Step(
                action,
                TRANSITIONS[action].label,
                blocked,
                url_for(fix[0], tag=device.tag) if fix else None,
                fix[1] if fix else None,
                likely,
            )
        )
    return steps
