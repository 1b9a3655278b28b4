"""The signed-in person is read with every role in one statement, whatever the number of roles;
the pages that name their organisations read those in one more."""

from refurb.auth import services
from refurb.auth.models import Organisation, User
from refurb.auth.roles import Role
from refurb.extensions import db
from tests.conftest import sign_in, statements


def _grant(in_app, user, organisation, role=Role.LENDER):
    with in_app():
        person = db.session.get(User, user.id)
        services.grant_role(person, db.session.get(Organisation, organisation.id), role, person)
        db.session.commit()


def _run(app, client, path, **headers):
    with app.app_context(), statements() as seen:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
    return len(seen), response


def test_one_role_or_three_the_same_statements_and_every_organisation_named(
    app, client, create_user, create_organisation, in_app
):
    user = create_user(Role.LENDER, organisation=create_organisation("Secours populaire"))
    sign_in(client, user.email, user.password)
    token = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": user.password}
    ).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    paths = ("/scan", "/compte")
    one = {path: _run(app, client, path)[0] for path in paths}
    _run(app, client, "/api/v1/me", **bearer)  # the token's first use is written
    one_api = _run(app, client, "/api/v1/me", **bearer)[0]

    for name in ("Emmaüs Auch", "Atelier Condom"):
        _grant(in_app, user, create_organisation(name))
    assert {path: _run(app, client, path)[0] for path in paths} == one
    count, me = _run(app, client, "/api/v1/me", **bearer)
    assert count == one_api
    assert [m["organisation"] for m in me.json["memberships"]] == [
        "Atelier Condom",
        "Emmaüs Auch",
        "Secours populaire",
    ]
    page = _run(app, client, "/compte")[1].get_data(as_text=True)
    assert page.index("Atelier Condom") < page.index("Emmaüs Auch") < page.index("Secours pop")
