"""Nothing lost: a server killed (SIGKILL) in the middle of a CSV import or of a recycling batch
leaves all or nothing, and a backup restored on a fresh database gives the same records."""

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from refurb import create_app
from refurb.auth.models import User
from refurb.auth.roles import OrganisationKind
from refurb.extensions import db
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Device
from refurb.inventory.services import intake
from tests.conftest import PASSWORD, POSTGRES_URL, REFERENCE_TABLES, TODAY, require_tool

ROWS = 50_000  # the most one import takes: several seconds of work to interrupt


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(database_url, tmp_path):
    """refurb served by its own process on the test database, to be killed."""
    port = free_port()
    env = {
        **os.environ,
        "REFURB_DATABASE_URL": database_url,
        "REFURB_INSTANCE_PATH": str(tmp_path / "instance"),
        "REFURB_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "refurb", "run", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - loopback
            break
        except OSError:
            time.sleep(0.1)
    yield base, process
    if process.poll() is None:
        process.kill()
    process.wait()


def signed_in_opener(base: str, email: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/connexion").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD})
    opener.open(base + "/connexion", data=form.encode())
    return opener


def csrf_of(opener, url: str) -> str:
    page = opener.open(url).read().decode()
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def kill_during(process, request, after: float) -> bool:
    """Send the request in a thread, SIGKILL the server `after` seconds later; True when the
    server died before answering."""
    answered = []

    def send():
        try:
            request()
            answered.append(True)
        except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException):
            pass

    thread = threading.Thread(target=send)
    thread.start()
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    thread.join(timeout=10)
    return not answered


def devices(in_app) -> int:
    with in_app() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Device))


def multipart(fields: dict, file_field: str, filename: str, content: bytes):
    boundary = "refurb-boundary-7d1f"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    body = "".join(parts).encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_server_killed_during_a_csv_import_imports_nothing(server, technician, in_app):
    base, process = server
    opener = signed_in_opener(base, technician.email)
    token = csrf_of(opener, base + "/appareils/import")
    rows = "\n".join(f"laptop;Lenovo;ThinkPad T480;SER{n:06d}" for n in range(ROWS))
    csv = ("category;brand;model;serial_number\n" + rows).encode()
    body, content_type = multipart({"csrf_token": token}, "file", "lot.csv", csv)

    def post():
        request = urllib.request.Request(  # noqa: S310 - loopback
            base + "/appareils/import", data=body, headers={"Content-Type": content_type}
        )
        # a long import streams its progress: it has answered when the page has ended
        page = opener.open(request, timeout=60).read().decode()
        assert "appareils importés" in page

    assert kill_during(process, post, after=1.0), "the import ended before the kill"
    assert devices(in_app) == 0


def test_a_server_killed_during_a_recycling_batch_recycles_all_or_none(
    server, technician, create_organisation, in_app
):
    base, process = server
    recycler = create_organisation("Envie Occitanie", OrganisationKind.RECYCLER)
    count = 1500
    with in_app() as session:
        actor = session.get(User, technician.id)
        tags = [
            intake.receive_device(actor, category=Category.SCREEN, brand="Dell").tag
            for _ in range(count)
        ]
        session.commit()
    token = json_post(
        base + "/api/v1/auth/token", {"email": technician.email, "password": PASSWORD}
    )
    body = {
        "recycler_id": recycler.id,
        "handed_over_on": (TODAY - timedelta(days=1)).isoformat(),
        "tags": tags,
    }

    def post():
        json_post(base + "/api/v1/recycling-batches", body, token["token"])

    died_first = kill_during(process, post, after=0.5)
    with in_app() as session:
        states = set(session.scalars(sa.select(Device.state)))
    assert states in ({State.RECEIVED}, {State.RECYCLED})
    assert states == ({State.RECEIVED} if died_first else {State.RECYCLED})


def json_post(url: str, body: dict, token: str | None = None):
    import json

    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 - loopback
        return json.loads(answer.read())


# --- Backup and restore ------------------------------------------------------------------------


def without_tokens(page: str) -> str:
    """A page without its form tokens (signed per session, so different in every client)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)


def table_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        names = sa.inspect(connection).get_table_names()
        counts = {
            name: connection.execute(
                sa.select(sa.func.count()).select_from(sa.table(name))
            ).scalar()
            for name in sorted(names)
        }
    engine.dispose()
    return counts


def restored_url(database_url: str, backup: Path) -> str:
    if database_url.startswith("sqlite"):
        return "sqlite:///" + str(backup)
    pg_restore = require_tool("pg_restore", "postgresql-client")
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS refurb_restore"))
        connection.execute(sa.text("CREATE DATABASE refurb_restore"))
    admin.dispose()
    target = sa.engine.make_url(POSTGRES_URL).set(database="refurb_restore")
    libpq = target.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(  # noqa: S603
        [pg_restore, "--no-owner", "--dbname", libpq, str(backup)], check=True, capture_output=True
    )
    return target.render_as_string(hide_password=False)


def test_a_backup_restored_on_a_fresh_database_is_the_same(
    app, database_url, tmp_path, technician, make_device, make_household, in_app
):
    tags = [make_device(state).tag for state in (State.RECEIVED, State.READY, State.DIAGNOSIS)]
    make_household()
    backup = tmp_path / "refurb.backup"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(backup)])
    assert result.exit_code == 0, result.output
    url = restored_url(database_url, backup)
    original = table_counts(database_url)
    assert table_counts(url) == original
    assert original["devices"] == 3 and original["households"] == 1

    restored = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "PUBLIC_URL": "http://localhost",
        },
        instance_path=str(tmp_path / "restored"),
    )
    pages = []
    for served in (app, restored):
        client = served.test_client()
        client.post("/connexion", data={"email": technician.email, "password": PASSWORD})
        pages.append(
            [without_tokens(client.get(f"/appareils/{tag}").get_data(as_text=True)) for tag in tags]
        )
    assert pages[0] == pages[1] and all(
        tag in page for tag, page in zip(tags, pages[1], strict=True)
    )
    with restored.app_context():
        db.session.remove()
    assert set(original) - REFERENCE_TABLES
