"""/t/<tag> for each role, unclaimed and mistyped tags, anonymous visitors, /scan, bulk
scanning, and printing (page, API, command) recorded in the history."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.roles import Role
from refurb.history.models import Event
from refurb.inventory.enums import DonorKind, State
from refurb.inventory.models import Device, IssuedTag
from refurb.inventory.services import intake
from refurb.inventory.tags import format_tag
from tests.conftest import TODAY, pdf_text

PRIVATE = ("PF1SERIAL77", "Gascogne Logistique", "note interne", "COL-")


@pytest.fixture
def deployed(make_device, make_site, in_app):
    site = make_site()
    made = make_device(State.DEPLOYED, serial_number="PF1SERIAL77", notes="note interne")
    with in_app() as session:
        donor = intake.create_donor(None, "Gascogne Logistique", DonorKind.ENTREPRISE)
        collection = intake.create_collection(None, donor, TODAY - timedelta(days=330))
        device = session.get(Device, made.id)
        device.collection_id = collection.id
        device.site_id = site.id
        session.commit()
    return made, site


def test_an_anonymous_visitor_sees_the_category_and_the_site_only(client, deployed):
    made, site = deployed
    response = client.get(f"/t/{made.tag}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ordinateur portable" in page and "Médiathèque d&#39;Auch" in page
    for secret in (*PRIVATE, "ThinkPad", "Historique", "Lenovo"):
        assert secret not in page, secret


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.MAINTAINER, Role.ADMIN])
def test_workshop_and_maintenance_open_the_device_page(client, login_as, deployed, role):
    made, _site = deployed
    login_as(role)
    response = client.get(f"/t/{made.tag}")
    assert response.status_code == 302 and response.location == f"/appareils/{made.tag}"
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("role", [Role.LENDER, Role.SITE_STAFF, Role.VIEWER])
def test_other_roles_get_a_summary_without_private_data(client, login_as, deployed, role):
    made, _site = deployed
    login_as(role)
    response = client.get(f"/t/{made.tag}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "En service" in page
    for secret in PRIVATE:
        assert secret not in page, secret


def test_a_typed_tag_in_any_form_lands_on_the_canonical_address(client, login_as, deployed):
    made, _site = deployed
    response = client.get(f"/t/{made.tag.lower().replace('-', '')}")
    assert response.status_code == 302 and response.location == f"/t/{made.tag}"


def test_a_mistyped_tag_is_caught_by_its_check_symbol(client):
    good = "GN-" + "4K7PQ2"
    response = client.get(f"/t/{good}Z")
    assert response.status_code == 404
    assert "faute de frappe" in response.get_data(as_text=True)


def test_an_unclaimed_preprinted_tag_opens_intake_for_a_technician(app, client, login_as, in_app):
    login_as(Role.TECHNICIAN)
    pdf = client.post(
        "/etiquettes",
        data={"mode": "unclaimed", "count": "3", "template": "avery-l7160", "start": "1"},
    )
    with in_app() as session:
        issued = session.scalars(select(IssuedTag.tag)).all()
    sheet = pdf_text(pdf.data)
    assert len(issued) == 3 and all(tag in sheet for tag in issued)
    tag = issued[0]
    response = client.get(f"/t/{tag}")
    assert response.status_code == 302 and response.location.startswith("/appareils/nouveau?tag=")
    form = client.get(response.location).get_data(as_text=True)
    assert f'value="{tag}"' in form
    assert (
        client.post("/appareils/nouveau", data={"category": "tablet", "tag": tag}).status_code
        == 302
    )
    assert client.get(f"/t/{tag}").location == f"/appareils/{tag}"
    anonymous = app.test_client().get(f"/t/{format_tag('QQQQQQ', 'GN')}")
    assert anonymous.status_code == 404 and "Étiquette non attribuée" in anonymous.get_data(
        as_text=True
    )


def test_scan_page_accepts_typed_codes_and_explains_typos(client, login_as, make_device):
    made = make_device()
    login_as(Role.LENDER)
    response = client.get(f"/scan?code=  {made.tag.lower()} ")
    assert response.status_code == 302 and response.location == f"/t/{made.tag}"
    typo = client.get("/scan?code=GN-4K7PQ2Z")
    assert typo.status_code == 400 and 'id="code-erreur"' in typo.get_data(as_text=True)


def test_bulk_scanning_applies_one_action_with_a_result_per_device(
    client, login_as, make_device, in_app
):
    received = [make_device(State.RECEIVED) for _ in range(2)]
    ready = make_device(State.READY)
    login_as(Role.TECHNICIAN)
    text = "\n".join([received[0].tag, received[1].tag.lower(), ready.tag, "GN-INCONNU"])
    page = client.post("/scan/lot", data={"tags": text, "action": "start_diagnosis"}).get_data(
        as_text=True
    )
    assert (
        page.count('class="ok"') == 2 and "ne s&#39;applique pas" in page and "GN-INCONNU" in page
    )
    with in_app() as session:
        states = {d.tag: d.state for d in session.scalars(select(Device))}
    assert states[received[0].tag] == states[received[1].tag] == State.DIAGNOSIS
    assert states[ready.tag] == State.READY
    audit = client.post("/scan/lot", data={"tags": ready.tag, "action": "audit"}).get_data(
        as_text=True
    )
    assert "vu" in audit


def test_printing_device_labels_is_recorded_in_their_history(client, login_as, make_device, in_app):
    devices = [make_device() for _ in range(2)]
    login_as(Role.TECHNICIAN)
    response = client.post(
        "/etiquettes",
        data={
            "mode": "tags",
            "tags": "\n".join(d.tag for d in devices),
            "template": "avery-l7651",
            "start": "3",
        },
    )
    sheet = pdf_text(response.data)
    assert all(d.tag in sheet for d in devices)
    with in_app() as session:
        printed = session.scalars(
            select(Event.subject_id).where(Event.action == "device.labels_printed")
        ).all()
    assert sorted(printed) == sorted(d.id for d in devices)
    refused = client.post(
        "/etiquettes",
        data={"mode": "tags", "tags": devices[0].tag, "template": "avery-l7160", "start": "22"},
    )
    assert refused.status_code == 400 and "de 1 à 21" in refused.get_data(as_text=True)


def test_labels_through_the_api_and_the_command(
    app, client, api_token, make_device, tmp_path, in_app
):
    headers, _user = api_token(Role.TECHNICIAN)
    device = make_device()
    pdf = client.post(
        "/api/v1/labels", json={"tags": [device.tag], "template": "brother-62x29"}, headers=headers
    )
    assert pdf.status_code == 200 and device.tag in pdf_text(pdf.data)
    batch = client.post("/api/v1/labels", json={"count": 4}, headers=headers)
    assert batch.status_code == 200
    neither = client.post("/api/v1/labels", json={}, headers=headers)
    assert neither.status_code == 400 and neither.json["error"]["code"] == "tags_or_count"
    out = tmp_path / "lot.pdf"
    result = app.test_cli_runner().invoke(
        args=["labels", "--count", "21", "--template", "avery-l7160", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with in_app() as session:
        issued = set(session.scalars(select(IssuedTag.tag)))
    # each blank label printed carries a tag now reserved: the API's 4, the command's 21
    api_text, command_text = pdf_text(batch.data), pdf_text(out.read_bytes())
    from_api = {tag for tag in issued if tag in api_text}
    from_command = {tag for tag in issued if tag in command_text}
    assert (len(from_api), len(from_command)) == (4, 21)
    assert from_api | from_command == issued


def test_a_printed_label_encodes_its_url_in_upper_case_and_that_url_opens_the_device(
    app, client, login_as, make_device, tmp_path
):
    # The sheet is decoded by zbarimg, and what it reads is requested as a phone would.
    import subprocess

    from tests.conftest import require_tool

    device = make_device()
    login_as(Role.TECHNICIAN)
    pdf = client.post(
        "/etiquettes",
        data={"mode": "tags", "tags": device.tag, "template": "avery-l7651", "start": "1"},
    ).data
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        [
            require_tool("pdftoppm", "poppler-utils"),
            "-png",
            "-r",
            "300",
            "-singlefile",
            str(tmp_path / "sheet.pdf"),
            str(tmp_path / "sheet"),
        ],
        check=True,
    )
    read = subprocess.run(
        [require_tool("zbarimg", "zbar-tools"), "--quiet", "--raw", str(tmp_path / "sheet.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert read == f"HTTP://LOCALHOST/T/{device.tag}"  # the suite's PUBLIC_URL, upper case
    opened = client.get(read.removeprefix("HTTP://LOCALHOST"))
    assert opened.status_code == 302 and opened.location == f"/appareils/{device.tag}"
    anonymous = app.test_client().get(f"/T/{device.tag}")
    assert anonymous.status_code == 200 and "Ordinateur portable" in anonymous.get_data(
        as_text=True
    )


def test_a_public_url_with_a_path_keeps_its_case(app):
    from refurb.inventory.services.labels import label_url

    with app.test_request_context():
        app.config["PUBLIC_URL"] = "https://gers.example/Refurb"
        try:
            assert label_url("GN-0000000") == "https://gers.example/Refurb/t/GN-0000000"
        finally:
            app.config["PUBLIC_URL"] = "http://localhost"


def test_one_label_starts_where_the_last_print_stopped(client, login_as, make_device):
    devices = [make_device() for _ in range(3)]
    login_as(Role.TECHNICIAN)
    page = client.get(f"/appareils/{devices[0].tag}").get_data(as_text=True)
    assert f'id="label-start-{devices[0].tag}"' in page  # a start position on the device page
    printed = client.post(
        "/etiquettes",
        data={
            "mode": "tags",
            "tags": f"{devices[0].tag}\n{devices[1].tag}",
            "template": "avery-l7651",
            "start": "7",
        },
    )
    sheet = pdf_text(printed.data)
    assert devices[0].tag in sheet and devices[1].tag in sheet and devices[2].tag not in sheet
    page = client.get(f"/appareils/{devices[2].tag}").get_data(as_text=True)
    assert 'name="start" min="1" value="9"' in page
    assert '<option value="avery-l7651" selected>' in page


def test_after_saisir_le_suivant_the_previous_label_is_one_tap_away(client, login_as):
    login_as(Role.TECHNICIAN)
    response = client.post("/appareils/nouveau", data={"category": "tablet", "submit_next": "1"})
    assert response.status_code == 302 and "last=" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert (
        "Appareil précédent" in page
        and 'name="tags" value="' in page.split("Appareil précédent")[1]
    )


def test_on_a_phone_the_bulk_result_comes_before_the_scanned_list(client, login_as, make_device):
    device = make_device()
    login_as(Role.TECHNICIAN)
    page = client.post(
        "/scan/lot", data={"tags": device.tag, "action": "start_diagnosis"}
    ).get_data(as_text=True)
    assert page.index('id="resultat"') < page.index('id="tags"')
    listed = client.get("/appareils").get_data(as_text=True)
    assert listed.index("Imprimer les étiquettes des appareils cochés") < listed.index("<table")
