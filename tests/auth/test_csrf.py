"""CSRF: every form needs its token; the bearer-token API does not use cookies."""

import re

import pytest

from refurb import create_app
from refurb.auth.roles import Role


@pytest.fixture
def csrf_client(app, database_url, tmp_path):
    guarded = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": True,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        },
        instance_path=str(tmp_path),
    )
    return guarded.test_client()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_form_posted_without_its_token_is_refused(csrf_client, create_user):
    user = create_user(Role.TECHNICIAN)
    response = csrf_client.post("/connexion", data={"email": user.email, "password": user.password})
    assert response.status_code == 400
    assert "La session du formulaire a expiré" in response.get_data(as_text=True)
    assert csrf_client.get("/compte").status_code == 302


def test_a_form_posted_with_its_token_works(csrf_client, create_user):
    user = create_user(Role.TECHNICIAN)
    token = csrf_token(csrf_client.get("/connexion").get_data(as_text=True))
    response = csrf_client.post(
        "/connexion", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.status_code == 302
    refused = csrf_client.post("/deconnexion")
    assert refused.status_code == 400
    assert csrf_client.get("/compte").status_code == 200  # still signed in


def test_the_api_needs_no_csrf_token_but_ignores_the_session(csrf_client, create_user):
    user = create_user(Role.TECHNICIAN)
    token = csrf_token(csrf_client.get("/connexion").get_data(as_text=True))
    csrf_client.post(
        "/connexion", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert csrf_client.get("/api/v1/me").status_code == 401  # a cookie is not enough
    created = csrf_client.post(
        "/api/v1/auth/token", json={"email": user.email, "password": user.password}
    )
    assert created.status_code == 201
