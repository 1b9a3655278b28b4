"""The CSV import page: a short file imported at once, a long one streamed with its progress,
every refused row shown, repeated serials warned of, and a refreshed page never importing a
file twice."""

import secrets

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    stream_template,
    url_for,
)
from flask_login import current_user

from refurb.auth.access import allow
from refurb.errors import DomainError
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory.forms import ImportForm
from refurb.inventory.importer import BATCH, ImportRejected, decode, import_devices, import_steps
from refurb.inventory.models import Collection
from refurb.inventory.views import WORKSHOP, bp
from refurb.inventory.views.devices import collection_choices
from refurb.lookups import get_or_none
from refurb.transaction import commit_streamed, end_refused
from refurb.web import form_status, refusal_shown


def serials_repeated(warnings) -> str:
    """The warning intake gives for a repeated serial, for every row of an import concerned."""
    shown = "; ".join(w.sentence() for w in warnings[:20])
    more = len(warnings) - 20
    if more > 0:
        shown += " " + ngettext("(et %(num)d autre)", "(et %(num)d autres)", more)
    return ngettext(
        "Attention : %(num)d numéro de série est déjà enregistré (%(list)s). Vérifiez qu'il ne "
        "s'agit pas du même appareil.",
        "Attention : %(num)d numéros de série sont déjà enregistrés (%(list)s). Vérifiez qu'il "
        "ne s'agit pas des mêmes appareils.",
        len(warnings),
        list=shown,
    )


# Files longer than this many lines are imported on a page that shows the progress as it goes.
STREAMED_FROM_LINES = 2 * BATCH


class StreamedImport:
    """A long import run while its page is sent: iterating gives its Progress; afterwards
    `ids` (imported) or `errors` and `message` (refused, nothing kept) say how it ended. The
    page has begun when the work runs, so whatever stops it must end in a message there."""

    def __init__(self, steps, warnings: list):
        self.steps, self.ids, self.errors, self.message = steps, None, [], None
        self.warnings = warnings

    def __iter__(self):
        try:
            self.ids = yield from self.steps
            commit_streamed()
        except DomainError as refusal:
            end_refused()
            self.ids, self.message = None, refusal.message
            self.errors = getattr(refusal, "errors", [])
        except Exception:  # a conflict at commit, a lost connection: nothing is kept
            current_app.logger.exception("CSV import interrupted")
            end_refused()
            self.ids, self.message = (
                None,
                _(
                    "L'import s'est interrompu sur une erreur inattendue : aucun appareil n'a été "
                    "importé. Réessayez ; si cela se reproduit, prévenez la coordination."
                ),
            )


# The sendings of the import form already taken, kept in the session (the latest ten).
SENT = "imports_sent"


def _sent_before(form) -> bool:
    return form.sending.data in session.get(SENT, [])


def _mark_sent(form) -> None:
    """This sending is taken; the form shown next is a new one."""
    session[SENT] = [*session.get(SENT, [])[-9:], form.sending.data]
    form.sending.data = secrets.token_urlsafe(12)


@bp.route("/appareils/import", methods=["GET", "POST"])
@allow(*WORKSHOP)
def import_page():
    form = ImportForm()
    form.collection_id.choices = collection_choices(_("— aucune —"))
    errors = []
    valid = form.validate_on_submit()
    if valid and _sent_before(form):
        form.sending.data = secrets.token_urlsafe(12)
        form.file.errors.append(
            _(
                "Ce fichier a déjà été envoyé depuis cette page (page actualisée ?). Vérifiez "
                "la liste des appareils avant de l'importer à nouveau."
            )
        )
        return render_template("inventory/import.html", form=form, errors=errors), 409
    if valid:
        collection = get_or_none(Collection, form.collection_id.data)
        with refusal_shown(form) as outcome:
            text = decode(form.file.data.read())
            warnings: list = []
            if text.count("\n") > STREAMED_FROM_LINES:
                streamed = StreamedImport(
                    import_steps(current_user, text, collection, warnings), warnings
                )
                _mark_sent(form)
                # The page streams after this request's session has closed: what it shows of
                # the user must stay loaded through finish()'s commit.
                db.session().expire_on_commit = False
                page = stream_template(
                    "inventory/import.html",
                    form=form,
                    streamed=streamed,
                    serials_repeated=serials_repeated,
                )
                return Response(page, headers={"X-Accel-Buffering": "no"})  # nginx: no buffer
            devices = import_devices(current_user, text, collection, warnings)
        if outcome.ok:
            _mark_sent(form)
            flash(
                ngettext("%(num)d appareil importé.", "%(num)d appareils importés.", len(devices)),
                "success",
            )
            if warnings:
                flash(serials_repeated(warnings), "error")
            return redirect(url_for(".devices", sort="recent"))
        if isinstance(outcome.refusal, ImportRejected):
            errors = outcome.refusal.errors
    return render_template("inventory/import.html", form=form, errors=errors), form_status(form)
