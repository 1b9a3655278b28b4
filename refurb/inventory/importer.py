"""Bulk intake from a CSV file: every row checked first, then all imported or none.

Accepts comma or semicolon separators (French spreadsheets use ';'), UTF-8 or Windows-1252.
"""

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select

from refurb.errors import DomainError, InvalidInput
from refurb.extensions import db
from refurb.i18n import gettext as _
from refurb.inventory import tags
from refurb.inventory.enums import Category
from refurb.inventory.models import Collection, Device
from refurb.inventory.services.intake import check_device_fields, receive_device

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
MAX_ROWS = 5000


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
            _("Import refusé : %(n)d erreur(s). Aucun appareil n'a été importé.", n=len(errors)),
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


def _category(value: str) -> Category | None:
    wanted = value.strip().lower()
    for category in Category:
        if wanted in (category.value, str(category.label).lower()):
            return category
    return None


def _number(value: str, kind):
    return kind(value.strip().replace(",", ".")) if value.strip() else None


def import_devices(actor, text: str, collection: Collection | None = None) -> list[Device]:
    """Check every row of the CSV, then receive all its devices, or raise ImportRejected."""
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

    collections = {c.reference: c.id for c in db.session.scalars(select(Collection))}
    rows, seen_tags = [], {}
    for line, row in enumerate(reader, start=2):
        if line - 1 > MAX_ROWS:
            errors.append(
                RowError(line, "", _("plus de %(n)d lignes : découpez le fichier", n=MAX_ROWS))
            )
            break
        if not any((v or "").strip() for v in row.values()):
            continue
        values, row_errors = {}, []
        category = _category(row.get("category") or "")
        if category is None:
            row_errors.append(
                RowError(
                    line,
                    "category",
                    _("catégorie inconnue : « %(v)s »", v=row.get("category") or ""),
                )
            )
        values["category"] = category
        for column in ("brand", "model", "serial_number", "accessories", "notes"):
            values[column] = (row.get(column) or "").strip()
        for column, kind in (("year_of_manufacture", int), ("weight_kg", float)):
            try:
                values[column] = _number(row.get(column) or "", kind)
            except ValueError:
                row_errors.append(
                    RowError(line, column, _("nombre attendu : « %(v)s »", v=row[column]))
                )
                continue
            try:
                check_device_fields({column: values[column]})
            except DomainError as refusal:
                row_errors.append(RowError(line, column, refusal.message))
        raw_tag = (row.get("tag") or "").strip()
        if raw_tag:
            try:
                tag = tags.parse_tag(raw_tag)
            except DomainError as refusal:
                row_errors.append(RowError(line, "tag", refusal.message))
            else:
                if tag in seen_tags:
                    row_errors.append(
                        RowError(
                            line, "tag", _("étiquette déjà utilisée ligne %(l)d", l=seen_tags[tag])
                        )
                    )
                elif db.session.scalar(select(Device.id).where(Device.tag == tag)):
                    row_errors.append(RowError(line, "tag", _("étiquette déjà sur un appareil")))
                seen_tags[tag] = line
                values["tag"] = tag
        reference = (row.get("collection") or "").strip()
        if reference:
            if reference not in collections:
                row_errors.append(
                    RowError(line, "collection", _("collecte inconnue : %(r)s", r=reference))
                )
            values["collection_id"] = collections.get(reference)
        elif collection is not None:
            values["collection_id"] = collection.id
        errors.extend(row_errors)
        rows.append((line, values))
    if not rows and not errors:
        errors.append(RowError(2, "", _("le fichier ne contient aucune ligne d'appareil")))
    if errors:
        raise ImportRejected(errors)

    devices = []
    for line, values in rows:
        try:
            devices.append(receive_device(actor, **values))
        except DomainError as refusal:  # e.g. an implausible year: report it like the others
            column = next(iter(refusal.details), "")
            errors.append(RowError(line, column, refusal.message))
    if errors:
        raise ImportRejected(errors)
    return devices
