"""The bounds hold on every write path, not only the device's: a NUL byte or an overlong text is
refused beside its field, and nothing is stored (API token names, loan agreement terms, a second
loan's reason, a waiting-list note)."""

from sqlalchemy import func, select

from refurb.auth.models import ApiToken
from refurb.inventory.enums import State
from refurb.loans.models import AgreementTerms, Loan
from tests.conftest import sign_in


def count(in_app, model) -> int:
    with in_app() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_token_name_with_a_nul_byte_is_refused_on_the_page_and_by_the_api(
    client, in_app, technician
):
    sign_in(client, technician.email, technician.password)
    page = client.post("/compte/jetons", data={"tk-name": "atelier\x00"})
    assert page.status_code == 400 and 'id="tk-name-erreur"' in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/auth/token",
        json={"email": technician.email, "password": technician.password, "name": "a\x00b"},
    )
    assert api.status_code == 400 and "name" in api.get_json()["error"]["details"]
    assert count(in_app, ApiToken) == 0


def test_agreement_terms_past_twenty_thousand_characters_are_refused_and_kept(
    client, in_app, lender
):
    sign_in(client, lender.email, lender.password)
    data = {"loan_days": "180", "renewal_days": "90", "renewal_cap": "2", "version": "1"}
    refused = client.post("/prets/reglages", data={**data, "terms": "t" * 20_001})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "20\u202f000 caractères au plus" in text
    assert "t" * 20_001 + "</textarea>" in text
    assert count(in_app, AgreementTerms) == 0
    long_enough = client.post("/prets/reglages", data={**data, "terms": "Article. " * 1000})
    assert long_enough.status_code == 302  # 9,000 characters: longer than a note may be


def test_a_second_loans_reason_and_a_waiting_note_with_a_nul_byte_are_refused(
    client, in_app, lender, make_household, make_device
):
    sign_in(client, lender.email, lender.password)
    household = make_household()
    device = make_device(State.READY)
    reserved = client.post(
        "/prets/nouveau",
        data={"household": household.id, "tag": device.tag, "override_reason": "\x00"},
    )
    assert reserved.status_code == 400 and "octet nul" in reserved.get_data(as_text=True)
    assert count(in_app, Loan) == 0
    noted = client.post(
        f"/foyers/{household.id}/demandes", data={"r-category": "tablet", "r-note": "\x00"}
    )
    assert noted.status_code == 400 and 'id="r-note-erreur"' in noted.get_data(as_text=True)
