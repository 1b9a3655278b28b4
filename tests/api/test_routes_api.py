"""API operations not answered elsewhere: a storage medium added to a device, a loan turned into
a gift — each answer read, and the database read back (the maintenance API's are in
tests/maintenance/test_routes_api.py, beside the park they need)."""

from datetime import timedelta

from sqlalchemy import select

from refurb.history.models import Event
from refurb.inventory.enums import MediumKind, State
from refurb.inventory.models import Device, StorageMedium
from refurb.loans.enums import LoanStatus
from refurb.loans.models import Loan
from tests.conftest import PASSWORD, TODAY


def bearer(client, email) -> dict:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


# --- Inventory -----------------------------------------------------------------------------


def test_a_technician_adds_a_storage_medium(client, technician, make_device, in_app):
    headers = bearer(client, technician.email)
    tag = make_device(State.DIAGNOSIS).tag
    created = client.post(
        f"/api/v1/devices/{tag.lower()}/media",
        json={"kind": "nvme", "serial": "S4EVNX0R", "model": "Samsung PM981", "size_gb": 512},
        headers=headers,
    )
    assert created.status_code == 201
    assert {k: created.json[k] for k in ("kind", "serial", "model", "size_gb")} == {
        "kind": "nvme",
        "serial": "S4EVNX0R",
        "model": "Samsung PM981",
        "size_gb": 512.0,
    }
    with in_app() as session:
        medium = session.get(StorageMedium, created.json["id"])
        assert medium.device.tag == tag and medium.kind == MediumKind.NVME
        assert not medium.is_removed and medium.device.storage_absent is False
    listed = client.get(f"/api/v1/devices/{tag}", headers=headers).json["media"]
    assert [(m["id"], m["serial"]) for m in listed] == [(created.json["id"], "S4EVNX0R")]
    again = client.post(
        f"/api/v1/devices/{tag}/media", json={"kind": "ssd", "serial": "S4EVNX0R"}, headers=headers
    )
    assert again.status_code == 400 and again.json["error"]["code"] == "medium_exists"
    with in_app() as session:
        assert len(session.scalars(select(StorageMedium)).all()) == 1


# --- Loans ---------------------------------------------------------------------------------


def test_a_lender_turns_a_loan_into_a_gift(client, lender, make_household, make_device, in_app):
    headers = bearer(client, lender.email)
    household = make_household()
    device = make_device(State.READY)
    loan = client.post(
        "/api/v1/loans", json={"household_id": household.id, "tag": device.tag}, headers=headers
    ).json
    active = client.post(
        f"/api/v1/loans/{loan['id']}/checkout",
        json={
            "version": loan["version"],
            "agreement_accepted": True,
            "start_on": (TODAY - timedelta(days=29)).isoformat(),
        },
        headers=headers,
    ).json
    assert active["status"] == "active"
    stale = client.post(
        f"/api/v1/loans/{loan['id']}/convert-to-gift",
        json={"version": loan["version"]},
        headers=headers,
    )
    assert stale.status_code == 409
    given = client.post(
        f"/api/v1/loans/{loan['id']}/convert-to-gift",
        json={"version": active["version"]},
        headers=headers,
    )
    assert given.status_code == 200
    assert given.json["status"] == "converted_to_gift"
    assert given.json["ended_on"] == TODAY.isoformat() and given.json["tag"] == device.tag
    with in_app() as session:
        saved = session.get(Loan, loan["id"])
        assert saved.status == LoanStatus.CONVERTED_TO_GIFT and saved.ended_on == TODAY
        assert session.get(Device, device.id).state == State.GIVEN
        assert session.scalar(
            select(Event.actor_id).where(Event.action == "loan.converted_to_gift")
        ) == (lender.id)
    listed = client.get("/api/v1/loans?status=converted_to_gift", headers=headers).json
    assert [item["reference"] for item in listed["items"]] == [loan["reference"]]
