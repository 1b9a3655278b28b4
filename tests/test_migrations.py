"""The committed migrations build exactly the schema the models describe."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from refurb.extensions import db


def _declared_differently(context, inspected_column, metadata_column, inspected, described):
    """Types compared as the database declares them (`VARCHAR(16)`, `TIMESTAMP WITH TIME
    ZONE`), not by the rules a given Alembic release uses to guess what counts as a change."""
    return inspected.compile(context.dialect) != described.compile(context.dialect)


def test_migrated_schema_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": _declared_differently,
                # SQLite's FTS5 index (migration 0010) has no model
                "include_name": lambda name, type_, _: (
                    not (type_ == "table" and name.startswith("device_search"))
                ),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrading_a_database_in_use_keeps_its_rows(tmp_path):
    """A table rebuilt by a migration on SQLite (batch mode) while other tables point to it:
    the upgrade from the previous revision succeeds and every row still points somewhere."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from refurb import MIGRATIONS as DIRECTORY
    from refurb import create_app

    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"},
        instance_path=str(tmp_path),
    )
    with app.app_context():
        upgrade(directory=DIRECTORY, revision="0008_indicator_targets")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO devices (id, tag, category, brand, model, state, state_changed_at,"
                    " cycle_started_at, created_at, version, has_free_software, has_dys_software,"
                    " simplified, storage_absent, accessories, notes) VALUES (1, 'GN-TEST', "
                    "'laptop', '', '', 'diagnosis', '2026-01-01', '2026-01-01', '2026-01-01', 1,"
                    " 0, 0, 0, 0, '', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO storage_media (id, device_id, kind, serial, model, is_removed,"
                    " created_at) VALUES (1, 1, 'ssd', 'S1', '', 0, '2026-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO erasures (device_id, medium_id, medium_serial, method, tool,"
                    " verified, verification_note, performed_at, certificate_number) VALUES"
                    " (1, 1, 'S1', 'purge', 'nwipe', 1, '', '2026-01-01', 'CE-2026-00001')"
                )
            )
        upgrade(directory=DIRECTORY)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT source FROM storage_media")).scalar() == "manual"
            assert connection.execute(text("SELECT count(*) FROM erasures")).scalar() == 1


def test_tags_get_their_new_check_symbol_and_keep_their_payload(app):
    """Migration 0012 on the suite's database (SQLite or PostgreSQL): a device's tag, a
    pre-printed tag and an event's tag written with the old mod-37 symbol come out with the
    32-symbol check; what is not a tag of the old format is left as it was."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from refurb import MIGRATIONS as DIRECTORY
    from refurb.inventory.tags import format_tag, parse_tag

    old, new = "GN-4K7PQR*", format_tag("4K7PQR", "GN")  # 4K7PQR mod 37 is 32: '*'
    with app.app_context():
        downgrade(directory=DIRECTORY, revision="0011_stored_files")
        try:
            with db.engine.begin() as connection:
                for id_, tag in ((1, old), (2, "GN-TEST")):
                    connection.execute(
                        text(
                            "INSERT INTO devices (id, tag, category, brand, model, state,"
                            " state_changed_at, cycle_started_at, created_at, version,"
                            " has_free_software, has_dys_software, simplified, storage_absent,"
                            " accessories, notes) VALUES (:id, :tag, 'laptop', '', '', 'received',"
                            " '2026-01-01', '2026-01-01', '2026-01-01', 1, false, false, false,"
                            " false, '', '')"
                        ),
                        {"id": id_, "tag": tag},
                    )
                connection.execute(
                    text(
                        "INSERT INTO issued_tags (tag, batch, issued_at)"
                        " VALUES ('GN-4K7PQWU', 'ETQ-2026-001', '2026-01-01')"
                    )
                )
                for id_, details in (
                    (1, '{"tag": "GN-4K7PQR*", "collection_id": null}'),
                    (2, '{"device": "GN-4K7PQR*", "loan": "PRET-2026-0001"}'),
                    (3, '{"tags": ["GN-4K7PQR*", "GN-TEST"], "site": 4}'),
                ):
                    connection.execute(
                        text(
                            "INSERT INTO events (id, subject_type, subject_id, action,"
                            " occurred_at, details) VALUES (:id, 'device', 1, 'device.received',"
                            " '2026-01-01', :d)"
                        ),
                        {"id": id_, "d": details},
                    )
        finally:
            upgrade(directory=DIRECTORY)
        with db.engine.connect() as connection:
            tags = connection.execute(text("SELECT tag FROM devices ORDER BY id")).scalars()
            assert list(tags) == [new, "GN-TEST"]
            (issued,) = connection.execute(text("SELECT tag FROM issued_tags")).scalars()
            found = connection.execute(text("SELECT details FROM events ORDER BY id")).scalars()
            found = [json.loads(d) if isinstance(d, str) else d for d in found]
    assert parse_tag(issued, "GN") == issued == format_tag("4K7PQW", "GN")  # mod 37: 36, U
    assert found == [
        {"tag": new, "collection_id": None},
        {"device": new, "loan": "PRET-2026-0001"},
        {"tags": [new, "GN-TEST"], "site": 4},
    ]
