"""French first, English second: locale choice, time zone, date formatting."""

from flask import Flask, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import format_date, format_datetime

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


def init_i18n(app: Flask, babel) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": (
        format_datetime(value, fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )

    @app.context_processor
    def language_context():
        return {"current_language": select_locale(), "language_names": LANGUAGE_NAMES}
