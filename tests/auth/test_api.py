"""API foundation: bearer tokens (stored hashed, revocable), error format, OpenAPI."""

import hashlib
import re

from openapi_spec_validator import OpenAPIV30SpecValidator
from sqlalchemy import select

from refurb.auth.models import ApiToken
from refurb.auth.roles import Role
from tests.conftest import sign_in


def test_a_token_is_issued_stored_hashed_and_works(client, create_user, in_app):
    user = create_user(Role.TECHNICIAN)
    response = client.post(
        "/api/v1/auth/token",
        json={"email": user.email, "password": user.password, "name": "atelier"},
    )
    assert response.status_code == 201
    raw = response.json["token"]
    with in_app() as session:
        stored = session.scalar(select(ApiToken))
        assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
        assert raw not in (stored.token_hash, stored.prefix)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200
    assert me.json["email"] == user.email
    assert me.json["memberships"][0]["role"] == "technician"


def test_a_token_carries_every_role_of_its_user(client, api_token, create_organisation, in_app):
    """The token, its user and their memberships come in one query: each membership counts."""
    from refurb.auth import services
    from refurb.auth.models import Organisation, User
    from refurb.extensions import db

    headers, user = api_token(Role.LENDER)
    other = create_organisation()
    with in_app():
        person = db.session.get(User, user.id)
        services.grant_role(person, db.session.get(Organisation, other.id), Role.LENDER, person)
        db.session.commit()
    me = client.get("/api/v1/me", headers=headers)
    assert sorted(m["organisation_id"] for m in me.json["memberships"]) == sorted(
        [user.organisation.id, other.id]
    )
    assert client.get(f"/api/v1/organisations/{other.id}", headers=headers).status_code == 200


def test_wrong_credentials_get_a_401_in_the_error_format(client, create_user):
    user = create_user(Role.TECHNICIAN)
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": "non"})
    assert response.status_code == 401
    assert response.json == {
        "error": {
            "code": "invalid_credentials",
            "message": "Adresse e-mail ou mot de passe incorrect.",
            "details": {},
        }
    }


def test_token_requests_are_throttled_like_sign_in(client, create_user):
    user = create_user(Role.TECHNICIAN)
    for _ in range(5):
        client.post("/api/v1/auth/token", json={"email": user.email, "password": "non"})
    response = client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": user.password}
    )
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too_many_attempts"


def test_bad_input_gets_a_400_with_details_per_field(client, api_token):
    headers, _user = api_token(Role.ADMIN)
    response = client.post(
        "/api/v1/organisations", json={"name": "X", "kind": "bakery"}, headers=headers
    )
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid_input"
    assert set(error["details"]) == {"name", "kind", "commune_code"}


def test_domain_refusals_come_back_in_the_error_format(client, api_token):
    headers, _user = api_token(Role.ADMIN)
    body = {"name": "Tiers-lieu de Nogaro", "kind": "site_host", "commune_code": "31555"}
    response = client.post("/api/v1/organisations", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "unknown_commune"
    created = client.post(
        "/api/v1/organisations", json={**body, "commune_code": "32296"}, headers=headers
    )
    assert created.status_code == 201
    assert created.json["epci"] == "CC du Bas Armagnac"


def test_roles_apply_to_the_api(client, api_token):
    headers, _user = api_token(Role.LENDER)
    body = {"name": "Tiers-lieu", "kind": "site_host", "commune_code": "32296"}
    response = client.post("/api/v1/organisations", json=body, headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"


def test_missing_and_unknown_tokens_get_401(client):
    assert client.get("/api/v1/me").json["error"]["code"] == "unauthenticated"
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer rfb_inconnu"})
    assert response.status_code == 401


def test_a_token_revoked_through_the_api_stops_working(client, api_token):
    headers, _user = api_token(Role.VIEWER)
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_token_revoked_from_the_account_page_stops_working(app, client, create_user, in_app):
    user = create_user(Role.TECHNICIAN)
    sign_in(client, user.email, user.password)
    page = client.post("/compte/jetons", data={"tk-name": "script atelier"}).get_data(as_text=True)
    assert "il ne sera plus jamais affiché" in page
    raw = page.split('<code class="secret">')[1].split("</code>")[0]
    headers = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    with in_app() as session:
        token_id = session.scalar(select(ApiToken.id))
    client.post(f"/compte/jetons/{token_id}/revoquer")
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
    assert "Révoqué le" in client.get("/compte").get_data(as_text=True)


def test_nobody_can_revoke_someone_elses_token(app, client, create_user, api_token, in_app):
    headers, _owner = api_token(Role.TECHNICIAN)
    intruder = create_user(Role.TECHNICIAN)
    sign_in(client, intruder.email, intruder.password)
    with in_app() as session:
        token_id = session.scalar(select(ApiToken.id))
    assert client.post(f"/compte/jetons/{token_id}/revoquer").status_code == 404
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200


def test_unknown_api_routes_answer_json(client):
    response = client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_the_openapi_document_is_valid_and_describes_the_api(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    # The version the document declares, checked by that version's validator (not whichever
    # one a release of the validator would pick for it).
    assert spec["openapi"] == "3.0.3"
    OpenAPIV30SpecValidator(spec).validate()
    documented = {
        (path, method.upper())
        for path, operations in spec["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = {
        (re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert documented == served
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    bad_input = spec["paths"]["/api/v1/organisations"]["post"]["responses"]["400"]
    # validation errors are documented as 400 in the error format, as they are answered
    assert bad_input["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
