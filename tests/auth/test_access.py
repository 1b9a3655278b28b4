"""The single access mechanism: every route declares a rule; roles and organisations enforced."""

import pytest
from flask_login import AnonymousUserMixin

from refurb import create_app
from refurb.auth.access import (
    ALWAYS_PUBLIC,
    AccessRule,
    allow,
    can_access,
    public,
    require_organisation,
    rule_for,
    signed_in,
)
from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind, Role
from refurb.errors import Forbidden
from refurb.extensions import db

ADMIN_PAGES = [
    "/organisations",
    "/organisations/nouvelle",
    "/utilisateurs",
    "/utilisateurs/nouveau",
    "/journal",
]
EVERYONE_PAGES = ["/", "/compte"]


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ALWAYS_PUBLIC
        and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert undeclared == []


def test_a_route_without_a_declaration_is_refused(app, database_url, tmp_path, caplog):
    other = create_app({"TESTING": True, "DATABASE_URL": database_url}, instance_path=str(tmp_path))
    other.add_url_rule("/oubli", "forgotten", lambda: "secret")
    response = other.test_client().get("/oubli")
    assert response.status_code == 403
    assert b"secret" not in response.data
    assert "route forgotten declares no access rule: refused" in caplog.messages


def view():
    return "vue"


def test_each_declaration_says_who_may_call_the_view():
    lending = allow(Role.LENDER, Role.TECHNICIAN, organisation_arg="organisation_id")(view)
    roles = frozenset({Role.LENDER, Role.TECHNICIAN})
    assert lending.access_rule == AccessRule(roles, False, "organisation_id")
    assert signed_in(view).access_rule == AccessRule(frozenset(), False, None)
    member = signed_in(organisation_arg="org")(view)
    assert member.access_rule == AccessRule(frozenset(), False, "org")
    assert public(view).access_rule == AccessRule(frozenset(), True, None)
    assert signed_in(view)() == "vue"  # the view itself, unchanged


def test_anyone_passes_a_public_rule_and_nobody_unknown_passes_another():
    anonymous = AnonymousUserMixin()
    assert can_access(anonymous, AccessRule(public=True)) is True
    assert can_access(anonymous, AccessRule()) is False
    assert can_access(anonymous, AccessRule(frozenset({Role.LENDER}))) is False


@pytest.mark.parametrize("path", ADMIN_PAGES + EVERYONE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location.startswith("/connexion?next=")


@pytest.mark.parametrize("role", list(Role))
def test_admin_pages_are_for_the_coordinator_only(client, login_as, role):
    login_as(role)
    for path in ADMIN_PAGES:
        expected = 200 if role == Role.ADMIN else 403
        assert client.get(path).status_code == expected, (role, path)
    for path in EVERYONE_PAGES:  # a reviewer's home is the dashboard
        assert client.get(path, follow_redirects=True).status_code == 200, (role, path)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_menu_shows_only_what_the_role_may_open(client, login_as, role):
    login_as(role)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert 'href="/utilisateurs"' not in page
    assert 'href="/journal"' not in page
    assert 'href="/compte"' in page


def test_the_menu_pages_take_no_organisation(app):
    """The menu is worked out once per set of roles (navigation.menu_for): it may, since none
    of its pages is judged by an organisation in its URL."""
    from refurb.navigation import MENU

    with app.app_context():
        for item in MENU:
            assert rule_for(item.endpoint).organisation_arg is None, item.endpoint


def test_two_people_with_different_roles_see_their_own_menus(client, login_as):
    login_as(Role.TECHNICIAN)
    workshop = client.get("/appareils").get_data(as_text=True)
    client.post("/deconnexion")
    login_as(Role.LENDER)
    lender = client.get("/prets").get_data(as_text=True)
    assert 'href="/appareils"' in workshop and 'href="/foyers"' not in workshop
    assert 'href="/foyers"' in lender and 'href="/appareils"' not in lender


def test_coordinator_menu_lists_admin_pages(client, login_as):
    login_as(Role.ADMIN)
    page = client.get("/").get_data(as_text=True)
    for path in ("/organisations", "/utilisateurs", "/journal"):
        assert f'href="{path}"' in page


def test_a_lender_sees_its_organisation_but_not_another(client, login_as, create_organisation):
    own = create_organisation("Gers Solidaire")
    other = create_organisation("Garros Services")
    login_as(Role.LENDER, own)
    assert client.get(f"/organisations/{own.id}").status_code == 200
    response = client.get(f"/organisations/{other.id}")
    assert response.status_code == 403
    assert "Garros Services" not in response.get_data(as_text=True)


def test_the_coordinator_sees_every_organisation(client, login_as, create_organisation):
    other = create_organisation("Garros Services")
    login_as(Role.ADMIN, create_organisation("Gers Numérique", OrganisationKind.COORDINATOR))
    assert client.get(f"/organisations/{other.id}").status_code == 200


def test_api_keeps_the_organisation_boundary(client, api_token, create_organisation):
    own = create_organisation("Gers Solidaire")
    other = create_organisation("Garros Services")
    headers, _user = api_token(Role.LENDER, own)
    assert client.get(f"/api/v1/organisations/{own.id}", headers=headers).status_code == 200
    refused = client.get(f"/api/v1/organisations/{other.id}", headers=headers)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "forbidden"
    listed = client.get("/api/v1/organisations", headers=headers).json["items"]
    assert [o["name"] for o in listed] == ["Gers Solidaire"]


def test_a_non_coordinator_cannot_act_on_accounts(client, login_as, create_user, in_app):
    victim = create_user(Role.LENDER)
    login_as(Role.TECHNICIAN)
    assert client.post(f"/utilisateurs/{victim.id}/desactiver").status_code == 403
    assert client.post(f"/utilisateurs/{victim.id}/lien").status_code == 403
    with in_app():
        assert db.session.get(User, victim.id).is_active


def test_services_refuse_records_of_another_organisation(in_app, create_user, create_organisation):
    own, other = create_organisation(), create_organisation()
    user = create_user(Role.LENDER, own)
    with in_app():
        person = db.session.get(User, user.id)
        require_organisation(person, own.id, Role.LENDER)
        with pytest.raises(Forbidden) as refused:
            require_organisation(person, other.id, Role.LENDER)
        assert (refused.value.code, refused.value.message, refused.value.status) == (
            "other_organisation",
            "Cette fiche appartient à une autre organisation.",
            403,
        )
        with pytest.raises(Forbidden):
            require_organisation(person, own.id, Role.TECHNICIAN)
