"""Shared PDF frame (reportlab): A4 pages with the programme's header and page numbers.

Documents are pure functions returning bytes; they are tested on their text and looked at.
"""

import io
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from refurb.db_types import today
from refurb.i18n import NARROW_NO_BREAK_SPACE, french_spacing

# Every PDF of refurb is sent over HTTP or written to a file, both binary-safe: streams are
# left compressed as they are instead of ASCII85-encoded (which adds a quarter to each).
rl_config.useA85 = 0

PROGRAMME = "Gers Numérique — filière de reconditionnement du Gers"
BRAND = colors.HexColor("#1d5b3a")

_styles = getSampleStyleSheet()
TITLE = ParagraphStyle(
    "refurb-title",
    parent=_styles["Title"],
    fontSize=17,
    leading=21,
    textColor=BRAND,
    spaceAfter=4 * mm,
    alignment=0,
)
BODY = ParagraphStyle("refurb-body", parent=_styles["BodyText"], fontSize=10, leading=13.5)
SMALL = ParagraphStyle(
    "refurb-small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#4a5560")
)
CELL = ParagraphStyle("refurb-cell", parent=BODY, fontSize=8.5, leading=10.5)
HEAD = ParagraphStyle("refurb-head", parent=CELL, fontName="Helvetica-Bold")
COMPACT_CELL = ParagraphStyle("refurb-compact-cell", parent=CELL, fontSize=7, leading=8.5)
COMPACT_HEAD = ParagraphStyle(
    "refurb-compact-head", parent=COMPACT_CELL, fontName="Helvetica-Bold", fontSize=6.5
)
RIGHT = ParagraphStyle("refurb-right", parent=BODY, alignment=TA_RIGHT)


def text(value) -> str:
    """Escape a value for a Paragraph, French spacing held by no-break spaces (the documents are
    French; reportlab would break a line at a narrow no-break space, never at U+00A0)."""
    spaced = french_spacing("" if value is None else str(value))
    return escape(spaced.replace(NARROW_NO_BREAK_SPACE, "\xa0"))


def para(value, style=BODY) -> Paragraph:
    return Paragraph(text(value), style)


def facts(rows: Sequence[tuple[str, object]]) -> Table:
    """A two-column table of labels and values."""
    table = Table(
        [[Paragraph(f"<b>{text(k)}</b>", CELL), para(v, CELL)] for k, v in rows],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)])
    )
    return KeepTogether([table])


def grid(
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    compact: bool = False,
    listing: bool = False,
    heading: Paragraph | None = None,
) -> Flowable:
    """A ruled table whose header repeats on every page, kept with its `heading` when it fits
    (`compact`: smaller type, for many columns; `listing`: a list of devices, with tighter rows
    so that some 25 fit on a page with the rest, which goes on from page to page instead of
    leaving the first one half empty)."""
    head, cell = (COMPACT_HEAD, COMPACT_CELL) if compact else (HEAD, CELL)
    data = [[para(h, head) for h in header]] + [[para(c, cell) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8efe9")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5a0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *(
                    [("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
                    if compact
                    else []
                ),
                *(
                    [("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
                    if listing
                    else []
                ),
            ]
        )
    )
    if listing and heading is None:
        return table
    return KeepTogether([heading, table] if heading is not None else [table])


def signature_block(left: str, right: str, *, closing: Sequence = ()) -> KeepTogether:
    """Two signature boxes, never split across pages and kept on the page of `closing` (the
    text they sign, which precedes them): never alone at the top of a page."""
    table = Table(
        [[para(left, SMALL), para(right, SMALL)], ["", ""]],
        colWidths=[85 * mm, 85 * mm],
        rowHeights=[None, 22 * mm],
    )
    table.setStyle(
        TableStyle(
            [("BOX", (0, 1), (0, 1), 0.4, colors.grey), ("BOX", (1, 1), (1, 1), 0.4, colors.grey)]
        )
    )
    return KeepTogether([*closing, table])


def render(title: str, reference: str, story: list, *, issued_on: date | None = None) -> bytes:
    """Lay out a document on A4 pages with header, reference and page numbers."""
    buffer = io.BytesIO()
    issued = (issued_on or today()).strftime("%d/%m/%Y")

    def frame(canvas, document):
        canvas.saveState()
        canvas.setFillColor(BRAND)
        canvas.setFont("Helvetica-Bold", 9)
        canvas.drawString(20 * mm, 287 * mm, PROGRAMME)
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#4a5560"))
        canvas.drawRightString(190 * mm, 287 * mm, f"{reference} — émis le {issued}")
        canvas.drawRightString(190 * mm, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="refurb — Gers Numérique",
        subject=reference,
    )
    document.build([Paragraph(text(title), TITLE), *story], onFirstPage=frame, onLaterPages=frame)
    return buffer.getvalue()


SPACE = Spacer(1, 5 * mm)
