"""French first, English second: locale choice, time zone, date formatting, translations.

refurb's code and templates translate through `gettext`, `ngettext` and `lazy_gettext` here:
the same catalogues as flask-babel's, but the request's catalogue and locale are looked up once
per request instead of on every call (that lookup was a third of a device list's rendering).

French is the source language: its strings are the msgids and it has no catalogue, so its rules
are applied here when the request speaks French: the plural of 0 and 1 is the singular, and a
no-break space holds `:` `;` `!` `?` `»` to the word before them and `«` to the word after.
"""

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import TypeVar

from babel import dates, numbers, support
from flask import Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from wtforms.i18n import messages_path

from refurb.db_types import PARIS

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}
T = TypeVar("T")


def select_locale() -> str:
    if not has_request_context():  # commands and background jobs speak French
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def safe_next(target: str | None, fallback: str = "main.home") -> str:
    """A local path to go back to; anything pointing elsewhere falls back to the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for(fallback)


def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def _language():
    """(catalogue, babel Locale) of the current request, found once and kept on `g`."""
    try:
        return g._refurb_language
    except AttributeError:
        found = g._refurb_language = (get_translations(), get_locale())
        return found
    except RuntimeError:  # no application context: flask-babel's untranslated catalogue
        return get_translations(), None


def current_locale():
    """The request's babel Locale, found once per request (None without an application
    context): what a cache of translated text is keyed by."""
    return _language()[1]


def _speaks_french(locale) -> bool:
    return locale is None or locale.language == "fr"  # no context: commands speak French


# Only an ordinary space that touches the mark: "https://", "12:30" and "%(a)s:" stay as they are.
_FRENCH_SPACES = re.compile(r" (?=[:;!?»])|(?<=«) ")
NARROW_NO_BREAK_SPACE = "\u202f"


@lru_cache(maxsize=4096)
def french_spacing(string: str) -> str:
    """A narrow no-break space before : ; ! ? » and after « where the text has a space there."""
    return _FRENCH_SPACES.sub(NARROW_NO_BREAK_SPACE, string)


def in_french(text) -> str:
    """A text in French whatever the reader's language (documents): a lazy string's msgid,
    which is its French, with its variables."""
    if isinstance(text, LazyString):
        string, variables = text._args[0], text._kwargs  # refurb.i18n.lazy_gettext's
        return french_spacing(string % variables if variables else string)
    return str(text)


def french_plural(num: int, singular: T, plural: T) -> T:
    """The form French takes for `num` (0 and 1 take the singular): "0 appareil", "2 appareils".
    For text that is French whatever the reader's language too (documents, commands)."""
    return singular if abs(num) < 2 else plural


def _translated(string: str) -> str:
    catalogue, locale = _language()
    if _speaks_french(locale):
        return french_spacing(catalogue.ugettext(string))
    return catalogue.ugettext(string)


def _translated_plural(singular: str, plural: str, num: int) -> str:
    catalogue, locale = _language()
    if _speaks_french(locale):  # the msgids are French, whatever the (absent) catalogue's rule
        return french_spacing(french_plural(num, singular, plural))
    return catalogue.ungettext(singular, plural, num)


def gettext(string: str, **variables) -> str:
    translated = _translated(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return _translated_plural(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """Translated when shown, in the language of the request showing it."""
    return LazyString(gettext, string, **variables)


def local(value: datetime) -> datetime:
    """A stored instant (UTC, naive or aware) in Paris time, as people read it."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS)


NAMED_FORMATS = ("full", "long", "medium", "short")


# Babel looks a named format up in the locale's data on every call (300 function calls for one
# date and time): a page's dates go through patterns looked up once per format and locale.
@lru_cache(maxsize=64)
def _date_pattern(fmt: str, locale) -> dates.DateTimePattern:
    if fmt in NAMED_FORMATS:
        fmt = dates.get_date_format(fmt, locale=locale)
    return dates.parse_pattern(fmt)


@lru_cache(maxsize=64)
def _time_pattern(fmt: str, locale) -> dates.DateTimePattern:
    return dates.parse_pattern(dates.get_time_format(fmt, locale=locale))


@lru_cache(maxsize=64)
def _date_and_time(fmt: str, locale) -> str:
    """How a locale puts a date ({1}) and a time ({0}) together, as babel does."""
    return dates.get_datetime_format(fmt, locale=locale).replace("'", "")


def format_date(value, fmt: str = "medium") -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    locale = _language()[1]
    if locale is None:  # no application context
        return dates.format_date(value, fmt)
    return _date_pattern(fmt, locale).apply(value, locale)


def format_datetime(value, fmt: str = "medium") -> str:
    """Babel's format_datetime in Paris time, from the cached patterns (tests/test_i18n.py)."""
    if not value:
        return ""
    moment, locale = local(value), _language()[1]
    if locale is None:  # no application context
        return dates.format_datetime(moment, fmt, tzinfo=PARIS)
    if fmt not in NAMED_FORMATS:
        return _date_pattern(fmt, locale).apply(moment, locale)
    time = _time_pattern(fmt, locale).apply(moment.timetz(), locale, reference_date=moment.date())
    day = _date_pattern(fmt, locale).apply(moment.date(), locale)
    return _date_and_time(fmt, locale).replace("{0}", time).replace("{1}", day)


@lru_cache(maxsize=8)
def _form_messages(language: str) -> support.Translations:
    """WTForms' own messages ("This field is required." …) in `language`, read once."""
    return support.Translations.load(messages_path(), [language], domain="wtforms")


def _hand_form_messages() -> None:
    """before_request: flask-wtf reads WTForms' catalogue from disk on every request that builds
    a form, unless the request already holds it (its `wtforms_translations`)."""
    request.wtforms_translations = _form_messages(select_locale())


def init_i18n(app: Flask, babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.before_request(_hand_form_messages)
    # Jinja's newstyle gettext does the %-formatting itself: it gets the bare lookups.
    app.jinja_env.install_gettext_callables(_translated, _translated_plural, newstyle=True)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["thousands"] = thousands
    app.jinja_env.filters["decimal"] = decimal

    @app.context_processor
    def language_context():
        return {"current_language": select_locale(), "language_names": LANGUAGE_NAMES}


def thousands(number: int) -> str:
    """12 345 in French (narrow no-break space between thousands), 12,345 in English."""
    return numbers.format_decimal(number, locale=_language()[1])


def decimal(value, digits: int = 1, *, fixed: bool = False, locale: str | None = None) -> str:
    """1,9 in French, 1.9 in English: at most `digits` decimals (exactly, if `fixed`), thousands
    grouped. `locale` for a document that is French whatever the reader's language."""
    if value is None or value == "":
        return ""
    decimals = ("0" if fixed else "#") * digits
    pattern = f"#,##0.{decimals}" if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=locale or _language()[1] or "fr")
