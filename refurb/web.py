"""Helpers shared by the HTML views."""

from collections.abc import Iterator
from datetime import date, datetime

from flask import Response, current_app, flash, render_template, request, stream_with_context

from refurb.errors import DomainError
from refurb.i18n import gettext as _
from refurb.transaction import end_refused


class refusal_shown:  # noqa: N801 (a context manager, used as `with refusal_shown(form) as outcome`)
    """Run a service; a refusal rolls back and is shown on `form` (or flashed), not raised.

        with refusal_shown(form) as outcome:
            household = services.create_household(...)
        if outcome.ok:
            return redirect(...)

    The commit is not here: `refurb.transaction` commits once the view has answered.
    """

    def __init__(
        self,
        form=None,
        field: str | None = None,
        *,
        show: bool = True,
        step: bool = False,
        aliases: dict[str, str] | None = None,
    ):
        self.form, self.field = form, field  # field: where a refusal naming none is shown
        self.aliases = aliases or {}  # a service's name of a value → the form's field for it
        self.show = show  # False: the view shows `refusal` itself
        # A step's page comes back showing the record as it now is, carrying its version: a
        # stale step is sent again, not reloaded (that would lose what was typed).
        self.step = step
        self.refusal: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None

    def __enter__(self):
        return self

    def __exit__(self, _type, error, _traceback) -> bool:
        if not isinstance(error, DomainError):
            return False
        end_refused()
        if self.step and error.code == "stale_version":
            error.message = _(
                "Quelqu'un d'autre a agi sur cette fiche pendant que vous la lisiez : elle est "
                "affichée ci-dessous telle qu'elle est maintenant. Vérifiez, puis envoyez à "
                "nouveau."
            )
        self.refusal = error
        if not self.show:
            pass
        elif self.form is not None:
            show_on_form(self.form, error, self.field, self.aliases)
            self.form.refused_with = error  # its status is the page's (form_status)
        else:
            flash(error.message, "error")
        return True


def flash_step_gone(refusal: DomainError) -> None:
    """A refused step the record no longer offers (someone else took it meanwhile): its form
    is not on the page any more, so the refusal is said at the top."""
    if refusal.code == "stale_version":
        flash(
            _(
                "Quelqu'un d'autre a agi sur cette fiche pendant que vous la lisiez : elle est "
                "affichée telle qu'elle est maintenant, et cette étape n'y est plus proposée."
            ),
            "error",
        )
    else:
        flash(refusal.message, "error")


def flash_form_errors(form) -> None:
    """For small forms posted from another page: each field's errors as a message."""
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text} : {message}", "error")


def form_status(form) -> int:
    """200 for a form shown, 400 for a submitted form shown again with its errors, or the
    status of the rule that refused it (409 for a stale form, 403 for another's record)."""
    refusal = getattr(form, "refused_with", None)
    if refusal is not None:
        return refusal.status
    return 400 if form.is_submitted() else 200


def show_on_form(
    form, error: DomainError, default_field: str | None = None, aliases: dict | None = None
) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    aliases = aliases or {}
    messages = getattr(error, "messages", None)  # InvalidFields: one sentence per field
    if messages:
        for field_name, message in messages.items():
            field = getattr(form, aliases.get(field_name, field_name), None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, message]
            else:
                form.form_errors.append(message)
        return
    for field_name in [*error.details, *([default_field] if default_field else [])]:
        field = getattr(form, aliases.get(field_name, field_name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, error.message]
            return
    form.form_errors.append(error.message)


def confirmation_page(
    title, consequence, form, action: str, back: str, button, carried=(), shown_fields=()
):
    """The page an irreversible step shows before it is done: what cannot be undone, the
    same form posted again with `confirmed` set, and a way back that changes nothing. A page,
    not a script, so it works without JavaScript and under the CSP."""
    form.confirmed.data = "1"
    return render_template(
        "confirm.html",
        title=title,
        consequence=consequence,
        form=form,
        action=action,
        back=back,
        button=button,
        carried=carried,
        shown_fields=shown_fields,
    )


def confirmed(form) -> bool:
    return form.confirmed.data == "1"


def bounds_shown(form, model, values: dict, record=None) -> None:
    """For a form refused by its own validators: the plausibility problems (refurb.bounds) of
    the fields that did parse, shown with them, so that every error is said at once (`record`:
    the one edited, whose values already held are not checked again, as in check_fields)."""
    from refurb.bounds import InvalidFields, check_fields

    parsed = {
        name: value
        for name, value in values.items()
        if not getattr(getattr(form, name, None), "errors", None)
    }
    try:
        check_fields(model, parsed, record)
    except InvalidFields as refusal:
        show_on_form(form, refusal)


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


def csv_download(chunks: Iterator[str], filename: str) -> Response:
    """A CSV streamed in chunks, as it is read (its filters are checked before: an error
    once the download has begun could only break it off)."""
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def public_url_for(endpoint: str, **values) -> str:
    """An absolute URL on REFURB_PUBLIC_URL (the address people reach), request or not."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def day_arg(args, name: str, errors: dict, earliest: date, latest: date, out_of_range: str):
    """The day typed in the query argument `name` (YYYY-MM-DD, as a date field sends it), or
    None when empty; a date that cannot be read or lies outside [earliest, latest] is None,
    with its message in errors[name]."""
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        errors[name] = _("Date illisible : choisissez-la dans le calendrier.")
        return None
    if not earliest <= day <= latest:
        errors[name] = out_of_range
        return None
    return day
