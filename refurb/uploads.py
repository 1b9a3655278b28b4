"""Uploaded documents (signed loan agreements, partnership agreements), in one place.

A service calls `store()` after its own checks, so a refused request leaves no file; a file
stored in a transaction that then rolls back is removed. Files are recognised by their content
(magic bytes), never by their name, and served with the type found there.

Where they live is the `UPLOADS_STORAGE` setting:
- `folder` (the default): files under `UPLOADS_PATH` (default `instance/uploads`); several
  instances of refurb must then share that folder;
- `database`: rows of `stored_files`, written in the request's own transaction, so every
  instance on the same database reads them, with nothing to share on disk.
"""

import io
import secrets
from datetime import datetime
from pathlib import Path

from flask import current_app, send_file
from sqlalchemy import LargeBinary, String, delete, event, select
from sqlalchemy.orm import Mapped, mapped_column

from refurb.db_types import UTCDateTime, utcnow
from refurb.errors import InvalidInput, NotFound
from refurb.extensions import db
from refurb.i18n import gettext as _

# What each kind of document may be, by content: magic bytes → (suffix, media type).
SIGNATURES = {
    b"%PDF-": (".pdf", "application/pdf"),
    b"\x89PNG\r\n\x1a\n": (".png", "image/png"),
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
}
PDF_ONLY = ("application/pdf",)
PDF_OR_PHOTO = ("application/pdf", "image/png", "image/jpeg")


class StoredFile(db.Model):
    """An uploaded document kept in the database (UPLOADS_STORAGE = "database")."""

    __tablename__ = "stored_files"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _in_database() -> bool:
    return current_app.config.get("UPLOADS_STORAGE") == "database"


def recognise(data: bytes, accepted: tuple[str, ...], field: str) -> tuple[str, str]:
    """(suffix, media type) of `data`, read from its first bytes; refused if not `accepted`."""
    for magic, (suffix, media_type) in SIGNATURES.items():
        if data.startswith(magic) and media_type in accepted:
            return suffix, media_type
    message = (
        _("Ce fichier n'est pas un PDF.")
        if accepted == PDF_ONLY
        else _("Ce fichier n'est ni un PDF ni une photo (JPEG ou PNG).")
    )
    raise InvalidInput("unrecognised_file", message, details={field: "type"})


def _root() -> Path:
    configured = current_app.config.get("UPLOADS_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "uploads"


def path_of(kind: str, name: str) -> Path:
    """Where a stored document is (the name is reduced to its last part: no path escapes)."""
    return _root() / kind / Path(name).name


def store(kind: str, data: bytes, prefix: str, suffix: str) -> str:
    """Write a document under `kind`; returns the stored name. Removed if the request fails."""
    name = f"{prefix}-{secrets.token_hex(8)}{suffix}"
    if _in_database():  # lives or dies with the transaction, like any row
        db.session.add(StoredFile(kind=kind, name=name, data=data))
        return name
    if db.session().get_transaction() is None:
        db.session.begin()  # so that a rollback, even with nothing else written, removes it
    folder = _root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    db.session.info.setdefault("stored_files", []).append(folder / name)
    return name


def remove(kind: str, name: str) -> None:
    """Delete a stored document once the transaction commits (kept if it rolls back)."""
    if name and _in_database():
        db.session.execute(
            delete(StoredFile).where(StoredFile.kind == kind, StoredFile.name == Path(name).name)
        )
    elif name:
        db.session.info.setdefault("removed_files", []).append(path_of(kind, name))


def send(kind: str, name: str, download_name: str):
    """Serve a stored document with the media type its content shows."""
    if _in_database():
        data = db.session.scalar(
            select(StoredFile.data).where(
                StoredFile.kind == kind, StoredFile.name == Path(name or "").name
            )
        )
        if data is None:
            raise NotFound("document_missing", _("Ce document n'est plus disponible."))
        head, content = data[:16], io.BytesIO(data)
    else:
        content = path_of(kind, name)
        if not content.is_file():
            raise NotFound("document_missing", _("Ce document n'est plus disponible."))
        with open(content, "rb") as handle:
            head = handle.read(16)
    media_type = next((t for m, (_s, t) in SIGNATURES.items() if head.startswith(m)), None)
    return send_file(
        content, mimetype=media_type or "application/octet-stream", download_name=download_name
    )


def _kept(session) -> None:
    session.info.pop("stored_files", None)
    for path in session.info.pop("removed_files", []):
        path.unlink(missing_ok=True)


def _discarded(session, *_args) -> None:
    for path in session.info.pop("stored_files", []):
        path.unlink(missing_ok=True)
    session.info.pop("removed_files", None)


def init_uploads() -> None:
    """Files stored in a transaction live or die with it."""
    if not event.contains(db.session, "after_commit", _kept):
        event.listen(db.session, "after_commit", _kept)
        event.listen(db.session, "after_soft_rollback", _discarded)
