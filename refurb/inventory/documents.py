"""Inventory documents: donation receipt, erasure certificate, recycling handover slip."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from refurb.db_types import PARIS, today
from refurb.i18n import decimal, french_plural
from refurb.inventory.enums import ErasureMethod
from refurb.pdf_layout import SMALL, SPACE, facts, grid, para, render, signature_block


def _local(moment) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def _devices(count: int) -> str:
    return f"{count} {french_plural(count, 'appareil', 'appareils')}"


def _kg(weight, unit: str = " kg") -> str:
    """78,0 kg: the documents are French whatever the language of the person printing them."""
    return decimal(weight, fixed=True, locale="fr") + unit


def donation_receipt(collection, devices) -> bytes:
    """Attestation de remise de matériel, for the donor: what was received, and when."""
    donor = collection.donor
    weight = sum(d.effective_weight_kg for d in devices)
    story = [
        facts(
            [
                ("Donateur", donor.name),
                ("Type de donateur", donor.kind.french),
                ("Collecte", collection.reference),
                ("Date de collecte", collection.collected_on.strftime("%d/%m/%Y")),
                ("Lieu", collection.place or "—"),
                ("Matériel reçu", f"{_devices(len(devices))}, environ {_kg(weight)}"),
            ]
        ),
        SPACE,
        grid(
            ["Étiquette", "Catégorie", "Marque et modèle", "N° de série"],
            [
                (d.tag, d.category.french, d.brand_and_model or "—", d.serial_number or "—")
                for d in devices
            ],
            [30, 35, 65, 40],
            listing=True,
        ),
        SPACE,
        signature_block(
            "Pour le donateur",
            "Pour le programme (réception)",
            closing=[
                para(
                    "Le programme de reconditionnement du Gers atteste avoir reçu le matériel "
                    "ci-dessus. Chaque appareil porte désormais l'étiquette indiquée ; les "
                    "données qu'il contient seront effacées selon la norme NIST SP 800-88 avant "
                    "tout réemploi, ou le support sera détruit."
                ),
                Spacer(1, 2 * mm),
                para("Ce document n'est pas un reçu fiscal.", SMALL),
                SPACE,
            ],
        ),
    ]
    return render("Attestation de remise de matériel", collection.reference, story)


def erasure_certificate(device, erasures) -> bytes:
    """Certificat d'effacement: each medium, method, tool, operator, date and verification."""
    rows = [
        (
            e.certificate_number,
            e.medium.described(french=True) if e.medium else e.medium_serial,
            f"{e.method.french} — {e.tool}",
            f"{e.operator.name if e.operator else '—'}, {_local(e.performed_at)}",
            "Vérifié" if e.verified else f"Non vérifié : {e.verification_note}",
        )
        for e in erasures
    ]
    destroyed = any(e.method == ErasureMethod.DESTROY for e in erasures)
    reference = erasures[-1].certificate_number if erasures else device.tag
    story = [
        facts(
            [
                ("Appareil", f"{device.tag} — {device.full_title}"),
                ("N° de série", device.serial_number or "—"),
                ("Norme", "NIST SP 800-88 rév. 1 (Clear, Purge, Destroy)"),
            ]
        ),
        SPACE,
        grid(
            [
                "N° de certificat",
                "Support",
                "Méthode et outil",
                "Opérateur, date",
                "Vérification",
            ],
            rows,
            [28, 42, 42, 34, 24],
        ),
        SPACE,
        signature_block(
            "Opérateur",
            "Responsable de l'atelier",
            closing=[
                para(
                    "Nous certifions que les supports de stockage listés ont été effacés (ou "
                    "détruits) selon la méthode indiquée et que le résultat a été vérifié lorsque "
                    "c'est mentionné. Les données des utilisateurs précédents ne sont plus "
                    "récupérables par les moyens correspondant à la méthode employée."
                    + (" Les supports détruits ont été retirés de l'appareil." if destroyed else "")
                ),
                SPACE,
            ],
        ),
    ]
    return render("Certificat d'effacement des données", reference, story)


def handover_slip(batch, devices) -> bytes:
    """Bordereau de remise: devices handed to a recycler (DEEE)."""
    story = [
        facts(
            [
                ("Lot", batch.reference),
                ("Recycleur", batch.recycler.name),
                ("Date de remise", batch.handed_over_on.strftime("%d/%m/%Y")),
                ("Référence de remise", batch.handover_reference or "—"),
                ("Nombre d'appareils", str(len(devices))),
                ("Poids total", _kg(batch.total_weight_kg)),
            ]
        ),
        SPACE,
        grid(
            ["Étiquette", "Catégorie", "Marque et modèle", "N° de série", "Poids (kg)"],
            [
                (
                    d.tag,
                    d.category.french,
                    d.brand_and_model or "—",
                    d.serial_number or "—",
                    _kg(d.effective_weight_kg, unit=""),
                )
                for d in devices
            ],
            [28, 32, 55, 35, 20],
            listing=True,
        ),
        SPACE,
        signature_block(
            "Remis par (programme)",
            "Reçu par (recycleur)",
            closing=[
                para(
                    "Tous les supports de stockage de ces appareils ont été effacés ou détruits "
                    "avant la remise, comme l'attestent les certificats d'effacement enregistrés "
                    "dans refurb."
                ),
                SPACE,
            ],
        ),
    ]
    return render(
        "Bordereau de remise au recycleur",
        batch.reference,
        story,
        issued_on=batch.handed_over_on if batch.handed_over_on <= today() else None,
    )
