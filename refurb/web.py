"""Helpers shared by the HTML views."""

from flask import Response, current_app

from refurb.errors import DomainError


def show_on_form(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    for field_name in error.details:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
            return
    form.form_errors.append(error.message)


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
