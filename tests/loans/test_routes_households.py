"""A lender's pages not answered elsewhere: recording and editing a household, a waiting-list
request, and the call list's "Appelé" — each read back in the database and on the page."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.loans.enums import Criterion, RequestStatus
from refurb.loans.models import Household, LoanRequest, Reminder
from refurb.loans.reminders import send_reminders
from tests.conftest import TODAY, VERIFIED_ON, sign_in
from tests.loans.test_privacy_reminders import active_loan


@pytest.fixture
def signed_in(client, lender):
    assert sign_in(client, lender.email, lender.password).status_code == 302
    return client


def household_form(lender_org, **overrides):
    data = {
        "organisation_id": str(lender_org.id),
        "commune": "Auch (32000)",
        "size": "4",
        "criterion": "rsa",
        "verified_on": VERIFIED_ON.isoformat(),
        "referring_organisation": "CCAS d'Auch",
        "contact_name": "M. Lafitte",
        "contact_phone": "06 12 34 56 78",
        "contact_email": "lafitte@exemple.fr",
        "consent_on": VERIFIED_ON.isoformat(),
    }
    data.update(overrides)
    return data


def test_a_lender_records_a_new_household(signed_in, lender_org, in_app):
    form = signed_in.get("/foyers/nouveau")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert re.search(rf'<option[^>]* value="{lender_org.id}"[^>]*>Gers Solidaire</option>', text)
    assert f'value="{TODAY.isoformat()}"' in text  # verified today unless said otherwise
    response = signed_in.post("/foyers/nouveau", data=household_form(lender_org))
    assert response.status_code == 302
    with in_app() as session:
        (household,) = session.scalars(select(Household)).all()
        assert household.lender_organisation_id == lender_org.id
        assert (household.commune_code, household.size, household.criterion) == (
            "32013",
            4,
            Criterion.RSA,
        )
        assert (household.contact_name, household.contact_phone) == ("M. Lafitte", "06 12 34 56 78")
        assert household.verified_on == VERIFIED_ON and household.consent_on == VERIFIED_ON
        assert household.referring_organisation == "CCAS d'Auch"
        reference, household_id = household.reference, household.id
    assert response.location.endswith(f"/foyers/{household_id}")
    page = signed_in.get(response.location).get_data(as_text=True)
    assert f"Foyer {reference} enregistré." in page and "M. Lafitte" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size": "21"}, "La taille du foyer doit se situer entre 1 et 20 personnes."),
        ({"size": "0"}, "La taille du foyer doit se situer entre 1 et 20 personnes."),
        ({"contact_phone": "06 12 34"}, "Numéro de téléphone invalide"),
        ({"contact_phone": "06 12 34 56 7²"}, "Numéro de téléphone invalide"),  # no phone digit
    ],
)
def test_a_household_out_of_bounds_is_refused_as_typed(
    signed_in, lender_org, in_app, changes, message
):
    response = signed_in.post("/foyers/nouveau", data=household_form(lender_org, **changes))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text and 'value="M. Lafitte"' in text
    with in_app() as session:
        assert session.scalars(select(Household)).all() == []


def test_a_lender_edits_a_household(signed_in, lender_org, make_household, in_app):
    household = make_household()
    form = signed_in.get(f"/foyers/{household.id}/modifier")
    assert form.status_code == 200
    text = form.get_data(as_text=True)
    assert 'value="Mme Durand"' in text and 'value="06 12 34 56 78"' in text
    with in_app() as session:
        version = session.get(Household, household.id).version
        viewed = session.scalars(
            select(Event).where(
                Event.action == "household.identity_viewed", Event.subject_id == household.id
            )
        ).all()
        assert len(viewed) == 1  # the form shows the contact: the view is logged
    response = signed_in.post(
        f"/foyers/{household.id}/modifier",
        data=household_form(
            lender_org,
            size="5",
            criterion="aah",
            contact_name="Mme Durand",
            contact_phone="07 98 76 54 32",
            contact_email="durand@exemple.fr",
            version=str(version),
        ),
    )
    assert response.status_code == 302 and response.location.endswith(f"/foyers/{household.id}")
    with in_app() as session:
        saved = session.get(Household, household.id)
        assert (saved.size, saved.criterion, saved.contact_phone) == (
            5,
            Criterion.AAH,
            "07 98 76 54 32",
        )
        assert saved.version == version + 1 and saved.reference == household.reference
    page = signed_in.get(response.location).get_data(as_text=True)
    assert "Foyer enregistré." in page and "07 98 76 54 32" in page
    stale = signed_in.post(
        f"/foyers/{household.id}/modifier",
        data=household_form(lender_org, size="2", version=str(version)),
    )
    assert stale.status_code == 409  # shown again, saying why
    assert "modifiée par quelqu" in stale.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Household, household.id).size == 5


def test_a_request_joins_the_waiting_list(signed_in, make_household, in_app):
    household = make_household()
    response = signed_in.post(
        f"/foyers/{household.id}/demandes",
        data={"r-category": "tablet", "r-priority": "1", "r-note": "Pour les devoirs"},
    )
    assert response.status_code == 302 and response.location.endswith(f"/foyers/{household.id}")
    with in_app() as session:
        (request,) = session.scalars(
            select(LoanRequest).where(LoanRequest.household_id == household.id)
        ).all()
        assert (request.category, request.priority, request.note, request.status) == (
            Category.TABLET,
            1,
            "Pour les devoirs",
            RequestStatus.WAITING,
        )
        assert request.requested_on == TODAY
        request_id = request.id
    page = signed_in.get(response.location).get_data(as_text=True)
    assert "Demande ajoutée à la liste d&#39;attente." in page
    assert f"/prets/nouveau?request={request_id}" in page
    assert household.reference in signed_in.get("/attente").get_data(as_text=True)
    again = signed_in.post(  # sent twice: counted once
        f"/foyers/{household.id}/demandes",
        data={"r-category": "tablet", "r-priority": "1", "r-note": "Pour les devoirs"},
    )
    text = again.get_data(as_text=True)
    assert again.status_code == 409 and 'id="r-category-erreur"' in text
    assert f'action="/foyers/{household.id}/demandes#demandes"' in text  # opens at the form
    reopened = signed_in.get(f"/foyers/{household.id}/demandes")
    assert reopened.status_code == 302 and reopened.location == f"/foyers/{household.id}"
    assert "attend déjà un appareil de cette catégorie" in text
    long_note = signed_in.post(
        f"/foyers/{household.id}/demandes",
        data={"r-category": "laptop", "r-priority": "2", "r-note": "x" * 501},
    )
    text = long_note.get_data(as_text=True)
    assert long_note.status_code == 400 and 'id="r-note-erreur"' in text
    assert 'value="' + "x" * 501 + '"' in text  # kept as typed
    with in_app() as session:
        assert session.query(LoanRequest).filter_by(household_id=household.id).count() == 1


def test_a_called_household_leaves_the_call_list(
    signed_in, lender, make_household, make_device, session_as, in_app
):
    household = make_household(contact_email="", contact_name="M. Sarran")
    device = make_device(State.READY)
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household.id, device.id, TODAY - timedelta(days=200))
        session.commit()
        assert send_reminders(TODAY)["call"] == 1
        session.commit()
        loan_reference = loan.reference
        reminder_id = session.scalar(select(Reminder.id).where(Reminder.loan_id == loan.id))
    before = signed_in.get("/prets").get_data(as_text=True)
    assert loan_reference in before and "M. Sarran" in before
    assert f"/prets/rappels/{reminder_id}/appele" in before
    response = signed_in.post(f"/prets/rappels/{reminder_id}/appele")
    assert response.status_code == 302 and response.location.endswith("/prets")
    with in_app() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder.done_at is not None
        logged = session.scalars(select(Event).where(Event.action == "loan.reminder_called")).all()
        assert [(e.subject_id, e.actor_id, e.details["step"]) for e in logged] == [
            (reminder.loan_id, lender.id, "overdue")
        ]
    after = signed_in.get("/prets").get_data(as_text=True)
    assert "Personne à appeler." in after and f"/prets/rappels/{reminder_id}/appele" not in after


def test_a_household_form_says_every_mistake_at_once(signed_in, lender_org, in_app):
    changes = {
        "criterion": "other",
        "size": "30",
        "contact_phone": "12",
        "consent_on": "",
    }
    response = signed_in.post("/foyers/nouveau", data=household_form(lender_org, **changes))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("criterion_note", "size", "contact_phone", "consent_on"):
        assert f'id="{field}-erreur"' in text, field
    assert 'value="M. Lafitte"' in text
    with in_app() as session:
        assert session.scalars(select(Household)).all() == []
