"""A household's own data (RGPD, article 15), as the household reads it: French names, labels
and dates, in a JSON file and on a page to print; for the owning association only, the view of
the identity logged."""

import html
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from refurb.auth.models import User
from refurb.auth.roles import Role
from refurb.errors import Forbidden
from refurb.history.models import Event
from refurb.inventory.enums import Category, State
from refurb.loans import privacy
from refurb.loans.models import Household
from refurb.loans.services import lending
from refurb.loans.services.households import add_request
from tests.conftest import TODAY, VERIFIED_ON, sign_in
from tests.loans.test_privacy_reminders import active_loan

START = TODAY - timedelta(days=29)


def _loaned_household(session_as, lender, make_household, make_device):
    household = make_household(referring_organisation="CCAS d'Auch")
    device = make_device(State.READY)
    with session_as(lender) as (session, actor):
        loan = active_loan(session, actor, household.id, device.id, START)
        reference, due_on = loan.reference, loan.due_on
        session.commit()
    return household, device, reference, due_on


def test_the_json_download_has_french_keys_and_values(
    client, in_app, session_as, lender, make_household, make_device
):
    household, device, loan_reference, due_on = _loaned_household(
        session_as, lender, make_household, make_device
    )
    with session_as(lender) as (session, actor):
        add_request(
            session.get(Household, household.id), actor, Category.TABLET, note="pour l'école"
        )
        session.commit()
    sign_in(client, lender.email, lender.password)
    answer = client.get(f"/foyers/{household.id}/export.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert "Critère d'éligibilité" in answer.get_data(as_text=True)  # accents, not \u00e9
    # The whole document, in its order, as the household reads it.
    assert list(json.loads(answer.data).items()) == [
        ("Référence du foyer", household.reference),
        ("Association qui suit le foyer", "Gers Solidaire"),
        ("Commune", "Auch"),
        ("Personnes au foyer", 3),
        ("Critère d'éligibilité", "RSA"),
        ("Précision sur le critère", ""),
        ("Critère vérifié le", f"{VERIFIED_ON:%d/%m/%Y}"),
        ("Orienté par", "CCAS d'Auch"),
        (
            "Coordonnées",
            {"Nom": "Mme Durand", "Téléphone": "06 12 34 56 78", "E-mail": "durand@exemple.fr"},
        ),
        ("Consentement donné le", f"{VERIFIED_ON:%d/%m/%Y}"),
        (
            "Demandes",
            [
                {
                    "Type d'appareil": "Tablette",
                    "Demandé le": f"{TODAY:%d/%m/%Y}",
                    "Statut": "En attente",
                }
            ],
        ),
        (
            "Prêts",
            [
                {
                    "Référence": loan_reference,
                    "Appareil": device.tag,
                    "Type d'appareil": "Ordinateur portable",
                    "Statut": "En cours",
                    "Remis le": f"{START:%d/%m/%Y}",
                    "À rendre le": f"{due_on:%d/%m/%Y}",
                    "Terminé le": None,
                }
            ],
        ),
    ]
    with in_app() as session:
        actions = session.scalars(
            select(Event.action).where(
                Event.subject_type == "household", Event.subject_id == household.id
            )
        ).all()
    assert "household.identity_viewed" in actions and "household.exported" in actions


def test_the_printable_page_shows_the_same_data(
    app, client, session_as, lender, make_household, make_device, create_user
):
    household, device, loan_reference, _due = _loaned_household(
        session_as, lender, make_household, make_device
    )
    sign_in(client, lender.email, lender.password)
    page = client.get(f"/foyers/{household.id}")
    assert f'href="/foyers/{household.id}/donnees"' in page.get_data(as_text=True)
    answer = client.get(f"/foyers/{household.id}/donnees")
    assert answer.status_code == 200
    text = html.unescape(answer.get_data(as_text=True))
    assert f"Données enregistrées sur le foyer {household.reference}" in text
    assert "<dt>Critère d'éligibilité</dt><dd>RSA</dd>" in text
    assert "<dt>Orienté par</dt><dd>CCAS d'Auch</dd>" in text
    assert "<dt>E-mail</dt><dd>durand@exemple.fr</dd>" in text
    assert f"<td>{loan_reference}</td><td>{device.tag}</td><td>Ordinateur portable</td>" in text
    assert f"<td>En cours</td><td>{START:%d/%m/%Y}</td>" in text

    coordinator, other = create_user(Role.ADMIN), app.test_client()
    sign_in(other, coordinator.email, coordinator.password)
    refused = other.get(f"/foyers/{household.id}/donnees")  # the coordinator sees references
    assert refused.status_code == 403 and "Durand" not in refused.get_data(as_text=True)


def test_the_export_lists_loans_and_requests_in_order_and_is_logged(
    in_app, session_as, lender, lender_org, make_household, make_device
):
    household = make_household()
    returned, lent = make_device(State.READY), make_device(State.READY, category=Category.TABLET)
    with session_as(lender) as (session, actor):
        first = active_loan(session, actor, household.id, returned.id, START)
        lending.take_back(actor, first, first.version, "bon état", [])
        second = active_loan(session, actor, household.id, lent.id, START)
        record = session.get(Household, household.id)
        later = add_request(record, actor, Category.SCREEN)  # typed first, asked later
        earlier = add_request(record, actor, Category.PRINTER)
        later.requested_on, earlier.requested_on = TODAY - timedelta(3), TODAY - timedelta(9)
        data = privacy.export(record, actor)
        exported = session.scalar(
            select(Event).where(
                Event.action == "household.exported", Event.subject_id == household.id
            )
        )
        assert (exported.actor_id, exported.organisation_id) == (lender.id, lender_org.id)
        assert [(r["Type d'appareil"], r["Demandé le"]) for r in data["Demandes"]] == [
            ("Imprimante", f"{TODAY - timedelta(9):%d/%m/%Y}"),
            ("Écran", f"{TODAY - timedelta(3):%d/%m/%Y}"),
        ]
        assert [(p["Référence"], p["Statut"], p["Terminé le"]) for p in data["Prêts"]] == [
            (first.reference, "Rendu", f"{TODAY:%d/%m/%Y}"),
            (second.reference, "En cours", None),
        ]


def test_another_association_is_told_why_it_sees_no_identity(in_app, make_household, stranger):
    household = make_household()
    with in_app() as session, pytest.raises(Forbidden) as refused:
        privacy.require_identity(
            session.get(User, stranger.id), session.get(Household, household.id)
        )
    assert (
        refused.value.code,
        refused.value.message.replace("\u202f", " "),
        refused.value.status,
    ) == (
        "identity_restricted",
        "Seule l'association qui suit ce foyer voit son identité et ses documents.",
        403,
    )
