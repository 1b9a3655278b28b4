"""What each step of a loan leaves behind, read whole: the loan's event (action, status,
note, details) in the association's history, the loan's own fields, the household's request,
its reminders; and each refusal of the lending services as the lender reads it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from refurb.auth.models import User
from refurb.bounds import TEXT_MAX
from refurb.errors import DomainError
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans.enums import LoanStatus, RequestStatus
from refurb.loans.models import Household, Loan, LoanRequest, Reminder
from refurb.loans.services import lending
from refurb.loans.services.households import add_request
from refurb.loans.services.settings import update_settings
from tests.conftest import TODAY, told


def loan_events(session, loan) -> list[tuple]:
    events = session.scalars(
        select(Event)
        .where(Event.subject_type == "loan", Event.subject_id == loan.id)
        .order_by(Event.id)
    )
    return [
        (e.action, e.to_state, e.note, e.details, e.organisation_id, e.actor_id) for e in events
    ]


def device_event(session, device) -> tuple:
    """The device's last event: (action, actor, details), as its history shows it."""
    event = session.scalar(
        select(Event)
        .where(Event.subject_type == "device", Event.subject_id == device.id)
        .order_by(Event.id.desc())
    )
    return event.action, event.actor_id, event.details


def device_note(session, device) -> str | None:
    return session.scalar(
        select(Event.note)
        .where(Event.subject_type == "device", Event.subject_id == device.id)
        .order_by(Event.id.desc())
    )


@pytest.fixture
def lending_desk(session_as, lender, lender_org, make_household, make_device, stranger):
    """`(session, actor, household, device, spare)` in the lender's context: loans of 180
    days renewed 30 days at a time, a household waiting for a laptop, a ready laptop; spare:
    another laptop, a tablet, another household and a lender of another association."""
    household_id, device_id = make_household().id, make_device(State.READY).id
    spare_ids = {
        "laptop": make_device(State.READY).id,
        "tablet": make_device(State.READY, category=Category.TABLET).id,
        "household": make_household().id,
        "stranger": stranger.id,
    }
    with session_as(lender) as (session, actor):
        update_settings(actor, lender_org.id, 1, 180, 30, 3, "")
        household = session.get(Household, household_id)
        add_request(household, actor, Category.LAPTOP)
        session.commit()
        spare = {
            "laptop": session.get(Device, spare_ids["laptop"]),
            "tablet": session.get(Device, spare_ids["tablet"]),
            "household": session.get(Household, spare_ids["household"]),
            "stranger": session.get(User, spare_ids["stranger"]),
        }
        yield session, actor, household, session.get(Device, device_id), spare


def test_a_loan_from_reservation_to_return(lending_desk, lender_org):
    session, actor, household, device, spare = lending_desk
    request = lending.waiting_request(household, Category.LAPTOP)
    loan = lending.reserve(actor, household, device)
    assert (request.status, request.loan_id) == (RequestStatus.SERVED, loan.id)
    assert (loan.lender_organisation_id, loan.created_by_id) == (lender_org.id, actor.id)
    start = TODAY - timedelta(days=10)
    lending.checkout(actor, loan, loan.version, ["chargeur", " ", "sacoche"], 20, True, start)
    assert (loan.start_on, loan.due_on) == (start, start + timedelta(days=180))
    assert (loan.accessories, loan.deposit_euros) == (["chargeur", "sacoche"], 20)
    assert loan.agreement_terms_id is not None and device.state == State.ON_LOAN
    lending.renew(actor, loan, loan.version)
    renewed = start + timedelta(days=210)
    session.commit()
    with pytest.raises(DomainError) as refused:
        lending.take_back(actor, loan, loan.version, "bon état", [])
    assert told(refused.value) == (
        "deposit_outcome_required",
        "Le foyer avait versé une caution de 20 € : dites si elle lui est rendue ou si "
        "l'association la conserve.",
        {"deposit_returned": "required"},
    )
    session.rollback()  # a refused step changes nothing: the page shows the loan as it was
    loan, device = session.get(Loan, loan.id), session.get(Device, device.id)
    request = session.get(LoanRequest, request.id)
    session.add(Reminder(loan_id=loan.id, step="due_soon", channel="call"))
    session.flush()
    lending.take_back(actor, loan, loan.version, " bon état ", ["sacoche ", "sacoche", ""], True)
    assert (loan.status, loan.ended_on, loan.return_condition) == (
        LoanStatus.RETURNED,
        TODAY,
        "bon état",
    )
    assert (loan.missing_accessories, loan.deposit_returned) == (["sacoche"], True)
    assert session.scalar(select(Reminder.done_at).where(Reminder.loan_id == loan.id))
    assert device_event(session, device) == ("device.return", actor.id, {"loan": loan.reference})
    assert device_note(session, device) == "bon état"  # the device's history says how it came
    tag, org, me = device.tag, lender_org.id, actor.id
    assert loan_events(session, loan) == [
        ("loan.reserved", "reserved", None, {"device": tag, "request_id": request.id}, org, me),
        (
            "loan.checked_out",
            "active",
            None,
            {"device": tag, "due_on": (start + timedelta(days=180)).isoformat()},
            org,
            me,
        ),
        (
            "loan.renewed",
            "active",
            None,
            {"device": tag, "due_on": renewed.isoformat(), "renewals": 1},
            org,
            me,
        ),
        (
            "loan.returned",
            "returned",
            None,
            {"device": tag, "missing": ["sacoche"], "deposit_returned": True},
            org,
            me,
        ),
    ]


def test_without_a_deposit_nothing_is_said_of_it(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    lending.take_back(actor, loan, loan.version, "rayé", [], True)
    assert loan.deposit_returned is None


def test_a_cancelled_reservation_puts_the_household_back_on_the_waiting_list(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    request = session.scalar(select(LoanRequest).where(LoanRequest.loan_id == loan.id))
    lending.cancel(actor, loan, loan.version, "  a déménagé ")
    assert device_event(session, device) == ("device.release", actor.id, {"loan": loan.reference})
    assert (request.status, request.loan_id) == (RequestStatus.WAITING, None)
    assert (loan.status, loan.ended_on, device.state) == (
        LoanStatus.CANCELLED,
        TODAY,
        State.READY,
    )
    action, status, note, details, organisation, who = loan_events(session, loan)[-1]
    assert (action, status, note) == ("loan.cancelled", "cancelled", "a déménagé")
    assert details == {"device": device.tag, "request_id": request.id}
    assert (organisation, who) == (loan.lender_organisation_id, actor.id)


def test_a_loan_given_or_lost_ends_with_its_note(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    lending.convert_to_gift(actor, loan, loan.version, "le foyer le garde")
    assert (loan.status, loan.ended_on, device.state) == (
        LoanStatus.CONVERTED_TO_GIFT,
        TODAY,
        State.GIVEN,
    )
    org = loan.lender_organisation_id
    assert loan_events(session, loan)[-1] == (
        "loan.converted_to_gift",
        "converted_to_gift",
        "le foyer le garde",
        {"device": device.tag},
        org,
        actor.id,
    )
    assert device_event(session, device) == ("device.give", actor.id, {"loan": loan.reference})
    other = spare["tablet"]
    lost = lending.reserve(actor, household, other)
    lending.checkout(actor, lost, lost.version, [], 0, True, TODAY)
    lending.declare_lost(actor, lost, lost.version, "volée")
    assert (lost.status, lost.ended_on, other.state) == (LoanStatus.LOST, TODAY, State.LOST)
    assert loan_events(session, lost)[-1] == (
        "loan.lost",
        "lost",
        "volée",
        {"device": other.tag},
        org,
        actor.id,
    )
    assert device_event(session, other) == (
        "device.declare_lost",
        actor.id,
        {"loan": lost.reference},
    )


def test_the_lending_refusals_as_the_lender_reads_them(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    with pytest.raises(DomainError) as refused:
        lending.checkout(actor, loan, loan.version, [], 0, False)
    assert told(refused.value) == (
        "agreement_required",
        "La convention de prêt doit être acceptée par le foyer avant la remise.",
        {"agreement_accepted": "required"},
    )
    lending.checkout(actor, loan, loan.version, [], 0, True)
    assert loan.start_on == TODAY
    with pytest.raises(DomainError) as refused:
        lending.take_back(actor, loan, loan.version, "  ", [])
    assert told(refused.value) == (
        "condition_required",
        "Décrivez l'état de l'appareil au retour.",
        {"return_condition": "required"},
    )
    second = spare["laptop"]
    with pytest.raises(DomainError) as refused:
        lending.reserve(actor, household, second, override_reason=" ")
    assert told(refused.value) == (
        "second_loan",
        "Ce foyer a déjà un prêt en cours pour un appareil de cette catégorie. Pour en prêter "
        "un deuxième, indiquez la raison de cette exception.",
        {"override_reason": "required"},
    )
    again = lending.reserve(actor, household, second, override_reason=" panne de l'autre ")
    assert again.override_reason == "panne de l'autre"


def test_a_request_served_once_and_for_its_household(lending_desk):
    session, actor, household, device, spare = lending_desk
    request = lending.waiting_request(household, Category.LAPTOP)
    other = spare["household"]
    with pytest.raises(DomainError) as refused:
        lending.reserve(actor, other, device, request)
    assert told(refused.value) == (
        "request_mismatch",
        "Cette demande n'est pas en attente pour ce foyer.",
        {},
    )
    session.rollback()


def test_an_anonymised_household_borrows_nothing(lending_desk):
    session, actor, household, device, spare = lending_desk
    household.anonymised_at = household.created_at
    with pytest.raises(DomainError) as refused:
        lending.reserve(actor, household, device)
    assert told(refused.value) == ("household_anonymised", "Ce foyer a été anonymisé.", {})
    assert device.state == State.READY


def test_a_household_waits_once_per_category_and_its_request_is_served(lending_desk):
    session, actor, household, device, spare = lending_desk
    first = lending.waiting_request(household, Category.LAPTOP)
    with pytest.raises(DomainError) as twice:  # sent twice, or asked again
        add_request(household, actor, Category.LAPTOP)
    assert twice.value.code == "request_already_waiting"
    assert twice.value.details == {"category": "already_waiting"}
    add_request(household, actor, Category.TABLET)
    assert lending.waiting_request(household, Category.LAPTOP) is first
    assert lending.waiting_request(household, Category.TABLET).category == Category.TABLET
    assert lending.waiting_request(household, Category.SCREEN) is None


def test_a_cancelled_reservation_puts_the_household_back_on_the_list_once(lending_desk):
    session, actor, household, device, spare = lending_desk
    first = lending.waiting_request(household, Category.LAPTOP)
    loan = lending.reserve(actor, household, device)  # serves the first request
    again = add_request(household, actor, Category.LAPTOP)  # asked again while it was served
    lending.cancel(actor, loan, loan.version, "Le foyer ne vient pas")
    session.flush()
    assert lending.waiting_request(household, Category.LAPTOP) is first  # the older stands
    assert again.status == RequestStatus.CANCELLED
    waiting = session.scalars(
        select(LoanRequest).where(
            LoanRequest.household_id == household.id, LoanRequest.status == RequestStatus.WAITING
        )
    ).all()
    assert waiting == [first]


@pytest.mark.parametrize(
    "step",
    [
        lambda loan, who: lending.renew(who, loan, loan.version),
        lambda loan, who: lending.take_back(who, loan, loan.version, "bon état", [], True),
        lambda loan, who: lending.convert_to_gift(who, loan, loan.version),
        lambda loan, who: lending.declare_lost(who, loan, loan.version, "volée"),
    ],
    ids=["renew", "take_back", "convert_to_gift", "declare_lost"],
)
def test_another_association_moves_none_of_its_loans(lending_desk, step):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    before = (loan.status, loan.due_on, device.state, len(loan_events(session, loan)))
    with pytest.raises(DomainError) as refused:
        step(loan, spare["stranger"])
    assert refused.value.status == 403
    assert (loan.status, loan.due_on, device.state, len(loan_events(session, loan))) == before


def test_another_association_cancels_or_hands_over_none_of_its_reservations(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    with pytest.raises(DomainError) as refused:
        lending.cancel(spare["stranger"], loan, loan.version)
    assert refused.value.status == 403 and loan.status == LoanStatus.RESERVED
    with pytest.raises(DomainError) as refused:
        lending.checkout(spare["stranger"], loan, loan.version, [], 0, True)
    assert refused.value.status == 403 and loan.status == LoanStatus.RESERVED


def test_steps_without_a_note_record_none(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.cancel(actor, loan, loan.version)
    assert loan_events(session, loan)[-1][2] is None
    again = lending.reserve(actor, household, device)
    lending.checkout(actor, again, again.version, [], 0, True, TODAY)
    lending.convert_to_gift(actor, again, again.version)
    assert loan_events(session, again)[-1][2] is None


def test_the_signed_agreement_is_kept_with_the_loan(lending_desk, app):
    from refurb import uploads

    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    pdf = b"%PDF-1.4\n%signed\n%%EOF\n"
    with pytest.raises(DomainError) as refused:
        lending.attach_signed_agreement(spare["stranger"], loan, pdf)
    assert refused.value.status == 403 and not loan.signed_agreement_path
    with pytest.raises(DomainError) as refused:
        lending.attach_signed_agreement(actor, loan, b"une photo ? non, du texte")
    assert (refused.value.code, refused.value.details) == (
        "unrecognised_file",
        {"document": "type"},
    )
    lending.attach_signed_agreement(actor, loan, pdf)
    name = loan.signed_agreement_path
    assert name.startswith(f"{loan.id}-") and name.endswith(".pdf")
    assert uploads.path_of("agreements", name).read_bytes() == pdf
    action, *_rest, who = loan_events(session, loan)[-1]
    assert (action, who) == ("loan.signed_agreement_attached", actor.id)


def test_a_reservation_and_a_handover_leave_their_trace_on_the_device(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    assert loan.reference.startswith(f"PRET-{TODAY.year}-")
    assert device_event(session, device) == (
        "device.reserve",
        actor.id,
        {"purpose": "loan", "loan": loan.reference},
    )
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    assert device_event(session, device) == ("device.lend", actor.id, {"loan": loan.reference})


def test_a_second_loan_is_one_of_the_same_household_and_category_still_open(lending_desk):
    session, actor, household, device, spare = lending_desk
    first = lending.reserve(actor, household, device)
    other_household = spare["household"]
    lending.reserve(actor, other_household, spare["laptop"])  # another household: allowed
    lending.cancel(actor, first, first.version)  # a loan no longer open does not count
    lending.reserve(actor, household, device)


@pytest.mark.parametrize(
    "deposit, start, accessories, field",
    [
        (1001, 0, [], "deposit_euros"),
        (-1, 0, [], "deposit_euros"),
        (0, 1, [], "start_on"),  # tomorrow
        (0, -367, [], "start_on"),  # more than a year ago
        (0, 0, ["x" * 128, "y" * 126], "accessories"),  # 256 characters with ", "
    ],
)
def test_a_handover_out_of_bounds_names_its_field(lending_desk, deposit, start, accessories, field):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    with pytest.raises(DomainError) as refused:
        lending.checkout(
            actor, loan, loan.version, accessories, deposit, True, TODAY + timedelta(days=start)
        )
    assert list(refused.value.details) == [field]


def test_accessories_joined_as_written_fit_the_field(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, ["x" * 128, "y" * 125], 0, True)  # 255
    assert loan.status == LoanStatus.ACTIVE


def test_the_waiting_request_is_the_household_s_oldest(lending_desk):
    session, actor, household, device, spare = lending_desk
    first = lending.waiting_request(household, Category.LAPTOP)
    older = LoanRequest(  # two waiting for one category: recorded before the rule of one
        household=household,
        category=Category.LAPTOP,
        priority=2,
        requested_on=first.requested_on - timedelta(days=3),
    )
    session.add(older)
    add_request(spare["household"], actor, Category.TABLET)
    session.flush()
    assert lending.waiting_request(household, Category.LAPTOP) is older
    assert lending.waiting_request(household, Category.TABLET) is None  # another's request


def test_an_ended_loan_closes_its_own_reminders_only(lending_desk):
    session, actor, household, device, spare = lending_desk
    mine = lending.reserve(actor, household, device)
    lending.checkout(actor, mine, mine.version, [], 0, True, TODAY)
    theirs = lending.reserve(actor, spare["household"], spare["laptop"])
    lending.checkout(actor, theirs, theirs.version, [], 0, True, TODAY)
    called = datetime.combine(TODAY - timedelta(days=3), time(9), UTC)
    session.add_all(
        [
            Reminder(loan_id=mine.id, step="due_soon", channel="call", done_at=called),
            Reminder(loan_id=mine.id, step="overdue", channel="call"),
            Reminder(loan_id=theirs.id, step="due_soon", channel="call"),
        ]
    )
    session.flush()
    lending.take_back(actor, mine, mine.version, "bon état", [])
    done = dict(
        session.execute(
            select(Reminder.step, Reminder.done_at).where(Reminder.loan_id == mine.id)
        ).all()
    )
    assert done["due_soon"].replace(tzinfo=UTC) == called  # called before: kept as it was
    assert done["overdue"] is not None
    assert session.scalar(select(Reminder.done_at).where(Reminder.loan_id == theirs.id)) is None


@pytest.mark.parametrize(
    "condition, missing, field",
    [
        ("r" * (TEXT_MAX + 1), [], "return_condition"),
        ("rayé", ["x" * 128, "y" * 126], "accessories"),  # 256 characters with ", "
    ],
)
def test_a_return_out_of_bounds_names_its_field(lending_desk, condition, missing, field):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    with pytest.raises(DomainError) as refused:
        lending.take_back(actor, loan, loan.version, condition, missing)
    assert list(refused.value.details) == [field]


def test_missing_accessories_joined_as_written_fit_the_field(lending_desk):
    session, actor, household, device, spare = lending_desk
    loan = lending.reserve(actor, household, device)
    lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
    lending.take_back(actor, loan, loan.version, "rayé", ["x" * 128, "y" * 125])  # 255
    assert loan.status == LoanStatus.RETURNED
