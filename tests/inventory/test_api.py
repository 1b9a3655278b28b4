"""Inventory API: the same rules as the pages, with DESIGN §7's error format."""

from datetime import timedelta
from pathlib import Path

import pytest

from refurb.auth.roles import OrganisationKind, Role
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import Category, State
from tests.conftest import TODAY, VERIFIED_ON

FIXTURES = Path(__file__).parent / "data"


@pytest.fixture
def bearer(client, technician):
    response = client.post(
        "/api/v1/auth/token", json={"email": technician.email, "password": technician.password}
    )
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_create_get_list_a_device(client, bearer):
    created = client.post(
        "/api/v1/devices",
        json={
            "category": "laptop",
            "brand": "Dell",
            "model": "Latitude 5490",
            "serial_number": "H7X2",
        },
        headers=bearer,
    )
    assert created.status_code == 201
    device = created.json
    assert {
        "tag",
        "category",
        "brand",
        "model",
        "serial_number",
        "state",
        "grade",
        "version",
    } <= set(device)
    assert device["state"] == "received" and device["tag"].startswith("GN-")
    assert (
        client.get(f"/api/v1/devices/{device['tag'].lower()}", headers=bearer).json["tag"]
        == device["tag"]
    )
    page = client.get("/api/v1/devices?state=received&per_page=10", headers=bearer).json
    assert (
        page["total"] == 1 and page["per_page"] == 10 and page["items"][0]["tag"] == device["tag"]
    )
    again = client.post(
        "/api/v1/devices", json={"category": "laptop", "serial_number": "h7x2"}, headers=bearer
    )
    assert again.json["duplicate_serial_of"] == [device["tag"]]


def test_bad_input_and_unknown_devices(client, bearer):
    bad = client.post(
        "/api/v1/devices",
        json={"category": "toaster", "year_of_manufacture": "old"},
        headers=bearer,
    )
    assert bad.status_code == 400 and set(bad.json["error"]["details"]) == {
        "category",
        "year_of_manufacture",
    }
    typo = client.post(
        "/api/v1/devices", json={"category": "laptop", "tag": "GN-4K7PQ2Z"}, headers=bearer
    )
    assert typo.status_code == 400 and typo.json["error"]["code"] == "tag_check_failed"
    assert (
        client.get("/api/v1/devices/GN-0000000", headers=bearer).json["error"]["code"]
        == "unknown_device"
    )


def test_a_refused_transition_is_a_409_naming_the_guard(client, bearer, make_device):
    tag = make_device(State.DIAGNOSIS).tag
    unversioned = client.post(
        f"/api/v1/devices/{tag}/transitions", json={"action": "mark_ready"}, headers=bearer
    )
    assert unversioned.status_code == 400 and "version" in unversioned.json["error"]["details"]
    version = client.get(f"/api/v1/devices/{tag}", headers=bearer).json["version"]
    stale = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "mark_ready", "version": version - 1},
        headers=bearer,
    )
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    refused = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "mark_ready", "version": version},
        headers=bearer,
    )
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "functional_test_required"
    assert client.get(f"/api/v1/devices/{tag}", headers=bearer).json["state"] == "diagnosis"
    loan = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "lend", "version": version},
        headers=bearer,
    )
    assert loan.status_code == 409 and loan.json["error"]["code"] == "invalid_state"


def test_the_workbench_through_the_api(client, bearer, make_device):
    tag = make_device(State.RECEIVED).tag
    device = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={
            "action": "start_diagnosis",
            "version": client.get(f"/api/v1/devices/{tag}", headers=bearer).json["version"],
        },
        headers=bearer,
    ).json
    results = {item.key: {"result": "pass"} for item in default_checklist(Category.LAPTOP)}
    assert (
        client.post(
            f"/api/v1/devices/{tag}/diagnoses",
            json={"results": results, "outcome": "ready_after_erasure"},
            headers=bearer,
        ).status_code
        == 201
    )
    snapshot = client.post(
        f"/api/v1/devices/{tag}/snapshots",
        data=(FIXTURES / "smartctl-nvme-intel-660p-ssdpeknw010t8.json").read_bytes(),
        content_type="application/json",
        headers=bearer,
    )
    assert snapshot.status_code == 201 and snapshot.json["kind"] == "smartctl"
    version = client.get(f"/api/v1/devices/{tag}", headers=bearer).json["version"]
    refused = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "mark_ready", "version": version},
        headers=bearer,
    )
    assert refused.json["error"]["code"] == "erasure_required"
    erased = client.post(
        f"/api/v1/devices/{tag}/erasures",
        json={
            "medium_serial": "BTNH93710FS91P0B",
            "method": "purge",
            "tool": "nvme sanitize",
            "verified": True,
        },
        headers=bearer,
    )
    assert erased.status_code == 201 and erased.json["certificate_number"].startswith("CE-")
    device = erased.json["device"]
    stale = client.patch(
        f"/api/v1/devices/{tag}",
        json={"grade": "A", "version": device["version"] - 1},
        headers=bearer,
    )
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_version"
    patched = client.patch(
        f"/api/v1/devices/{tag}", json={"grade": "A", "version": device["version"]}, headers=bearer
    )
    assert patched.status_code == 200
    ready = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "mark_ready", "version": patched.json["version"]},
        headers=bearer,
    )
    assert ready.status_code == 200 and ready.json["state"] == "ready"
    actions = [
        e["action"]
        for e in client.get(f"/api/v1/devices/{tag}/events", headers=bearer).json["items"]
    ]
    assert actions[0] == "device.received" and actions[-1] == "device.mark_ready"
    assert "device.snapshot_uploaded" in actions and "device.erased" in actions


def test_repairs_and_an_unreadable_snapshot(client, bearer, make_device):
    tag = make_device(State.REPAIR).tag
    missing = client.post(
        f"/api/v1/devices/{tag}/repairs",
        json={"problem": "Écran", "status": "End of life"},
        headers=bearer,
    )
    assert missing.status_code == 400 and missing.json["error"]["code"] == "barrier_required"
    done = client.post(
        f"/api/v1/devices/{tag}/repairs",
        json={"problem": "Écran", "status": "End of life", "barrier": "Spare parts not available"},
        headers=bearer,
    )
    assert done.status_code == 201
    unreadable = client.post(
        f"/api/v1/devices/{tag}/snapshots",
        data=(FIXTURES / "smartctl-virtio-unreadable.json").read_bytes(),
        content_type="application/json",
        headers=bearer,
    )
    assert (
        unreadable.status_code == 400 and unreadable.json["error"]["code"] == "snapshot_unreadable"
    )


def test_donors_collections_and_recycling(client, bearer, make_device, create_organisation):
    donor = client.post(
        "/api/v1/donors",
        json={"name": "Mairie d'Auch", "kind": "collectivite", "commune_code": "32013"},
        headers=bearer,
    )
    assert donor.status_code == 201
    collection = client.post(
        "/api/v1/collections",
        json={"donor_id": donor.json["id"], "collected_on": VERIFIED_ON.isoformat()},
        headers=bearer,
    )
    assert collection.status_code == 201 and collection.json["reference"].startswith(
        f"COL-{VERIFIED_ON.year}-"
    )
    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    screen = make_device(State.PARTS, category=Category.SCREEN)
    batch = client.post(
        "/api/v1/recycling-batches",
        json={
            "recycler_id": recycler.id,
            "handed_over_on": (TODAY - timedelta(days=30)).isoformat(),
            "tags": [screen.tag],
        },
        headers=bearer,
    )
    assert batch.status_code == 201 and batch.json["total_weight_kg"] == 4.5
    assert client.get(f"/api/v1/devices/{screen.tag}", headers=bearer).json["state"] == "recycled"


def test_roles_in_the_api(client, api_token, make_device):
    headers, _user = api_token(Role.VIEWER)
    assert client.get("/api/v1/devices", headers=headers).status_code == 403
    lender_headers, _lender = api_token(Role.LENDER)
    tag = make_device(State.RECEIVED).tag
    # Lenders see devices through their loans, as on the pages: not the device API.
    assert client.get(f"/api/v1/devices/{tag}", headers=lender_headers).status_code == 403
    assert client.get(f"/api/v1/devices/{tag}/events", headers=lender_headers).status_code == 403
    refused = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "start_diagnosis", "version": 2},
        headers=lender_headers,
    )
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
    maintainer_headers, _maintainer = api_token(Role.MAINTAINER)
    refused = client.post(
        f"/api/v1/devices/{tag}/transitions",
        json={"action": "start_diagnosis", "version": 2},
        headers=maintainer_headers,
    )
    assert refused.status_code == 403 and refused.json["error"]["code"] == "role_not_allowed"


def test_openapi_lists_the_inventory(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/devices",
        "/api/v1/devices/{tag}",
        "/api/v1/devices/{tag}/transitions",
        "/api/v1/devices/{tag}/events",
        "/api/v1/devices/{tag}/diagnoses",
        "/api/v1/devices/{tag}/erasures",
        "/api/v1/devices/{tag}/repairs",
        "/api/v1/devices/{tag}/snapshots",
    ):
        assert path in paths, path
    conflict = paths["/api/v1/devices/{tag}/transitions"]["post"]["responses"]["409"]
    assert conflict["description"] and "content" in conflict  # the refusal is documented
