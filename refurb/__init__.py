"""refurb: inventory, loans and maintenance for the Gers reconditioned-equipment programme."""

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from refurb.config import load_config
from refurb.extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS = str(Path(__file__).parent / "migrations")


class Refurb(Flask):
    """Flask, with the request's transaction committed once after the view (see transaction)."""

    def dispatch_request(self):
        from refurb.transaction import finish, read_again_holding_the_lock

        try:
            return finish(self, super().dispatch_request())
        except OperationalError as error:
            if not read_again_holding_the_lock(error):
                raise
            # Again from the start: the hooks' own writes (a token's last use) were rolled back.
            return finish(self, self.preprocess_request() or super().dispatch_request())


def create_app(overrides: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, commands, error handlers."""
    instance_path = instance_path or os.environ.get("REFURB_INSTANCE_PATH")
    app = Refurb(__name__, instance_path=os.path.abspath(instance_path) if instance_path else None)
    load_config(app, overrides)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    _register_error_handlers(app)
    return app


def _import_models() -> None:
    """Every table is known to the metadata (migrations, tests) whatever the blueprints load."""
    import refurb.auth.models  # noqa: F401
    import refurb.history.models  # noqa: F401
    import refurb.inventory.models  # noqa: F401
    import refurb.loans.models  # noqa: F401
    import refurb.maintenance.models  # noqa: F401
    import refurb.numbering  # noqa: F401
    import refurb.reports.models  # noqa: F401
    import refurb.territory.models  # noqa: F401
    import refurb.uploads  # noqa: F401


def _init_extensions(app: Flask) -> None:
    from refurb import i18n, security
    from refurb.auth.access import enforce_access
    from refurb.auth.session import init_login
    from refurb.transaction import init_transactions
    from refurb.uploads import init_uploads

    _import_models()
    db.init_app(app)
    init_transactions()
    init_uploads()
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
            event.listen(db.engine, "begin", _sqlite_begin)
    migrate.init_app(app, db, directory=MIGRATIONS, render_as_batch=True)
    csrf.init_app(app)
    i18n.init_i18n(app, babel)
    init_login(app, login_manager)
    security.init_security(app)

    from refurb.api import init_api
    from refurb.auth.api import blp as auth_api
    from refurb.inventory.api import blp as inventory_api
    from refurb.loans.api import blp as loans_api
    from refurb.maintenance.api import blp as maintenance_api
    from refurb.reports.api import blp as reports_api
    from refurb.territory.api import blp as territory_api

    init_api(app, [auth_api, territory_api, inventory_api, loans_api, maintenance_api, reports_api])
    # After the API's token loader, so that API requests are judged by their token.
    app.before_request(enforce_access)


def _sqlite_pragmas(dbapi_connection, _record):
    # SQLAlchemy, not the driver, begins transactions (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(connection):
    """A request that may write takes SQLite's write lock when its transaction begins
    (BEGIN IMMEDIATE), so simultaneous writers wait their turn (busy_timeout) instead of failing
    with "database is locked" half-way; reads begin a plain transaction and run side by side."""
    from flask import g, has_request_context, request

    from refurb.transaction import SAFE_METHODS

    reading = has_request_context() and request.method in SAFE_METHODS
    if reading and g.get("read_holding_the_lock"):  # see transaction.read_again_holding_the_lock
        reading = False
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _register_blueprints(app: Flask) -> None:
    from refurb.auth.admin_views import bp as admin_bp
    from refurb.auth.views import bp as auth_bp
    from refurb.history.views import bp as history_bp
    from refurb.inventory.views import bp as inventory_bp
    from refurb.loans.views import bp as loans_bp
    from refurb.main import bp as main_bp
    from refurb.maintenance.views import bp as maintenance_bp
    from refurb.reports.views import bp as reports_bp

    for blueprint in (
        main_bp,
        auth_bp,
        admin_bp,
        history_bp,
        inventory_bp,
        loans_bp,
        maintenance_bp,
        reports_bp,
    ):
        app.register_blueprint(blueprint)


def _register_commands(app: Flask) -> None:
    from refurb.commands import register

    register(app)


def _register_error_handlers(app: Flask) -> None:
    from refurb.errors import register_error_handlers

    register_error_handlers(app)
