"""French first, English second: locale choice, time zone, date formatting, translations.

refurb's code and templates translate through `gettext`, `ngettext` and `lazy_gettext` here:
the same catalogues as flask-babel's, but the request's catalogue and locale are looked up once
per request instead of on every call (that lookup was a third of a device list's rendering).
"""

from datetime import UTC, datetime

from babel import dates, numbers
from flask import Flask, current_app, g, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString

from refurb.db_types import PARIS

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


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


def _translated(string: str) -> str:
    return _language()[0].ugettext(string)


def _translated_plural(singular: str, plural: str, num: int) -> str:
    return _language()[0].ungettext(singular, plural, num)


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


def format_date(value, fmt: str = "medium") -> str:
    if not value:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return dates.format_date(value, fmt, locale=_language()[1])


def format_datetime(value, fmt: str = "medium") -> str:
    if not value:
        return ""
    return dates.format_datetime(local(value), fmt, tzinfo=PARIS, locale=_language()[1])


def init_i18n(app: Flask, babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Jinja's newstyle gettext does the %-formatting itself: it gets the bare lookups.
    app.jinja_env.install_gettext_callables(_translated, _translated_plural, newstyle=True)
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["thousands"] = thousands

    @app.context_processor
    def language_context():
        return {"current_language": select_locale(), "language_names": LANGUAGE_NAMES}


def thousands(number: int) -> str:
    """12 345 in French (narrow no-break space between thousands), 12,345 in English."""
    return numbers.format_decimal(number, locale=_language()[1])
