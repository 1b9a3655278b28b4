"""Settings: defaults, then instance/refurb.cfg, then REFURB_* environment variables.

The environment wins so that a deployment can override the file. Every setting DESIGN §7 names
is read here and nowhere else.
"""

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "PUBLIC_URL": "http://127.0.0.1:5000",
    "TAG_PREFIX": "GN",
    "DEMO": False,
    # Login throttling: failures counted over the window, per e-mail and per client address.
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_MAX_FAILURES_PER_EMAIL": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "PASSWORD_LINK_HOURS": 72,
    "PERSONAL_DATA_RETENTION_MONTHS": 24,
    # Reports from the public on a PC's label, per hour: per client address and per PC.
    "PUBLIC_REPORTS_PER_ADDRESS_HOUR": 3,
    "PUBLIC_REPORTS_PER_DEVICE_HOUR": 5,
    # The report's figures are kept per date until the next recorded event (refurb.reports).
    "REPORT_CACHE": True,
    # Rows one CSV import may hold (checked, then written all or none).
    "IMPORT_MAX_ROWS": 50_000,
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "refurb@localhost",
    "TRUST_PROXY": False,
    # Where uploaded documents are kept: "folder" (UPLOADS_PATH, None: instance/uploads, which
    # every instance must share) or "database" (nothing to share but the database).
    "UPLOADS_STORAGE": "folder",
    "UPLOADS_PATH": None,
    # werkzeug's method string; the suite lowers the cost, nothing else should.
    "PASSWORD_HASH_METHOD": "scrypt",
    # Flask's own settings, with refurb's values (they override Flask's defaults).
    "SESSION_COOKIE_SECURE": None,  # None: secure when PUBLIC_URL is https
    "REMEMBER_COOKIE_SECURE": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "WTF_I18N_ENABLED": True,
    "BABEL_DEFAULT_LOCALE": "fr",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Paris",
    "LANGUAGES": ["fr", "en"],
    "API_TITLE": "refurb API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name


def load_config(app: Flask, overrides: dict | None = None) -> None:
    """Fill app.config from defaults, the instance file, the environment and overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile(os.path.join(app.instance_path, "refurb.cfg"), silent=True)
    app.config.from_prefixed_env("REFURB")
    if overrides:
        app.config.from_mapping(overrides)

    config = app.config
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))

    database_url = config.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "refurb.sqlite3")
    )
    config["SQLALCHEMY_DATABASE_URI"] = database_url
    if database_url.startswith("postgresql"):
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})

    if config["UPLOADS_STORAGE"] not in ("folder", "database"):
        raise ValueError('REFURB_UPLOADS_STORAGE must be "folder" or "database"')
    secure = str(config["PUBLIC_URL"]).startswith("https://")
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config[key] is None:
            config[key] = secure


def _instance_secret_key(instance: Path) -> str:
    """Read the key stored in the instance folder, creating it (mode 0600) the first time."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
