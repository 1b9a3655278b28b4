"""The JSON API under /api/v1: flask-smorest for validation and the OpenAPI document.

Authentication is by bearer token only (never the session cookie), which is why the API
blueprints are exempt from CSRF. Errors follow DESIGN §7's format, see refurb.errors.
"""

import flask_smorest
from flask import Flask, g, request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import Unauthorized

from refurb.api.schemas import ErrorSchema
from refurb.extensions import csrf


class RefurbApi(flask_smorest.Api):
    """flask-smorest's Api without its app-wide error handler: refurb.errors answers instead."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


class _Parser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400  # DESIGN §7: bad input is a 400 with details per field


class Blueprint(flask_smorest.Blueprint):
    """The blueprint every API module uses."""

    ARGUMENTS_PARSER = _Parser()


api = RefurbApi()

BEARER = {"bearerAuth": []}


def load_api_user():
    """before_request: resolve `Authorization: Bearer <token>` for /api/ requests."""
    if not request.path.startswith("/api/"):
        return
    from refurb.auth.tokens import user_for_token

    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, raw = header.partition(" ")
    found = user_for_token(raw.strip()) if scheme.lower() == "bearer" and raw else None
    if found is None:
        raise Unauthorized()
    g.api_user, g.api_token = found  # last_used_at is committed with the request


def init_api(app: Flask, blueprints) -> None:
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token"}
    )
    app.before_request(load_api_user)
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
