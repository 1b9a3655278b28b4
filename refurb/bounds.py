"""What a plausible value is, per field, in one place for forms, API and imports alike.

The services call `check_fields(Model, fields)` before writing: a text longer than its column
(read from the model, so the column is the one limit), a NUL byte or a lone surrogate, a number
outside its range or a date outside its window is refused, every bad field at once, each with
its own French message (`InvalidFields`, shown next to each field on a form, `details` per
field in the API)."""

import math
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String

from refurb.db_types import today as db_today
from refurb.errors import DomainError, InvalidInput
from refurb.i18n import decimal
from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Range:
    low: float
    high: float
    unit: str = ""
    low_open: bool = False  # the low bound itself is refused (a weight of 0 kg)


# table → field → range. Ranges are wide: they refuse typing mistakes, not rare devices.
NUMBERS: dict[str, dict[str, Range]] = {
    "devices": {
        "year_of_manufacture": Range(1980, 2100),  # and not after this year, see below
        "weight_kg": Range(0, 100, "kg", low_open=True),
        "ram_gb": Range(0, 4096, "Go", low_open=True),
        "cpu_cores": Range(1, 1024, "cœurs"),
        "cpu_threads": Range(1, 2048, "threads"),
        "screen_inches": Range(1, 120, "pouces"),
        "battery_design_wh": Range(0, 500, "Wh", low_open=True),
        "battery_full_wh": Range(0, 500, "Wh"),
    },
    "storage_media": {"size_gb": Range(0, 1_000_000, "Go", low_open=True)},
    "households": {"size": Range(1, 20, "personnes")},
    "loans": {"deposit_euros": Range(0, 1000, "€")},
    "repairs": {"minutes_spent": Range(0, 24 * 60, "min")},
    "recycling_batches": {"total_weight_kg": Range(0, 100_000, "kg", low_open=True)},
    "visits": {"minutes_spent": Range(0, 24 * 60, "min", low_open=True)},
    "sites": {"weekly_attendance": Range(0, 100_000, "personnes")},
}

# Dates that record what already happened: not in the future, not before the programme's
# oldest plausible records.
PAST_DATES = {
    "verified_on",
    "consent_on",
    "collected_on",
    "signed_on",
    "handed_over_on",
    "attendance_assessed_on",
    "performed_on",
}
EARLIEST = date(2000, 1, 1)
# Telephone numbers: digits with the usual separators, 10 to 15 digits (French or international).
PHONES = {"phone", "contact_phone"}
DIGITS = set("0123456789")  # str.isdigit() also takes "²", which is no phone digit
PHONE_SEPARATORS = set(" .-()/\u00a0\u202f\u2009\u2013")  # spaces pasted from a page, en dash
# Free text with no column length (notes, descriptions): a page of text at most, but for
# the texts that are documents of their own.
TEXT_MAX = 5000
LONG_TEXTS = {("agreement_terms", "text"): 20_000}  # a loan agreement's terms
# A handover is recorded the day it happens: at most this far from today.
HANDOVER_WINDOW = timedelta(days=366)

FIELD_LABELS = {
    "year_of_manufacture": _l("L'année de fabrication"),
    "weight_kg": _l("Le poids"),
    "ram_gb": _l("La mémoire vive"),
    "cpu_cores": _l("Le nombre de cœurs"),
    "cpu_threads": _l("Le nombre de fils d'exécution"),
    "screen_inches": _l("La taille d'écran"),
    "battery_design_wh": _l("La capacité d'origine de la batterie"),
    "battery_full_wh": _l("La capacité actuelle de la batterie"),
    "size_gb": _l("La capacité"),
    "size": _l("La taille du foyer"),
    "deposit_euros": _l("La caution"),
    "minutes_spent": _l("Le temps passé"),
    "total_weight_kg": _l("Le poids total"),
    "weekly_attendance": _l("La fréquentation"),
}


class InvalidFields(InvalidInput):
    """Several fields refused at once: `messages` gives each field its own sentence."""

    def __init__(self, messages: dict[str, str]):
        first = next(iter(messages.values()))
        super().__init__("invalid_fields", first, details=dict(messages))
        self.messages = messages


def _number(value: float) -> str:
    """4096, 0,5, 1 000 000: grouped past four digits (a year is not), never 1e+06."""
    if abs(value) >= 10_000:
        return decimal(value, 2)
    return f"{value:g}".replace(".", ",")


def _text_problem(value: str, length: int | None) -> str | None:
    if "\x00" in value:
        return _("Ce texte contient un caractère invisible interdit (octet nul).")
    if any("\ud800" <= char <= "\udfff" for char in value):
        return _("Ce texte contient un caractère illisible : retapez-le.")
    if length is not None and len(value) > length:
        return _(
            "%(n)s caractères au plus (vous en avez saisi %(typed)s).",
            n=_number(length),
            typed=_number(len(value)),
        )
    return None


def _number_problem(table: str, name: str, value) -> str | None:
    bound = NUMBERS.get(table, {}).get(name)
    if bound is None:
        return None
    if not math.isfinite(value):  # float("nan") passes every comparison below
        return _("%(field)s : nombre attendu.", field=FIELD_LABELS.get(name, name))
    high = bound.high
    if name == "year_of_manufacture":
        high = db_today().year
    too_low = value <= bound.low if bound.low_open else value < bound.low
    if too_low or value > high:
        values = {
            "field": FIELD_LABELS.get(name, name),
            "low": _number(bound.low),
            "high": _number(high),
            "unit": bound.unit,
        }
        if bound.low_open:
            message = _("%(field)s doit dépasser %(low)s, sans aller au-delà de %(high)s %(unit)s.")
        else:
            message = _("%(field)s doit se situer entre %(low)s et %(high)s %(unit)s.")
        return (message % values).replace(" .", ".")
    return None


def out_of_bounds(table: str, name: str, value: float) -> bool:
    """For what is read, not typed (a hardware report): a number no device could have."""
    return _number_problem(table, name, value) is not None


def _date_problem(name: str, value: date) -> str | None:
    today = db_today()
    if name in PAST_DATES:
        if value > today:
            return _("La date est dans le futur.")
        if value < EARLIEST:
            return _("La date est trop ancienne (avant le %(d)s).", d=EARLIEST.strftime("%d/%m/%Y"))
    if name == "start_on":
        if value > today:
            return _(
                "La remise ne se date pas dans le futur : elle se date du jour où elle a lieu."
            )
        if today - value > HANDOVER_WINDOW:
            return _("La remise se date du jour où elle a lieu (à un an près au plus).")
    return None


def phone_problem(value: str) -> str | None:
    text = value.strip()
    digits = [c for c in text if c in DIGITS]
    body = text[1:] if text.startswith("+") else text
    if not text:
        return None
    international = text.startswith("+")
    if any(not (c in DIGITS or c in PHONE_SEPARATORS) for c in body) or not (
        (8 if international else 10) <= len(digits) <= 15
    ):
        return _(
            "Numéro de téléphone invalide : 10 chiffres (06 12 34 56 78) ou le format "
            "international (+33 6 12 34 56 78)."
        )
    return None


def check_fields(model, fields: dict, record=None) -> None:
    """Refuse, all at once, the values of `fields` that `model`'s record cannot plausibly hold.
    With `record` (an edit), a value it already holds is not checked again: a record saved
    under an older rule stays editable."""
    if problems := field_problems(model, fields, record):
        raise InvalidFields(problems)


def text_problems(model, fields: dict, free: dict | None = None) -> dict[str, str]:
    """field_problems, plus `free`: texts kept outside a column of their own (in a JSON
    column), a page of text at most."""
    problems = field_problems(model, fields)
    for name, value in (free or {}).items():
        if isinstance(value, str) and (problem := _text_problem(value, TEXT_MAX)):
            problems[name] = problem
    return problems


def refuse_together(refusals: dict[str, "DomainError | str"]) -> None:
    """Refuse every problem at once, each for its field: a rule's refusal alone is raised as
    itself (its own code), several become one InvalidFields (a sentence per field)."""
    if not refusals:
        return
    if len(refusals) == 1:
        [only] = refusals.values()
        if not isinstance(only, str):
            raise only
    raise InvalidFields(
        {name: getattr(refusal, "message", refusal) for name, refusal in refusals.items()}
    )


def field_problems(model, fields: dict, record=None) -> dict[str, str]:
    """check_fields' sentence per refused field, for a service that adds its own rules' to
    them before refusing everything at once."""
    table = model.__table__
    problems: dict[str, str] = {}
    for name, value in fields.items():
        if record is not None and getattr(record, name, object()) == value:
            continue
        problem = None
        if isinstance(value, str):
            column = table.columns.get(name)
            length = None
            if column is not None and isinstance(column.type, String):
                length = column.type.length or LONG_TEXTS.get((table.name, name), TEXT_MAX)
            problem = _text_problem(value, length)
            if problem is None and name in PHONES:
                problem = phone_problem(value)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            problem = _number_problem(table.name, name, value)
        elif isinstance(value, date):
            problem = _date_problem(name, value)
        if problem:
            problems[name] = problem
    design, full = fields.get("battery_design_wh"), fields.get("battery_full_wh")
    if design and full and full > design * 1.2 and "battery_full_wh" not in problems:
        problems["battery_full_wh"] = _(
            "La capacité actuelle dépasse nettement la capacité d'origine : vérifiez les deux."
        )
    return problems
