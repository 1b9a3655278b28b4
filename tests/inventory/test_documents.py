"""ORDS export (with personal data scrubbed) and the PDF documents, checked on their text."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb import pdf_layout
from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind
from refurb.extensions import db
from refurb.inventory.documents import donation_receipt, erasure_certificate, handover_slip
from refurb.inventory.enums import (
    Category,
    DonorKind,
    ErasureMethod,
    MediumKind,
    RepairBarrier,
    RepairStatus,
    State,
)
from refurb.inventory.models import Collection, Device
from refurb.inventory.ords import COLUMNS, export_ords, scrub
from refurb.inventory.services import intake, recycling, workshop
from tests.conftest import TODAY, pdf_text

COLLECTED_ON = TODAY - timedelta(days=200)


@pytest.mark.parametrize(
    "text",
    [
        "Écran cassé, rappeler Mme Durand au 06 12 34 56 78",
        "Écran cassé, rappeler au 06.12.34.56.78",
        "Écran cassé, rappeler au +33 6 12 34 56 78",
        "Écran cassé, écrire à m.durand@exemple.fr",
    ],
)
def test_free_text_is_scrubbed_of_phones_and_emails(text):
    cleaned = scrub(text)
    assert cleaned.startswith("Écran cassé")
    assert "12 34" not in cleaned and "12.34" not in cleaned and "@" not in cleaned


def test_scrub_leaves_ordinary_text_alone():
    assert (
        scrub("ThinkPad T480, RAM 8 Go, Windows 10 version 22H2")
        == "ThinkPad T480, RAM 8 Go, Windows 10 version 22H2"
    )


def test_ords_export_has_the_standard_columns(in_app, make_device, technician):
    made = make_device(State.REPAIR, category=Category.LAPTOP, year_of_manufacture=2017)
    with in_app() as session:
        device = session.get(Device, made.id)
        workshop.record_repair(
            device,
            session.get(User, technician.id),
            "Charnière cassée, tél 06 11 22 33 44",
            RepairStatus.END_OF_LIFE,
            RepairBarrier.NO_SPARE_PARTS,
            minutes_spent=40,
        )
        session.commit()
        rows = list(csv.reader(io.StringIO("".join(export_ords()))))
    assert tuple(rows[0]) == COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["country"], row["product_category"], row["product_category_id"]) == (
        "FRA",
        "Laptop",
        "16",
    )
    assert (
        row["repair_status"] == "End of life"
        and row["repair_barrier_if_end_of_life"] == "Spare parts not available"
    )
    assert row["group_identifier"] == "AG2I"
    assert "06 11" not in row["problem"] and row["problem"].startswith("Charnière cassée")
    assert int(row["product_age"]) == TODAY.year - 2017


def test_donation_receipt_lists_what_was_received(in_app, technician):
    with in_app() as session:
        actor = session.get(User, technician.id)
        donor = intake.create_donor(actor, "Gascogne Logistique", DonorKind.ENTREPRISE)
        collection = intake.create_collection(actor, donor, COLLECTED_ON, place="L'Isle-Jourdain")
        devices = [
            intake.receive_device(
                actor,
                category=Category.LAPTOP,
                brand="Dell",
                model="Latitude 5490",
                serial_number=f"SN{n}",
                collection_id=collection.id,
            )
            for n in range(3)
        ]
        text = pdf_text(donation_receipt(collection, devices))
    assert "Attestation de remise de matériel" in text
    assert (
        "Gascogne Logistique" in text
        and f"{COLLECTED_ON:%d/%m/%Y}" in text
        and collection.reference in text
    )
    assert all(d.tag in text for d in devices) and "3 appareils" in text


def test_erasure_certificate_lists_each_medium(in_app, make_device, technician):
    made = make_device(State.DIAGNOSIS)
    with in_app() as session:
        device = session.get(Device, made.id)
        actor = session.get(User, technician.id)
        ssd = workshop.add_medium(device, actor, MediumKind.SSD, serial="SSD-77", size_gb=240)
        erasure = workshop.record_erasure(
            device, actor, ssd, ErasureMethod.PURGE, "hdparm --security-erase", True
        )
        text = pdf_text(erasure_certificate(device, [erasure]))
    assert "Certificat d'effacement des données" in text
    assert erasure.certificate_number in text and "SSD-77" in text and "NIST SP 800-88" in text
    assert "Purge" in text and "hdparm" in text and "Vérifié" in text and device.tag in text


def test_handover_slip(in_app, make_device, technician, create_organisation):
    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    made = [make_device(State.PARTS, category=Category.PRINTER, weight_kg=8.5) for _ in range(2)]
    with in_app() as session:
        devices = [session.get(Device, m.id) for m in made]
        batch = recycling.create_batch(
            session.get(User, technician.id),
            session.get(Organisation, recycler.id),
            TODAY,
            devices,
            handover_reference="BSD-2026-11",
        )
        text = pdf_text(handover_slip(batch, devices))
        assert all(d.state == State.RECYCLED for d in devices)
    assert "Bordereau de remise au recycleur" in text and "Ecologic" in text and "17,0 kg" in text
    assert "BSD-2026-11" in text and batch.reference in text


def _received(in_app, technician, count, **fields):
    """A collection of `count` laptops weighing 1.9 kg each, as the donation receipt lists it."""
    with in_app():
        actor = db.session.get(User, technician.id)
        donor = intake.create_donor(actor, "Mairie de Fleurance", DonorKind.COLLECTIVITE)
        collection = intake.create_collection(actor, donor, COLLECTED_ON, place="Fleurance")
        for n in range(count):
            intake.receive_device(
                actor,
                category=Category.LAPTOP,
                serial_number=f"PF{n:06d}",
                weight_kg=1.9,
                collection_id=collection.id,
                **fields,
            )
        db.session.commit()
        return collection.id


def _receipt_pages(in_app, collection_id) -> list[str]:
    with in_app() as session:
        collection = session.get(Collection, collection_id)
        devices = session.scalars(
            select(Device).where(Device.collection_id == collection_id).order_by(Device.id)
        ).all()
        return pdf_text(donation_receipt(collection, devices)).split("\f")[:-1]


def test_a_receipt_of_23_devices_is_one_page_signatures_included(in_app, technician):
    collection_id = _received(in_app, technician, 23, brand="Dell", model="Latitude 5490")
    pages = _receipt_pages(in_app, collection_id)
    assert len(pages) == 1
    assert "23 appareils, environ 43,7 kg" in pages[0]  # a decimal comma, a plural
    assert "Pour le donateur" in pages[0] and "atteste avoir reçu le matériel" in pages[0]


def test_the_signatures_never_leave_the_text_they_sign(in_app, technician):
    collection_id = _received(in_app, technician, 45, brand="Dell", model="Latitude 5490")
    pages = _receipt_pages(in_app, collection_id)
    assert len(pages) == 2
    last = pages[-1]
    assert "Pour le donateur" in last and "Pour le programme (réception)" in last
    assert "atteste avoir reçu le matériel ci-dessus" in last
    assert "Ce document n'est pas un reçu fiscal." in last


def test_a_device_without_brand_or_model_is_named_once(in_app, technician):
    collection_id = _received(in_app, technician, 1)
    (page,) = _receipt_pages(in_app, collection_id)
    row = next(line for line in page.splitlines() if "PF000000" in line)
    assert row.count("Ordinateur portable") == 1 and "—" in row
    assert "1 appareil, environ 1,9 kg" in page  # the singular for one


def test_the_french_documents_hold_their_punctuation_and_weigh_with_a_comma(
    in_app, make_device, technician, create_organisation
):
    recycler = create_organisation("Envie Gers", OrganisationKind.RECYCLER)
    made = [make_device(State.PARTS, category=Category.SCREEN, weight_kg=4.25) for _ in range(2)]
    with in_app() as session:
        devices = [session.get(Device, m.id) for m in made]
        batch = recycling.create_batch(
            session.get(User, technician.id),
            session.get(Organisation, recycler.id),
            TODAY,
            devices,
        )
        text = pdf_text(handover_slip(batch, devices))
    assert "8,5 kg" in text and "4,2" in text and "4.2" not in text and "8.5" not in text
    assert "Tous les supports de stockage" in text.split("\f")[-2]  # with the signatures
    # French spacing, held by the no-break space that reportlab never breaks a line at.
    assert pdf_layout.text("Référence : « BSD-11 »") == "Référence\xa0: «\xa0BSD-11\xa0»"
