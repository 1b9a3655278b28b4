"""CSV written for spreadsheets: a cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is written with a leading apostrophe, so a brand or a
model typed as `=HYPERLINK(…)` stays text in the coordinator's Excel or LibreOffice.

`FrenchWriter` writes the CSV that French Excel opens right (DESIGN §8): after the BOM, `;`
between cells, decimal comma, dates as dd/mm/yyyy, text made inert. `SafeWriter` keeps a
standard's own conventions (the ORDS export) and only makes text inert."""

import csv
from datetime import date, datetime

from refurb.i18n import local

BOM = "\ufeff"  # UTF-8 with a BOM: Excel reads the accents right

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every text cell is made inert."""

    def __init__(self, buffer, **options):
        self._writer = csv.writer(buffer, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([cell(value) for value in row])


def french_cell(value) -> str:
    """A value as French Excel reads it: 0,91 and 31/03/2026, text inert, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell(value)
    if isinstance(value, datetime):
        return local(value).strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    return str(value)


class FrenchWriter:
    """csv.writer for French Excel: `;`, CRLF, every cell through french_cell (the caller
    writes BOM first)."""

    def __init__(self, buffer):
        self._writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def writerow(self, row) -> None:
        self._writer.writerow([french_cell(value) for value in row])
