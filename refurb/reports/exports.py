"""The report's tables as files: a CSV per table that French Excel opens right (UTF-8 with a
BOM, `;` between cells, decimal comma, dates as dd/mm/yyyy) and one .xlsx workbook with a sheet
per table (openpyxl), numbers kept as numbers."""

import io
from datetime import date

from flask_babel import format_date
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from refurb.i18n import gettext as _
from refurb.reports.environment import factors
from refurb.reports.tables import Table
from refurb.spreadsheets import BOM, FrenchWriter


def table_csv(table: Table, as_of: date) -> bytes:
    buffer = io.StringIO()
    writer = FrenchWriter(buffer)
    writer.writerow([column.title for column in table.columns])
    for row in table.rows:
        writer.writerow(row)
    return (BOM + buffer.getvalue()).encode("utf-8")


NUMBER_FORMATS = {"int": "#,##0", "decimal": "#,##0.0", "date": "dd/mm/yyyy"}


def workbook(tables: list[Table], as_of: date) -> bytes:
    book = Workbook()
    cover = book.active
    cover.title = _("Rapport")
    cover.append(
        [
            _(
                "Rapport au Conseil départemental — situation au %(day)s",
                day=format_date(as_of, "dd/MM/yyyy"),
            )
        ]
    )
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([_("Facteurs d'émission : %(version)s", version=factors().version)])
    cover.append([factors().citation])
    cover.append([])
    for table in tables:
        cover.append([table.title, table.note])
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        sheet.append([column.title for column in table.columns])
        for header in sheet[1]:
            header.font = Font(bold=True)
        for row in table.rows:
            sheet.append(list(row))
            for value, column, target in zip(row, table.columns, sheet[sheet.max_row], strict=True):
                if column.kind in NUMBER_FORMATS and not isinstance(value, str):
                    whole = isinstance(value, int | float) and float(value).is_integer()
                    target.number_format = "#,##0" if whole else NUMBER_FORMATS[column.kind]
        if table.note:
            sheet.append([])
            sheet.append([table.note])
        for n, column in enumerate(table.columns, start=1):
            longest = max([len(str(row[n - 1] or "")) for row in table.rows] + [len(column.title)])
            sheet.column_dimensions[get_column_letter(n)].width = min(max(12, longest + 2), 60)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
