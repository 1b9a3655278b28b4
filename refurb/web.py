"""Helpers shared by the HTML views."""

from refurb.errors import DomainError


def show_on_form(form, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    for field_name in error.details:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
            return
    form.form_errors.append(error.message)
