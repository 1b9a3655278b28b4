"""The coordinator creates organisations and users, gives and takes roles, deactivates."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from refurb.auth.models import Membership, Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.history.models import Event
from tests.conftest import sign_in


@pytest.fixture
def coordinator(client, login_as, create_organisation):
    home = create_organisation("Gers Numérique", OrganisationKind.COORDINATOR)
    return login_as(Role.ADMIN, home)


def organisation_form(**overrides):
    data = {"name": "Médiathèque de Marciac", "kind": "site_host", "commune": "Marciac (32230)"}
    data.update(overrides)
    return data


def actions(in_app, subject_type, subject_id):
    with in_app():
        return list(
            db.session.scalars(
                select(Event.action)
                .where(Event.subject_type == subject_type, Event.subject_id == subject_id)
                .order_by(Event.id)
            )
        )


def test_an_organisation_gets_its_epci_from_its_commune(client, coordinator, in_app):
    response = client.post("/organisations/nouvelle", data=organisation_form())
    assert response.status_code == 302
    with in_app():
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == "Médiathèque de Marciac")
        )
        assert organisation.commune_code == "32233"
        assert organisation.epci.name == "CC Bastides et Vallons du Gers"
        organisation_id = organisation.id
    page = client.get(response.location).get_data(as_text=True)
    assert "CC Bastides et Vallons du Gers" in page
    assert actions(in_app, "organisation", organisation_id) == ["organisation.created"]


@pytest.mark.parametrize("typed", ["32233", "marciac", "MARCIAC (32230)"])
def test_the_commune_can_be_typed_several_ways(client, coordinator, in_app, typed):
    assert (
        client.post("/organisations/nouvelle", data=organisation_form(commune=typed)).status_code
        == 302
    )


def test_an_unknown_commune_is_refused_next_to_its_field(client, coordinator, in_app):
    response = client.post("/organisations/nouvelle", data=organisation_form(commune="Toulouse"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="commune-erreur"' in page
    assert "Commune inconnue dans le Gers" in page
    assert 'value="Toulouse"' in page  # what was typed is kept
    assert 'value="Médiathèque de Marciac"' in page
    with in_app():
        assert (
            db.session.scalar(select(Organisation).where(Organisation.kind == "site_host")) is None
        )


def test_two_organisations_cannot_share_a_name(client, coordinator, create_organisation):
    create_organisation("Gers Solidaire")
    response = client.post("/organisations/nouvelle", data=organisation_form(name="gers solidaire"))
    assert response.status_code == 400
    assert 'id="name-erreur"' in response.get_data(as_text=True)


def test_an_edit_on_a_stale_version_is_refused(client, coordinator, create_organisation, in_app):
    organisation = create_organisation("Gers Solidaire")
    form = organisation_form(name="Gers Solidaire", kind="lender", commune="32013", version="1")
    first = client.post(
        f"/organisations/{organisation.id}/modifier", data={**form, "phone": "05 62 00 00 01"}
    )
    assert first.status_code == 302
    second = client.post(
        f"/organisations/{organisation.id}/modifier", data={**form, "phone": "05 62 99 99 99"}
    )
    assert second.status_code == 409  # the status of a stale form, as elsewhere
    assert "modifiée par quelqu" in second.get_data(as_text=True)
    with in_app():
        assert db.session.get(Organisation, organisation.id).phone == "05 62 00 00 01"


def new_user(client, organisation_id, **overrides):
    data = {
        "name": "Sophie Martin",
        "email": "sophie.martin@gers-solidaire.fr",
        "organisation": str(organisation_id),
        "role": "lender",
    }
    data.update(overrides)
    return client.post("/utilisateurs/nouveau", data=data)


def link_from(page: str) -> str:
    return re.search(r"http://localhost(/mot-de-passe/[\w-]+)", page).group(1)


def test_a_new_user_sets_a_password_once_with_the_link(
    app, client, coordinator, create_organisation, in_app
):
    lender = create_organisation("Gers Solidaire")
    response = new_user(client, lender.id)
    assert response.status_code == 200
    link = link_from(response.get_data(as_text=True))

    newcomer = app.test_client()
    assert "Choisir votre mot de passe" in newcomer.get(link).get_data(as_text=True)
    refused = newcomer.post(link, data={"password": "court", "confirm": "court"})
    assert 'id="password-erreur"' in refused.get_data(as_text=True)
    accepted = newcomer.post(
        link, data={"password": "les coteaux de Gascogne", "confirm": "les coteaux de Gascogne"}
    )
    assert accepted.status_code == 302
    assert newcomer.get(link).status_code == 410  # one time only
    assert (
        sign_in(newcomer, "sophie.martin@gers-solidaire.fr", "les coteaux de Gascogne").status_code
        == 302
    )
    assert newcomer.get(f"/organisations/{lender.id}").status_code == 200
    with in_app():
        user_id = db.session.scalar(select(User.id).where(User.email.startswith("sophie")))
    assert actions(in_app, "user", user_id) == [
        "user.created",
        "user.password_link_issued",
        "user.password_set",
        "user.signed_in",
    ]


def test_a_second_account_with_the_same_email_is_refused(client, coordinator, create_organisation):
    lender = create_organisation("Gers Solidaire")
    assert new_user(client, lender.id).status_code == 200
    again = new_user(client, lender.id, email="Sophie.Martin@gers-solidaire.fr")
    assert again.status_code == 400
    assert 'id="email-erreur"' in again.get_data(as_text=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 OK"


def test_the_link_is_emailed_when_smtp_is_configured(app, client, coordinator, create_organisation):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        response = new_user(client, create_organisation("Gers Solidaire").id)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
        controller.stop()
    assert "envoyé par e-mail" in response.get_data(as_text=True)
    (message,) = inbox.messages
    assert message.rcpt_tos == ["sophie.martin@gers-solidaire.fr"]
    assert link_from(response.get_data(as_text=True)) in message.content.decode()


def test_roles_are_given_and_taken(client, coordinator, create_user, create_organisation, in_app):
    person = create_user(Role.TECHNICIAN)
    site = create_organisation("Mairie de Marciac", OrganisationKind.SITE_HOST)
    given = client.post(
        f"/utilisateurs/{person.id}/roles", data={"m-organisation": site.id, "m-role": "site_staff"}
    )
    assert given.status_code == 302
    again = client.post(
        f"/utilisateurs/{person.id}/roles", data={"m-organisation": site.id, "m-role": "site_staff"}
    )
    assert "a déjà ce rôle" in again.get_data(as_text=True)
    with in_app():
        membership = db.session.scalar(
            select(Membership).where(
                Membership.user_id == person.id, Membership.role == Role.SITE_STAFF
            )
        )
        membership_id = membership.id
    assert (
        client.post(f"/utilisateurs/{person.id}/roles/{membership_id}/retirer").status_code == 302
    )
    with in_app():
        assert db.session.get(User, person.id).roles == {Role.TECHNICIAN}
    assert actions(in_app, "user", person.id)[-2:] == ["user.role_granted", "user.role_revoked"]


def test_the_coordinator_cannot_lock_themself_out(client, coordinator, in_app):
    with in_app():
        membership_id = db.session.scalar(
            select(Membership.id).where(Membership.user_id == coordinator.id)
        )
    client.post(f"/utilisateurs/{coordinator.id}/roles/{membership_id}/retirer")
    client.post(f"/utilisateurs/{coordinator.id}/desactiver")
    page = client.get(f"/utilisateurs/{coordinator.id}").get_data(as_text=True)
    assert "désactivé" not in page.split("<h1>")[1].split("</h1>")[0]
    with in_app():
        user = db.session.get(User, coordinator.id)
        assert user.is_active and user.is_admin


def test_a_deactivated_user_is_signed_out_and_their_tokens_revoked(
    app, client, coordinator, api_token, in_app
):
    headers, person = api_token(Role.LENDER)
    their_browser = app.test_client()
    sign_in(their_browser, person.email, person.password)
    response = client.post(f"/utilisateurs/{person.id}/desactiver")
    assert response.status_code == 302
    assert "Compte désactivé" in client.get(response.location).get_data(as_text=True)
    assert their_browser.get("/compte").status_code == 302
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    client.post(f"/utilisateurs/{person.id}/reactiver")
    assert sign_in(app.test_client(), person.email, person.password).status_code == 302


def test_user_list_filters_by_role_and_text(client, coordinator, create_user):
    create_user(Role.LENDER, name="Nadia Ferreira")
    create_user(Role.TECHNICIAN, name="Karim Benali")
    page = client.get("/utilisateurs?role=lender").get_data(as_text=True)
    assert "Nadia Ferreira" in page and "Karim Benali" not in page
    page = client.get("/utilisateurs?q=benali").get_data(as_text=True)
    assert "Karim Benali" in page and "Nadia Ferreira" not in page


def test_editing_a_user_on_a_stale_version_is_refused(client, coordinator, create_user, in_app):
    person = create_user(Role.LENDER, name="Nadia Ferreira")
    data = {"u-name": "Nadia Ferreira-Costa", "u-email": person.email, "u-version": "1"}
    assert client.post(f"/utilisateurs/{person.id}/modifier", data=data).status_code == 302
    stale = client.post(f"/utilisateurs/{person.id}/modifier", data={**data, "u-name": "Autre"})
    assert stale.status_code == 409
    with in_app():
        assert db.session.get(User, person.id).name == "Nadia Ferreira-Costa"


def test_a_role_is_given_only_where_it_makes_sense(
    client, coordinator, create_user, create_organisation, in_app
):
    recycler = create_organisation("Ecologic", OrganisationKind.RECYCLER)
    refused = new_user(client, recycler.id)  # a lender's role in a recycler's team
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "ne se donne pas dans une organisation" in text
    person = create_user(Role.TECHNICIAN)
    given = client.post(
        f"/utilisateurs/{person.id}/roles", data={"m-organisation": recycler.id, "m-role": "lender"}
    )
    assert "ne se donne pas dans une organisation" in given.get_data(as_text=True)
    with in_app():
        assert db.session.get(User, person.id).roles == {Role.TECHNICIAN}


def test_the_one_time_link_shows_when_it_expires_and_can_be_copied(
    client, coordinator, create_organisation
):
    page = new_user(client, create_organisation("Gers Solidaire").id).get_data(as_text=True)
    assert "Valable jusqu&#39;au" in page or "Valable jusqu'au" in page
    assert 'data-copy="lien"' in page and 'id="lien"' in page and "readonly" in page
