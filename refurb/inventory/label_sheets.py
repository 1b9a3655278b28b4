"""Label sheets: a QR code (vector) of the tag's URL with the tag in clear under it.

`render_labels(labels, template, start)` is a pure function returning PDF bytes. Templates
give the page size and the grid of cells; `cells()` is what the tests check the drawing
against. QR codes use error correction M and a fixed mask pattern: choosing the best of the
eight masks is a readability refinement that costs 6× the time (5 s for 1,000 labels), and
the tests decode every label of every template with an independent decoder.
"""

import io
from dataclasses import dataclass

import pikepdf
import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

import refurb.pdf_layout  # noqa: F401 - its PDF settings (no ASCII85) apply to labels too

MASK_PATTERN = 2
QUIET_ZONE = 4  # modules of white around the code, inside the label (ISO/IEC 18004)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    page_size: tuple[float, float]  # points
    columns: int
    rows: int
    label_width: float  # mm
    label_height: float
    left: float  # mm, to the first cell
    top: float
    pitch_x: float  # mm between cell origins
    pitch_y: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cells(self) -> list[tuple[float, float, float, float]]:
        """(x, y, width, height) in points of every cell, reading order, y from the bottom."""
        _, page_height = self.page_size
        return [
            (
                (self.left + c * self.pitch_x) * mm,
                page_height - (self.top + r * self.pitch_y + self.label_height) * mm,
                self.label_width * mm,
                self.label_height * mm,
            )
            for r in range(self.rows)
            for c in range(self.columns)
        ]


TEMPLATES = {
    t.key: t
    for t in (
        Template(
            "avery-l7160",
            "Avery L7160 — 21 étiquettes 63,5 × 38,1 mm (A4)",
            A4,
            3,
            7,
            63.5,
            38.1,
            7.25,
            15.15,
            66.0,
            38.1,
        ),
        Template(
            "avery-l7651",
            "Avery L7651 — 65 étiquettes 38,1 × 21,2 mm (A4)",
            A4,
            5,
            13,
            38.1,
            21.2,
            4.75,
            10.7,
            40.6,
            21.2,
        ),
        Template(
            "brother-62x29",
            "Brother QL — 62 × 29 mm, une étiquette par page",
            (62 * mm, 29 * mm),
            1,
            1,
            62,
            29,
            0,
            0,
            62,
            29,
        ),
    )
}


@dataclass(frozen=True)
class Label:
    tag: str
    url: str
    line: str = ""  # category and model, optional


def qr_matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=0, mask_pattern=MASK_PATTERN
    )
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def rectangles(matrix: list[list[bool]]) -> list[tuple[int, int, int, int]]:
    """Dark modules as (column, row from the top, width, height) rectangles: horizontal runs,
    each merged with the same run in the rows below it."""
    open_runs: dict[tuple[int, int], int] = {}  # (column, width) → first row
    found = []
    for row_index, row in enumerate(matrix):
        current = {}
        start = None
        for column, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                run = (start, column - start)
                current[run] = open_runs.pop(run, row_index)
                start = None
        found += [(c, top, w, row_index - top) for (c, w), top in open_runs.items()]
        open_runs = current
    found += [(c, top, w, len(matrix) - top) for (c, w), top in open_runs.items()]
    return found


def draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """Dark modules as one filled vector path of rectangles, written in module units under a
    single transform: formatting ~300 rectangles per code through reportlab's path API costs
    more than everything else on the sheet."""
    count = len(matrix)
    module = size / count
    ops = [f"{c} {count - top - h} {w} {h} re" for c, top, w, h in rectangles(matrix)]
    canvas.addLiteral(
        f"q 0 g {module:.4f} 0 0 {module:.4f} {x:.3f} {y:.3f} cm\n" + "\n".join(ops) + "\nf Q"
    )


def _lines(canvas: Canvas, text: str, font: str, size: float, width: float, most: int) -> list[str]:
    """Words wrapped to `width`, at most `most` lines; the last one shortened with '…'."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and canvas.stringWidth(candidate, font, size) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] += " …"
    for index, line in enumerate(lines):
        while canvas.stringWidth(line, font, size) > width and len(line) > 1:
            line = line[:-2] + "…"
        lines[index] = line
    return lines


@dataclass(frozen=True)
class TypeScale:
    """Sizes in points for one template, whatever the texts: the tag, the programme's name
    (the title) and the device's line under it, never larger than the title."""

    tag: float
    title: float
    line: float


def type_scale(template: Template) -> TypeScale:
    tag = max(5.5, min(9.0, template.label_height * mm * 0.11))
    return TypeScale(tag, round(tag * 0.85, 2), round(tag * 0.75, 2))


def _pad(height: float) -> float:
    return min(1.5 * mm, height * 0.05)


def code_box(width: float, height: float, scale: TypeScale) -> float:
    """The side in points of the square holding the code and its quiet zone, on a label of
    that size, above the tag line."""
    return min(height - 2 * _pad(height) - scale.tag * 1.1, width * 0.6)


def draw_label(
    canvas: Canvas,
    label: Label,
    cell: tuple[float, float, float, float],
    programme: str,
    scale: TypeScale,
) -> None:
    x, y, width, height = cell
    pad = _pad(height)
    matrix = qr_matrix(label.url)
    box = code_box(width, height, scale)
    module = box / (len(matrix) + 2 * QUIET_ZONE)
    box_x, box_y = x + pad, y + height - pad - box
    code = len(matrix) * module
    draw_qr(canvas, matrix, box_x + QUIET_ZONE * module, box_y + QUIET_ZONE * module, code)
    size = scale.tag  # the tag is printed whole: smaller only if a long prefix needs it
    while canvas.stringWidth(label.tag, "Courier-Bold", size) > box and size > 4:
        size -= 0.25
    canvas.setFont("Courier-Bold", size)
    canvas.drawCentredString(box_x + box / 2, box_y - size * 0.9, label.tag)
    text_x = box_x + box
    text_width = x + width - pad - text_x
    if text_width < 8 * mm:
        return
    cursor = y + height - pad
    bottom = y + pad
    for text, font, size in (
        (programme, "Helvetica-Bold", scale.title),
        (label.line, "Helvetica", scale.line),
    ):
        room = int((cursor - bottom) // (size * 1.2))
        for line in _lines(canvas, text, font, size, text_width, max(room, 0)):
            cursor -= size * 1.2
            canvas.setFont(font, size)
            canvas.drawString(text_x, cursor, line)


def render_labels(
    labels: list[Label],
    template: Template,
    start: int = 0,
    programme: str = "Gers Numérique — réemploi",
) -> bytes:
    """Labels laid out on the template's sheets, skipping `start` cells of a used first sheet."""
    if not 0 <= start < template.per_page:
        raise ValueError("start must be a position on the sheet")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=template.page_size, pageCompression=1)
    canvas.setTitle(f"Étiquettes refurb — {template.name}")
    canvas.setAuthor("refurb — Gers Numérique")
    cells = template.cells()
    scale = type_scale(template)
    position = start
    for label in labels:
        if position == template.per_page:
            canvas.showPage()
            position = 0
        draw_label(canvas, label, cells[position], programme, scale)
        position += 1
    canvas.showPage()
    canvas.save()
    return _packed(buffer.getvalue())


def _packed(pdf: bytes) -> bytes:
    """The PDF with its objects packed into compressed object streams (PDF 1.5, written by
    qpdf through pikepdf). A roll prints one label per page, and reportlab writes each page's
    dictionary in clear: on 1,000 Brother labels that is a quarter of the file."""
    packed = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.save(packed, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return packed.getvalue()
