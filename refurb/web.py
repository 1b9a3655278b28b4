"""Helpers shared by the HTML views."""

from flask import Response, current_app, request

from refurb.errors import DomainError


def show_on_form(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    for field_name in error.details:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
            return
    form.form_errors.append(error.message)


def client_address() -> str:
    """The client's address, as counted for sign-in throttling."""
    return (request.remote_addr or "unknown")[:64]


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF shown in the browser (and saved under `filename`)."""
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f"inline; filename={filename}"},
    )


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL on REFURB_PUBLIC_URL (the address people reach), request or not."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return base + current_app.url_map.bind("localhost").build(endpoint, values)
