"""CSV written for spreadsheets: a cell that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is written with a leading apostrophe, so a brand or a
model typed as `=HYPERLINK(…)` stays text in the coordinator's Excel or LibreOffice."""

import csv

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
