"""The personal-data door of the loans API and pages, the loan workflow's offered actions,
uploads recognised by content and never orphaned."""

import io
import os

from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.extensions import db
from refurb.history.models import Event
from refurb.inventory.enums import State
from refurb.inventory.models import Device
from refurb.loans import workflow
from refurb.loans.models import Household, Loan
from refurb.loans.services import lending
from refurb.loans.services.settings import update_settings
from refurb.loans.workflow import LoanAction
from tests.conftest import TODAY, VERIFIED_ON, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def identity_views(in_app, household_id) -> int:
    with in_app() as session:
        return session.scalar(
            select(func.count())
            .select_from(Event)
            .where(
                Event.action == "household.identity_viewed",
                Event.subject_type == "household",
                Event.subject_id == household_id,
            )
        )


def bearer(client, user):
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": user.password})
    return {"Authorization": f"Bearer {token.json['token']}"}


def test_the_owning_lender_sees_identity_over_the_api_each_time_logged(
    client, in_app, lender, make_household
):
    household = make_household()
    headers = bearer(client, lender)

    listed = client.get("/api/v1/households", headers=headers)
    assert listed.status_code == 200
    assert listed.json["items"][0]["contact"]["contact_name"] == "Mme Durand"
    assert identity_views(in_app, household.id) == 1

    one = client.get(f"/api/v1/households/{household.id}", headers=headers)
    assert one.status_code == 200 and one.json["contact"]["contact_phone"] == "06 12 34 56 78"
    assert identity_views(in_app, household.id) == 2

    created = client.post(
        "/api/v1/households",
        headers=headers,
        json={
            "lender_organisation_id": lender.organisation.id,
            "commune_code": "32013",
            "size": 2,
            "criterion": "rsa",
            "verified_on": VERIFIED_ON.isoformat(),
            "contact_name": "M. Lafitte",
            "consent_on": VERIFIED_ON.isoformat(),
        },
    )
    assert created.status_code == 201 and created.json["contact"]["contact_name"] == "M. Lafitte"
    assert identity_views(in_app, created.json["id"]) == 1


def test_the_coordinator_reads_references_only(client, in_app, create_user, make_household):
    household = make_household()
    admin = create_user(Role.ADMIN)
    headers = bearer(client, admin)
    listed = client.get("/api/v1/households", headers=headers).json["items"]
    assert [h["reference"] for h in listed] == [household.reference]
    assert listed[0]["contact"] is None
    assert client.get(f"/api/v1/households/{household.id}", headers=headers).json["contact"] is None
    sign_in(client, admin.email, admin.password)
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "Mme Durand" not in page and household.reference in page
    assert client.get(f"/foyers/{household.id}/export.json").status_code == 403
    assert identity_views(in_app, household.id) == 0


def reserved_loan(in_app, lender, household_id, device_id) -> int:
    from refurb.auth.models import User

    with in_app() as session:
        actor = session.get(User, lender.id)
        loan = lending.reserve(
            actor, session.get(Household, household_id), session.get(Device, device_id)
        )
        session.commit()
        return loan.id


def test_the_signed_agreement_is_recognised_by_content_and_kept_from_the_coordinator(
    app, client, in_app, lender, create_user, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    folder = app.instance_path + "/uploads/agreements"
    stored_before = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    sign_in(client, lender.email, lender.password)

    renamed = client.post(
        f"/prets/{loan_id}/convention-signee",
        data={"s-document": (io.BytesIO(b"not a scan at all"), "convention.pdf")},
        content_type="multipart/form-data",
    )
    assert renamed.status_code == 400  # the loan page again, the refusal by the file field
    assert 'id="s-document-erreur"' in renamed.get_data(as_text=True)
    stored_after = set(os.listdir(folder)) if os.path.isdir(folder) else set()
    assert stored_after == stored_before  # nothing left behind
    with in_app() as session:
        assert session.get(Loan, loan_id).signed_agreement_path == ""

    client.post(
        f"/prets/{loan_id}/convention-signee",
        data={"s-document": (io.BytesIO(PNG), "convention.pdf")},
        content_type="multipart/form-data",
    )
    served = client.get(f"/prets/{loan_id}/convention-signee")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.data == PNG

    admin = create_user(Role.ADMIN)
    coordinator = app.test_client()
    sign_in(coordinator, admin.email, admin.password)
    assert coordinator.get(f"/prets/{loan_id}/convention-signee").status_code == 403


def test_the_loan_page_offers_only_what_the_workflow_allows(
    client, in_app, lender, make_household, make_device
):
    from refurb.auth.models import User

    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    with in_app() as session:
        actor = session.get(User, lender.id)
        loan = session.get(Loan, loan_id)
        assert workflow.available_actions(loan, actor) == [LoanAction.CHECKOUT, LoanAction.CANCEL]
        update_settings(actor, loan.lender_organisation_id, 1, 180, 90, 1, "")
        lending.checkout(actor, loan, loan.version, [], 0, True, TODAY)
        assert LoanAction.RENEW in workflow.available_actions(loan, actor)
        lending.renew(actor, loan, loan.version)
        offered = workflow.available_actions(loan, actor)
        assert LoanAction.RENEW not in offered and LoanAction.RETURN in offered
        assert workflow.refusal(loan, LoanAction.RENEW).code == "renewal_cap"
        assert workflow.refusal(loan, LoanAction.CHECKOUT).code == "invalid_loan_state"
        session.commit()
    sign_in(client, lender.email, lender.password)
    page = client.get(f"/prets/{loan_id}").get_data(as_text=True)
    assert "Transformer en don" in page and "Renouveler" not in page
    refused = client.post(f"/prets/{loan_id}/actions/renew", data={"a-version": "4"})
    assert refused.status_code == 409
    assert "Plafond de renouvellements atteint (1)" in refused.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Loan, loan_id).renewals == 1


def test_reading_the_settings_and_the_agreement_writes_nothing(
    client, in_app, lender, make_household, make_device
):
    loan_id = reserved_loan(in_app, lender, make_household().id, make_device(State.READY).id)
    sign_in(client, lender.email, lender.password)

    def rows():
        with in_app() as session:
            return [
                session.scalar(select(func.count()).select_from(table))
                for table in (
                    db.metadata.tables["lender_settings"],
                    db.metadata.tables["agreement_terms"],
                )
            ]

    before = rows()
    assert client.get("/prets/reglages").status_code == 200
    # Before the handover there is nothing to sign yet: the agreement is filled at handover.
    early = client.get(f"/prets/{loan_id}/convention.pdf")
    assert early.status_code == 404 and "se remplit à la remise" in early.get_data(as_text=True)
    assert rows() == before == [0, 0]


def test_erasing_a_household_removes_its_signed_agreements(
    app, client, in_app, lender, make_household, make_device
):
    from refurb import uploads
    from refurb.auth.models import User
    from refurb.loans import privacy

    household = make_household()
    loan_id = reserved_loan(in_app, lender, household.id, make_device(State.READY).id)
    sign_in(client, lender.email, lender.password)
    client.post(
        f"/prets/{loan_id}/convention-signee",
        data={"s-document": (io.BytesIO(PDF), "convention.pdf")},
        content_type="multipart/form-data",
    )
    with in_app() as session:
        loan = session.get(Loan, loan_id)
        stored = uploads.path_of("agreements", loan.signed_agreement_path)
        assert stored.exists()
        lending.cancel(session.get(User, lender.id), loan, loan.version)
        privacy.erase_on_request(session.get(Household, household.id), session.get(User, lender.id))
        session.commit()
        assert session.get(Loan, loan_id).signed_agreement_path == ""
    assert not stored.exists()
    missing = client.get(f"/prets/{loan_id}/convention-signee")
    assert missing.status_code == 404


def test_the_coordinator_does_not_see_the_free_text_about_a_household(
    client, create_user, make_household
):
    from refurb.loans.enums import Criterion

    household = make_household(
        criterion=Criterion.OTHER,
        criterion_note="Suivi par l'assistante sociale",
        referring_organisation="CCAS d'Auch",
    )
    admin = create_user(Role.ADMIN)
    sign_in(client, admin.email, admin.password)
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert "assistante sociale" not in page and "CCAS" not in page
