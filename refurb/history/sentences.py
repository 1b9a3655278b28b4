"""What the history says, in French: the label of an action, a device's history line and the
journal's sentence with the subject linked to its page, from the words of `wordings.py`. An
action missing there is still shown, in a generic sentence. Households are named by their
reference only (DESIGN §6)."""

from markupsafe import Markup, escape

from refurb.history.wordings import ACTIONS, SUBJECTS
from refurb.i18n import gettext as _
from refurb.inventory.enums import State
from refurb.loans.enums import LoanStatus
from refurb.maintenance.enums import IncidentStatus


def label(action: str) -> str:
    """What happened, alone ("Diagnostic commencé"); a generic label for an unknown action."""
    wording = ACTIONS.get(action)
    if wording is None:
        return _("Opération « %(code)s »", code=action)
    return str(wording.label)


def subject_kind(subject_type: str) -> str:
    found = SUBJECTS.get(subject_type)
    return str(found) if found is not None else _("Fiche « %(kind)s »", kind=subject_type)


# The states an event's from_state and to_state name, per kind of subject.
STATES = {"device": State, "loan": LoanStatus, "incident": IncidentStatus}


def _state_label(subject_type: str, value: str) -> str:
    try:
        return STATES[subject_type](value).label
    except (KeyError, ValueError):
        return value


def change_of_state(event) -> str:
    """ "Reçu → En diagnostic" for an event that moved its subject, else ""."""
    if not (event.from_state and event.to_state) or event.from_state == event.to_state:
        return ""
    return _(
        "%(before)s → %(after)s",
        before=_state_label(event.subject_type, event.from_state),
        after=_state_label(event.subject_type, event.to_state),
    )


def what_happened(event) -> str:
    """A line of a subject's own history: "Diagnostic commencé (Reçu → En diagnostic)"."""
    change = change_of_state(event)
    what = label(event.action)
    return _("%(what)s (%(change)s)", what=what, change=change) if change else what


def sentence(event, subject) -> Markup:
    """The journal's sentence for `event`, its subject (a naming.Named) named and linked."""
    wording = ACTIONS.get(event.action)
    values = {"subject": subject.html()}
    if wording is None:
        template = _("%(kind)s %(subject)s : opération « %(code)s »")
        values.update(kind=subject_kind(event.subject_type), code=event.action)
    else:
        template = str(wording.sentence)
    text = escape(template) % values  # the values are escaped, the subject's link kept
    change = change_of_state(event)
    return Markup("{} ({})").format(text, change) if change else text
