"""Input that answered 500 before (reliability issue, points 6–11): each is now a 400 that
names what is wrong, and changes nothing."""

import pytest
from sqlalchemy import func, select

from refurb.auth.roles import Role
from refurb.inventory.enums import State
from refurb.inventory.models import Device, Donor
from refurb.loans.models import Household, Loan
from tests.conftest import VERIFIED_ON, sign_in


def count(in_app, model) -> int:
    with in_app() as session:
        return session.scalar(select(func.count()).select_from(model))


def refused(response, code: str, field: str | None = None):
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["code"] == code, error
    if field is not None:
        assert field in error["details"], error
    return error


@pytest.fixture
def headers(api_token):
    return api_token(Role.TECHNICIAN)[0]


def test_6_a_malformed_or_non_object_json_body_is_a_400_even_anonymous(client, headers, in_app):
    refused(
        client.post("/api/v1/auth/token", data="{", content_type="application/json"),
        "invalid_input",
        "json",
    )
    refused(client.post("/api/v1/auth/token", json=["a", "list"]), "invalid_input")
    deep = "[" * 100_000 + "]" * 100_000
    refused(
        client.post("/api/v1/devices", data=deep, content_type="application/json", headers=headers),
        "body_too_deep",
        "json",
    )
    assert count(in_app, Device) == 0


def test_7_numbers_too_large_for_the_database(client, headers, api_token, lender_org, in_app):
    refused(
        client.get("/api/v1/devices?page=99999999999999999999", headers=headers),
        "invalid_input",
        "page",
    )
    refused(
        client.post(
            "/api/v1/devices", json={"category": "laptop", "collection_id": 2**70}, headers=headers
        ),
        "unknown_collection",
        "collection_id",
    )
    lender, _user = api_token(Role.LENDER, lender_org)
    assert client.get("/api/v1/households/99999999999999999999", headers=lender).status_code == 404
    assert count(in_app, Device) == 0


def test_7_8_journal_filters_out_of_range_say_which(client, create_user):
    admin = create_user(Role.ADMIN)
    sign_in(client, admin.email, admin.password)
    page = client.get(
        "/journal?from=0001-01-01&subject_type=device&subject_id=99999999999999999999"
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Date hors de la période du journal" in text and "Numéro invalide." in text
    assert 'id="from" name="from" value="0001-01-01" aria-invalid="true"' in text


def test_8_handover_dates_far_from_today_are_refused(
    client, api_token, lender_org, make_device, in_app
):
    lender, _user = api_token(Role.LENDER, lender_org)
    device = make_device(State.READY)
    household = client.post(
        "/api/v1/households",
        headers=lender,
        json={
            "lender_organisation_id": lender_org.id,
            "commune_code": "32013",
            "size": 2,
            "criterion": "rsa",
            "verified_on": VERIFIED_ON.isoformat(),
        },
    ).json
    loan = client.post(
        "/api/v1/loans", json={"household_id": household["id"], "tag": device.tag}, headers=lender
    ).json
    for day in ("9999-12-31", "0001-01-01"):
        answer = client.post(
            f"/api/v1/loans/{loan['id']}/checkout",
            json={"version": loan["version"], "agreement_accepted": True, "start_on": day},
            headers=lender,
        )
        refused(answer, "invalid_fields", "start_on")
    with in_app() as session:
        assert session.get(Loan, loan["id"]).status.value == "reserved"


def test_9_unknown_references_and_unreadable_text_are_named(client, headers, in_app):
    for body, field in (
        ({"name": "Mairie", "kind": "collectivite", "organisation_id": 999_999}, "organisation_id"),
        ({"name": "Mairie", "kind": "collectivite", "commune_code": "99999"}, "commune_code"),
    ):
        refused(
            client.post("/api/v1/donors", json=body, headers=headers), "unknown_reference", field
        )
    lone = '{"category": "laptop", "serial_number": "AB\\ud800CD"}'
    refused(
        client.post("/api/v1/devices", data=lone, content_type="application/json", headers=headers),
        "invalid_fields",
        "serial_number",
    )
    assert count(in_app, Donor) == 0 and count(in_app, Device) == 0


def test_10_integers_are_strict(client, api_token, lender_org, in_app):
    lender, _user = api_token(Role.LENDER, lender_org)
    body = {
        "lender_organisation_id": lender_org.id,
        "commune_code": "32013",
        "size": 2.5,
        "criterion": "rsa",
        "verified_on": VERIFIED_ON.isoformat(),
    }
    refused(client.post("/api/v1/households", json=body, headers=lender), "invalid_input", "size")
    assert count(in_app, Household) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ram_gb": -1}, "ram_gb"),
        ({"screen_inches": 1e308}, "screen_inches"),
        ({"cpu": "x" * 100_000}, "cpu"),
        ({"brand": "Dell\x00"}, "brand"),
        ({"battery_design_wh": 40, "battery_full_wh": 90}, "battery_full_wh"),
    ],
)
def test_11_implausible_device_values_are_refused(
    client, headers, make_device, in_app, change, field
):
    device = make_device(State.DIAGNOSIS)
    version = client.get(f"/api/v1/devices/{device.tag}", headers=headers).json["version"]
    answer = client.patch(
        f"/api/v1/devices/{device.tag}", json={"version": version, **change}, headers=headers
    )
    error = refused(answer, "invalid_fields", field)
    assert error["details"][field]  # a sentence for that field
    assert client.get(f"/api/v1/devices/{device.tag}", headers=headers).json["version"] == version


def test_11_contact_fields_longer_than_their_columns_and_future_consent(
    client, api_token, lender_org, in_app
):
    lender, _user = api_token(Role.LENDER, lender_org)
    body = {
        "lender_organisation_id": lender_org.id,
        "commune_code": "32013",
        "size": 2,
        "criterion": "rsa",
        "verified_on": VERIFIED_ON.isoformat(),
        "contact_name": "Durand",
        "consent_on": VERIFIED_ON.isoformat(),
    }
    too_long = client.post(
        "/api/v1/households", json={**body, "contact_name": "x" * 500}, headers=lender
    )
    refused(too_long, "invalid_input", "contact_name")
    future = client.post(
        "/api/v1/households", json={**body, "consent_on": "2099-01-01"}, headers=lender
    )
    refused(future, "invalid_fields", "consent_on")
    assert count(in_app, Household) == 0


def test_11_the_same_bounds_on_the_page(client, technician, make_device):
    sign_in(client, technician.email, technician.password)
    page = client.post(
        "/appareils/nouveau",
        data={"category": "laptop", "weight_kg": "0", "year_of_manufacture": "2031"},
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Le poids doit dépasser 0, sans aller au-delà de 100 kg." in text
    assert "L&#39;année de fabrication doit se situer entre 1980 et" in text


def test_a_superscript_digit_in_the_journal_filters_is_a_400(client, create_user):
    admin = create_user(Role.ADMIN)
    sign_in(client, admin.email, admin.password)
    for query in ("actor=%C2%B2", "subject_type=user&subject_id=%C2%B2"):  # "²"
        page = client.get(f"/journal?{query}")
        assert page.status_code == 400 and "Numéro invalide." in page.get_data(as_text=True)


def test_an_export_filtered_out_of_range_answers_400_before_its_download_begins(client, technician):
    sign_in(client, technician.email, technician.password)
    for name in ("donor_id", "collection_id"):
        answer = client.get(f"/appareils/export.csv?{name}=99999999999999999999")
        assert answer.status_code == 400, name
        assert "Numéro invalide." in answer.get_data(as_text=True)
    assert client.get("/appareils/export.csv").status_code == 200
