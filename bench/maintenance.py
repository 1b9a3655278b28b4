"""Time the maintenance pages on the inventory benchmark's data (100,000 devices and 1,000,000
events) with 40 sites, 1,200 PCs in service, 20,000 incidents and 3,000 visits on top."""

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from inventory import (  # noqa: E402
    PASSWORD,
    QueryCounter,
    analyze,
    bench_app,
    ensure_inventory,
    report,
    timed,
)

from refurb.auth import services  # noqa: E402
from refurb.auth.models import Organisation, User  # noqa: E402
from refurb.auth.roles import Role  # noqa: E402
from refurb.extensions import db  # noqa: E402
from refurb.inventory.models import Device  # noqa: E402
from refurb.maintenance.models import (  # noqa: E402
    Incident,
    Plan,
    Site,
    Visit,
    site_maintainers,
    site_plans,
)
from refurb.maintenance.protocol import seed_plans  # noqa: E402

SITES, PCS_PER_SITE, INCIDENTS, VISITS = 40, 30, 20_000, 3_000


def add_maintenance() -> None:
    rng = random.Random(40)
    db.session.execute(sa.update(Device).values(site_id=None))
    for table in (
        "visit_results",
        "visits",
        "incidents",
        "site_plans",
        "site_maintainers",
        "site_needs",
        "sites",
    ):
        db.session.execute(db.metadata.tables[table].delete())
    workshop = db.session.scalar(sa.select(Organisation))
    maintainer = (
        services.create_user(
            "maintenance-bench@demo.refurb.fr", "Bench", workshop, Role.MAINTAINER, None, PASSWORD
        )
        if not db.session.scalar(
            sa.select(User).where(User.email == "maintenance-bench@demo.refurb.fr")
        )
        else db.session.scalar(
            sa.select(User).where(User.email == "maintenance-bench@demo.refurb.fr")
        )
    )
    start = datetime.now(UTC) - timedelta(days=3 * 365)
    sites = [
        Site(name=f"Lieu {n:02d}", kind="mediatheque", commune_code="32013", created_at=start)
        for n in range(SITES)
    ]
    db.session.add_all(sites)
    db.session.flush()
    seed_plans()  # the inventory's generation empties every table but the territory
    plans = list(db.session.scalars(sa.select(Plan)))
    db.session.execute(
        sa.insert(site_plans), [{"site_id": s.id, "plan_id": p.id} for s in sites for p in plans]
    )
    db.session.execute(
        sa.insert(site_maintainers),
        [{"site_id": s.id, "user_id": maintainer.id} for s in sites[:10]],
    )
    ids = list(
        db.session.scalars(sa.select(Device.id).order_by(Device.id).limit(SITES * PCS_PER_SITE))
    )
    for n, site in enumerate(sites):
        chunk = ids[n * PCS_PER_SITE : (n + 1) * PCS_PER_SITE]
        db.session.execute(
            sa.update(Device).where(Device.id.in_(chunk)).values(state="deployed", site_id=site.id)
        )
    incidents = []
    for n in range(INCIDENTS):
        device_id = rng.choice(ids)
        reported = start + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        closed = reported + timedelta(hours=rng.randint(1, 240))
        incidents.append(
            {
                "reference": f"INC-B-{n:06d}",
                "device_id": device_id,
                "site_id": sites[ids.index(device_id) // PCS_PER_SITE].id,
                "category": "hardware",
                "impact": rng.choice(["blocking", "degraded"]),
                "description": "",
                "source": "public",
                "public_contact": "",
                "address_digest": "",
                "status": "resolved" if closed < datetime.now(UTC) else "open",
                "reported_at": reported,
                "acknowledged_at": reported + timedelta(hours=1),
                "closed_at": closed if closed < datetime.now(UTC) else None,
                "resolution": "",
                "version": 1,
            }
        )
    db.session.execute(sa.insert(Incident), incidents)
    visits = []
    for n in range(VISITS):
        site, plan = sites[n % SITES], plans[n % len(plans)]
        moment = start + timedelta(days=(n // SITES) * 14)
        visits.append(
            {
                "site_id": site.id,
                "plan_id": plan.id,
                "plan_version_id": plan.current.id,
                "maintainer_id": maintainer.id,
                "status": "completed",
                "started_at": moment,
                "completed_at": moment + timedelta(hours=1),
                "due_on": (moment + timedelta(days=rng.choice([0, 2, -3]))).date(),
                "minutes_spent": 40,
                "notes": "",
                "version": 1,
            }
        )
    db.session.execute(sa.insert(Visit), visits)
    db.session.commit()
    analyze()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an already generated inventory")
    args = parser.parse_args()
    app = bench_app(args.db)
    with app.app_context():
        ensure_inventory(args.reuse)
        began = time.perf_counter()
        add_maintenance()
        print(f"maintenance data added in {time.perf_counter() - began:.0f} s")
        site_id = db.session.scalar(sa.select(Site.id).order_by(Site.id))
        counter = QueryCounter(db.engine)
    client = app.test_client()
    for email in ("maintenance-bench@demo.refurb.fr",):
        assert (
            client.post("/connexion", data={"email": email, "password": PASSWORD}).status_code
            == 302
        )
    print(
        f"{args.db}: 100000 devices, 1000000 events, {SITES} sites, {INCIDENTS} incidents, "
        f"{args.runs} runs each"
    )
    for label, url in [
        ("round (10 sites)", "/tournee"),
        ("site page (30 PCs, 90-day availability)", f"/lieux/{site_id}"),
        ("sites list", "/lieux"),
        ("incidents list", "/incidents"),
    ]:
        report(label, *timed(client, counter, url, args.runs))
    token = client.post(
        "/api/v1/auth/token",
        json={"email": "maintenance-bench@demo.refurb.fr", "password": PASSWORD},
    ).json["token"]
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    report(
        "API availability, one year",
        *timed(
            api,
            counter,
            f"/api/v1/sites/{site_id}/availability?from=2026-01-01&to=2026-11-30",
            args.runs,
        ),
    )
    admin = app.test_client()
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation))
        if not db.session.scalar(sa.select(User).where(User.email == "coord-bench@demo.refurb.fr")):
            services.create_user(
                "coord-bench@demo.refurb.fr", "Coord", organisation, Role.ADMIN, None, PASSWORD
            )
            db.session.commit()
    admin.post("/connexion", data={"email": "coord-bench@demo.refurb.fr", "password": PASSWORD})
    report("overview, 90 days (40 sites, EPCI)", *timed(admin, counter, "/maintenance", args.runs))
    token = admin.post(
        "/api/v1/auth/token", json={"email": "coord-bench@demo.refurb.fr", "password": PASSWORD}
    ).json["token"]
    reviewer = app.test_client()
    reviewer.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    report(
        "API indicators as of a date",
        *timed(reviewer, counter, "/api/v1/indicators?as_of=2026-06-30", args.runs),
    )


if __name__ == "__main__":
    main()
