"""Inventory through the test client: intake, device page, actions, locking, lists, roles."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.roles import OrganisationKind, Role
from refurb.inventory.checklists import default_checklist
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.readiness import media_not_erased
from refurb.inventory.tags import format_tag
from tests.conftest import TODAY, pdf_text, sign_in


@pytest.fixture
def workshop_user(client, technician):
    assert sign_in(client, technician.email, technician.password).status_code == 302
    return technician


def flashes(page: str) -> list[str]:
    return re.findall(r'class="flash flash-\w+"[^>]*>([^<]*)<', page)


def device_in_db(in_app, tag):
    with in_app() as session:
        device = session.scalar(select(Device).where(Device.tag == tag))
        session.expunge(device)
        return device


def test_intake_with_a_preprinted_tag_then_the_next_one(client, workshop_user, in_app):
    tag = format_tag("4K7PQ2", "GN")
    response = client.post(
        "/appareils/nouveau",
        data={
            "category": "laptop",
            "tag": tag.lower().replace("-", " "),
            "brand": "HP",
            "model": "ProBook 450 G6",
            "serial_number": "5CD9",
            "submit_next": "1",
        },
    )
    assert response.status_code == 302 and "/appareils/nouveau?" in response.location
    assert "category=laptop" in response.location and "brand=HP" in response.location
    assert device_in_db(in_app, tag).state == State.RECEIVED


def test_intake_refuses_a_mistyped_or_taken_tag_next_to_the_field(
    client, workshop_user, make_device
):
    taken = make_device().tag
    for typed, message in (
        (taken, "déjà sur un autre appareil"),
        ("GN-4K7PQ2Z", "faute de frappe"),
    ):
        response = client.post(
            "/appareils/nouveau", data={"category": "laptop", "tag": typed, "brand": "HP"}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert 'id="tag-erreur"' in page and message in page
        assert 'value="HP"' in page


def test_a_duplicate_serial_is_flagged_not_refused(client, workshop_user, make_device):
    make_device(serial_number="PF1ABC23")
    response = client.post(
        "/appareils/nouveau", data={"category": "laptop", "serial_number": "pf1abc23"}
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Numéro de série en double" in page


def test_the_whole_workbench_through_the_pages(client, workshop_user, make_device, in_app):
    tag = make_device(State.RECEIVED).tag
    version = device_in_db(in_app, tag).version
    client.post(f"/appareils/{tag}/actions/start_diagnosis", data={"version": version})
    page = client.get(f"/appareils/{tag}").get_data(as_text=True)
    assert "Aucun test fonctionnel" in page  # mark_ready shown as blocked, with its reason
    answers = {f"item-{i.key}": "pass" for i in default_checklist(Category.LAPTOP)}
    incomplete = client.post(
        f"/appareils/{tag}/diagnostic",
        data={**answers, "item-battery": "", "outcome": "ready_after_erasure"},
    )
    assert incomplete.status_code == 400 and 'id="err-battery"' in incomplete.get_data(as_text=True)
    assert (
        client.post(
            f"/appareils/{tag}/diagnostic", data={**answers, "outcome": "ready_after_erasure"}
        ).status_code
        == 302
    )
    client.post(
        f"/appareils/{tag}/supports",
        data={"medium-kind": "ssd", "medium-serial": "SSD-9", "medium-size_gb": "256"},
    )
    medium_id = re.search(
        r'<option value="(\d+)">SSD',
        client.get(f"/appareils/{tag}/effacement").get_data(as_text=True),
    ).group(1)
    assert (
        client.post(
            f"/appareils/{tag}/effacement",
            data={"medium_id": medium_id, "method": "purge", "tool": "hdparm", "verified": "y"},
        ).status_code
        == 302
    )
    version = device_in_db(in_app, tag).version
    assert (
        client.post(
            f"/appareils/{tag}/modifier",
            data={"grade": "B", "os": "Linux Mint 22", "version": version},
        ).status_code
        == 302
    )
    version = device_in_db(in_app, tag).version
    client.post(f"/appareils/{tag}/actions/mark_ready", data={"version": version})
    assert device_in_db(in_app, tag).state == State.READY
    certificate = client.get(f"/appareils/{tag}/certificat-effacement.pdf")
    text = pdf_text(certificate.data, layout=False)
    assert certificate.mimetype == "application/pdf" and tag in text and "SSD-9" in text


def test_a_refused_action_says_why_and_changes_nothing(client, workshop_user, make_device, in_app):
    tag = make_device(State.DIAGNOSIS).tag
    version = device_in_db(in_app, tag).version
    response = client.post(
        f"/appareils/{tag}/actions/mark_ready", data={"version": version}, follow_redirects=True
    )
    assert any("Aucun test fonctionnel" in f for f in flashes(response.get_data(as_text=True)))
    assert device_in_db(in_app, tag).state == State.DIAGNOSIS


def test_a_stale_edit_is_refused_and_loses_nothing(app, client, workshop_user, make_device, in_app):
    tag = make_device(State.DIAGNOSIS).tag
    version = str(device_in_db(in_app, tag).version)
    other = app.test_client()
    other.post(
        "/connexion", data={"email": workshop_user.email, "password": workshop_user.password}
    )
    assert (
        other.post(
            f"/appareils/{tag}/modifier", data={"os": "PrimTux 8", "version": version}
        ).status_code
        == 302
    )
    stale = client.post(
        f"/appareils/{tag}/modifier", data={"os": "Ubuntu 24.04", "version": version}
    )
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert (
        "modifiée par quelqu" in page and 'value="Ubuntu 24.04"' in page
    )  # what was typed is kept
    assert device_in_db(in_app, tag).os == "PrimTux 8"
    stale_action = client.post(
        f"/appareils/{tag}/actions/send_to_repair", data={"version": version}
    )
    page = stale_action.get_data(as_text=True)  # said in that step's form, where it is sent again
    step = page[page.index('id="etape-send_to_repair"') :].split("</li>")[0]
    assert 'id="erreur-send_to_repair"' in step and "envoyez à nouveau" in step
    assert 'action="/appareils/' + tag + '/actions/send_to_repair#etape-send_to_repair"' in step
    assert device_in_db(in_app, tag).state == State.DIAGNOSIS


def test_list_filters_search_and_export(client, workshop_user, make_device):
    laptop = make_device(State.READY, serial_number="PF1ABC23")
    make_device(State.RECEIVED, category=Category.SCREEN)
    page = client.get("/appareils?state=ready").get_data(as_text=True)
    assert laptop.tag in page and "1 appareil" in page
    assert laptop.tag in client.get("/appareils?q=pf1abc23").get_data(as_text=True)
    assert laptop.tag in client.get(f"/appareils?q={laptop.tag.lower()}").get_data(as_text=True)
    assert "0 appareil" in client.get("/appareils?q=introuvable").get_data(as_text=True)
    csv_text = client.get("/appareils/export.csv?category=screen").get_data(as_text=True)
    assert csv_text.count("\n") == 2 and "Écran" in csv_text and laptop.tag not in csv_text


@pytest.mark.parametrize("role", [Role.LENDER, Role.SITE_STAFF, Role.VIEWER])
def test_inventory_pages_are_for_the_workshops(client, login_as, make_device, role):
    tag = make_device().tag
    login_as(role)
    for path in (
        "/appareils",
        f"/appareils/{tag}",
        "/appareils/nouveau",
        "/donateurs",
        "/recyclage",
    ):
        assert client.get(path).status_code == 403, path


def test_an_unknown_or_mistyped_tag_is_a_404(client, workshop_user):
    assert client.get("/appareils/GN-0000000").status_code == 404
    assert client.get("/appareils/pas-une-etiquette").status_code == 404


def test_recycling_is_all_or_nothing(
    client, workshop_user, make_device, create_organisation, in_app
):
    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    printer = make_device(State.PARTS, category=Category.PRINTER)
    laptop = make_device(State.DIAGNOSIS)  # has no medium recorded, but a laptop: refused
    data = {
        "recycler_id": recycler.id,
        "handed_over_on": (TODAY - timedelta(days=30)).isoformat(),
        "tags": f"{printer.tag}\n{laptop.tag}\nGN-XXXX",
    }
    response = client.post("/recyclage/nouveau", data=data)
    assert response.status_code == 400
    assert "GN-XXXX" in response.get_data(as_text=True)
    response = client.post(
        "/recyclage/nouveau", data={**data, "tags": f"{printer.tag}\n{laptop.tag}"}
    )
    assert response.status_code == 400
    assert device_in_db(in_app, printer.tag).state == State.PARTS
    asked = client.post("/recyclage/nouveau", data={**data, "tags": printer.tag})
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Ce lot ne pourra pas être annulé" in text
    assert device_in_db(in_app, printer.tag).state == State.PARTS  # asked, nothing done yet
    assert f'name="tags" value="{printer.tag}"' in text  # the form carried to the confirmation
    response = client.post(
        "/recyclage/nouveau", data={**data, "tags": printer.tag, "confirmed": "1"}
    )
    assert response.status_code == 302
    assert device_in_db(in_app, printer.tag).state == State.RECYCLED
    slip = pdf_text(client.get(response.location + "/bordereau.pdf").data, layout=False)
    assert printer.tag in slip


def test_donor_collection_receipt(client, workshop_user, in_app):
    response = client.post(
        "/donateurs/nouveau",
        data={
            "name": "Gascogne Logistique",
            "kind": "entreprise",
            "commune": "L'Isle-Jourdain (32600)",
        },
    )
    assert response.status_code == 302
    donor_id = int(response.location.rsplit("/", 1)[1])
    response = client.post(
        "/collectes/nouvelle",
        data={
            "donor_id": donor_id,
            "collected_on": (TODAY - timedelta(days=60)).isoformat(),
            "place": "Entrepôt",
        },
    )
    assert response.status_code == 302 and "collection_id=" in response.location
    collection_id = int(response.location.split("collection_id=")[1])
    client.post(
        "/appareils/nouveau",
        data={"category": "desktop", "brand": "Dell", "collection_id": collection_id},
    )
    pdf = client.get(f"/collectes/{collection_id}/attestation.pdf")
    assert pdf.mimetype == "application/pdf"
    receipt = pdf_text(pdf.data, layout=False)
    assert "Gascogne Logistique" in receipt and "Dell" in receipt
    assert "Gascogne Logistique" in client.get("/donateurs").get_data(as_text=True)


def test_a_medium_entered_by_mistake_is_removed_and_no_longer_blocks(
    client, workshop_user, make_device, in_app
):
    tag = make_device(State.DIAGNOSIS).tag
    client.post(
        f"/appareils/{tag}/supports",
        data={"medium-kind": "ssd", "medium-serial": "S3Z9NB0K", "medium-size_gb": "256"},
    )
    with in_app() as session:
        device = session.scalar(select(Device).where(Device.tag == tag))
        medium_id = device.active_media[0].id
    page = client.get(f"/appareils/{tag}/effacement").get_data(as_text=True)
    assert "S3Z9NB0K" in page and "Retirer (saisi par erreur)" in page
    assert client.post(f"/appareils/{tag}/supports/{medium_id}/retirer").status_code == 302
    with in_app() as session:
        device = session.scalar(select(Device).where(Device.tag == tag))
        assert device.active_media == [] and device.media[0].is_removed
        assert media_not_erased(device) == []
    again = client.post(f"/appareils/{tag}/supports/{medium_id}/retirer", follow_redirects=True)
    assert "Ce support n&#39;appartient pas à cet appareil." in again.get_data(as_text=True)


def test_the_repairs_export_is_offered_from_the_device_list(client, workshop_user):
    page = client.get("/appareils").get_data(as_text=True)
    assert 'href="/reparations/ords.csv"' in page
    export = client.get("/reparations/ords.csv")
    assert export.status_code == 200 and export.get_data(as_text=True).startswith("id,")


def test_the_specifications_form_has_its_own_page(client, login_as, make_device):
    login_as(Role.TECHNICIAN)
    device = make_device()
    page = client.get(f"/appareils/{device.tag}").get_data(as_text=True)
    assert 'name="ram_gb"' not in page  # the device page: actions and summary, no long form
    assert f'href="/appareils/{device.tag}/caracteristiques"' in page
    specs = client.get(f"/appareils/{device.tag}/caracteristiques")
    assert specs.status_code == 200 and 'name="ram_gb"' in specs.get_data(as_text=True)
    refused = client.post(f"/appareils/{device.tag}/modifier", data={"ram_gb": "beaucoup"})
    assert refused.status_code == 400
    shown = refused.get_data(as_text=True)
    assert 'name="ram_gb"' in shown and 'value="beaucoup"' in shown  # kept, next to its error


def test_the_intake_collection_choice_names_the_donor_in_one_query(
    app, client, workshop_user, in_app
):

    from refurb.inventory.enums import DonorKind
    from refurb.inventory.services import intake
    from tests.inventory.test_counts import statements

    def collect(name, day):
        with in_app() as session:
            donor = intake.create_donor(None, name, DonorKind.ENTREPRISE)
            reference = intake.create_collection(None, donor, day).reference
            session.commit()
            return reference

    first = collect("Gascogne Logistique", TODAY - timedelta(days=8))
    with app.app_context(), statements() as few:
        page = client.get("/appareils/nouveau").get_data(as_text=True)
    assert f"{first} — Gascogne Logistique ({TODAY - timedelta(days=8):%d/%m/%Y})</option>" in page
    for n in range(5):
        collect(f"Mairie {n}", TODAY - timedelta(days=30 - n))
    with app.app_context(), statements() as many:
        page = client.get("/appareils/nouveau").get_data(as_text=True)
    assert f"— Mairie 4 ({TODAY - timedelta(days=26):%d/%m/%Y})</option>" in page
    assert len(many) == len(few)


def test_a_steps_address_reopened_leads_back_to_the_device(client, workshop_user, make_device):
    tag = make_device(State.READY).tag
    reopened = client.get(f"/appareils/{tag}/actions/give")
    assert reopened.status_code == 302 and reopened.location == f"/appareils/{tag}"
