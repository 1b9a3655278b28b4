"""The words of the history: for every action the code records, a short label (a choice of the
journal's filter, a line of a device's own history) and the journal's sentence naming what it
concerns; and the kinds of subject. `sentences.py` puts them to use."""

from dataclasses import dataclass

from refurb.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Wording:
    subject: str  # the subject type the action is recorded on
    label: object  # what happened, alone
    sentence: object  # the journal's sentence: %(subject)s is the subject, named and linked


def _on(subject: str, *wordings: tuple[str, object, object]) -> dict[str, Wording]:
    return {action: Wording(subject, label, sentence) for action, label, sentence in wordings}


# The kinds of subject, as the journal's filter offers them.
SUBJECTS = {
    "device": _l("Appareil"),
    "user": _l("Compte"),
    "organisation": _l("Organisation"),
    "household": _l("Foyer"),
    "loan": _l("Prêt"),
    "donor": _l("Donateur"),
    "collection": _l("Collecte"),
    "recycling_batch": _l("Lot de recyclage"),
    "label_batch": _l("Lot d'étiquettes"),
    "site": _l("Lieu"),
    "visit": _l("Visite de maintenance"),
    "incident": _l("Incident"),
    "plan": _l("Plan de maintenance"),
    "indicator": _l("Indicateur"),
    "checklist": _l("Test fonctionnel d'une catégorie"),
}

ACTIONS: dict[str, Wording] = {
    **_on(
        "user",
        ("user.signed_in", _l("Connexion"), _l("Connexion de %(subject)s")),
        (
            "user.password_set",
            _l("Mot de passe choisi"),
            _l("Nouveau mot de passe choisi pour le compte de %(subject)s"),
        ),
        (
            "user.password_link_issued",
            _l("Lien pour choisir un mot de passe créé"),
            _l("Lien pour choisir un mot de passe créé pour %(subject)s"),
        ),
        ("user.created", _l("Compte créé"), _l("Compte de %(subject)s créé")),
        ("user.updated", _l("Compte modifié"), _l("Compte de %(subject)s modifié")),
        ("user.role_granted", _l("Rôle attribué"), _l("Rôle attribué à %(subject)s")),
        ("user.role_revoked", _l("Rôle retiré"), _l("Rôle retiré à %(subject)s")),
        ("user.deactivated", _l("Compte désactivé"), _l("Compte de %(subject)s désactivé")),
        ("user.reactivated", _l("Compte réactivé"), _l("Compte de %(subject)s réactivé")),
        (
            "api_token.created",
            _l("Jeton d'accès à l'API créé"),
            _l("Jeton d'accès à l'API créé pour %(subject)s"),
        ),
        (
            "api_token.revoked",
            _l("Jeton d'accès à l'API révoqué"),
            _l("Jeton d'accès à l'API de %(subject)s révoqué"),
        ),
    ),
    **_on(
        "organisation",
        ("organisation.created", _l("Organisation créée"), _l("Organisation %(subject)s créée")),
        (
            "organisation.updated",
            _l("Organisation modifiée"),
            _l("Organisation %(subject)s modifiée"),
        ),
        (
            "loans.settings_updated",
            _l("Réglages des prêts modifiés"),
            _l("Réglages des prêts de %(subject)s modifiés"),
        ),
    ),
    **_on(
        "household",
        ("household.created", _l("Foyer enregistré"), _l("Foyer %(subject)s enregistré")),
        (
            "household.updated",
            _l("Fiche du foyer modifiée"),
            _l("Fiche du foyer %(subject)s modifiée"),
        ),
        (
            "household.request_added",
            _l("Demande inscrite sur la liste d'attente"),
            _l("Demande du foyer %(subject)s inscrite sur la liste d'attente"),
        ),
        (
            "household.identity_viewed",
            _l("Identité du foyer consultée"),
            _l("Identité du foyer %(subject)s consultée"),
        ),
        (
            "household.exported",
            _l("Données du foyer exportées"),
            _l("Données du foyer %(subject)s exportées"),
        ),
        (
            "household.anonymised",
            _l("Identité et coordonnées du foyer effacées"),
            _l("Identité et coordonnées du foyer %(subject)s effacées"),
        ),
    ),
    **_on(
        "loan",
        (
            "loan.reserved",
            _l("Prêt préparé, appareil réservé"),
            _l("Prêt %(subject)s préparé : appareil réservé"),
        ),
        (
            "loan.checked_out",
            _l("Appareil remis au foyer"),
            _l("Prêt %(subject)s : appareil remis au foyer"),
        ),
        ("loan.renewed", _l("Prêt prolongé"), _l("Prêt %(subject)s prolongé")),
        ("loan.returned", _l("Appareil rendu"), _l("Prêt %(subject)s : appareil rendu")),
        (
            "loan.converted_to_gift",
            _l("Prêt transformé en don"),
            _l("Prêt %(subject)s transformé en don"),
        ),
        (
            "loan.lost",
            _l("Appareil prêté déclaré perdu"),
            _l("Prêt %(subject)s : appareil déclaré perdu"),
        ),
        ("loan.cancelled", _l("Prêt annulé"), _l("Prêt %(subject)s annulé")),
        (
            "loan.signed_agreement_attached",
            _l("Convention signée jointe"),
            _l("Prêt %(subject)s : convention signée jointe"),
        ),
        (
            "loan.reminder_due_soon",
            _l("Rappel avant l'échéance"),
            _l("Prêt %(subject)s : rappel avant l'échéance"),
        ),
        (
            "loan.reminder_overdue",
            _l("Rappel de retard"),
            _l("Prêt %(subject)s : rappel de retard"),
        ),
        (
            "loan.reminder_called",
            _l("Foyer appelé pour un rappel"),
            _l("Prêt %(subject)s : foyer appelé pour le rappel"),
        ),
    ),
    **_on(
        "donor",
        ("donor.created", _l("Donateur enregistré"), _l("Donateur %(subject)s enregistré")),
        ("donor.updated", _l("Donateur modifié"), _l("Donateur %(subject)s modifié")),
        (
            "donor.partnership_signed",
            _l("Partenariat signé"),
            _l("Partenariat signé avec %(subject)s"),
        ),
    ),
    **_on(
        "collection",
        ("collection.created", _l("Collecte enregistrée"), _l("Collecte %(subject)s enregistrée")),
    ),
    **_on(
        "recycling_batch",
        (
            "recycling.handed_over",
            _l("Lot remis au recycleur"),
            _l("Lot de recyclage %(subject)s remis au recycleur"),
        ),
    ),
    **_on(
        "label_batch",
        (
            "labels.issued",
            _l("Étiquettes vierges imprimées"),
            _l("Lot d'étiquettes vierges %(subject)s imprimé"),
        ),
    ),
    **_on(
        "device",
        (
            "device.received",
            _l("Reçu dans l'inventaire"),
            _l("Appareil %(subject)s reçu dans l'inventaire"),
        ),
        ("device.edited", _l("Fiche modifiée"), _l("Appareil %(subject)s : fiche modifiée")),
        (
            "device.flags_changed",
            _l("Logiciels ou simplification modifiés"),
            _l("Appareil %(subject)s : logiciels ou simplification modifiés"),
        ),
        (
            "device.diagnosed",
            _l("Test fonctionnel enregistré"),
            _l("Appareil %(subject)s : test fonctionnel enregistré"),
        ),
        (
            "device.medium_added",
            _l("Support de stockage ajouté"),
            _l("Appareil %(subject)s : support de stockage ajouté"),
        ),
        (
            "device.medium_removed",
            _l("Support de stockage retiré"),
            _l("Appareil %(subject)s : support de stockage retiré"),
        ),
        (
            "device.medium_corrected",
            _l("Support de stockage corrigé"),
            _l("Appareil %(subject)s : support de stockage corrigé"),
        ),
        (
            "device.erased",
            _l("Support de stockage effacé"),
            _l("Appareil %(subject)s : support de stockage effacé"),
        ),
        (
            "device.repaired",
            _l("Réparation enregistrée"),
            _l("Appareil %(subject)s : réparation enregistrée"),
        ),
        (
            "device.snapshot_uploaded",
            _l("Rapport matériel importé"),
            _l("Appareil %(subject)s : rapport matériel importé"),
        ),
        (
            "device.labels_printed",
            _l("Étiquette imprimée"),
            _l("Appareil %(subject)s : étiquette imprimée"),
        ),
        (
            "device.incident_reported",
            _l("Incident signalé"),
            _l("Appareil %(subject)s : incident signalé"),
        ),
        # The lifecycle's actions (inventory.lifecycle.Action), as what happened.
        (
            "device.start_diagnosis",
            _l("Diagnostic commencé"),
            _l("Appareil %(subject)s : diagnostic commencé"),
        ),
        (
            "device.send_to_repair",
            _l("Envoyé en réparation"),
            _l("Appareil %(subject)s envoyé en réparation"),
        ),
        (
            "device.mark_ready",
            _l("Déclaré prêt au réemploi"),
            _l("Appareil %(subject)s déclaré prêt au réemploi"),
        ),
        ("device.reserve", _l("Réservé"), _l("Appareil %(subject)s réservé")),
        (
            "device.release",
            _l("Réservation levée"),
            _l("Appareil %(subject)s : réservation levée"),
        ),
        ("device.lend", _l("Prêté"), _l("Appareil %(subject)s prêté")),
        ("device.return", _l("Revenu de prêt"), _l("Appareil %(subject)s revenu de prêt")),
        ("device.give", _l("Donné"), _l("Appareil %(subject)s donné")),
        ("device.deploy", _l("Mis en service"), _l("Appareil %(subject)s mis en service")),
        ("device.withdraw", _l("Retiré du service"), _l("Appareil %(subject)s retiré du service")),
        (
            "device.dismantle",
            _l("Démonté pour pièces"),
            _l("Appareil %(subject)s démonté pour pièces"),
        ),
        ("device.recycle", _l("Recyclé"), _l("Appareil %(subject)s recyclé")),
        ("device.declare_lost", _l("Déclaré perdu"), _l("Appareil %(subject)s déclaré perdu")),
    ),
    **_on(
        "checklist",
        (
            "checklist.rules_changed",
            _l("Points bloquants du test fonctionnel modifiés"),
            _l("Points bloquants du test fonctionnel modifiés : %(subject)s"),
        ),
    ),
    **_on(
        "site",
        ("site.created", _l("Lieu créé"), _l("Lieu %(subject)s créé")),
        ("site.updated", _l("Lieu modifié"), _l("Lieu %(subject)s modifié")),
    ),
    **_on(
        "plan",
        (
            "plan.edited",
            _l("Plan de maintenance modifié"),
            _l("Plan de maintenance %(subject)s modifié"),
        ),
    ),
    **_on(
        "visit",
        (
            "visit.started",
            _l("Visite commencée"),
            _l("Visite de maintenance commencée : %(subject)s"),
        ),
        (
            "visit.completed",
            _l("Visite terminée"),
            _l("Visite de maintenance terminée : %(subject)s"),
        ),
        (
            "visit.cancelled",
            _l("Visite annulée"),
            _l("Visite de maintenance annulée : %(subject)s"),
        ),
    ),
    **_on(
        "incident",
        ("incident.reported", _l("Incident signalé"), _l("Incident %(subject)s signalé")),
        (
            "incident.acknowledged",
            _l("Incident pris en charge"),
            _l("Incident %(subject)s pris en charge"),
        ),
        ("incident.resolved", _l("Incident résolu"), _l("Incident %(subject)s résolu")),
        ("incident.rejected", _l("Incident écarté"), _l("Incident %(subject)s écarté")),
    ),
    **_on(
        "indicator",
        (
            "indicator.target_set",
            _l("Cible d'un indicateur fixée"),
            _l("Cible de l'indicateur « %(subject)s » fixée"),
        ),
    ),
}
