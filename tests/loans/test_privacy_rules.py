"""The personal-data rules, pinned one by one (mutation testing showed them loose): who sees a
household's identity, what a view and an erasure record, which households the purge keeps."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import DomainError
from refurb.history.models import Event
from refurb.inventory.enums import State
from refurb.loans import privacy
from refurb.loans.models import Household
from refurb.loans.privacy import _months_before
from refurb.loans.services import lending
from tests.conftest import TODAY
from tests.loans.test_privacy_reminders import active_loan


def test_only_a_lender_of_the_owning_association_sees_the_identity(
    in_app, lender, lender_org, create_user, create_organisation, make_household
):
    household_id = make_household().id
    other_lender = create_user(Role.LENDER, create_organisation("Autre", OrganisationKind.LENDER))
    same_org_viewer = create_user(Role.VIEWER, lender_org)
    with in_app() as session:
        household = session.get(Household, household_id)
        assert privacy.can_see_identity(session.get(User, lender.id), household)
        assert not privacy.can_see_identity(session.get(User, other_lender.id), household)
        assert not privacy.can_see_identity(session.get(User, same_org_viewer.id), household)
        assert not privacy.can_see_identity(None, household)


def test_a_view_of_the_identity_is_recorded_for_the_owning_association(
    in_app, lender, lender_org, make_household
):
    household_id = make_household().id
    with in_app() as session:
        shown = privacy.identity_for(
            session.get(User, lender.id), session.get(Household, household_id)
        )
        assert shown["contact_name"] == "Mme Durand"
        session.commit()
        (event,) = session.scalars(select(Event).where(Event.action == "household.identity_viewed"))
        assert event.organisation_id == lender_org.id and event.actor_id == lender.id


def test_an_erasure_on_request_looks_at_this_households_loans_and_records_who_and_why(
    session_as, lender, lender_org, make_household, make_device
):
    busy, asking = make_household().id, make_household().id
    device = make_device(State.READY).id
    with session_as(lender) as (session, actor):
        active_loan(session, actor, busy, device, TODAY - timedelta(days=5))
        with pytest.raises(DomainError) as refused:
            privacy.erase_on_request(session.get(Household, busy), actor)
        assert refused.value.code == "open_loans"
        assert refused.value.message == (
            "Ce foyer a un prêt en cours\u202f: clôturez-le avant d'effacer ses données."
        )
        privacy.erase_on_request(session.get(Household, asking), actor)  # another's loan: no matter
        session.commit()
        (event,) = session.scalars(select(Event).where(Event.action == "household.anonymised"))
        assert event.subject_id == asking and event.actor_id == lender.id
        assert event.organisation_id == lender_org.id and event.details == {"reason": "request"}


def test_the_purge_keeps_a_household_with_an_open_loan_even_after_an_old_one(
    session_as, lender, make_household, make_device
):
    household = make_household().id
    old, current = make_device(State.READY).id, make_device(State.READY).id
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household, old, TODAY - timedelta(days=40))
        lending.take_back(actor, loan, loan.version, "Bon état", [])
        loan.ended_on = _months_before(TODAY, 30)  # long past the retention delay
        active_loan(session, actor, household, current, TODAY - timedelta(days=5))
        session.commit()
        assert privacy.purge(TODAY) == 0
        session.commit()
        assert session.get(Household, household).contact_name == "Mme Durand"


def test_the_purge_reads_each_households_own_last_loan_and_says_why(
    session_as, lender, make_household, make_device
):
    due, recent = make_household().id, make_household().id
    devices = [make_device(State.READY).id for _ in range(2)]
    with session_as(lender) as (session, actor):
        for household, device, ended in (
            (due, devices[0], _months_before(TODAY, 30)),
            (recent, devices[1], TODAY - timedelta(days=10)),
        ):
            loan = active_loan(session, actor, household, device, TODAY - timedelta(days=40))
            lending.take_back(actor, loan, loan.version, "Bon état", [])
            loan.ended_on = ended
        session.commit()
        assert privacy.purge(TODAY) == 1
        session.commit()
        assert session.get(Household, recent).contact_name == "Mme Durand"
        (event,) = session.scalars(select(Event).where(Event.action == "household.anonymised"))
        assert event.subject_id == due and event.details == {"reason": "retention 24 months"}


def test_an_erasure_removes_this_households_free_text_and_agreements_only(
    app, client, session_as, in_app, lender, make_household, make_device
):
    import io
    import os

    from refurb.loans.models import Loan
    from tests.conftest import sign_in
    from tests.loans.test_one_door import PNG

    erased = make_household(referring_organisation="CCAS d'Auch").id
    other = make_household().id
    devices = [make_device(State.READY).id for _ in range(2)]
    with session_as(lender) as (session, actor):
        loans = []
        for household, device in ((erased, devices[0]), (other, devices[1])):
            loan = active_loan(session, actor, household, device, TODAY - timedelta(days=5))
            loans.append(loan.id)
        session.commit()
    sign_in(client, lender.email, lender.password)
    for loan_id in loans:
        client.post(
            f"/prets/{loan_id}/convention-signee",
            data={"s-document": (io.BytesIO(PNG), "convention.png")},
            content_type="multipart/form-data",
        )
    with session_as(lender) as (session, actor):
        paths = [session.get(Loan, i).signed_agreement_path for i in loans]
        for loan_id in loans[:1]:
            loan = session.get(Loan, loan_id)
            lending.take_back(actor, loan, loan.version, "Bon état", [])
        privacy.erase_on_request(session.get(Household, erased), actor)
        session.commit()
        household = session.get(Household, erased)
        assert household.referring_organisation == "" and household.criterion_note == ""
        assert session.get(Loan, loans[0]).signed_agreement_path == ""
        assert session.get(Loan, loans[1]).signed_agreement_path == paths[1]  # not its own
        (event,) = session.scalars(select(Event).where(Event.action == "household.anonymised"))
        assert event.subject_type == "household"
    folder = os.path.join(app.instance_path, "uploads", "agreements")
    assert not os.path.exists(os.path.join(folder, paths[0]))
    assert os.path.isfile(os.path.join(folder, paths[1]))
