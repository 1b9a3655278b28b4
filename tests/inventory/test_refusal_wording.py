"""What a person reads when the lifecycle refuses: each rule's code, its whole French
sentence, its details and its status, as the page and the API show them."""

import pytest

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.inventory.enums import CheckResult, DiagnosisOutcome, ErasureMethod, MediumKind, State
from refurb.inventory.lifecycle import Action, Context, Refusal, Via, perform, refusal
from refurb.inventory.models import Device
from refurb.inventory.readiness import latest_diagnosis
from refurb.inventory.services import functional_test, workshop
from tests.inventory.conftest import make_ready_able, passing_results


@pytest.fixture
def device_as(in_app, make_device, technician):
    """`device_as(state)`: a device in `state` and its technician, inside an app context."""
    contexts = []

    def make(state=State.DIAGNOSIS, actor=technician):
        made = make_device(state)
        context = in_app()
        contexts.append(context)
        context.__enter__()
        return db.session.get(Device, made.id), db.session.get(User, actor.id)

    yield make
    for context in reversed(contexts):
        context.__exit__(None, None, None)


def refused(device, action, actor, **context) -> tuple:
    """The refusal as (code, message, details, status), the same from `perform`."""
    found = refusal(device, action, Context(actor=actor, **context))
    assert isinstance(found, Refusal)
    state = device.state
    with pytest.raises(Refusal) as raised:
        perform(device, action, Context(actor=actor, **context))
    assert raised.value.code == found.code and device.state == state
    # read as typed here: narrow no-break spaces are French typography's (tests/test_i18n.py)
    return found.code, found.message.replace("\u202f", " "), found.details, found.status


def test_an_action_the_state_does_not_allow(device_as):
    device, actor = device_as(State.READY)
    assert refused(device, Action.START_DIAGNOSIS, actor) == (
        "invalid_state",
        "Action impossible : « Commencer le diagnostic » ne s'applique pas à un appareil à "
        "l'état « Prêt au réemploi ».",
        {"state": "ready"},
        409,
    )


def test_an_action_the_role_does_not_allow(device_as, create_user, lender_org):
    lender = create_user(Role.LENDER, lender_org)
    device, actor = device_as(State.RECEIVED, lender)
    assert refused(device, Action.START_DIAGNOSIS, actor) == (
        "role_not_allowed",
        "Votre rôle ne permet pas l'action « Commencer le diagnostic ».",
        {},
        403,
    )


def test_actions_of_a_loan_or_a_batch_only(device_as, create_user, create_organisation):
    coordinator = create_user(
        Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    )
    device, actor = device_as(State.READY, coordinator)
    assert refused(device, Action.LEND, actor) == (
        "loan_required",
        "Cette action se fait depuis la fiche du prêt.",
        {},
        409,
    )
    device.state = State.PARTS
    assert refused(device, Action.RECYCLE, actor) == (
        "recycling_batch_required",
        "Le recyclage se fait en ajoutant l'appareil à un lot remis à un recycleur.",
        {},
        409,
    )


def test_ready_needs_a_test_a_pass_the_storage_its_erasure_and_a_grade(device_as):
    device, actor = device_as()
    assert refused(device, Action.MARK_READY, actor) == (
        "functional_test_required",
        "Aucun test fonctionnel n'a été enregistré depuis la dernière remise en état.",
        {},
        409,
    )
    results = passing_results(device.category)
    results["battery"] = {"result": CheckResult.FAIL.value, "note": "42 %"}
    functional_test.record_diagnosis(device, actor, results, DiagnosisOutcome.NEEDS_REPAIR)
    assert refused(device, Action.MARK_READY, actor) == (
        "functional_test_failed",
        "Le dernier test fonctionnel n'est pas réussi : refaites le diagnostic une fois "
        "l'appareil réparé (aucun point bloquant en défaut, issue « prêt après effacement »).",
        {"failed_items": ["battery"]},
        409,
    )
    functional_test.record_diagnosis(
        device, actor, passing_results(device.category), DiagnosisOutcome.READY_AFTER_ERASURE
    )
    assert refused(device, Action.MARK_READY, actor) == (
        "storage_unknown",
        "Aucun support de stockage n'est enregistré pour cet appareil : ajoutez ses disques ou "
        "sa mémoire (ou indiquez qu'il n'en a pas), puis effacez-les.",
        {},
        409,
    )
    ssd = workshop.add_medium(device, actor, MediumKind.SSD, serial="SSD-1")
    workshop.add_medium(device, actor, MediumKind.HDD)  # no serial: named by its kind
    assert refused(device, Action.MARK_READY, actor) == (
        "erasure_required",
        "Effacement manquant : chaque support de stockage doit être effacé et vérifié depuis "
        "la dernière remise en état (SSD-1, Disque dur (HDD)).",
        {"media": [m.id for m in device.active_media]},
        409,
    )
    assert ssd.id in refused(device, Action.MARK_READY, actor)[2]["media"]
    make_ready_able(device, actor)
    device.grade = None
    assert refused(device, Action.MARK_READY, actor) == (
        "grade_required",
        "Indiquez l'état esthétique (A, B ou C) avant de déclarer prêt.",
        {},
        409,
    )


def test_a_test_made_the_instant_the_cycle_began_counts(device_as):
    device, actor = device_as()
    make_ready_able(device, actor)
    device.cycle_started_at = latest_diagnosis(device).performed_at
    perform(device, Action.MARK_READY, Context(actor=actor))
    assert device.state == State.READY


def test_a_reservation_names_its_purpose_and_its_place(device_as, make_site, create_user):
    maintainer, site = create_user(Role.MAINTAINER), make_site()
    device, actor = device_as(State.READY)
    assert refused(device, Action.RESERVE, actor) == (
        "purpose_required",
        "Précisez pour qui l'appareil est réservé : un prêt, ou un lieu (ou le parc).",
        {},
        409,
    )
    assert refused(device, Action.RESERVE, actor, details={"purpose": "loan"}) == (
        "loan_required",
        "Une réservation pour un prêt se fait depuis la fiche du prêt.",
        {},
        409,
    )
    assert refused(device, Action.RESERVE, actor, details={"purpose": "site"}) == (
        "site_required",
        "Choisissez le lieu pour lequel l'appareil est réservé.",
        {"site_id": "required"},
        409,
    )
    maintainer = db.session.get(User, maintainer.id)
    expected = (
        "site_maintainers_only",
        "Vous n'êtes pas mainteneur de ce lieu : choisissez l'un des vôtres.",
        {"site_id": "not_assigned"},
        403,
    )
    details = {"purpose": "site", "site_id": site.id}
    assert refused(device, Action.RESERVE, maintainer, details=details) == expected
    assert refused(device, Action.DEPLOY, maintainer, details={"site_id": site.id}) == expected


def test_a_service_names_its_place(device_as):
    device, actor = device_as(State.READY)
    assert refused(device, Action.DEPLOY, actor) == (
        "site_required",
        "Choisissez le lieu où l'appareil est mis en service (ou le parc tournant).",
        {"site_id": "required"},
        409,
    )


def test_a_gift_says_to_whom_unless_a_loan_gives_it(device_as):
    device, actor = device_as(State.READY)
    assert refused(device, Action.GIVE, actor, note="  ") == (
        "recipient_required",
        "Indiquez à qui l'appareil est donné (dans la note).",
        {"note": "required"},
        409,
    )
    perform(device, Action.GIVE, Context(actor=actor, note="Mme R., Lectoure"))
    assert device.state == State.GIVEN


def test_a_loss_is_explained(device_as):
    device, actor = device_as(State.READY)
    assert refused(device, Action.DECLARE_LOST, actor, note=" ") == (
        "note_required",
        "Expliquez ce qui s'est passé dans la note.",
        {"note": "required"},
        409,
    )


def test_a_gift_through_a_loan_needs_no_note(device_as):
    device, actor = device_as(State.READY)
    assert refusal(device, Action.GIVE, Context(actor=actor, via=Via.LOAN)) is None


def test_a_destroyed_medium_needs_no_erasure(device_as):
    device, actor = device_as()
    hdd = workshop.add_medium(device, actor, MediumKind.HDD, serial="HDD-9")
    workshop.record_erasure(device, actor, hdd, ErasureMethod.DESTROY, "perceuse", True)
    assert refusal(device, Action.RECYCLE, Context(actor=actor, via=Via.RECYCLING_BATCH)) is None
