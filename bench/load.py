"""Pages as people meet them: refurb under gunicorn, loaded with wrk, beside a bare Flask route.

    .venv/bin/python bench/load.py --reuse                  # SQLite, then PostgreSQL
    .venv/bin/python bench/load.py --db sqlite --reuse --duration 5

On the data of bench/inventory.py (100,000 devices, 1,000,000 events; generated if missing),
serves refurb and served.bare_app each with gunicorn (2 sync workers), loads each page with
wrk (2 threads, 4 connections) and prints req/s, p50, p95, p99, the SQL statements a request
runs and the page's throughput as a share of the bare route's, loaded just before it (both are
served throughout, so each share holds even when the machine's speed drifts during the run).
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from inventory import PASSWORD, bench_app, ensure_inventory  # noqa: E402

from refurb.extensions import db  # noqa: E402
from refurb.inventory.models import Device  # noqa: E402

USER_AGENT = "refurb-bench"
EMAIL = "bench@demo.refurb.fr"

# wrk picks a path from the list for each request and prints its percentiles as JSON.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
wrk.headers["User-Agent"] = "%(agent)s"
%(headers)s
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "errors": %%d, "p50": %%f, "p95": %%f, "p99": %%f}\\n',
    summary.requests, summary.duration / 1e6, errors,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A gunicorn serving one of served.py's apps, stopped on exit."""

    def __init__(self, app_name: str, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [
                gunicorn,
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--pythonpath",
                str(HERE),
                "--log-level",
                "warning",
                f"served:{app_name}",
            ],
            env={**os.environ, **env},
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(self.base + "/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def signed_in_cookie(base: str) -> str:
    """Sign in through the form, as a browser would, and return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base + "/connexion").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    data = urllib.parse.urlencode(
        {"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)}
    ).encode()
    opener.open(base + "/connexion", data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def api_token(base: str) -> str:
    request = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps({"email": EMAIL, "password": PASSWORD, "name": "bench"}).encode(),
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
    )
    return json.load(urllib.request.urlopen(request))["token"]


def queries(base: str, path: str, headers: dict) -> int:
    request = urllib.request.Request(base + path, headers={"User-Agent": USER_AGENT, **headers})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200, (path, response.status)
        return int(response.headers.get("X-Queries", 0))


def load(base: str, paths: list[str], headers: dict, args) -> dict:
    lua = WRK_SCRIPT % {
        "paths": ", ".join(json.dumps(p) for p in paths),
        "agent": USER_AGENT,
        "headers": "\n".join(
            f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
        ),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        output = subprocess.run(
            [
                "wrk",
                "-t",
                str(args.threads),
                "-c",
                str(args.connections),
                "-d",
                f"{args.duration}s",
                "-s",
                script.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def run(kind: str, args) -> None:
    app = bench_app(kind)
    with app.app_context():
        ensure_inventory(args.reuse)
        rng = random.Random(7)
        tags = list(db.session.scalars(sa.select(Device.tag).order_by(Device.id)))
        tags = rng.sample(tags, 200)
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    env = {
        "REFURB_DATABASE_URL": url,
        "REFURB_INSTANCE_PATH": app.instance_path,
        "REFURB_PUBLIC_URL": "http://127.0.0.1",
    }
    pages = [
        ("refurb, empty public route", ["/bench/vide"], "anonymous"),
        ("refurb, empty signed-in route", ["/bench/vide-connecte"], "session"),
        ("/t/<tag> anonymous", [f"/t/{t}" for t in tags], "anonymous"),
        ("device page", [f"/appareils/{t}" for t in tags], "session"),
        ("device list /appareils", ["/appareils"], "session"),
        ("list with a text search", ["/appareils?q=mod%C3%A8le+42"], "session"),
        ("GET /api/v1/devices?per_page=50", ["/api/v1/devices?per_page=50"], "token"),
    ]
    print(
        f"\n{kind}: gunicorn {args.workers} sync workers, wrk {args.threads} threads "
        f"{args.connections} connections {args.duration} s per page"
    )
    print(
        f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>8} {'share':>8}"
    )
    # Both served at once, the bare route loaded again before each page: each share is taken
    # against the bare route's speed of the moment (a shared machine's speed drifts).
    with (
        Served("bare_app", {}, args.workers) as bare,
        Served("refurb_app", env, args.workers) as served,
    ):
        auth = {
            "anonymous": {},
            "session": {"Cookie": signed_in_cookie(served.base)},
            "token": {"Authorization": f"Bearer {api_token(served.base)}"},
        }
        yardsticks = []
        for label, paths, who in pages:
            yardstick = load(bare.base, ["/"], {}, args)
            yardsticks.append(yardstick["rps"])
            count = queries(served.base, paths[0], auth[who])
            line(label, load(served.base, paths, auth[who], args), count, yardstick)
    low, high = min(yardsticks), max(yardsticks)
    print(f"bare Flask route, loaded before each page: {low:.0f} to {high:.0f} req/s")


def line(label: str, result: dict, count: int, yardstick: dict) -> None:
    errors = f"  ({result['errors']} errors)" if result["errors"] else ""
    print(
        f"{label:34} {result['rps']:8.0f} {result['p50']:8.1f} {result['p95']:8.1f} "
        f"{result['p99']:8.1f} {count:8d} {100 * result['rps'] / yardstick['rps']:7.1f} %{errors}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--reuse", action="store_true", help="keep already generated data")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        run(kind, args)


if __name__ == "__main__":
    main()
