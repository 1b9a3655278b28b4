"""The lending pages as a lender meets them: picking a device and finding a household, a refused
handover shown again as typed, confirmation before what cannot be undone, what the household
signs and keeps (agreement at handover, gift certificate, return receipt), the return date."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from refurb.db_types import utcnow
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan, Reminder
from tests.conftest import TODAY, pdf_text, sign_in
from tests.loans.test_one_door import reserved_loan


@pytest.fixture
def signed_in(client, lender):
    sign_in(client, lender.email, lender.password)
    return client


def version(in_app, loan_id) -> str:
    with in_app() as session:
        return str(session.get(Loan, loan_id).version)


def handover(client, loan_id, **fields):
    data = {
        "o-version": fields.pop("version", "1"),
        "o-accessories": "chargeur, sacoche",
        "o-deposit_euros": "20",
        "o-start_on": TODAY.isoformat(),
        "o-agreement_accepted": "y",
    }
    data.update(fields)
    return client.post(f"/prets/{loan_id}/actions/checkout", data=data)


def test_a_lender_picks_a_ready_device_by_category_and_search(
    signed_in, make_household, make_device
):
    household = make_household()
    laptop = make_device(State.READY)
    tablet = make_device(State.READY, category=Category.TABLET)
    make_device(State.DIAGNOSIS, category=Category.TABLET)
    page = signed_in.get(f"/prets/nouveau?household={household.id}&categorie=tablet")
    text = page.get_data(as_text=True)
    assert f'value="{tablet.tag}"' in text and f'value="{laptop.tag}"' not in text
    assert "1 appareil prêt au réemploi" in text
    found = signed_in.get(
        f"/prets/nouveau?household={household.id}&q={tablet.tag[3:8].lower()}"
    ).get_data(as_text=True)
    assert f'value="{tablet.tag}"' in found and f'value="{laptop.tag}"' not in found
    picked = signed_in.post(
        "/prets/nouveau", data={"household": household.id, "device": tablet.tag, "tag": ""}
    )
    assert picked.status_code == 302
    nothing = signed_in.post("/prets/nouveau", data={"household": household.id, "tag": ""})
    assert nothing.status_code == 400
    assert "Choisissez un appareil dans la liste" in nothing.get_data(as_text=True)


def test_the_request_category_comes_first(signed_in, in_app, lender, make_household, make_device):
    from refurb.auth.models import User
    from refurb.loans.models import Household
    from refurb.loans.services.households import add_request

    household = make_household()
    make_device(State.READY, category=Category.SMARTPHONE)
    with in_app() as session:
        request = add_request(
            session.get(Household, household.id),
            session.get(User, lender.id),
            Category.SMARTPHONE,
            2,
        )
        session.commit()
        request_id = request.id
    text = signed_in.get(f"/prets/nouveau?request={request_id}").get_data(as_text=True)
    options = text[text.index('id="categorie"') :]
    assert options.index('value="smartphone"') < options.index('value="laptop"')
    assert 'value="smartphone" selected' in options


def test_households_are_found_by_reference_name_or_phone_in_the_own_association_only(
    app, signed_in, in_app, make_household, create_user, create_organisation
):
    from refurb.auth.roles import OrganisationKind, Role

    durand = make_household()
    make_household(contact_name="M. Martin", contact_phone="05 62 00 11 22")
    other = create_organisation("Autre asso", OrganisationKind.LENDER)
    make_household(organisation=other, contact_name="Mme Durandal", contact_phone="0612345678")
    for typed in ("durand", "+33 6 12 34 56 78", "06.12.34", durand.reference.lower()):
        text = signed_in.get("/foyers", query_string={"q": typed}).get_data(as_text=True)
        assert durand.reference in text and "Mme Durand" in text, typed
        assert "Durandal" not in text and "Martin" not in text, typed
    with in_app() as session:
        viewed = session.scalars(
            select(Event.subject_id).where(Event.action == "household.identity_viewed")
        ).all()
    assert set(viewed) == {durand.id}
    # The coordinator finds a household by its reference only, never by who it is.
    admin = create_user(Role.ADMIN)
    coordinator = app.test_client()
    sign_in(coordinator, admin.email, admin.password)
    assert durand.reference not in coordinator.get("/foyers?q=Durand").get_data(as_text=True)
    assert durand.reference in coordinator.get(f"/foyers?q={durand.reference}").get_data(
        as_text=True
    )


def test_a_refused_handover_comes_back_with_everything_typed(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    refused = handover(signed_in, loan_id, **{"o-agreement_accepted": "", "o-deposit_euros": "20"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "La convention de prêt doit être acceptée" in text
    assert 'value="chargeur, sacoche"' in text and 'value="20"' in text
    too_much = handover(signed_in, loan_id, **{"o-deposit_euros": "5000"})
    assert too_much.status_code == 400
    assert "La caution doit se situer entre 0 et 1000 €" in too_much.get_data(as_text=True)
    assert 'value="chargeur, sacoche"' in too_much.get_data(as_text=True)
    assert handover(signed_in, loan_id).status_code == 302
    with in_app() as session:
        loan = session.get(Loan, loan_id)
        assert loan.deposit_euros == 20 and loan.accessories == ["chargeur", "sacoche"]


def test_a_handover_in_the_future_long_ago_or_before_the_device_came_in_is_refused(
    signed_in, in_app, lender, make_household, make_device
):
    device = make_device(State.READY)
    loan_id = reserved_loan(in_app, lender, make_household().id, device.id)
    with in_app() as session:  # the device came in a month ago
        session.get(Device, device.id).cycle_started_at = utcnow() - timedelta(days=30)
        session.commit()
    for day, message in (
        (TODAY + timedelta(days=3), "ne se date pas dans le futur"),
        (date(1999, 5, 1), "à un an près au plus"),
        (TODAY - timedelta(days=31), "la remise ne peut pas être datée d&#39;avant ce jour"),
    ):
        refused = handover(signed_in, loan_id, **{"o-start_on": day.isoformat()})
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Loan, loan_id).status == LoanStatus.RESERVED


def test_the_agreement_is_filled_at_handover_with_what_is_handed_over(
    signed_in, in_app, lender, make_household, make_device
):
    household = make_household()
    loan_id = reserved_loan(in_app, lender, household.id, make_device(State.READY).id)
    page = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "Convention de prêt à signer" not in page and "se remplit à la remise" in page
    handover(signed_in, loan_id)
    page = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "Convention de prêt à signer (PDF)" in page
    text = pdf_text(signed_in.get(f"/prets/{loan_id}/convention.pdf").data)
    due = (TODAY + timedelta(days=180)).strftime("%d/%m/%Y")
    for expected in (
        "chargeur, sacoche",
        "20 €",
        due,
        "180 jours, renouvelable 2 fois, de 90 jours",
        "établie à la remise",
        f"le {TODAY:%d/%m/%Y}",
    ):
        assert expected in text, expected


def test_irreversible_steps_ask_for_confirmation_first_and_the_way_back_changes_nothing(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    handover(signed_in, loan_id)
    for action, consequence in (
        ("declare_lost", "ne pourra pas être annulée"),
        ("convert_to_gift", "Ce don ne pourra pas être annulé"),
    ):
        asked = signed_in.post(
            f"/prets/{loan_id}/actions/{action}", data={"a-version": version(in_app, loan_id)}
        )
        text = asked.get_data(as_text=True)
        assert asked.status_code == 200 and consequence in text
        assert 'name="a-confirmed" type="hidden" value="1"' in text
        assert f'href="/prets/{loan_id}"' in text  # "Ne rien faire et revenir"
        with in_app() as session:
            assert session.get(Loan, loan_id).status == LoanStatus.ACTIVE
    given = signed_in.post(
        f"/prets/{loan_id}/actions/convert_to_gift",
        data={
            "a-version": version(in_app, loan_id),
            "a-confirmed": "1",
            "a-note": "Le foyer le garde",
        },
    )
    assert given.status_code == 302
    with in_app() as session:
        assert session.get(Loan, loan_id).status == LoanStatus.CONVERTED_TO_GIFT


def test_a_gift_has_its_certificate_and_the_page_shows_the_gift(
    signed_in, in_app, lender, make_household, make_device
):
    device = make_device(State.READY, serial_number="SN-GIFT-42")
    loan_id = reserved_loan(in_app, lender, make_household().id, device.id)
    handover(signed_in, loan_id)
    assert signed_in.get(f"/prets/{loan_id}/attestation-don.pdf").status_code == 404
    signed_in.post(
        f"/prets/{loan_id}/actions/convert_to_gift",
        data={"a-version": version(in_app, loan_id), "a-confirmed": "1"},
    )
    page = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "Donné le" in page and "À rendre le" not in page
    assert "Attestation de don (PDF)" in page
    text = pdf_text(signed_in.get(f"/prets/{loan_id}/attestation-don.pdf").data)
    for expected in (
        "Attestation de don",
        "Gers Solidaire",
        device.tag,
        "SN-GIFT-42",
        f"{TODAY:%d/%m/%Y}",
        "la propriété du foyer",
        "Mme Durand",
    ):
        assert expected in text, expected


def test_the_return_keeps_what_is_said_missing_and_shows_when_it_came_back(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    handover(signed_in, loan_id)
    form = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert 'name="t-missing" type="checkbox" value="sacoche"' in form
    data = {
        "t-version": version(in_app, loan_id),
        "t-return_condition": "Écran rayé",
        "t-missing": "sacoche",
        "t-missing_other": "souris, câble HDMI",
    }
    unsaid = signed_in.post(f"/prets/{loan_id}/actions/return", data=data)
    text = unsaid.get_data(as_text=True)
    assert unsaid.status_code == 400 and "caution de 20" in text and "Écran rayé" in text
    returned = signed_in.post(
        f"/prets/{loan_id}/actions/return", data={**data, "t-deposit_returned": "no"}
    )
    assert returned.status_code == 302
    with in_app() as session:
        loan = session.get(Loan, loan_id)
        assert loan.missing_accessories == ["sacoche", "souris", "câble HDMI"]
    page = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "Rendu le" in page and "à temps" in page
    assert "20 € — conservée par l'association" in page
    receipt = pdf_text(signed_in.get(f"/prets/{loan_id}/recu-retour.pdf").data)
    assert "sacoche, souris, câble HDMI" in receipt and "20 €" in receipt
    assert "conservée par l'association" in receipt and "Fait à" in receipt


def test_a_return_refused_as_stale_keeps_what_was_typed_and_carries_the_current_version(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    handover(signed_in, loan_id)
    current = version(in_app, loan_id)
    stale = signed_in.post(
        f"/prets/{loan_id}/actions/return",
        data={
            "t-version": str(int(current) - 1),
            "t-return_condition": "Écran rayé",
            "t-deposit_returned": "yes",
        },
    )
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Écran rayé" in text and "envoyez à nouveau" in text
    assert f'id="t-version" name="t-version" type="hidden" value="{current}"' in text
    with in_app() as session:
        assert session.get(Loan, loan_id).status == LoanStatus.ACTIVE


def test_a_handover_sent_from_a_stale_tab_after_another_says_so_at_the_top(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    shown = version(in_app, loan_id)  # both tabs show this version
    assert handover(signed_in, loan_id, version=shown).status_code == 302  # tab A
    stale = handover(signed_in, loan_id, version=shown, **{"o-deposit_euros": "30"})  # tab B
    text = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "cette étape n&#39;y est plus proposée" in text  # its form is gone: said at the top
    with in_app() as session:
        assert session.get(Loan, loan_id).deposit_euros == 20  # tab A's, kept


def test_a_deposit_with_cents_says_it_counts_whole_euros(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    refused = handover(signed_in, loan_id, **{"o-deposit_euros": "20,50"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'value="20,50"' in text
    assert "La caution se compte en euros entiers, sans centimes" in text
    with in_app() as session:
        assert session.get(Loan, loan_id).status == LoanStatus.RESERVED


def test_a_late_return_says_how_late(signed_in, in_app, lender, make_household, make_device):
    from refurb.auth.models import User
    from refurb.loans.services import lending

    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    with in_app() as session:
        actor, loan = session.get(User, lender.id), session.get(Loan, loan_id)
        lending.checkout(actor, loan, loan.version, [], 0, True, TODAY - timedelta(200))
        lending.take_back(actor, loan, loan.version, "Bon état", [])
        session.commit()
    page = signed_in.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "en retard de 20 jours" in page


def test_a_loan_that_ended_leaves_the_call_list(
    signed_in, in_app, lender, make_household, make_device
):
    from refurb.auth.models import User
    from refurb.loans.reminders import send_reminders
    from refurb.loans.services import lending

    household = make_household(contact_email="")
    loan_id = reserved_loan(in_app, lender, household.id, make_device(State.READY).id)
    with in_app() as session:
        actor, loan = session.get(User, lender.id), session.get(Loan, loan_id)
        lending.checkout(actor, loan, loan.version, [], 0, True, TODAY - timedelta(200))
        session.commit()
        send_reminders(TODAY)
        session.commit()
    calls = signed_in.get("/prets").get_data(as_text=True)
    calls = calls[
        calls.index('id="appeler"') : calls.index("</section>", calls.index('id="appeler"'))
    ]
    assert household.reference in calls and "Mme Durand" in calls and "06 12 34 56 78" in calls
    signed_in.post(
        f"/prets/{loan_id}/actions/declare_lost",
        data={"a-version": version(in_app, loan_id), "a-confirmed": "1"},
    )
    calls = signed_in.get("/prets").get_data(as_text=True)
    assert household.reference not in calls.split('id="appeler"')[1].split("</section>")[0]
    with in_app() as session:
        reminders = session.scalars(select(Reminder)).all()
        assert reminders and all(r.done_at is not None for r in reminders)


def test_phone_numbers_and_household_sizes_say_what_is_wrong(signed_in, lender_org):
    page = signed_in.post(
        "/foyers/nouveau",
        data={
            "organisation_id": lender_org.id,
            "commune": "Auch",
            "size": "0",
            "criterion": "rsa",
            "verified_on": "2026-10-01",
            "contact_phone": "abc",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "La taille du foyer doit se situer entre 1 et 20" in text
    assert "Ce champ est requis" not in text
    fixed = signed_in.post(
        "/foyers/nouveau",
        data={
            "organisation_id": lender_org.id,
            "commune": "Auch",
            "size": "2",
            "criterion": "rsa",
            "verified_on": "2026-10-01",
            "contact_phone": "abc",
            "consent_on": "2026-10-01",
        },
    )
    assert fixed.status_code == 400 and "Numéro de téléphone invalide" in fixed.get_data(
        as_text=True
    )


def test_erasing_a_household_asks_for_confirmation_first(signed_in, in_app, make_household):
    from refurb.loans.models import Household

    household = make_household()
    asked = signed_in.post(f"/foyers/{household.id}/effacer", data={})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Cet effacement ne pourra pas être annulé" in text
    with in_app() as session:
        assert session.get(Household, household.id).contact_name == "Mme Durand"
    done = signed_in.post(f"/foyers/{household.id}/effacer", data={"c-confirmed": "1"})
    assert done.status_code == 302
    with in_app() as session:
        assert session.get(Household, household.id).contact_name == ""


def test_the_agreement_prints_the_known_defects(
    signed_in, in_app, lender, technician, make_household, make_device
):
    from refurb.auth.models import User
    from refurb.inventory.checklists import default_checklist
    from refurb.inventory.enums import DiagnosisOutcome
    from refurb.inventory.models import Device
    from refurb.inventory.services import functional_test

    device = make_device(State.DIAGNOSIS)
    with in_app() as session:
        found = session.get(Device, device.id)
        results = {i.key: {"result": "pass"} for i in default_checklist(Category.LAPTOP)}
        results["camera"] = {"result": "fail", "note": "webcam morte"}
        functional_test.record_diagnosis(
            found, session.get(User, technician.id), results, DiagnosisOutcome.READY_AFTER_ERASURE
        )
        found.state = State.READY
        session.commit()
    loan_id = reserved_loan(in_app, lender, make_household().id, device.id)
    handover(signed_in, loan_id)
    text = pdf_text(signed_in.get(f"/prets/{loan_id}/convention.pdf").data)
    assert "Défauts connus" in text and "Caméra" in text


def test_a_reservation_from_the_household_page_serves_its_waiting_request(
    signed_in, in_app, lender, make_household, make_device
):
    from refurb.auth.models import User
    from refurb.loans.enums import RequestStatus
    from refurb.loans.models import Household, LoanRequest
    from refurb.loans.services.households import add_request

    household = make_household()
    tablet = make_device(State.READY, category=Category.TABLET)
    with in_app() as session:
        add_request(
            session.get(Household, household.id), session.get(User, lender.id), Category.TABLET
        )
        session.commit()
    page = signed_in.get(f"/prets/nouveau?household={household.id}").get_data(as_text=True)
    assert 'value="tablet" selected' in page  # the category it waits for, first
    signed_in.post("/prets/nouveau", data={"household": household.id, "device": tablet.tag})
    with in_app() as session:
        request = session.scalar(select(LoanRequest))
        assert request.status == RequestStatus.SERVED and request.loan_id is not None


def test_a_refused_page_reopened_leads_back_to_the_loan(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    reopened = signed_in.get(f"/prets/{loan_id}/actions/checkout")
    assert reopened.status_code == 302 and reopened.location == f"/prets/{loan_id}"


def test_a_refused_loan_page_still_logs_the_identity_it_shows(
    signed_in, in_app, lender, make_household, make_device
):
    household = make_household()
    loan_id = reserved_loan(in_app, lender, household.id, make_device(State.READY).id)
    refused = handover(signed_in, loan_id, **{"o-deposit_euros": "5000"})
    assert refused.status_code == 400 and "Mme Durand" in refused.get_data(as_text=True)
    with in_app() as session:
        views = session.scalars(
            select(Event).where(Event.action == "household.identity_viewed")
        ).all()
    assert len(views) == 1


def test_asking_to_confirm_an_erasure_keeps_the_signed_agreement(
    app, signed_in, in_app, lender, make_household, make_device
):
    import io
    import os

    from tests.loans.test_one_door import PNG

    household = make_household()
    loan_id = reserved_loan(in_app, lender, household.id, make_device(State.READY).id)
    signed_in.post(
        f"/prets/{loan_id}/convention-signee",
        data={"s-document": (io.BytesIO(PNG), "convention.png")},
        content_type="multipart/form-data",
    )
    signed_in.post(
        f"/prets/{loan_id}/actions/cancel",
        data={"a-version": version(in_app, loan_id), "a-confirmed": "1"},
    )
    with in_app() as session:
        name = session.get(Loan, loan_id).signed_agreement_path
    stored = os.path.join(app.instance_path, "uploads", "agreements", name)
    asked = signed_in.post(f"/foyers/{household.id}/effacer", data={})
    assert asked.status_code == 200 and os.path.isfile(stored)  # tried, not done
    signed_in.post(f"/foyers/{household.id}/effacer", data={"c-confirmed": "1"})
    assert not os.path.exists(stored)  # erased with the household's identity


def test_a_handover_says_every_mistake_at_once(
    signed_in, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    refused = handover(
        signed_in,
        loan_id,
        **{
            "o-deposit_euros": "5000",
            "o-start_on": (TODAY + timedelta(days=30)).isoformat(),
            "o-agreement_accepted": "",
        },
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for field in ("o-deposit_euros", "o-start_on", "o-agreement_accepted"):
        assert f'id="{field}-erreur"' in text, field
    with in_app() as session:
        assert session.get(Loan, loan_id).status == LoanStatus.RESERVED
