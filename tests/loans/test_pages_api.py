"""Loans through the pages and the API: the organisation boundary (guessed ids reveal nothing),
identity shown to the owning lenders only and every view logged, the whole flow by API."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.loans.models import Household, Loan
from refurb.loans.services.households import add_request
from tests.conftest import TODAY, sign_in


@pytest.fixture
def other_lender(create_user, create_organisation):
    return create_user(Role.LENDER, create_organisation("Garros Services", OrganisationKind.LENDER))


def test_a_lender_of_another_association_sees_nothing(client, other_lender, make_household):
    household = make_household()
    sign_in(client, other_lender.email, other_lender.password)
    for path in (
        f"/foyers/{household.id}",
        f"/foyers/{household.id}/modifier",
        f"/foyers/{household.id}/export.json",
        f"/prets/nouveau?household={household.id}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Durand" not in response.get_data(as_text=True)
    assert (
        client.post(f"/foyers/{household.id}/demandes", data={"r-category": "laptop"}).status_code
        == 404
    )
    assert client.post(f"/foyers/{household.id}/effacer").status_code == 404
    assert household.reference not in client.get("/foyers").get_data(as_text=True)
    assert household.reference not in client.get("/attente").get_data(as_text=True)


def test_the_owning_lender_sees_the_identity_and_each_view_is_logged(
    client, lender, make_household, in_app
):
    household = make_household()
    sign_in(client, lender.email, lender.password)
    for _ in range(2):
        assert "Mme Durand" in client.get(f"/foyers/{household.id}").get_data(as_text=True)
    with in_app() as session:
        views = session.scalars(
            select(Event).where(Event.action == "household.identity_viewed")
        ).all()
        assert len(views) == 2 and views[0].actor_id == lender.id


def test_the_coordinator_sees_households_pseudonymised(client, login_as, make_household):
    household = make_household()
    login_as(Role.ADMIN)
    page = client.get(f"/foyers/{household.id}").get_data(as_text=True)
    assert household.reference in page and "Mme Durand" not in page and "06 12" not in page


def test_the_api_keeps_the_boundary(client, make_household, lender, other_lender, make_device):
    household = make_household()
    device = make_device(State.READY)
    token = client.post(
        "/api/v1/auth/token", json={"email": other_lender.email, "password": other_lender.password}
    )
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    assert client.get(f"/api/v1/households/{household.id}", headers=headers).status_code == 404
    refused = client.post(
        "/api/v1/loans", json={"household_id": household.id, "tag": device.tag}, headers=headers
    )
    assert refused.status_code == 404 and refused.json["error"]["code"] == "not_found"
    assert client.get("/api/v1/households", headers=headers).json["items"] == []
    created = client.post(
        "/api/v1/households",
        headers=headers,
        json={
            "lender_organisation_id": lender.organisation.id,
            "commune_code": "32013",
            "size": 2,
            "criterion": "css",
            "verified_on": (TODAY - timedelta(days=30)).isoformat(),
        },
    )
    assert created.status_code == 403 and created.json["error"]["code"] == "other_organisation"


def test_the_whole_loan_by_api(client, lender, make_device, in_app):
    token = client.post(
        "/api/v1/auth/token", json={"email": lender.email, "password": lender.password}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    device = make_device(State.READY)
    household = client.post(
        "/api/v1/households",
        headers=headers,
        json={
            "lender_organisation_id": lender.organisation.id,
            "commune_code": "32233",
            "size": 4,
            "criterion": "quotient_familial",
            "verified_on": (TODAY - timedelta(days=30)).isoformat(),
            "contact_email": "famille@exemple.fr",
            "consent_on": (TODAY - timedelta(days=30)).isoformat(),
        },
    )
    assert (
        household.status_code == 201 and household.json["epci"] == "CC Bastides et Vallons du Gers"
    )
    assert household.json["contact"]["contact_email"] == "famille@exemple.fr"
    loan = client.post(
        "/api/v1/loans",
        json={"household_id": household.json["id"], "tag": device.tag.lower()},
        headers=headers,
    ).json
    assert loan["status"] == "reserved"
    refused = client.post(
        f"/api/v1/loans/{loan['id']}/checkout",
        json={"version": loan["version"], "agreement_accepted": False},
        headers=headers,
    )
    assert refused.status_code == 409 and refused.json["error"]["code"] == "agreement_required"
    active = client.post(
        f"/api/v1/loans/{loan['id']}/checkout",
        headers=headers,
        json={
            "version": loan["version"],
            "agreement_accepted": True,
            "accessories": ["chargeur"],
            "start_on": (TODAY - timedelta(days=29)).isoformat(),
        },
    ).json
    assert (
        active["status"] == "active"
        and active["due_on"] == (TODAY - timedelta(days=29) + timedelta(days=180)).isoformat()
    )
    renewed = client.post(
        f"/api/v1/loans/{loan['id']}/renew", json={"version": active["version"]}, headers=headers
    ).json
    assert renewed["renewals"] == 1
    returned = client.post(
        f"/api/v1/loans/{loan['id']}/return",
        headers=headers,
        json={"version": renewed["version"], "condition": "Bon état", "missing_accessories": []},
    ).json
    assert returned["status"] == "returned"
    assert [
        item["reference"]
        for item in client.get("/api/v1/loans?status=returned", headers=headers).json["items"]
    ] == [loan["reference"]]
    assert client.get(f"/api/v1/devices/{device.tag}", headers=headers).status_code == 403
    with in_app() as session:
        assert session.get(Device, device.id).state == State.DIAGNOSIS


def test_a_lender_scans_a_ready_device_and_reserves_it_for_a_household(
    client, lender, make_household, make_device, in_app
):
    waiting, other = make_household(), make_household()
    device = make_device(State.READY)
    with in_app() as session:
        add_request(
            session.get(Household, waiting.id), session.get(User, lender.id), Category.LAPTOP
        )
        session.commit()
    sign_in(client, lender.email, lender.password)
    page = client.get(f"/t/{device.tag}").get_data(as_text=True)
    assert "Réserver cet appareil pour un foyer" in page
    assert page.index(waiting.reference) < page.index(other.reference)  # the waiting one first
    form = client.get(f"/prets/nouveau?household={waiting.id}&tag={device.tag}").get_data(
        as_text=True
    )
    assert f'value="{device.tag}"' in form
    response = client.post("/prets/nouveau", data={"household": waiting.id, "tag": device.tag})
    assert response.status_code == 302
    with in_app() as session:
        assert session.scalar(select(Loan.household_id)) == waiting.id
