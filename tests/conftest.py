"""Fixtures: the app on SQLite (default) or PostgreSQL (--postgresql), a clean database per
test, a test client, `login_as(role)` and `create_*` helpers with overridable defaults.

Requests never run inside a test's app context (Flask-Login keeps the user in `g`), so the
helpers open their own context and return plain values.
"""

import os
import threading
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from refurb import create_app
from refurb.auth import services
from refurb.auth.models import Organisation, User
from refurb.auth.roles import OrganisationKind, Role
from refurb.commands import init_database
from refurb.db_types import today as db_today
from refurb.extensions import db
from refurb.inventory.enums import Category, State
from refurb.inventory.services import intake
from refurb.loans.enums import Criterion
from refurb.loans.services.households import create_household
from refurb.maintenance.protocol import seed_plans
from refurb.reports.targets import seed_targets

pytest_plugins = ["tests.endpoint_census"]  # every route answered by a test of its own

POSTGRES_URL = os.environ.get(
    "REFURB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REFERENCE_TABLES = {"communes", "epcis", "alembic_version"}
PASSWORD = "correct horse battery"
# Dates in fixtures follow the day the suite runs (the app's clock), never a fixed calendar
# day: the suite gives the same results whatever the date (checked a year back and ahead).
TODAY = db_today()
VERIFIED_ON = TODAY - timedelta(days=61)


def pytest_addoption(parser):
    parser.addoption(
        "--postgresql",
        action="store_true",
        help="run the suite against PostgreSQL (REFURB_TEST_POSTGRES_URL)",
    )


def pytest_report_header(config):
    target = POSTGRES_URL if config.getoption("--postgresql") else "SQLite"
    return f"refurb database: {target}"


def _postgres_or_stop() -> str:
    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL unreachable at {POSTGRES_URL}: {error.orig}"
        if os.environ.get("CI"):
            pytest.exit(message, returncode=1)  # CI must run the PostgreSQL part
        pytest.skip(message, allow_module_level=True)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    if request.config.getoption("--postgresql"):
        return _postgres_or_stop()
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "refurb-test.sqlite3")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PUBLIC_URL": "http://localhost",
            "REPORT_CACHE": False,  # each test's figures computed afresh (tests/reports tries it)
        },
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    with app.app_context():
        init_database()
    return app


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table but the reference data after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
        seed_plans()  # reference data seeded by `refurb init`, like the communes
        seed_targets()
        db.session.commit()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def in_app(app):
    """`with in_app():` opens an app context for direct database work in a test."""

    @contextmanager
    def context():
        with app.app_context():
            yield db.session
            db.session.remove()

    return context


@pytest.fixture
def create_organisation(in_app):
    counter = iter(range(1, 10_000))

    def create(name=None, kind=OrganisationKind.LENDER, commune_code="32013", **contact):
        with in_app():
            organisation = services.create_organisation(
                name or f"Association {next(counter)}", kind, commune_code, None, **contact
            )
            db.session.commit()
            return SimpleNamespace(id=organisation.id, name=organisation.name)

    return create


@pytest.fixture
def create_user(in_app, create_organisation):
    counter = iter(range(1, 10_000))

    def create(role=Role.TECHNICIAN, organisation=None, email=None, password=PASSWORD, name=None):
        organisation = organisation or create_organisation()
        n = next(counter)
        with in_app():
            user = services.create_user(
                email or f"personne{n}@exemple.fr",
                name or f"Personne {n}",
                db.session.get(Organisation, organisation.id),
                role,
                None,
                password,
            )
            db.session.commit()
            return SimpleNamespace(
                id=user.id, email=user.email, password=password, organisation=organisation
            )

    return create


@contextmanager
def statements():
    """The SQL statements run inside the block."""
    seen = []

    def count(*_args):
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def sign_in(client, email, password):
    return client.post("/connexion", data={"email": email, "password": password})


@pytest.fixture
def login_as(client, create_user):
    """Sign the test client in as a new user with `role` (in `organisation` if given)."""

    def login(role, organisation=None, **kwargs):
        user = create_user(role, organisation, **kwargs)
        response = sign_in(client, user.email, user.password)
        assert response.status_code == 302, response.data
        return user

    return login


@pytest.fixture
def api_token(client, create_user):
    """A bearer header for a new user with `role`."""

    def token(role, organisation=None):
        user = create_user(role, organisation)
        response = client.post(
            "/api/v1/auth/token", json={"email": user.email, "password": user.password}
        )
        assert response.status_code == 201, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}, user

    return token


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def require_tool(name: str, package: str) -> str:
    """The path of a system tool; skip without it locally, fail under CI (.ci/run installs it)."""
    import shutil

    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def told(refusal) -> tuple:
    """A refusal as a person reads it: (code, sentence with plain spaces, details)."""
    return refusal.code, refusal.message.replace("\u202f", " "), refusal.details


def pdf_text(data: bytes, *, layout: bool = True) -> str:
    """A PDF's text as pdftotext reads it (with -layout: lines kept as laid out)."""
    import subprocess

    assert data.startswith(b"%PDF"), data[:40]
    options = ["-layout"] if layout else []
    command = [require_tool("pdftotext", "poppler-utils"), *options, "-", "-"]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout.decode()


@pytest.fixture
def technician(create_user, create_organisation):
    return create_user(Role.TECHNICIAN, create_organisation("AG2I", OrganisationKind.WORKSHOP))


IN_STOCK_FOR = timedelta(days=400)


@pytest.fixture
def make_device(in_app, technician):
    """Create a device directly in `state` (set-up only; the lifecycle is what is tested)."""

    def make(state=State.RECEIVED, category=Category.LAPTOP, **fields):
        with in_app():
            actor = db.session.get(User, technician.id)
            device = intake.receive_device(
                actor, category=category, brand="Lenovo", model="ThinkPad T480", **fields
            )
            device.state = state
            # In the stock for a while: work and hand-overs dated in the past count for it.
            device.cycle_started_at -= IN_STOCK_FOR
            db.session.commit()
            return SimpleNamespace(id=device.id, tag=device.tag)

    return make


# --- Loans ---------------------------------------------------------------------------------


@pytest.fixture
def lender_org(create_organisation):
    return create_organisation("Gers Solidaire", OrganisationKind.LENDER)


@pytest.fixture
def lender(create_user, lender_org):
    return create_user(Role.LENDER, lender_org, name="Sophie Martin")


@pytest.fixture
def stranger(create_user, create_organisation):
    """A lender of another association than `lender`'s."""
    return create_user(
        Role.LENDER, create_organisation("Autre association", OrganisationKind.LENDER)
    )


@pytest.fixture
def make_household(in_app, lender, lender_org):
    def make(organisation=None, **fields):
        organisation = organisation or lender_org
        values = {
            "commune_code": "32013",
            "size": 3,
            "criterion": Criterion.RSA,
            "verified_on": VERIFIED_ON,
            "contact_name": "Mme Durand",
            "contact_email": "durand@exemple.fr",
            "contact_phone": "06 12 34 56 78",
            "consent_on": VERIFIED_ON,
        }
        values.update(fields)
        with in_app():
            household = create_household(
                None, db.session.get(Organisation, organisation.id), **values
            )
            db.session.commit()
            return SimpleNamespace(id=household.id, reference=household.reference)

    return make


@pytest.fixture
def session_as(in_app):
    """`with session_as(user) as (session, actor):` an app context and the acting user."""
    from contextlib import contextmanager

    @contextmanager
    def context(user):
        with in_app() as session:
            yield session, session.get(User, user.id)

    return context


# --- Maintenance ---------------------------------------------------------------------------


@pytest.fixture
def make_site(in_app):
    """A site (the departmental plans apply), with its maintainers and host if given."""
    from refurb.maintenance.enums import SiteKind
    from refurb.maintenance.services.sites import create_site

    def make(name="Médiathèque d'Auch", kind=SiteKind.MEDIATHEQUE, maintainers=(), host=None):
        with in_app():
            site = create_site(
                None,
                name=name,
                kind=kind,
                commune_code="32013",
                host_organisation_id=host.id if host else None,
                maintainer_ids=[m.id for m in maintainers],
            )
            db.session.commit()
            return SimpleNamespace(id=site.id, name=site.name)

    return make
