"""The households' and the loan settings' rules, read whole: each refusal's code, sentence and
field; the bounds of the loan settings at their edges; the agreement's terms versioned only
when their text changes; what each change leaves in the history."""

import pytest
from sqlalchemy import select

from refurb.auth.models import Organisation
from refurb.auth.roles import OrganisationKind
from refurb.errors import DomainError
from refurb.history.models import Event
from refurb.inventory.enums import Category
from refurb.loans.enums import Criterion, RequestStatus
from refurb.loans.models import AgreementTerms, LenderSettings
from refurb.loans.services import households as services
from refurb.loans.services.settings import (
    DEFAULTS,
    current_terms,
    default_terms,
    settings_for,
    terms_for_signing,
    update_settings,
)
from tests.conftest import TODAY, VERIFIED_ON, told

CONTACT = {"contact_name": "Mme Durand", "contact_phone": "06 12 34 56 78"}


def last_event(session, subject_type: str, subject_id: int) -> Event:
    return session.scalar(
        select(Event)
        .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
        .order_by(Event.id.desc())
    )


@pytest.fixture
def desk(session_as, lender, lender_org):
    with session_as(lender) as (session, actor):
        yield session, actor, session.get(Organisation, lender_org.id)


def household_fields(**changes) -> dict:
    fields = {
        "commune_code": "32013",
        "size": 2,
        "criterion": Criterion.RSA,
        "verified_on": VERIFIED_ON,
        **CONTACT,
        "consent_on": VERIFIED_ON,
    }
    fields.update(changes)
    return fields


def test_a_household_is_created_with_its_reference_and_its_trace(desk):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    assert household.reference.startswith(f"F-{TODAY.year}-")
    assert (household.lender_organisation_id, household.verified_by_id) == (
        organisation.id,
        actor.id,
    )
    event = last_event(session, "household", household.id)
    assert (event.action, event.actor_id, event.organisation_id, event.details) == (
        "household.created",
        actor.id,
        organisation.id,
        {"criterion": "rsa"},
    )


@pytest.mark.parametrize(
    "changes, expected",
    [
        (
            {"commune_code": "75056"},
            ("unknown_commune", "Commune inconnue dans le Gers.", {"commune": "unknown"}),
        ),
        (
            {"criterion": Criterion.OTHER, "criterion_note": "  "},
            (
                "criterion_note_required",
                "Précisez le critère d'éligibilité (sans joindre de justificatif).",
                {"criterion_note": "required"},
            ),
        ),
        (
            {"consent_on": None},
            (
                "consent_required",
                "Des coordonnées ne s'enregistrent qu'avec la date du consentement du foyer.",
                {"consent_on": "required"},
            ),
        ),
    ],
)
def test_a_household_refused_says_why_and_where(desk, changes, expected):
    session, actor, organisation = desk
    with pytest.raises(DomainError) as refused:
        services.create_household(actor, organisation, **household_fields(**changes))
    assert told(refused.value) == expected


@pytest.mark.parametrize("contact", ["contact_name", "contact_phone", "contact_email"])
def test_any_contact_needs_the_consent(desk, contact):
    session, actor, organisation = desk
    values = {"contact_email": "durand@exemple.fr"} if contact == "contact_email" else {}
    fields = household_fields(contact_name="", contact_phone="", consent_on=None)
    fields[contact] = values.get(contact, CONTACT.get(contact))
    with pytest.raises(DomainError) as refused:
        services.create_household(actor, organisation, **fields)
    assert refused.value.code == "consent_required"
    anonymous = household_fields(contact_name="", contact_phone="", consent_on=None)
    assert services.create_household(actor, organisation, **anonymous).consent_on is None


def test_another_criterion_with_its_note_is_kept(desk):
    session, actor, organisation = desk
    fields = household_fields(criterion=Criterion.OTHER, criterion_note="orienté par le CCAS")
    assert services.create_household(actor, organisation, **fields).criterion_note


def test_only_a_lending_association_follows_households(desk, create_organisation):
    session, actor, organisation = desk
    organisation.kind = OrganisationKind.WORKSHOP
    with pytest.raises(DomainError) as refused:
        services.create_household(actor, organisation, **household_fields())
    assert told(refused.value) == (
        "not_a_lender",
        "Seule une association de prêt suit des foyers.",
        {},
    )
    with pytest.raises(DomainError):
        services.create_household(actor, None, **household_fields())


def test_an_edit_is_checked_with_what_the_household_already_holds(desk):
    session, actor, organisation = desk
    fields = household_fields(criterion=Criterion.OTHER, criterion_note="orienté par le CCAS")
    household = services.create_household(actor, organisation, **fields)
    with pytest.raises(DomainError) as refused:  # its note emptied, its criterion kept
        services.update_household(household, actor, household.version, criterion_note="")
    assert refused.value.code == "criterion_note_required"
    with pytest.raises(DomainError) as refused:  # its consent removed, its contact kept
        services.update_household(household, actor, household.version, consent_on=None)
    assert refused.value.code == "consent_required"
    services.update_household(household, actor, household.version, size=4, commune_code="32107")
    assert (household.size, household.commune_code) == (4, "32107")
    event = last_event(session, "household", household.id)
    assert (event.action, event.actor_id, event.organisation_id, event.details) == (
        "household.updated",
        actor.id,
        organisation.id,
        {"changed": ["commune_code", "size"]},
    )
    household.anonymised_at = household.created_at
    with pytest.raises(DomainError) as refused:
        services.update_household(household, actor, household.version, size=5)
    assert told(refused.value) == (
        "household_anonymised",
        "Ce foyer a été anonymisé : sa fiche ne se modifie plus.",
        {},
    )


def test_a_request_has_a_priority_of_1_2_or_3(desk):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    for priority in (0, 4):
        with pytest.raises(DomainError) as refused:
            services.add_request(household, actor, Category.LAPTOP, priority=priority)
        assert told(refused.value) == ("priority", "Priorité 1, 2 ou 3.", {"priority": "invalid"})
    request = services.add_request(household, actor, Category.LAPTOP, priority=1, note="  école  ")
    assert (request.priority, request.note, request.requested_on) == (1, "école", TODAY)
    event = last_event(session, "household", household.id)
    assert (event.action, event.actor_id, event.details) == (
        "household.request_added",
        actor.id,
        {"category": "laptop"},
    )


def test_settings_default_until_saved(desk):
    session, actor, organisation = desk
    settings = settings_for(organisation.id)
    assert (settings.loan_days, settings.renewal_days, settings.renewal_cap) == (180, 90, 2)
    assert DEFAULTS == {"loan_days": 180, "renewal_days": 90, "renewal_cap": 2}
    terms = current_terms(organisation.id)
    assert (terms.id, terms.version_number, terms.text) == (None, 1, default_terms())


@pytest.mark.parametrize(
    "loan_days, renewal_days, renewal_cap, allowed",
    [
        (7, 7, 0, True),
        (730, 365, 10, True),
        (6, 90, 2, False),
        (731, 90, 2, False),
        (180, 6, 2, False),
        (180, 366, 2, False),
        (180, 90, -1, False),
        (180, 90, 11, False),
    ],
)
def test_the_loan_settings_bounds(desk, loan_days, renewal_days, renewal_cap, allowed):
    session, actor, organisation = desk
    if allowed:
        update_settings(actor, organisation.id, 1, loan_days, renewal_days, renewal_cap, "")
        saved = settings_for(organisation.id)
        assert (saved.loan_days, saved.renewal_days, saved.renewal_cap) == (
            loan_days,
            renewal_days,
            renewal_cap,
        )
        return
    with pytest.raises(DomainError) as refused:
        update_settings(actor, organisation.id, 1, loan_days, renewal_days, renewal_cap, "")
    assert told(refused.value) == (
        "settings_out_of_range",
        "Durées ou plafond hors des limites.",
        {"loan_days": "out_of_range"},
    )


def test_the_terms_get_a_new_version_only_when_their_text_changes(desk):
    session, actor, organisation = desk
    update_settings(actor, organisation.id, 1, 180, 90, 2, "  Article 1 : le prêt est gratuit.  ")
    first = current_terms(organisation.id)
    assert (first.version_number, first.text, first.created_by_id) == (
        1,
        "Article 1 : le prêt est gratuit.",
        actor.id,
    )
    version = settings_for(organisation.id).version
    update_settings(actor, organisation.id, version, 180, 90, 2, "Article 1 : le prêt est gratuit.")
    update_settings(actor, organisation.id, version, 180, 90, 2, "   ")  # empty: kept as is
    assert current_terms(organisation.id).version_number == 1
    update_settings(actor, organisation.id, version, 180, 90, 2, "Article 1 : caution de 20 €.")
    assert current_terms(organisation.id).version_number == 2
    event = last_event(session, "organisation", organisation.id)
    assert (event.action, event.actor_id, event.organisation_id) == (
        "loans.settings_updated",
        actor.id,
        organisation.id,
    )


def test_the_default_terms_are_stored_when_a_loan_is_signed_under_them(desk):
    session, actor, organisation = desk
    signed = terms_for_signing(organisation.id)
    assert signed.id is not None and signed.text == default_terms()
    assert terms_for_signing(organisation.id).id == signed.id  # stored once
    assert session.scalar(select(AgreementTerms.version_number)) == 1
    update_settings(actor, organisation.id, 1, 180, 90, 2, "Nouvelles conditions.")
    assert current_terms(organisation.id).version_number == 2  # after the stored default


def test_households_offered_for_a_reservation_waiting_ones_first(desk):
    session, actor, organisation = desk
    plain = services.create_household(actor, organisation, **household_fields())
    waiting = services.create_household(actor, organisation, **household_fields())
    services.add_request(waiting, actor, Category.TABLET)
    gone = services.create_household(actor, organisation, **household_fields())
    gone.anonymised_at = gone.created_at
    session.flush()
    offered = services.households_for_reservation(actor, Category.TABLET)
    assert offered == [(waiting, True), (plain, False)]
    assert services.households_for_reservation(actor, Category.LAPTOP) == [
        (plain, False),
        (waiting, False),
    ]


def test_another_association_follows_none_of_its_households(stranger, desk):
    from refurb.auth.models import User

    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    other = session.get(User, stranger.id)
    for attempt in (
        lambda: services.create_household(other, organisation, **household_fields()),
        lambda: services.update_household(household, other, household.version, size=9),
        lambda: update_settings(other, organisation.id, 1, 180, 90, 2, ""),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.status == 403
    assert household.size == 2 and session.get(LenderSettings, organisation.id) is None


def test_another_criterion_without_any_note_is_refused(desk):
    session, actor, organisation = desk
    fields = household_fields(criterion=Criterion.OTHER)
    fields.pop("criterion_note", None)
    with pytest.raises(DomainError) as refused:
        services.create_household(actor, organisation, **fields)
    assert refused.value.code == "criterion_note_required"


def test_a_value_saved_under_an_older_rule_stays_editable(desk):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    household.contact_phone = "12 34"  # accepted before phone numbers were checked
    session.flush()
    services.update_household(household, actor, household.version, size=3)
    assert (household.size, household.contact_phone) == (3, "12 34")
    with pytest.raises(DomainError):
        services.update_household(household, actor, household.version, contact_phone="56 78")


def test_a_request_is_of_normal_priority_unless_said(desk, lender_org):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    request = services.add_request(household, actor, Category.SCREEN)
    assert (request.priority, request.note) == (2, "")
    assert last_event(session, "household", household.id).organisation_id == lender_org.id


def test_a_household_whose_request_was_served_is_no_longer_waiting(desk):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    request = services.add_request(household, actor, Category.TABLET)
    request.status = RequestStatus.SERVED
    session.flush()
    assert services.households_for_reservation(actor, Category.TABLET) == [(household, False)]


def test_a_household_saved_with_contacts_before_the_consent_rule_stays_editable(desk):
    session, actor, organisation = desk
    household = services.create_household(actor, organisation, **household_fields())
    household.consent_on = None  # as saved before consent dates were asked
    session.flush()
    services.update_household(household, actor, household.version, size=4)
    assert household.size == 4


def test_households_offered_are_ordered_by_reference_and_at_most_200(desk):
    session, actor, organisation = desk
    first, second = (
        services.create_household(actor, organisation, **household_fields()) for _ in range(2)
    )
    first.reference, second.reference = "F-2026-9999", "F-2026-0001"  # out of creation order
    session.flush()
    assert [h for h, _w in services.households_for_reservation(actor, Category.LAPTOP)] == [
        second,
        first,
    ]
    for _ in range(199):
        services.create_household(actor, organisation, **household_fields())
    assert len(services.households_for_reservation(actor, Category.LAPTOP)) == 200
