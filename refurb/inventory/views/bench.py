"""The bench (/atelier): a technician's home, the devices waiting for each workshop step."""

from flask import render_template

from refurb.auth.access import allow
from refurb.inventory import bench, search
from refurb.inventory.views import WORKSHOP, bp


@bp.route("/atelier", endpoint="bench")
@allow(*WORKSHOP)
def bench_page():
    return render_template(
        "inventory/bench.html", queues=bench.queues(), counts=search.state_counts()
    )
