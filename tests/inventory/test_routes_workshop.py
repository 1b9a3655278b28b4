"""The workshop's pages not answered elsewhere: a donor's page and its edit, partnerships and
their signed agreement, the collections list, a recycling batch, a functional test's detail and
the repair form — each read back as the technician sees it."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind
from refurb.inventory.enums import (
    Category,
    CheckResult,
    DiagnosisOutcome,
    DonorKind,
    RepairStatus,
    State,
)
from refurb.inventory.models import Device, Donor, Partnership, Repair
from refurb.inventory.services import functional_test, intake
from refurb.inventory.services.recycling import create_batch
from tests.conftest import TODAY, sign_in
from tests.inventory.conftest import passing_results

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def workshop_user(client, technician):
    assert sign_in(client, technician.email, technician.password).status_code == 302
    return technician


@pytest.fixture
def donor(in_app, make_device):
    """A company that gave two laptops in one collection, two months ago, at Fleurance."""
    with in_app() as session:
        donor = intake.create_donor(
            None, "Gascogne Logistique", DonorKind.ENTREPRISE, commune_code="32013"
        )
        collection = intake.create_collection(
            None, donor, TODAY - timedelta(days=60), place="Entrepôt de Fleurance"
        )
        session.commit()
        found = SimpleNamespace(
            id=donor.id, collection_id=collection.id, reference=collection.reference
        )
    found.tags = [make_device(collection_id=found.collection_id).tag for _ in range(2)]
    return found


def test_the_donor_page_shows_the_donor_and_its_collections(client, workshop_user, donor):
    response = client.get(f"/donateurs/{donor.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Gascogne Logistique <small>Entreprise</small></h1>" in page
    assert donor.reference in page and "2 appareils" in page
    assert f"/collectes/{donor.collection_id}/attestation.pdf" in page
    assert "Aucun partenariat signé." in page


def test_the_donor_is_edited_on_its_page(client, workshop_user, donor, in_app):
    with in_app() as session:
        version = session.get(Donor, donor.id).version
    response = client.post(
        f"/donateurs/{donor.id}",
        data={
            "name": "Gascogne Logistique SAS",
            "kind": "entreprise",
            "commune": "Fleurance (32500)",
            "contact_name": "Service achats",
            "email": "achats@gascogne-logistique.fr",
            "phone": "05 62 06 00 00",
            "version": version,
        },
    )
    assert response.status_code == 302 and response.location.endswith(f"/donateurs/{donor.id}")
    with in_app() as session:
        saved = session.get(Donor, donor.id)
        assert (saved.name, saved.contact_name, saved.email, saved.phone) == (
            "Gascogne Logistique SAS",
            "Service achats",
            "achats@gascogne-logistique.fr",
            "05 62 06 00 00",
        )
        assert saved.commune.name == "Fleurance" and saved.version == version + 1
    page = client.get(response.location).get_data(as_text=True)
    assert "Gascogne Logistique SAS" in page and "Donateur enregistré." in page
    stale = client.post(
        f"/donateurs/{donor.id}",
        data={"name": "Autre nom", "kind": "entreprise", "version": version},
    )
    assert stale.status_code == 409  # shown again, saying why
    assert "modifiée par quelqu" in stale.get_data(as_text=True)
    with in_app() as session:
        assert session.get(Donor, donor.id).name == "Gascogne Logistique SAS"


def test_a_partnership_is_recorded_with_its_signed_agreement_and_served(
    client, workshop_user, donor, in_app
):
    signed_on, ends_on = TODAY - timedelta(days=20), TODAY + timedelta(days=345)
    response = client.post(
        f"/donateurs/{donor.id}/partenariats",
        data={
            "p-signed_on": signed_on.isoformat(),
            "p-ends_on": ends_on.isoformat(),
            "p-notes": "Don annuel du parc renouvelé",
            "p-document": (io.BytesIO(PDF), "convention-gascogne.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location.endswith(f"/donateurs/{donor.id}")
    with in_app() as session:
        (partnership,) = session.scalars(
            select(Partnership).where(Partnership.donor_id == donor.id)
        ).all()
        assert (partnership.signed_on, partnership.ends_on) == (signed_on, ends_on)
        assert partnership.document_name == "convention-gascogne.pdf"
        assert partnership.notes == "Don annuel du parc renouvelé"
        partnership_id = partnership.id
    page = client.get(response.location).get_data(as_text=True)
    assert f"Signé le {signed_on:%d/%m/%Y}" in page and "Don annuel du parc renouvelé" in page
    assert f"/partenariats/{partnership_id}/convention.pdf" in page

    document = client.get(f"/partenariats/{partnership_id}/convention.pdf")
    assert document.status_code == 200
    assert document.mimetype == "application/pdf" and document.data == PDF
    assert "convention-gascogne.pdf" in document.headers["Content-Disposition"]


def test_a_partnership_without_a_document_leads_back_to_the_donor(
    client, workshop_user, donor, in_app
):
    response = client.post(
        f"/donateurs/{donor.id}/partenariats",
        data={"p-signed_on": (TODAY - timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    with in_app() as session:
        partnership = session.scalar(select(Partnership).where(Partnership.donor_id == donor.id))
        assert partnership.document_path == "" and partnership.ends_on is None
    document = client.get(f"/partenariats/{partnership.id}/convention.pdf")
    assert document.status_code == 302 and document.location.endswith(f"/donateurs/{donor.id}")


def test_a_partnership_ending_before_it_is_signed_is_refused(client, workshop_user, donor, in_app):
    response = client.post(
        f"/donateurs/{donor.id}/partenariats",
        data={
            "p-signed_on": (TODAY - timedelta(days=3)).isoformat(),
            "p-ends_on": (TODAY - timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 409
    assert "La fin du partenariat précède sa signature." in response.get_data(as_text=True)
    with in_app() as session:
        assert session.scalars(select(Partnership)).all() == []


def test_the_collections_list_names_each_donor_place_and_count(client, workshop_user, donor):
    response = client.get("/collectes")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    row = page.split(donor.reference, 1)[1].split("</tr>", 1)[0]
    assert f"{TODAY - timedelta(days=60):%d/%m/%Y}" in row
    assert f'href="/donateurs/{donor.id}">Gascogne Logistique</a>' in row
    assert "Entrepôt de Fleurance" in row and '<td data-label="Appareils" class="num">2</td>' in row


def test_a_recycling_batch_page_shows_the_recycler_and_its_devices(
    client, workshop_user, make_device, create_organisation, in_app
):
    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    printers = [make_device(State.PARTS, category=Category.PRINTER) for _ in range(2)]
    kept = make_device(State.PARTS, category=Category.PRINTER)
    with in_app() as session:
        batch = create_batch(
            session.get(User, workshop_user.id),
            session.get(Organisation, recycler.id),
            TODAY - timedelta(days=5),
            [session.get(Device, p.id) for p in printers],
            total_weight_kg=17.5,
            handover_reference="BSD-2291",
        )
        session.commit()
        batch_id, reference = batch.id, batch.reference
    response = client.get(f"/recyclage/{batch_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Lot {reference}" in page and "<dd>Ecologic</dd>" in page
    assert "17,5 kg" in page and "BSD-2291" in page and "2 appareils" in page
    assert all(p.tag in page for p in printers) and kept.tag not in page
    assert f"/recyclage/{batch_id}/bordereau.pdf" in page


def test_a_functional_test_is_shown_in_detail(client, workshop_user, make_device, in_app):
    tag = make_device(State.DIAGNOSIS).tag
    results = passing_results(Category.LAPTOP)
    results["battery"] = {"result": CheckResult.FAIL.value, "note": "Tient 20 minutes"}
    results["camera"] = {"result": CheckResult.NOT_APPLICABLE.value}
    with in_app() as session:
        device = session.scalar(select(Device).where(Device.tag == tag))
        diagnosis = functional_test.record_diagnosis(
            device,
            session.get(User, workshop_user.id),
            results,
            DiagnosisOutcome.NEEDS_REPAIR,
            notes="Batterie à changer",
        )
        session.commit()
        diagnosis_id, technician_name = diagnosis.id, diagnosis.technician.name
    response = client.get(f"/appareils/{tag}/diagnostics/{diagnosis_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert technician_name in page and "Batterie à changer" in page
    assert (
        "<tr><td>Batterie (santé, autonomie)</td><td>Défaut</td>"
        '<td class="free-text">Tient 20 minutes</td></tr>' in page
    )
    assert "<tr><td>Caméra</td><td>Sans objet</td>" in page
    assert "<tr><td>Démarrage et alimentation</td><td>OK</td>" in page
    other = make_device(State.DIAGNOSIS).tag  # another device's test: back to that device
    elsewhere = client.get(f"/appareils/{other}/diagnostics/{diagnosis_id}")
    assert elsewhere.status_code == 302 and elsewhere.location.endswith(f"/appareils/{other}")


def test_a_repair_is_recorded_and_shown_on_the_device(client, workshop_user, make_device, in_app):
    tag = make_device(State.REPAIR).tag
    form = client.get(f"/appareils/{tag}/reparation")
    assert form.status_code == 200
    assert 'name="problem"' in form.get_data(as_text=True) and tag in form.get_data(as_text=True)
    response = client.post(
        f"/appareils/{tag}/reparation",
        data={
            "problem": "Charnière gauche cassée",
            "status": RepairStatus.FIXED.value,
            "parts_used": "Charnière Lenovo 01YU",
            "minutes_spent": "45",
        },
    )
    assert response.status_code == 302 and response.location.endswith(f"/appareils/{tag}")
    with in_app() as session:
        device = session.scalar(select(Device).where(Device.tag == tag))
        (repair,) = session.scalars(select(Repair).where(Repair.device_id == device.id)).all()
        assert (repair.problem, repair.status, repair.parts_used, repair.minutes_spent) == (
            "Charnière gauche cassée",
            RepairStatus.FIXED,
            "Charnière Lenovo 01YU",
            45,
        )
        assert repair.technician_id == workshop_user.id and repair.barrier is None
        assert repair.organisation_id == workshop_user.organisation.id
    page = client.get(response.location).get_data(as_text=True)
    assert "Réparation enregistrée." in page
    assert "<strong>Réparé</strong>" in page and "Charnière gauche cassée" in page
    assert "Charnière gauche cassée<br>Pièces\u202f: Charnière Lenovo 01YU · 45 min" in page


def test_an_end_of_life_repair_needs_its_barrier(client, workshop_user, make_device, in_app):
    tag = make_device(State.REPAIR).tag
    refused = client.post(
        f"/appareils/{tag}/reparation",
        data={"problem": "Carte mère grillée", "status": RepairStatus.END_OF_LIFE.value},
    )
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "indiquez ce qui empêche la réparation" in text and "Carte mère grillée" in text
    with in_app() as session:
        assert session.scalars(select(Repair)).all() == []


def test_minutes_typed_with_a_decimal_are_said_once_and_kept(client, workshop_user, make_device):
    tag = make_device(State.REPAIR).tag
    refused = client.post(
        f"/appareils/{tag}/reparation",
        data={"problem": "Écran", "status": RepairStatus.FIXED.value, "minutes_spent": "1.5"},
    )
    text = refused.get_data(as_text=True)
    said = text[text.index('id="minutes_spent-erreur"') :].split("</p>")[0]
    assert refused.status_code == 400
    assert "Le temps se compte en minutes entières, par exemple 45." in said
    assert "compris entre" not in said  # one message, not two
    assert 'value="1.5"' in text and 'inputmode="numeric"' in text  # kept as typed


def test_the_device_page_names_its_collection_and_donor(client, workshop_user, donor):
    page = client.get(f"/appareils/{donor.tags[0]}").get_data(as_text=True)
    collection = f'<a href="/appareils?collection_id={donor.collection_id}">{donor.reference}</a>'
    assert f'{collection} — <a href="/donateurs/{donor.id}">Gascogne Logistique</a>' in page
