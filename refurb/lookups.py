"""Finding one record by its id, for pages and API alike: a missing record, or an id that no
database column could hold (a guessed or mistyped number), is a NotFound, never a 500."""

from refurb.errors import NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _

MAX_ID = 2**63 - 1  # the largest BIGINT


def get_or_none(model, ident):
    if not isinstance(ident, int) or isinstance(ident, bool) or not 0 < ident <= MAX_ID:
        return None
    return db.session.get(model, ident)


def get_or_not_found(model, ident, message: str | None = None):
    found = get_or_none(model, ident)
    if found is None:
        raise NotFound("not_found", message or _("Cette fiche n'existe pas."))
    return found
