"""Time the reporting pages on the maintenance benchmark's data (100,000 devices, 1,000,000
events, 40 sites, 20,000 incidents, 3,000 visits), with the history the report reads: the
state changes of the events carry their state, and the 1,200 PCs in service their deployment."""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from maintenance import ROOT, add_maintenance  # noqa: F401 - sets sys.path for refurb

sys.path.insert(0, str(ROOT))

from inventory import PASSWORD, QueryCounter, analyze, bench_app, ensure_inventory, report, timed  # noqa: E402

from refurb.auth import services  # noqa: E402
from refurb.auth.models import Organisation, User  # noqa: E402
from refurb.auth.roles import Role  # noqa: E402
from refurb.extensions import db  # noqa: E402
from refurb.history.models import Event  # noqa: E402
from refurb.inventory.models import Device  # noqa: E402

STATES = {
    "device.received": "received",
    "device.start_diagnosis": "diagnosis",
    "device.mark_ready": "ready",
}


def add_history() -> None:
    """The state each state change led to, and a deployment event per PC in service."""
    for action, state in STATES.items():
        db.session.execute(sa.update(Event).where(Event.action == action).values(to_state=state))
    db.session.execute(sa.delete(Event).where(Event.action == "device.deploy"))
    moment = datetime.now(UTC) - timedelta(days=200)
    db.session.execute(
        sa.insert(Event),
        [
            {
                "subject_type": "device",
                "subject_id": device_id,
                "action": "device.deploy",
                "to_state": "deployed",
                "occurred_at": moment,
                "details": {"site_id": site_id},
            }
            for device_id, site_id in db.session.execute(
                sa.select(Device.id, Device.site_id).where(Device.site_id.is_not(None))
            )
        ],
    )
    db.session.commit()
    analyze()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="keep an already generated inventory")
    parser.add_argument(
        "--no-cache", action="store_true", help="compute the figures on every request"
    )
    args = parser.parse_args()
    app = bench_app(args.db, REPORT_CACHE=not args.no_cache)
    with app.app_context():
        ensure_inventory(args.reuse)
        began = time.perf_counter()
        add_maintenance()
        add_history()
        print(f"maintenance and report history added in {time.perf_counter() - began:.0f} s")
        organisation = db.session.scalar(sa.select(Organisation))
        if not db.session.scalar(sa.select(User).where(User.email == "cd-bench@demo.refurb.fr")):
            services.create_user(
                "cd-bench@demo.refurb.fr", "Relecteur", organisation, Role.VIEWER, None, PASSWORD
            )
            db.session.commit()
        counter = QueryCounter(db.engine)
    client = app.test_client()
    signed = client.post(
        "/connexion", data={"email": "cd-bench@demo.refurb.fr", "password": PASSWORD}
    )
    assert signed.status_code == 302
    token = client.post(
        "/api/v1/auth/token", json={"email": "cd-bench@demo.refurb.fr", "password": PASSWORD}
    ).json["token"]
    api = app.test_client()
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    past = (datetime.now(UTC) - timedelta(days=365)).date().isoformat()
    cache = "figures computed on every request" if args.no_cache else "figures kept per date"
    print(f"{args.db}: 100000 devices, 1000000 events, {args.runs} runs each, {cache}")
    for label, tester, url in [
        ("dashboard, today", client, "/tableau-de-bord"),
        ("dashboard, a year ago", client, f"/tableau-de-bord?date={past}"),
        ("chart: monthly cumulative (SVG)", client, "/tableau-de-bord/graphiques/cumul.svg"),
        ("chart: stock by state (SVG)", client, "/tableau-de-bord/graphiques/stock.svg"),
        ("API indicators, today", api, "/api/v1/indicators"),
        ("API indicators, a year ago", api, f"/api/v1/indicators?as_of={past}"),
        ("API report summary, today", api, "/api/v1/reports/summary"),
        ("report PDF", client, "/tableau-de-bord/rapport.pdf"),
        ("workbook (.xlsx)", client, "/tableau-de-bord/rapport.xlsx"),
    ]:
        report(label, *timed(tester, counter, url, args.runs))


if __name__ == "__main__":
    main()
