"""The loan agreement (convention de prêt) and the return receipt, in French."""

from refurb.pdf_layout import SPACE, facts, para, render, signature_block


def agreement(loan, terms, identity: dict) -> bytes:
    """The loan agreement; `identity` is what `privacy.require_identity` let the reader see."""
    household, device = loan.household, loan.device
    rows = [
        ("Prêteur", loan.lender.name),
        ("Foyer", f"{household.reference} — {identity.get('contact_name') or '—'}"),
        ("Appareil", f"{device.category.label} — {device.title}"),
        ("Étiquette", device.tag),
        ("N° de série", device.serial_number or "—"),
        ("Accessoires", ", ".join(loan.accessories) or "aucun"),
        ("Début du prêt", loan.start_on.strftime("%d/%m/%Y") if loan.start_on else "à la remise"),
        ("À rendre le", loan.due_on.strftime("%d/%m/%Y") if loan.due_on else "—"),
        ("Caution", f"{loan.deposit_euros} €" if loan.deposit_euros else "aucune"),
    ]
    story = [
        facts(rows),
        SPACE,
        para(f"Conditions du prêt (version {terms.version_number if terms else 1}) :"),
    ]
    text = terms.text if terms else ""
    story += [para(line) for line in text.splitlines() if line.strip()]
    story += [
        SPACE,
        para(
            "Fait en deux exemplaires. L'emprunteur déclare avoir reçu le matériel et "
            "les accessoires ci-dessus en bon état de fonctionnement."
        ),
        SPACE,
        signature_block("Pour l'association", "L'emprunteur (« lu et approuvé »)"),
    ]
    return render("Convention de prêt de matériel numérique", loan.reference, story)


def return_receipt(loan) -> bytes:
    device = loan.device
    missing = ", ".join(loan.missing_accessories) or "aucun"
    story = [
        facts(
            [
                ("Prêteur", loan.lender.name),
                ("Foyer", loan.household.reference),
                ("Appareil", f"{device.category.label} — {device.title} ({device.tag})"),
                ("Prêté le", loan.start_on.strftime("%d/%m/%Y") if loan.start_on else "—"),
                ("Rendu le", loan.ended_on.strftime("%d/%m/%Y") if loan.ended_on else "—"),
                ("État au retour", loan.return_condition or "—"),
                ("Accessoires manquants", missing),
            ]
        ),
        SPACE,
        para(
            "L'association atteste avoir repris le matériel ci-dessus. Toutes les données qu'il "
            "contient seront effacées avant tout nouveau prêt."
        ),
        SPACE,
        signature_block("Pour l'association", "L'emprunteur"),
    ]
    return render("Reçu de retour de prêt", loan.reference, story)
