"""Domain errors and the HTTP error handlers (French pages for people, JSON for the API).

Services raise DomainError with a machine code and a French message; views either show it next to
the form, or let it reach the handlers here, which roll back the request's transaction.
"""

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from refurb.i18n import gettext as _
from refurb.transaction import end_refused

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an operation; nothing was changed."""

    status = 409

    def __init__(self, code: str, message: str, *, details: dict | None = None, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status


class InvalidInput(DomainError):
    status = 400


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class StaleVersion(DomainError):
    """An edit was based on a version of the record that someone else has since changed."""

    def __init__(self, current_version: int | None = None):
        super().__init__(
            "stale_version",
            _(
                "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la "
                "modifiiez. Rechargez la page pour voir la dernière version, puis refaites "
                "votre modification."
            ),
            details={"current_version": current_version},
        )


def check_version(record, submitted) -> None:
    """Refuse an edit based on a stale version of an optimistic-locked record."""
    if str(submitted).strip() != str(record.version):
        raise StaleVersion(record.version)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str, details: dict | None = None):
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return jsonify(body), status


HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "unprocessable",
    429: "too_many_requests",
    500: "internal_error",
}


def _http_message(status: int) -> str:
    messages = {
        400: _("La requête est invalide."),
        401: _("Authentification requise."),
        403: _("Vous n'avez pas accès à cette page."),
        404: _("Cette page n'existe pas."),
        405: _("Cette méthode n'est pas permise ici."),
        413: _("Le fichier envoyé est trop volumineux."),
        429: _("Trop de requêtes : réessayez dans quelques minutes."),
        500: _("Une erreur inattendue s'est produite."),
    }
    return messages.get(status, _("La requête n'a pas pu aboutir."))


def _validation_details(error: HTTPException) -> dict | None:
    """Field errors attached by webargs (flask-smorest) to a 422, flattened per field.

    A body that is not a JSON object (malformed, a list, a string) has no field: its error is
    reported under the location (`json`)."""
    data = getattr(error, "data", None)
    messages = data.get("messages") if isinstance(data, dict) else None
    if not messages:
        return None
    details: dict = {}
    for location, location_errors in messages.items():
        if isinstance(location_errors, dict):
            details.update(location_errors)
        else:
            details[location] = location_errors
    return details


def handle_domain_error(error: DomainError):
    end_refused()
    if is_api_request():
        return json_error(error.status, error.code, error.message, error.details)
    return render_template("errors/domain.html", error=error), error.status


def handle_http_exception(error: HTTPException):
    end_refused()
    status = error.code or 500
    details = _validation_details(error)
    if is_api_request():
        if details is not None:
            return json_error(400, "invalid_input", _("Certaines données sont invalides."), details)
        return json_error(status, HTTP_CODES.get(status, "error"), _http_message(status))
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    description = getattr(error, "refurb_message", None) or _http_message(status)
    return render_template(template, status=status, description=description), status


def handle_csrf_error(error: CSRFError):
    error.refurb_message = _(
        "La session du formulaire a expiré, ou le formulaire ne vient pas de refurb. "
        "Revenez en arrière, rechargez la page et recommencez : rien n'a été enregistré."
    )
    return handle_http_exception(error)


def handle_too_deep(error: RecursionError):
    """A body nested too deeply to be read (JSON thousands of levels deep)."""
    return handle_domain_error(
        InvalidInput(
            "body_too_deep",
            _("Les données envoyées sont imbriquées trop profondément pour être lues."),
            details={"json": "too_deep"},
        )
    )


def handle_out_of_range(error: Exception):
    """A value the database cannot hold (a number too large for its column, a string it cannot
    encode) that no check caught before: a 400, never a 500. Fields have their own bounds;
    this is the net under them."""
    log.warning("value out of range on %s %s: %s", request.method, request.path, error)
    return handle_domain_error(
        InvalidInput(
            "value_out_of_range", _("Une des valeurs envoyées est hors des limites acceptées.")
        )
    )


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def handle_stale_data(error: StaleDataError):
    """Two people saved the same record at once: the later one is told, as for a stale form."""
    return handle_domain_error(StaleVersion())


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(StaleDataError, handle_stale_data)
    app.register_error_handler(RecursionError, handle_too_deep)
    for error in (DataError, OverflowError, UnicodeEncodeError):
        app.register_error_handler(error, handle_out_of_range)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
