"""Application set-up: settings, secret key, SQLite pragmas, headers, cookies, error pages."""

import os
import stat

import pytest
from sqlalchemy import text

from refurb import create_app
from refurb.auth.roles import Role
from refurb.extensions import db


def make_app(tmp_path, **overrides):
    return create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3", **overrides},
        instance_path=str(tmp_path / "instance"),
    )


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("REFURB_SECRET_KEY", raising=False)
    first = make_app(tmp_path)
    second = make_app(tmp_path)
    key_file = tmp_path / "instance" / "secret_key"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert make_app(other).config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_settings_come_from_the_instance_file_then_the_environment(tmp_path, monkeypatch):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "refurb.cfg").write_text(
        'TAG_PREFIX = "AB"\nPUBLIC_URL = "https://a"\n'
    )
    assert make_app(tmp_path).config["TAG_PREFIX"] == "AB"
    monkeypatch.setenv("REFURB_TAG_PREFIX", "CD")
    monkeypatch.setenv("REFURB_SECRET_KEY", "from-the-environment")
    app = make_app(tmp_path)
    assert app.config["TAG_PREFIX"] == "CD"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # public URL is https


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_pages_carry_security_headers(client):
    response = client.get("/connexion")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_respect_the_content_security_policy(app):
    """No inline script, style block or style attribute that the policy would block."""
    import pathlib

    folder = pathlib.Path(app.root_path) / "templates"
    for template in folder.rglob("*.html"):
        source = template.read_text()
        assert "<style" not in source, template
        assert "style=" not in source, template
        assert "<script>" not in source and "onclick" not in source, template


def test_session_cookie_is_httponly_and_samesite(client, create_user):
    user = create_user(Role.TECHNICIAN)
    response = client.post("/connexion", data={"email": user.email, "password": user.password})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_behind_https(tmp_path):
    app = make_app(tmp_path, PUBLIC_URL="https://refurb.gers.fr")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_unknown_page_is_answered_in_french(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_forbidden_page_is_answered_in_french(client, login_as):
    login_as(Role.VIEWER)
    response = client.get("/utilisateurs")
    assert response.status_code == 403
    assert "Accès refusé" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(database_url, tmp_path):
    app = create_app(
        {"DATABASE_URL": database_url, "PROPAGATE_EXCEPTIONS": False},
        instance_path=str(tmp_path),
    )
    from refurb.auth.access import public

    app.add_url_rule("/panne", "panne", public(lambda: 1 / 0))
    app.add_url_rule("/api/v1/panne", "api_panne", public(lambda: 1 / 0))
    return app


def test_an_unexpected_error_gets_a_french_page_and_json_for_the_api(failing_app):
    client = failing_app.test_client()
    page = client.get("/panne")
    assert page.status_code == 500
    assert "Rien n'a été enregistré" in page.get_data(as_text=True)
    api = client.get("/api/v1/panne")
    assert api.status_code == 500
    assert api.json["error"]["code"] == "internal_error"


def test_interface_switches_to_english_and_back(client):
    assert "Connexion" in client.get("/connexion").get_data(as_text=True)
    response = client.get("/langue/en?next=/connexion")
    assert response.location == "/connexion"
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page
    client.get("/langue/fr")
    assert '<html lang="fr">' in client.get("/connexion").get_data(as_text=True)


def test_health_check(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_every_scrolling_table_can_be_scrolled_from_the_keyboard(app):
    """A `.table-wrap` scrolls sideways on a phone: it must take the focus and be a named
    region (use the `scrolling_table` macro of _forms.html)."""
    import pathlib
    import re

    folder = pathlib.Path(app.root_path) / "templates"
    wrappers = 0
    for template in folder.rglob("*.html"):
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', template.read_text()):
            wrappers += 1
            for attribute in ('tabindex="0"', 'role="region"', "aria-label="):
                assert attribute in tag, f"{template.relative_to(folder)}: {tag}"
    assert wrappers >= 5  # the macro, and the wrappers written by hand


def test_every_table_sits_in_a_scrolling_wrapper(app):
    """A table wider than a phone scrolls inside its wrapper instead of widening the page."""
    import pathlib
    import re

    folder = pathlib.Path(app.root_path) / "templates"
    for template in folder.rglob("*.html"):
        text = template.read_text()
        for found in re.finditer(r"<table", text):
            before = text[max(0, found.start() - 300) : found.start()]
            assert "table-wrap" in before or "scrolling_table" in before, (
                f"{template.relative_to(folder)}, line {text[: found.start()].count(chr(10)) + 1}"
            )


def test_wtforms_own_messages_speak_the_readers_language(client, login_as, lender_org):
    """WTForms' catalogue is read once per process per language, not once per request."""
    login_as(Role.LENDER, lender_org)
    typed = {"loan_days": "", "renewal_days": "90", "renewal_cap": "2,5", "terms": "Texte"}
    french = client.post("/prets/reglages", data=typed).get_data(as_text=True)
    assert "Ce champ est requis." in french  # WTForms' own
    assert "Saisissez un nombre entier, sans virgule." in french  # refurb's, for a whole number
    client.get("/langue/en")
    english = client.post("/prets/reglages", data=typed).get_data(as_text=True)
    assert "This field is required." in english and "requis" not in english
    assert "Enter a whole number, without a decimal comma." in english
    client.get("/langue/fr")
    again = client.post("/prets/reglages", data=typed).get_data(as_text=True)
    assert "Ce champ est requis." in again
