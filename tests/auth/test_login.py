"""Sign-in, throttling after repeated failures, sessions that end, sign-out."""

from refurb.auth.models import LoginFailure, User
from refurb.auth.roles import Role
from refurb.extensions import db
from tests.conftest import sign_in

WRONG = "Adresse e-mail ou mot de passe incorrect."
THROTTLED = "Trop de tentatives de connexion échouées"


def test_sign_in_goes_to_the_page_asked_for(client, create_user):
    user = create_user(Role.TECHNICIAN)
    response = client.post(
        "/connexion", data={"email": user.email, "password": user.password, "next": "/compte"}
    )
    assert response.status_code == 302
    assert response.location == "/compte"


def test_sign_in_never_redirects_off_site(client, create_user):
    user = create_user(Role.TECHNICIAN)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = client.post(
            "/connexion", data={"email": user.email, "password": user.password, "next": target}
        )
        assert response.location == "/", target
        client.post("/deconnexion")


def test_email_is_case_insensitive(client, create_user):
    user = create_user(Role.TECHNICIAN, email="Claire.Dupouy@Exemple.fr")
    assert sign_in(client, "  CLAIRE.dupouy@exemple.FR ", user.password).status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, create_user):
    user = create_user(Role.TECHNICIAN)
    wrong = client.post("/connexion", data={"email": user.email, "password": "pas le bon"})
    unknown = client.post("/connexion", data={"email": "personne@nulle.part", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG in wrong.get_data(as_text=True)
    assert WRONG in unknown.get_data(as_text=True)


def test_repeated_failures_lock_the_email_even_with_the_right_password(client, create_user):
    user = create_user(Role.TECHNICIAN)
    for _ in range(5):
        assert sign_in(client, user.email, "mauvais mot de passe").status_code == 401
    locked = sign_in(client, user.email, user.password)
    assert locked.status_code == 429
    assert THROTTLED in locked.get_data(as_text=True)
    assert client.get("/compte").status_code == 302  # still signed out


def test_throttling_does_not_reveal_whether_an_account_exists(client):
    for _ in range(5):
        sign_in(client, "inconnu@exemple.fr", "x")
    response = sign_in(client, "inconnu@exemple.fr", "x")
    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)


def test_one_address_trying_many_accounts_is_throttled(client, app, create_user):
    user = create_user(Role.TECHNICIAN)
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        sign_in(client, f"essai{n}@exemple.fr", "x")
    assert sign_in(client, user.email, user.password).status_code == 429


def test_success_clears_the_failures(client, create_user, in_app):
    user = create_user(Role.TECHNICIAN)
    for _ in range(3):
        sign_in(client, user.email, "mauvais")
    assert sign_in(client, user.email, user.password).status_code == 302
    with in_app() as session:
        assert session.query(LoginFailure).count() == 0


def test_failures_are_stored_without_the_email(client, in_app):
    sign_in(client, "claire@exemple.fr", "x")
    with in_app() as session:
        failure = session.query(LoginFailure).one()
        assert "claire" not in failure.email_key
        assert len(failure.email_key) == 64


def test_a_deactivated_account_cannot_sign_in_and_its_session_ends(client, app, login_as, in_app):
    user = login_as(Role.LENDER)
    assert client.get("/compte").status_code == 200
    with in_app():
        person = db.session.get(User, user.id)
        person.is_active = False
        person.session_nonce += 1
        db.session.commit()
    assert client.get("/compte").status_code == 302
    assert sign_in(client, user.email, user.password).status_code == 401


def test_changing_the_password_ends_other_sessions(app, login_as, create_user):
    user = create_user(Role.TECHNICIAN)
    laptop, phone = app.test_client(), app.test_client()
    assert sign_in(laptop, user.email, user.password).status_code == 302
    assert sign_in(phone, user.email, user.password).status_code == 302
    response = laptop.post(
        "/compte/mot-de-passe",
        data={
            "pw-current_password": user.password,
            "pw-password": "une toute nouvelle phrase",
            "pw-confirm": "une toute nouvelle phrase",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/compte").status_code == 200  # the session that changed it stays
    assert phone.get("/compte").status_code == 302
    assert sign_in(phone, user.email, "une toute nouvelle phrase").status_code == 302


def test_password_change_errors_show_next_to_the_field(client, login_as):
    user = login_as(Role.TECHNICIAN)
    page = client.post(
        "/compte/mot-de-passe",
        data={"pw-current_password": "faux", "pw-password": "court", "pw-confirm": "autre"},
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert 'id="pw-password-erreur"' in text
    assert 'id="pw-confirm-erreur"' in text
    assert sign_in(client, user.email, user.password).status_code == 302


def test_sign_out_takes_a_post(client, login_as):
    login_as(Role.VIEWER)
    assert client.get("/deconnexion").status_code == 405
    assert client.post("/deconnexion").status_code == 302
    assert client.get("/compte").status_code == 302
