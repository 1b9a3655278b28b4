"""Inventory documents: donation receipt, erasure certificate, recycling handover slip."""

from datetime import date
from zoneinfo import ZoneInfo

from refurb.inventory.enums import ErasureMethod
from refurb.pdf_layout import SMALL, SPACE, facts, grid, para, render, signature_block

PARIS = ZoneInfo("Europe/Paris")


def _local(moment) -> str:
    return moment.astimezone(PARIS).strftime("%d/%m/%Y %H:%M")


def donation_receipt(collection, devices) -> bytes:
    """Attestation de remise de matériel, for the donor: what was received, and when."""
    donor = collection.donor
    weight = sum(d.effective_weight_kg for d in devices)
    story = [
        facts(
            [
                ("Donateur", donor.name),
                ("Type de donateur", donor.kind.label),
                ("Collecte", collection.reference),
                ("Date de collecte", collection.collected_on.strftime("%d/%m/%Y")),
                ("Lieu", collection.place or "—"),
                ("Matériel reçu", f"{len(devices)} appareil(s), environ {weight:.1f} kg"),
            ]
        ),
        SPACE,
        para(
            "Le programme de reconditionnement du Gers atteste avoir reçu le matériel "
            "ci-dessous. Chaque appareil porte désormais l'étiquette indiquée ; les données "
            "qu'il contient seront effacées selon la norme NIST SP 800-88 avant tout réemploi, "
            "ou le support sera détruit."
        ),
        SPACE,
        grid(
            ["Étiquette", "Catégorie", "Marque et modèle", "N° de série"],
            [(d.tag, d.category.label, d.title, d.serial_number or "—") for d in devices],
            [30, 35, 65, 40],
        ),
        SPACE,
        para("Ce document n'est pas un reçu fiscal.", SMALL),
        SPACE,
        signature_block("Pour le donateur", "Pour le programme (réception)"),
    ]
    return render("Attestation de remise de matériel", collection.reference, story)


def erasure_certificate(device, erasures) -> bytes:
    """Certificat d'effacement: each medium, method, tool, operator, date and verification."""
    rows = [
        (
            e.certificate_number,
            e.medium.label if e.medium else e.medium_serial,
            f"{e.method.label} — {e.tool}",
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
                ("Appareil", f"{device.tag} — {device.category.label}, {device.title}"),
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
        para(
            "Nous certifions que les supports de stockage listés ont été effacés (ou détruits) "
            "selon la méthode indiquée et que le résultat a été vérifié lorsque c'est mentionné. "
            "Les données des utilisateurs précédents ne sont plus récupérables par les moyens "
            "correspondant à la méthode employée."
            + (" Les supports détruits ont été retirés de l'appareil." if destroyed else "")
        ),
        SPACE,
        signature_block("Opérateur", "Responsable de l'atelier"),
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
                ("Poids total", f"{batch.total_weight_kg:.1f} kg"),
            ]
        ),
        SPACE,
        grid(
            ["Étiquette", "Catégorie", "Marque et modèle", "N° de série", "Poids (kg)"],
            [
                (
                    d.tag,
                    d.category.label,
                    d.title,
                    d.serial_number or "—",
                    f"{d.effective_weight_kg:.1f}",
                )
                for d in devices
            ],
            [28, 32, 55, 35, 20],
        ),
        SPACE,
        para(
            "Tous les supports de stockage de ces appareils ont été effacés ou détruits avant la "
            "remise, comme l'attestent les certificats d'effacement enregistrés dans refurb."
        ),
        SPACE,
        signature_block("Remis par (programme)", "Reçu par (recycleur)"),
    ]
    return render(
        "Bordereau de remise au recycleur",
        batch.reference,
        story,
        issued_on=batch.handed_over_on if batch.handed_over_on <= date.today() else None,
    )
