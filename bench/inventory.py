"""Generate a large inventory and time the device list, the device page and the CSV export."""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from refurb import create_app  # noqa: E402
from refurb.auth import services  # noqa: E402
from refurb.auth.roles import OrganisationKind, Role  # noqa: E402
from refurb.commands import init_database  # noqa: E402
from refurb.extensions import db  # noqa: E402
from refurb.history.models import Event  # noqa: E402
from refurb.inventory.enums import Category, Grade, State  # noqa: E402
from refurb.inventory.models import Collection, Device, Donor  # noqa: E402
from refurb.inventory.tags import SYMBOLS, format_tag  # noqa: E402

PASSWORD = "mesure de vitesse 2026"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def database_url(kind: str) -> str:
    if kind == "sqlite":
        folder = ROOT / "bench" / ".data"
        folder.mkdir(exist_ok=True)
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = sa.create_engine(POSTGRES + "postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = 'refurb_bench'")
        ):
            connection.execute(sa.text("CREATE DATABASE refurb_bench"))
    engine.dispose()
    return POSTGRES + "refurb_bench"


def generate(devices: int, events: int) -> None:
    rng = random.Random(100_000)
    tables = [
        t
        for t in reversed(db.metadata.sorted_tables)
        if t.name not in {"communes", "epcis", "alembic_version"}
    ]
    for table in tables:
        db.session.execute(table.delete())
    workshop = services.create_organisation(
        "Atelier bench", OrganisationKind.WORKSHOP, "32013", None
    )
    services.create_user("bench@demo.refurb.fr", "Bench", workshop, Role.TECHNICIAN, None, PASSWORD)
    donors = [Donor(name=f"Donateur {n}", kind="entreprise") for n in range(50)]
    db.session.add_all(donors)
    db.session.flush()
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    collections = [
        Collection(
            reference=f"COL-B-{n:05d}",
            donor_id=rng.choice(donors).id,
            collected_on=(start + timedelta(days=n // 2)).date(),
        )
        for n in range(2000)
    ]
    db.session.add_all(collections)
    db.session.commit()
    categories, states, grades = list(Category), list(State), [None, *Grade]
    brands = ["Lenovo", "Dell", "HP", "Fujitsu", "Samsung", "Apple", "Acer", "Asus"]
    seen, rows = set(), []
    while len(rows) < devices:
        payload = "".join(rng.choice(SYMBOLS) for _ in range(6))
        if payload in seen:
            continue
        seen.add(payload)
        n = len(rows)
        created = start + timedelta(minutes=n * 15)
        rows.append(
            {
                "tag": format_tag(payload, "GN"),
                "category": rng.choice(categories).value,
                "brand": rng.choice(brands),
                "model": f"Modèle {rng.randint(1, 400)}",
                "serial_number": f"SN{n:08d}",
                "state": rng.choice(states).value,
                "grade": (g.value if (g := rng.choice(grades)) else None),
                "collection_id": collections[n * len(collections) // devices].id,
                "created_at": created,
                "state_changed_at": created,
                "cycle_started_at": created,
                "version": 1,
                "accessories": "",
                "notes": "",
                "has_free_software": False,
                "has_dys_software": False,
                "simplified": False,
                "storage_absent": False,
            }
        )
    for chunk in range(0, len(rows), 10_000):
        db.session.execute(sa.insert(Device), rows[chunk : chunk + 10_000])
    db.session.commit()
    ids = list(db.session.scalars(sa.select(Device.id)))
    actions = [
        "device.received",
        "device.start_diagnosis",
        "device.diagnosed",
        "device.erased",
        "device.edited",
        "device.mark_ready",
        "device.repaired",
    ]
    batch = []
    for n in range(events):
        batch.append(
            {
                "subject_type": "device",
                "subject_id": ids[n % len(ids)],
                "action": rng.choice(actions),
                "occurred_at": start + timedelta(seconds=n * 90),
                "details": {},
            }
        )
        if len(batch) == 20_000:
            db.session.execute(sa.insert(Event), batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(Event), batch)
    db.session.execute(  # as the lifecycle records it (migration 0008 does the same)
        sa.text(
            "UPDATE devices SET first_ready_at = (SELECT min(events.occurred_at) FROM events"
            " WHERE events.subject_type = 'device' AND events.action = 'device.mark_ready'"
            " AND events.subject_id = devices.id)"
        )
    )
    db.session.commit()
    analyze()


def analyze() -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or ANALYZE (SQLite) would keep."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def timed(client, counter, url: str, runs: int) -> tuple[list[float], int, int]:
    durations, queries = [], 0
    client.get(url)  # warm up
    for _ in range(runs):
        before = counter.count
        began = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        durations.append((time.perf_counter() - began) * 1000)
        queries = counter.count - before
        assert response.status_code == 200, (url, response.status_code)
    return durations, queries, len(body)


def report(label: str, durations: list[float], queries: int, size: int) -> None:
    ordered = sorted(durations)
    p95 = ordered[max(int(round(0.95 * len(ordered))) - 1, 0)]
    print(
        f"{label:38} median {statistics.median(ordered):8.1f} ms   p95 {p95:8.1f} ms   "
        f"{queries:3d} queries   {size / 1024:8.0f} KiB"
    )


def bench_app(kind: str, **config):
    """The app on the benchmark's database, its schema up to date."""
    app = create_app(
        {
            "DATABASE_URL": database_url(kind),
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            **config,
        },
        instance_path=tempfile.mkdtemp(prefix="refurb-bench-"),
    )
    with app.app_context():
        init_database()
    return app


def ensure_inventory(reuse: bool, devices: int = 100_000, events: int = 1_000_000) -> None:
    """Generate the inventory unless `reuse` and it is already there (in an app context)."""
    present = db.session.scalar(sa.select(sa.func.count()).select_from(Device))
    if not (reuse and present == devices):
        began = time.perf_counter()
        generate(devices, events)
        print(
            f"generated {devices} devices and {events} events"
            f" in {time.perf_counter() - began:.0f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an already generated database")
    args = parser.parse_args()
    app = bench_app(args.db)
    with app.app_context():
        ensure_inventory(args.reuse, args.devices, args.events)
        tags = list(
            db.session.scalars(sa.select(Device.tag).order_by(sa.func.random()).limit(args.runs))
        )
        counter = QueryCounter(db.engine)
    client = app.test_client()
    assert (
        client.post(
            "/connexion", data={"email": "bench@demo.refurb.fr", "password": PASSWORD}
        ).status_code
        == 302
    )
    print(f"{args.db}: {args.devices} devices, {args.events} events, {args.runs} runs each")
    for label, url in [
        ("list, first page", "/appareils"),
        ("list, state=ready", "/appareils?state=ready"),
        ("list, laptops graded A", "/appareils?category=laptop&grade=A"),
        ("list, text search 'modèle 42'", "/appareils?q=mod%C3%A8le+42"),
        ("list, page 50", "/appareils?page=50"),
    ]:
        report(label, *timed(client, counter, url, args.runs))
    durations, queries = [], 0
    for tag in tags:
        d, queries, size = timed(client, counter, f"/appareils/{tag}", 1)
        durations += d
    report("device page (random devices)", durations, queries, size)
    report(
        "CSV export, ready laptops",
        *timed(client, counter, "/appareils/export.csv?state=ready&category=laptop", 5),
    )


if __name__ == "__main__":
    main()
