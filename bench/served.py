"""What bench/load.py serves with gunicorn: refurb, or a bare Flask route, the same way.

`served:refurb_app` is refurb as deployed, plus two empty routes (`/bench/vide`, public, and
`/bench/vide-connecte`, signed in: the cost of refurb's request handling alone) and an
`X-Queries` header giving the number of SQL
statements the request ran (a sync worker serves one request at a time, so one counter per
process is enough). `served:bare_app` is the yardstick: one route returning a short text.
"""

from flask import Flask
from sqlalchemy import event


def _refurb():
    from refurb import create_app
    from refurb.auth.access import public, signed_in
    from refurb.extensions import db

    app = create_app()
    counted = [0]

    # The floor: what refurb's request handling costs before any page's own work.
    @app.route("/bench/vide")
    @public
    def empty_public():
        return "ok"

    @app.route("/bench/vide-connecte")
    @signed_in
    def empty_signed_in():
        return "ok"

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: _add(counted))

    def _reset():
        counted[0] = 0

    app.before_request_funcs.setdefault(None, []).insert(0, _reset)  # before the user loads

    @app.after_request
    def _header(response):
        response.headers["X-Queries"] = str(counted[0])
        return response

    return app


def _add(counted):
    counted[0] += 1


def _bare():
    app = Flask("bare")

    @app.route("/")
    def bare():
        return "ok"

    return app


def __getattr__(name):  # gunicorn asks for the app by name; build only the one asked for
    if name == "refurb_app":
        return _refurb()
    if name == "bare_app":
        return _bare()
    raise AttributeError(name)
