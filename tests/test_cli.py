"""The `refurb` commands of DESIGN §7."""

from sqlalchemy import func, select

from refurb.auth.models import Organisation, User
from refurb.demo import DEMO_PASSWORD, USERS, demo_email
from tests.conftest import sign_in


def test_init_can_run_again_on_an_up_to_date_database(app):
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "458 communes" in result.output


def test_create_organisation_then_user_with_password_on_stdin(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["create-organisation", "Gers Numérique", "--kind", "coordinator", "--commune", "Auch"]
    )
    assert made.exit_code == 0, made.output
    result = runner.invoke(
        args=[
            "create-user",
            "admin@gers.fr",
            "--org",
            "gers numérique",
            "--role",
            "admin",
            "--name",
            "Claire Dupouy",
            "--password-stdin",
        ],
        input="une phrase de passe solide\n",
    )
    assert result.exit_code == 0, result.output
    assert sign_in(client, "admin@gers.fr", "une phrase de passe solide").status_code == 302
    assert client.get("/utilisateurs").status_code == 200


def test_create_user_without_password_prints_a_one_time_link(app, create_organisation):
    create_organisation("Gers Solidaire")
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "pret@gers-solidaire.fr",
            "--org",
            "Gers Solidaire",
            "--role",
            "lender",
        ]
    )
    assert result.exit_code == 0, result.output
    link = result.output.split("http://localhost")[1].strip()
    assert app.test_client().get(link).status_code == 200


def test_create_user_explains_what_is_wrong(app, create_organisation):
    create_organisation("Gers Solidaire")
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["create-user", "a@b.fr", "--org", "Inconnue", "--role", "lender"])
    assert unknown.exit_code != 0
    assert "Organisation inconnue" in unknown.output and "Gers Solidaire" in unknown.output
    short = runner.invoke(
        args=[
            "create-user",
            "a@b.fr",
            "--org",
            "Gers Solidaire",
            "--role",
            "lender",
            "--password-stdin",
        ],
        input="court\n",
    )
    assert short.exit_code != 0
    assert "au moins 12 caractères" in short.output


def test_demo_loads_once_and_prints_the_logins_every_time(app, in_app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Données de démonstration chargées" in first.output
    again = runner.invoke(args=["demo", "--if-empty"])
    assert "chargées" not in again.output
    for login, *_rest in USERS:
        assert demo_email(login) in again.output
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(User)) == len(USERS)
        names = set(session.scalars(select(Organisation.name)))
    assert {
        "Gers Numérique",
        "AG2I",
        "Gers Solidaire",
        "Garros Services",
        "Mairie de Marciac",
    } <= names
    client = app.test_client()
    assert sign_in(client, demo_email("coordination"), DEMO_PASSWORD).status_code == 302


def test_demo_refuses_a_database_with_real_data(app, create_organisation):
    create_organisation("Vraie association")
    refused = app.test_cli_runner().invoke(args=["demo"])
    assert refused.exit_code != 0
    assert "base vide" in refused.output
    skipped = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert skipped.exit_code == 0
    assert "pas de données de démonstration" in skipped.output


def test_demo_logins_show_on_the_sign_in_page_in_demo_mode_only(app, client):
    assert DEMO_PASSWORD not in client.get("/connexion").get_data(as_text=True)
    app.config["DEMO"] = True
    try:
        assert DEMO_PASSWORD in client.get("/connexion").get_data(as_text=True)
    finally:
        app.config["DEMO"] = False


def test_backup_writes_a_restorable_copy(app, create_user, tmp_path, database_url):
    user = create_user(name="Claire Dupouy")
    out = tmp_path / "refurb.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    if database_url.startswith("sqlite"):
        import sqlite3

        copy = sqlite3.connect(out)
        assert copy.execute("SELECT email FROM users").fetchall() == [(user.email,)]
        copy.close()
    else:
        import subprocess

        listing = subprocess.run(["pg_restore", "--list", str(out)], capture_output=True, text=True)
        assert listing.returncode == 0 and "TABLE DATA public users" in listing.stdout
