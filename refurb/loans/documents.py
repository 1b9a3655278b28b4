"""The loan agreement (convention de prêt), the gift certificate and the return receipt, in
French. The agreement is filled at handover, so what the household signs is what it takes
home: the accessories, the deposit and the due date recorded then."""

from refurb.pdf_layout import SPACE, facts, para, render, signature_block


def _day(value) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _lender_contact(lender) -> str:
    place = lender.address or (lender.commune.name if lender.commune else "")
    parts = [place, lender.phone, lender.email]
    return " · ".join(p for p in parts if p) or "—"


def _deposit(euros: int) -> str:
    return f"{euros} €" if euros else "aucune"


def _made_at(lender, day) -> str:
    return f"Fait à {lender.commune.name if lender.commune else '………'}, le {_day(day)}."


def _device_rows(device) -> list[tuple[str, str]]:
    return [
        ("Appareil", device.full_title),
        ("Étiquette", device.tag),
        ("N° de série", device.serial_number or "—"),
    ]


def agreement(loan, terms, identity: dict, settings, defects: list[str] = ()) -> bytes:
    """The agreement of a loan handed over; `identity` is what `privacy.require_identity` let
    the reader see, `settings` the association's loan rules (duration, renewals), `defects`
    the device's known, non-blocking faults."""
    household, lender = loan.household, loan.lender
    renewals = (
        f"renouvelable {settings.renewal_cap} fois, de {settings.renewal_days} jours chaque fois, "
        "sur demande avant la date de retour"
        if settings.renewal_cap
        else "non renouvelable"
    )
    rows = [
        ("Prêteur", lender.name),
        ("Contact de l'association", _lender_contact(lender)),
        ("Foyer", f"{household.reference} — {identity.get('contact_name') or '—'}"),
        *_device_rows(loan.device),
        ("Accessoires remis", ", ".join(loan.accessories) or "aucun"),
        ("Défauts connus", ", ".join(defects) or "aucun"),
        ("Remis le", _day(loan.start_on)),
        ("Durée du prêt", f"{settings.loan_days} jours, {renewals}"),
        ("À rendre le", _day(loan.due_on)),
        ("Caution versée", _deposit(loan.deposit_euros)),
    ]
    story = [
        para(
            "Cette convention est établie à la remise de l'appareil : elle reprend le matériel, "
            "les accessoires et la caution remis ce jour-là."
        ),
        SPACE,
        facts(rows),
        SPACE,
        para(f"Conditions du prêt (version {terms.version_number if terms else 1}) :"),
    ]
    text = terms.text if terms else ""
    story += [para(line) for line in text.splitlines() if line.strip()]
    contact = lender.phone or lender.email
    if contact:
        story.append(
            para(f"Pour prévenir l'association (panne, perte, vol, renouvellement) : {contact}.")
        )
    story += [
        SPACE,
        para(
            "Fait en deux exemplaires. L'emprunteur déclare avoir reçu le matériel et "
            "les accessoires ci-dessus en bon état de fonctionnement."
        ),
        para(_made_at(lender, loan.start_on)),
        SPACE,
        signature_block("Pour l'association", "L'emprunteur (« lu et approuvé »)"),
    ]
    return render("Convention de prêt de matériel numérique", loan.reference, story)


def gift_certificate(loan, identity: dict) -> bytes:
    """The certificate a household keeps when its loan becomes a gift."""
    lender = loan.lender
    rows = [
        ("Donateur", lender.name),
        ("Contact de l'association", _lender_contact(lender)),
        ("Bénéficiaire", f"{loan.household.reference} — {identity.get('contact_name') or '—'}"),
        *_device_rows(loan.device),
        ("Accessoires", ", ".join(loan.accessories) or "aucun"),
        ("Prêté le", _day(loan.start_on)),
        ("Donné le", _day(loan.ended_on)),
    ]
    story = [
        facts(rows),
        SPACE,
        para(
            f"L'association {lender.name} atteste faire don au foyer ci-dessus de l'appareil "
            f"décrit, qui lui était prêté depuis le {_day(loan.start_on)}. À compter du "
            f"{_day(loan.ended_on)}, ce matériel est la propriété du foyer : il n'a plus à le "
            "rendre. Les données qu'il y a enregistrées restent les siennes."
        ),
        para(
            "Le matériel, reconditionné, est donné en l'état, sans autre garantie que celle "
            "que l'association accorde à tous ses dons."
        ),
        SPACE,
        para(_made_at(lender, loan.ended_on)),
        SPACE,
        signature_block("Pour l'association", "Le bénéficiaire"),
    ]
    return render("Attestation de don de matériel numérique", loan.reference, story)


def return_receipt(loan) -> bytes:
    device, lender = loan.device, loan.lender
    deposit = _deposit(loan.deposit_euros)
    if loan.deposit_euros and loan.deposit_returned is not None:
        deposit += " — " + (
            "rendue au foyer" if loan.deposit_returned else "conservée par l'association"
        )
    story = [
        facts(
            [
                ("Prêteur", lender.name),
                ("Contact de l'association", _lender_contact(lender)),
                ("Foyer", loan.household.reference),
                ("Appareil", f"{device.full_title} ({device.tag})"),
                ("Prêté le", _day(loan.start_on)),
                ("À rendre le", _day(loan.due_on)),
                ("Rendu le", _day(loan.ended_on)),
                ("État au retour", loan.return_condition or "—"),
                ("Accessoires remis", ", ".join(loan.accessories) or "aucun"),
                ("Manquants au retour", ", ".join(loan.missing_accessories) or "aucun"),
                ("Caution versée à la remise", deposit),
            ]
        ),
        SPACE,
        para(
            "L'association atteste avoir repris le matériel ci-dessus. Toutes les données qu'il "
            "contient seront effacées avant tout nouveau prêt."
        ),
        para(_made_at(lender, loan.ended_on)),
        SPACE,
        signature_block("Pour l'association", "L'emprunteur"),
    ]
    return render("Reçu de retour de prêt", loan.reference, story)
