"""The coordinator issues a new one-time password link from a user's page: the page shows the
link for that person, the link sets the password once, and an earlier unused link stops working."""

import re

import pytest
from sqlalchemy import select

from refurb.auth.models import PasswordLink, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.extensions import db
from refurb.history.models import Event
from tests.conftest import sign_in


@pytest.fixture
def coordinator(client, login_as, create_organisation):
    return login_as(Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR))


def link_from(page: str) -> str:
    return re.search(r'value="http://localhost(/mot-de-passe/[\w-]+)"', page).group(1)


def test_a_new_password_link_replaces_the_previous_one(
    app, client, coordinator, create_user, create_organisation, in_app
):
    lender_org = create_organisation("Gers Solidaire", OrganisationKind.LENDER)
    person = create_user(Role.LENDER, lender_org, name="Sophie Martin", password=None)
    first = client.post(f"/utilisateurs/{person.id}/lien")
    assert first.status_code == 200
    earlier = link_from(first.get_data(as_text=True))

    response = client.post(f"/utilisateurs/{person.id}/lien")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Lien pour Sophie Martin" in page and person.email in page
    assert "Valable jusqu" in page and f'href="/utilisateurs/{person.id}"' in page
    link = link_from(page)
    assert link != earlier
    with in_app():
        links = db.session.scalars(
            select(PasswordLink).where(PasswordLink.user_id == person.id).order_by(PasswordLink.id)
        ).all()
        assert [link.used_at is None for link in links] == [False, True]  # the first one retired
        issued = db.session.scalars(
            select(Event.actor_id).where(
                Event.action == "user.password_link_issued", Event.subject_id == person.id
            )
        ).all()
        assert issued == [coordinator.id, coordinator.id]

    newcomer = app.test_client()
    assert newcomer.get(earlier).status_code == 410
    assert "Choisir votre mot de passe" in newcomer.get(link).get_data(as_text=True)
    chosen = "les coteaux de Gascogne"
    assert newcomer.post(link, data={"password": chosen, "confirm": chosen}).status_code == 302
    assert sign_in(app.test_client(), person.email, chosen).status_code == 302
    assert newcomer.get(link).status_code == 410  # one time only
    with in_app():
        assert db.session.get(User, person.id).password_hash


def test_no_link_for_a_deactivated_account(
    client, coordinator, create_user, create_organisation, in_app
):
    workshop = create_organisation("AG2I", OrganisationKind.WORKSHOP)
    person = create_user(Role.TECHNICIAN, workshop, name="Paul Abadie")
    assert client.post(f"/utilisateurs/{person.id}/desactiver").status_code == 302
    response = client.post(f"/utilisateurs/{person.id}/lien", follow_redirects=True)
    assert response.status_code == 200
    assert "Réactivez d&#39;abord ce compte." in response.get_data(as_text=True)
    with in_app():
        unused = db.session.scalars(
            select(PasswordLink).where(
                PasswordLink.user_id == person.id, PasswordLink.used_at.is_(None)
            )
        ).all()
        assert unused == []
