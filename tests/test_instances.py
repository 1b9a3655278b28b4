"""Two instances of refurb on one database serve the same data, uploaded documents included:
nothing one instance needs lives in another's memory or on another's disk."""

import pytest

from refurb import create_app, uploads
from refurb.errors import NotFound
from refurb.extensions import db

PDF = b"%PDF-1.4 signed agreement"


def instance(database_url, tmp_path, name, **settings):
    return create_app(
        {"TESTING": True, "DATABASE_URL": database_url, **settings},
        instance_path=str(tmp_path / name),
    )


def served(app, kind, name) -> bytes:
    with app.test_request_context():
        response = uploads.send(kind, name, "convention.pdf")
        response.direct_passthrough = False
        return response.mimetype, response.get_data()


@pytest.mark.parametrize("storage", ["database", "folder"])
def test_an_upload_through_one_instance_is_served_by_the_other(
    app, database_url, tmp_path, storage
):
    shared = {"UPLOADS_STORAGE": storage, "UPLOADS_PATH": str(tmp_path / "shared-uploads")}
    first = instance(database_url, tmp_path, "first", **shared)
    second = instance(database_url, tmp_path, "second", **shared)
    with first.app_context():
        name = uploads.store("agreements", PDF, "12", ".pdf")
        db.session.commit()
    assert served(second, "agreements", name) == ("application/pdf", PDF)
    with second.app_context():
        uploads.remove("agreements", name)
        db.session.commit()
    with pytest.raises(NotFound, match="plus disponible"):
        served(first, "agreements", name)


def test_a_document_stored_in_a_transaction_that_rolls_back_is_gone(app, database_url, tmp_path):
    only = instance(database_url, tmp_path, "only", UPLOADS_STORAGE="database")
    with only.app_context():
        name = uploads.store("agreements", PDF, "12", ".pdf")
        db.session.rollback()
    with pytest.raises(NotFound, match="plus disponible"):
        served(only, "agreements", name)


def test_an_unknown_storage_is_refused_at_start(tmp_path):
    with pytest.raises(ValueError, match="UPLOADS_STORAGE"):
        instance("sqlite://", tmp_path, "bad", UPLOADS_STORAGE="s3")
