"""The device lifecycle of DESIGN §3: states, actions, guards, in one place.

`refusal(device, action, …)` says why an action cannot happen (a Refusal with a machine code
and a French message) or returns None; `perform(…)` applies an allowed action and writes the
event. Pages, the API, the loans and the recycling batches all go through `perform`, so a rule
is written once. A refused action changes nothing.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from refurb.auth.roles import Role
from refurb.db_types import utcnow
from refurb.errors import check_version
from refurb.extensions import db
from refurb.history.services import record
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.inventory import holders
from refurb.inventory.context import Context, Refusal, Via
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.inventory.readiness import latest_diagnosis, media_not_erased

S = State


class Action(StrEnum):
    START_DIAGNOSIS = "start_diagnosis"
    SEND_TO_REPAIR = "send_to_repair"
    MARK_READY = "mark_ready"
    RESERVE = "reserve"
    RELEASE = "release"
    LEND = "lend"
    RETURN = "return"
    GIVE = "give"
    DEPLOY = "deploy"
    WITHDRAW = "withdraw"
    DISMANTLE = "dismantle"
    RECYCLE = "recycle"
    DECLARE_LOST = "declare_lost"


WORKSHOP = frozenset({Role.TECHNICIAN})
FIELD = frozenset({Role.TECHNICIAN, Role.MAINTAINER})


@dataclass(frozen=True)
class Transition:
    sources: frozenset[State]
    target: State
    label: object
    roles: frozenset[Role]  # besides the coordinator, who may do everything
    via: frozenset[Via] = field(default_factory=frozenset)  # required procedure, if any
    direct_sources: frozenset[State] | None = None  # sources allowed without the procedure


TRANSITIONS: dict[Action, Transition] = {
    Action.START_DIAGNOSIS: Transition(
        frozenset({S.RECEIVED}), S.DIAGNOSIS, _l("Commencer le diagnostic"), WORKSHOP
    ),
    Action.SEND_TO_REPAIR: Transition(
        frozenset({S.DIAGNOSIS}), S.REPAIR, _l("Envoyer en réparation"), WORKSHOP
    ),
    Action.MARK_READY: Transition(
        frozenset({S.DIAGNOSIS, S.REPAIR}), S.READY, _l("Déclarer prêt au réemploi"), WORKSHOP
    ),
    Action.RESERVE: Transition(
        frozenset({S.READY}), S.RESERVED, _l("Réserver"), FIELD | {Role.LENDER}
    ),
    Action.RELEASE: Transition(
        frozenset({S.RESERVED}), S.READY, _l("Lever la réservation"), FIELD | {Role.LENDER}
    ),
    Action.LEND: Transition(
        frozenset({S.READY, S.RESERVED}),
        S.ON_LOAN,
        _l("Prêter"),
        frozenset({Role.LENDER}),
        via=frozenset({Via.LOAN}),
    ),
    Action.RETURN: Transition(
        frozenset({S.ON_LOAN}),
        S.DIAGNOSIS,
        _l("Retour de prêt"),
        frozenset({Role.LENDER}),
        via=frozenset({Via.LOAN}),
    ),
    Action.GIVE: Transition(
        frozenset({S.READY, S.RESERVED, S.ON_LOAN}),
        S.GIVEN,
        _l("Donner"),
        WORKSHOP | {Role.LENDER},
        via=frozenset({Via.LOAN}),
        direct_sources=frozenset({S.READY, S.RESERVED}),
    ),
    Action.DEPLOY: Transition(
        frozenset({S.READY, S.RESERVED}), S.DEPLOYED, _l("Mettre en service"), FIELD
    ),
    Action.WITHDRAW: Transition(
        frozenset({S.DEPLOYED}), S.DIAGNOSIS, _l("Retirer du service"), FIELD
    ),
    Action.DISMANTLE: Transition(
        frozenset({S.DIAGNOSIS, S.REPAIR}), S.PARTS, _l("Démonter pour pièces"), WORKSHOP
    ),
    Action.RECYCLE: Transition(
        frozenset({S.RECEIVED, S.DIAGNOSIS, S.REPAIR, S.PARTS}),
        S.RECYCLED,
        _l("Recycler"),
        WORKSHOP,
        via=frozenset({Via.RECYCLING_BATCH}),
    ),
    Action.DECLARE_LOST: Transition(
        frozenset({S.READY, S.RESERVED, S.ON_LOAN, S.DEPLOYED}),
        S.LOST,
        _l("Déclarer perdu"),
        FIELD | {Role.LENDER},
    ),
}

# Actions that start a new refurbishing cycle: the device must be tested and erased again.
NEW_CYCLE = {Action.RETURN, Action.WITHDRAW}
RESERVATION_PURPOSES = ("loan", "site")  # a site includes the rotation pool (a site too)


def _role_allowed(actor, transition: Transition) -> bool:
    return actor is None or actor.has_role(*transition.roles)


def _storage_refusal(device: Device) -> Refusal | None:
    if not device.active_media:
        # Media recorded then destroyed or taken out count as accounted for.
        if device.category.holds_data and not device.storage_absent and not device.media:
            return Refusal(
                "storage_unknown",
                _(
                    "Aucun support de stockage n'est enregistré pour cet appareil : ajoutez ses "
                    "disques ou sa mémoire (ou indiquez qu'il n'en a pas), puis effacez-les."
                ),
            )
        return None
    pending = media_not_erased(device)
    if pending:
        names = ", ".join(m.serial or m.kind.label for m in pending)
        return Refusal(
            "erasure_required",
            _(
                "Effacement manquant : chaque support de stockage doit être effacé et vérifié "
                "depuis la dernière remise en état (%(media)s).",
                media=names,
            ),
            details={"media": [m.id for m in pending]},
        )
    return None


def _guard_mark_ready(device: Device, context: Context) -> Refusal | None:
    diagnosis = latest_diagnosis(device)
    if diagnosis is None or diagnosis.performed_at < device.cycle_started_at:
        return Refusal(
            "functional_test_required",
            _("Aucun test fonctionnel n'a été enregistré depuis la dernière remise en état."),
        )
    if not diagnosis.is_passed:
        return Refusal(
            "functional_test_failed",
            _(
                "Le dernier test fonctionnel n'est pas réussi : refaites le diagnostic une fois "
                "l'appareil réparé (aucun point bloquant en défaut, issue « prêt après "
                "effacement »)."
            ),
            details={"failed_items": diagnosis.blocking_faults},
        )
    refusal = _storage_refusal(device)
    if refusal:
        return refusal
    if device.grade is None:
        return Refusal(
            "grade_required", _("Indiquez l'état esthétique (A, B ou C) avant de déclarer prêt.")
        )
    return None


def _guard_reserve(device: Device, context: Context) -> Refusal | None:
    purpose = context.details.get("purpose")
    if purpose not in RESERVATION_PURPOSES:
        return Refusal(
            "purpose_required",
            _("Précisez pour qui l'appareil est réservé : un prêt, ou un lieu (ou le parc)."),
        )
    if purpose == "loan" and context.via != Via.LOAN:
        return Refusal(
            "loan_required", _("Une réservation pour un prêt se fait depuis la fiche du prêt.")
        )
    if purpose == "site":
        site = holders.site_named(context)
        if site is None:
            return Refusal(
                "site_required",
                _("Choisissez le lieu pour lequel l'appareil est réservé."),
                details={"site_id": "required"},
            )
        return holders.site_refusal(context.actor, site)
    return None


def _guard_give(device: Device, context: Context) -> Refusal | None:
    if context.via is None and not context.note.strip():
        return Refusal(
            "recipient_required",
            _("Indiquez à qui l'appareil est donné (dans la note)."),
            details={"note": "required"},
        )
    return None


def _guard_deploy(device: Device, context: Context) -> Refusal | None:
    site = holders.site_named(context)
    if site is None:
        return Refusal(
            "site_required",
            _("Choisissez le lieu où l'appareil est mis en service (ou le parc tournant)."),
            details={"site_id": "required"},
        )
    return holders.site_refusal(context.actor, site)


def _guard_recycle(device: Device, context: Context) -> Refusal | None:
    return _storage_refusal(device)


def _guard_note(device: Device, context: Context) -> Refusal | None:
    if not context.note.strip():
        return Refusal(
            "note_required",
            _("Expliquez ce qui s'est passé dans la note."),
            details={"note": "required"},
        )
    return None


# Guards that only check what the person supplies with the action (a purpose, a place, a
# note): the action's form asks for it, so they do not block offering the action.
INPUT_GUARDS = {Action.RESERVE, Action.GIVE, Action.DEPLOY, Action.DECLARE_LOST}

GUARDS = {
    Action.MARK_READY: _guard_mark_ready,
    Action.RESERVE: _guard_reserve,
    Action.GIVE: _guard_give,
    Action.DEPLOY: _guard_deploy,
    Action.RECYCLE: _guard_recycle,
    Action.DECLARE_LOST: _guard_note,
}


def _role_refusal(transition: Transition) -> Refusal:
    return Refusal(
        "role_not_allowed",
        _("Votre rôle ne permet pas l'action « %(action)s ».", action=transition.label),
        status=403,
    )


def refusal(
    device: Device, action: Action, context: Context | None = None, *, check_inputs: bool = True
) -> Refusal | None:
    """Why `action` cannot be performed on `device` now, or None when it can."""
    context = context or Context()
    transition = TRANSITIONS[action]
    if device.state not in transition.sources:
        return Refusal(
            "invalid_state",
            _(
                "Action impossible : « %(action)s » ne s'applique pas à un appareil à l'état "
                "« %(state)s ».",
                action=transition.label,
                state=device.state.label,
            ),
            details={"state": device.state.value},
        )
    if not _role_allowed(context.actor, transition):
        return _role_refusal(transition)
    if transition.via and context.via not in transition.via:
        direct = transition.direct_sources
        if direct is None or device.state not in direct:
            if Via.LOAN in transition.via:
                return Refusal("loan_required", _("Cette action se fait depuis la fiche du prêt."))
            return Refusal(
                "recycling_batch_required",
                _("Le recyclage se fait en ajoutant l'appareil à un lot remis à un recycleur."),
            )
    return holders.holder_refusal(device, context) or _guard_refusal(
        device, action, context, check_inputs
    )


def _guard_refusal(device: Device, action: Action, context: Context, check_inputs: bool):
    guard = GUARDS.get(action)
    if guard is None or (not check_inputs and action in INPUT_GUARDS):
        return None
    return guard(device, context)


def available_actions(device: Device, actor) -> list[tuple[Action, Refusal | None]]:
    """Actions offered to `actor` for the device's state, each with what blocks it (if anything).

    Actions that only another procedure (a loan, a recycling batch) performs are left out.
    """
    offered = []
    context = Context(actor=actor)
    held = None
    for action, transition in TRANSITIONS.items():
        if device.state not in transition.sources or not _role_allowed(actor, transition):
            continue
        if transition.via and not (
            transition.direct_sources and device.state in transition.direct_sources
        ):
            continue
        # What refusal() checks before the holder is settled by the two tests above, and who
        # holds the device is the same for every action: asked once, not once per action.
        if not offered:
            held = holders.holder_refusal(device, context)
        offered.append(
            (action, held or _guard_refusal(device, action, context, check_inputs=False))
        )
    return offered


def act_on(
    device: Device,
    action: Action,
    actor,
    version,
    note: str = "",
    *,
    purpose: str | None = None,
    site_id: int | None = None,
) -> None:
    """A person's action on a device, from its page or the API: refused if the device changed
    since the version they saw, then performed like any other (`perform`). A role that may
    may not do the action is told so first, whatever the version."""
    transition = TRANSITIONS[action]
    if device.state in transition.sources and not _role_allowed(actor, transition):
        raise _role_refusal(transition)
    check_version(device, version)
    details: dict = {}
    if action == Action.RESERVE:
        details = {"purpose": purpose, "site_id": site_id if purpose == "site" else None}
    elif action == Action.DEPLOY:  # to the site it was reserved for, unless another is named
        details = {"site_id": site_id or device.site_id}
    perform(device, action, Context(actor=actor, note=note or "", details=details))


def perform(device: Device, action: Action, context: Context) -> None:
    """Apply `action` to the device and write its event, or raise the Refusal."""
    blocked = refusal(device, action, context)
    if blocked is not None:
        raise blocked
    transition = TRANSITIONS[action]
    previous = device.state
    now = utcnow()
    device.state = transition.target
    device.state_changed_at = now
    if action in NEW_CYCLE:
        device.cycle_started_at = now
    if action == Action.MARK_READY and device.first_ready_at is None:
        device.first_ready_at = now
    site = holders.site_named(context) if action in (Action.RESERVE, Action.DEPLOY) else None
    if transition.target in (S.RESERVED, S.DEPLOYED):
        # Reserved for a site, or in service there: the site (its host holds the device).
        device.site_id = site.id if site is not None else None
        device.holder_organisation_id = site.host_organisation_id if site is not None else None
    else:
        device.site_id = None
        device.holder_organisation_id = None
    record(
        "device",
        device.id,
        f"device.{action.value}",
        actor=context.actor,
        from_state=previous.value,
        to_state=transition.target.value,
        note=context.note.strip() or None,
        details={k: v for k, v in context.details.items() if v not in (None, "")},
    )
    db.session.flush()
