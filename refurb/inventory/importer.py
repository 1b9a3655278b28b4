"""Bulk intake from a CSV file: every row checked first, then all imported or none.

Accepts comma or semicolon separators (French spreadsheets use ';'), UTF-8 or Windows-1252.
"""

import csv
import io
import unicodedata
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from refurb.bounds import InvalidFields, check_fields
from refurb.db_types import utcnow
from refurb.errors import DomainError, InvalidInput
from refurb.extensions import db
from refurb.history.models import Event
from refurb.i18n import gettext as _
from refurb.i18n import ngettext
from refurb.inventory import tags
from refurb.inventory.enums import Category, State
from refurb.inventory.models import Collection, Device
from refurb.inventory.services.intake import new_tags, normalise_serial, tags_taken
from refurb.sql import BATCH, in_batches, insert_rows

COLUMNS = (
    "category",
    "brand",
    "model",
    "serial_number",
    "year_of_manufacture",
    "weight_kg",
    "accessories",
    "tag",
    "collection",
    "notes",
)
REQUIRED = ("category",)
TEXT_COLUMNS = ("brand", "model", "serial_number", "accessories", "notes")


@dataclass
class RowError:
    line: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


class ImportRejected(InvalidInput):
    def __init__(self, errors: list[RowError]):
        super().__init__(
            "import_rejected",
            ngettext(
                "Import refusé : %(num)d erreur. Aucun appareil n'a été importé.",
                "Import refusé : %(num)d erreurs. Aucun appareil n'a été importé.",
                len(errors),
            ),
            details={"rows": [e.as_dict() for e in errors]},
        )
        self.errors = errors


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("csv_encoding", _("Encodage du fichier non reconnu (utilisez UTF-8)."))


def _plain(text: str) -> str:
    """Lower case, without accents or extra spaces: how a typed category is compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# The words people write in a spreadsheet for each category, besides its code and its label.
CATEGORY_WORDS = {
    Category.LAPTOP: ("portable", "pc portable", "ordinateur portable", "notebook"),
    Category.DESKTOP: ("fixe", "pc fixe", "ordinateur fixe", "tour", "unite centrale"),
    Category.TABLET: ("tablette",),
    Category.SMARTPHONE: ("telephone", "mobile", "telephone mobile", "smartphone"),
    Category.SCREEN: ("ecran", "moniteur"),
    Category.PRINTER: ("imprimante",),
    Category.PERIPHERAL: ("peripherique",),
    Category.OTHER: ("autre",),
}


def _category(value: str) -> Category | None:
    wanted = _plain(value)
    for category in Category:
        if wanted in (category.value, _plain(str(category.label)), *CATEGORY_WORDS[category]):
            return category
    return None


@dataclass(frozen=True)
class SerialWarning:
    """A serial number met twice: not refused (a donor may re-donate, a maker repeat serials),
    but said, as intake says it."""

    line: int
    serial: str
    also: str  # "ligne 3" or the tag of the device already carrying it

    def sentence(self) -> str:
        return _("ligne %(l)d : %(s)s, déjà %(a)s", l=self.line, s=self.serial, a=self.also)


def serial_warnings(rows: list[tuple[int, dict]]) -> list[SerialWarning]:
    """Serials repeated within the file or already on a device (batched lookups)."""
    first: dict[str, int] = {}
    found = []
    for line, values in rows:
        serial = values.get("serial_number")
        if not serial:
            continue
        if serial in first:
            found.append(SerialWarning(line, serial, _("ligne %(l)d", l=first[serial])))
        else:
            first[serial] = line
    carried: dict[str, str] = {}
    for batch in in_batches(sorted(first)):
        carried.update(
            db.session.execute(
                select(Device.serial_number, Device.tag).where(Device.serial_number.in_(batch))
            ).all()
        )
    found += [
        SerialWarning(line, serial, _("sur %(t)s", t=carried[serial]))
        for serial, line in first.items()
        if serial in carried
    ]
    return sorted(found, key=lambda w: w.line)


def _number(value: str, kind):
    return kind(value.strip().replace(",", ".")) if value.strip() else None


def _check_row(line: int, row: dict, collections: dict, collection, seen_tags: dict):
    """(values, errors) of one CSV row, every problem of the row reported."""
    values, errors = {}, []
    category = _category(row.get("category") or "")
    if category is None:
        errors.append(
            RowError(
                line, "category", _("catégorie inconnue : « %(v)s »", v=row.get("category") or "")
            )
        )
    values["category"] = category
    for column in TEXT_COLUMNS:
        values[column] = (row.get(column) or "").strip()
    values["serial_number"] = normalise_serial(values["serial_number"])
    for column, kind in (("year_of_manufacture", int), ("weight_kg", float)):
        try:
            values[column] = _number(row.get(column) or "", kind)
        except ValueError:
            errors.append(RowError(line, column, _("nombre attendu : « %(v)s »", v=row[column])))
            values[column] = None
    try:
        check_fields(Device, {k: v for k, v in values.items() if k != "category"})
    except InvalidFields as refusal:
        errors.extend(RowError(line, column, reason) for column, reason in refusal.messages.items())
    raw_tag = (row.get("tag") or "").strip()
    if raw_tag:
        try:
            tag = tags.parse_tag(raw_tag)
        except DomainError as refusal:
            errors.append(RowError(line, "tag", refusal.message))
        else:
            if tag in seen_tags:
                errors.append(
                    RowError(
                        line, "tag", _("étiquette déjà utilisée ligne %(l)d", l=seen_tags[tag])
                    )
                )
            seen_tags.setdefault(tag, line)
            values["tag"] = tag
    reference = (row.get("collection") or "").strip()
    values["collection_id"] = collection.id if collection is not None else None
    if reference:
        if reference not in collections:
            errors.append(RowError(line, "collection", _("collecte inconnue : %(r)s", r=reference)))
        values["collection_id"] = collections.get(reference)
    return values, errors


@dataclass(frozen=True)
class Progress:
    """Where a long import stands: rows checked, then rows written, out of `rows`."""

    rows: int
    checked: int
    written: int = 0


def import_devices(
    actor, text: str, collection: Collection | None = None, warnings: list | None = None
) -> list[int]:
    """Check every row of the CSV, then receive all its devices (ids in file order), or raise
    ImportRejected with every bad row. Repeated serials are added to `warnings`."""
    steps = import_steps(actor, text, collection, warnings)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value


def import_steps(
    actor, text: str, collection: Collection | None = None, warnings: list | None = None
):
    """import_devices, yielding its Progress every BATCH rows (a page shows it as it goes),
    returning the new ids. Set-based: a few queries whatever the number of rows."""
    limit = current_app.config["IMPORT_MAX_ROWS"]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    errors: list[RowError] = []
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing or unknown:
        for column in missing:
            errors.append(RowError(1, column, _("colonne obligatoire absente")))
        for column in unknown:
            errors.append(
                RowError(
                    1,
                    column,
                    _("colonne inconnue (colonnes possibles : %(c)s)", c=", ".join(COLUMNS)),
                )
            )
        raise ImportRejected(errors)

    collections = dict(db.session.execute(select(Collection.reference, Collection.id)).all())
    rows, seen_tags = [], {}
    lines = max(text.count("\n") - 1, 1)  # data lines, for the progress shown
    for line, row in enumerate(reader, start=2):
        if (line - 1) % BATCH == 0:
            yield Progress(max(lines, line - 1), line - 1)
        if line - 1 > limit:
            errors.append(
                RowError(line, "", _("plus de %(n)d lignes : découpez le fichier", n=limit))
            )
            break
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        values, row_errors = _check_row(line, row, collections, collection, seen_tags)
        errors.extend(row_errors)
        rows.append((line, values))
    for tag in sorted(tags_taken(set(seen_tags)), key=seen_tags.get):
        errors.append(RowError(seen_tags[tag], "tag", _("étiquette déjà sur un appareil")))
    if not rows and not errors:
        errors.append(RowError(2, "", _("le fichier ne contient aucune ligne d'appareil")))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.line))
    if warnings is not None:
        warnings.extend(serial_warnings(rows))
    return (yield from _write(actor, [values for _line, values in rows], set(seen_tags)))


def _write(actor, rows: list[dict], typed: set[str]):
    """Insert the checked rows and their `device.received` events, in batches; yields the
    Progress after each batch, returns the new ids."""
    fresh = iter(new_tags(sum(1 for r in rows if not r.get("tag")), typed))
    now, actor_id = utcnow(), getattr(actor, "id", None)
    for values in rows:
        values["tag"] = values.get("tag") or next(fresh)
        values.update(
            state=State.RECEIVED,
            created_by_id=actor_id,
            created_at=now,
            state_changed_at=now,
            cycle_started_at=now,
        )
    ids: list[int] = []
    for batch in in_batches(rows):
        insert_rows(Device.__table__, batch)
        batch_tags = [values["tag"] for values in batch]
        found = dict(
            db.session.execute(
                select(Device.tag, Device.id).where(Device.tag.in_(batch_tags))
            ).all()
        )
        ids += [found[tag] for tag in batch_tags]
        yield Progress(len(rows), len(rows), len(ids))
    events = [
        {
            "subject_type": "device",
            "subject_id": device_id,
            "action": "device.received",
            "actor_id": actor_id,
            "to_state": State.RECEIVED.value,
            "details": {"tag": values["tag"], "collection_id": values["collection_id"]},
            "occurred_at": now,
        }
        for device_id, values in zip(ids, rows, strict=True)
    ]
    for batch in in_batches(events):
        insert_rows(Event.__table__, batch)
    return ids
