"""Label sheets decoded with an independent decoder (pdftoppm + zbarimg), cell by cell, for
every template: each cell gives back exactly its tag's URL, and nothing is drawn outside."""

import subprocess

import pytest
from PIL import Image

from refurb.inventory.label_sheets import (
    QUIET_ZONE,
    TEMPLATES,
    Label,
    code_box,
    qr_matrix,
    render_labels,
    type_scale,
)
from refurb.inventory.tags import format_tag
from tests.conftest import pdf_text, require_tool

DPI = 300
LONG_LINE = "Ordinateur portable · Hewlett-Packard EliteBook 840 G5 Healthcare Edition avec station"
# A long public address, as a département's might be.
PUBLIC_URL = "HTTPS://REEMPLOI.GERS-NUMERIQUE.FR"


def labels(n: int, line: str = LONG_LINE) -> list[Label]:
    return [
        Label(
            tag := format_tag(f"{i:06d}"[-6:].replace("0", "Q"), "GN"),
            f"{PUBLIC_URL}/T/{tag}",
            line,
        )
        for i in range(n)
    ]


def first_page(pdf: bytes, folder) -> Image.Image:
    return Image.open(first_page_png(pdf, folder)).convert("L")


def first_page_png(pdf: bytes, folder):
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    (folder / "sheet.pdf").write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            str(folder / "sheet.pdf"),
            str(folder / "page"),
        ],
        check=True,
        capture_output=True,
    )
    (page,) = folder.glob("page-*.png")
    return page


def pixel_box(cell, page_height_px):
    x, y, w, h = (v * DPI / 72 for v in cell)
    return int(x), int(page_height_px - y - h), int(x + w), int(page_height_px - y)


def decode(image: Image.Image, folder) -> str:
    zbarimg = require_tool("zbarimg", "zbar-tools")
    path = folder / "cell.png"
    image.save(path)
    result = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(path)], capture_output=True, text=True
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    "key, start",
    [
        ("avery-l7160", 0),
        ("avery-l7160", 4),
        ("avery-l7651", 0),
        ("avery-l7651", 7),
        ("brother-62x29", 0),
    ],
)
def test_each_cell_decodes_to_its_url_and_nothing_leaves_the_cells(tmp_path, key, start):
    template = TEMPLATES[key]
    sheet = labels(template.per_page - start)
    page = first_page(render_labels(sheet, template, start), tmp_path)
    cells = template.cells()
    blank = page.copy()
    for position, cell in enumerate(cells):
        box = pixel_box(cell, page.size[1])
        found = decode(page.crop(box), tmp_path)
        expected = sheet[position - start].url if position >= start else ""
        assert found == expected, (key, position)
        blank.paste(255, box)
    assert blank.getextrema()[0] > 200, "something is drawn outside the label cells"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_a_whole_printed_sheet_decodes_fully_at_300_dpi(tmp_path, key):
    # A decoder reading the whole sheet, as a phone or a scanner would, not one cell at a
    # time: the 4-module quiet zone keeps each code apart from its neighbours and its text.
    zbarimg = require_tool("zbarimg", "zbar-tools")
    template = TEMPLATES[key]
    sheet = labels(template.per_page)
    page = first_page_png(render_labels(sheet, template), tmp_path)
    found = subprocess.run(
        [zbarimg, "--quiet", "--raw", str(page)], capture_output=True, text=True
    ).stdout.split()
    assert sorted(found) == sorted(label.url for label in sheet)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_modules_are_at_least_0_4_mm_with_a_4_module_quiet_zone(key):
    template = TEMPLATES[key]
    url = labels(1)[0].url
    box = code_box(
        template.label_width * 72 / 25.4, template.label_height * 72 / 25.4, type_scale(template)
    )
    module_mm = box / (len(qr_matrix(url)) + 2 * QUIET_ZONE) * 25.4 / 72
    assert QUIET_ZONE == 4 and module_mm >= 0.4, module_mm


def test_an_upper_case_url_takes_a_smaller_code():
    tag = format_tag("4K7PQ2", "GN")
    upper = len(qr_matrix(f"{PUBLIC_URL}/T/{tag}"))
    mixed = len(qr_matrix(f"{PUBLIC_URL.lower()}/t/{tag}"))
    assert upper < mixed


def word_heights(pdf: bytes, words: set[str]) -> dict[str, set[float]]:
    """The height of each of these words wherever pdftotext finds them, in points."""
    import re

    pdftotext = require_tool("pdftotext", "poppler-utils")
    html = subprocess.run(
        [pdftotext, "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    heights: dict[str, set[float]] = {}
    for y_min, y_max, word in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', html
    ):
        if word in words:
            heights.setdefault(word, set()).add(round(float(y_max) - float(y_min), 1))
    return heights


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_one_type_scale_whatever_the_length_of_the_line(key):
    # A short line is not printed larger than the title, nor a long one smaller than a short.
    template = TEMPLATES[key]
    short = labels(1, "Tablette")
    long = labels(1, "Tablette " + LONG_LINE)
    pdf_short = render_labels(short, template)
    pdf_long = render_labels(long, template)
    short_h = word_heights(pdf_short, {"Tablette", "Gers"})
    long_h = word_heights(pdf_long, {"Tablette", "Gers"})
    assert short_h["Tablette"] == long_h["Tablette"]
    assert short_h["Gers"] == long_h["Gers"]
    assert max(short_h["Tablette"]) <= min(short_h["Gers"])


def test_a_sheet_overflows_onto_a_second_page():
    template = TEMPLATES["avery-l7160"]
    sheet = labels(template.per_page + 4)
    pages = pdf_text(render_labels(sheet, template), layout=False).split("\f")[:-1]
    assert len(pages) == 2
    tags = [label.tag for label in sheet]
    assert [tag for tag in tags if tag in pages[0]] == tags[: template.per_page]
    assert [tag for tag in tags if tag in pages[1]] == tags[template.per_page :]


def test_the_tag_is_printed_in_clear_under_the_code(tmp_path):
    pdftotext = require_tool("pdftotext", "poppler-utils")
    pdf = render_labels(labels(3), TEMPLATES["avery-l7160"])
    text = subprocess.run(
        [pdftotext, "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for label in labels(3):
        assert label.tag in text


def test_a_start_position_off_the_sheet_is_refused():
    with pytest.raises(ValueError):
        render_labels(labels(1), TEMPLATES["avery-l7160"], start=21)


def test_cells_match_the_avery_and_brother_formats():
    mm = 72 / 25.4
    l7160, l7651, ql = (TEMPLATES[k] for k in ("avery-l7160", "avery-l7651", "brother-62x29"))
    assert l7160.per_page == 21 and l7651.per_page == 65 and ql.per_page == 1
    assert round(l7160.cells()[0][2] / mm, 1) == 63.5 and round(l7160.cells()[0][3] / mm, 1) == 38.1
    assert round(l7651.cells()[0][2] / mm, 1) == 38.1 and round(l7651.cells()[0][3] / mm, 1) == 21.2
    for template in (l7160, l7651):
        width, height = template.page_size
        for x, y, w, h in template.cells():
            assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
    assert ql.page_size == pytest.approx((62 * mm, 29 * mm))


def test_the_code_is_drawn_as_rectangles_covering_exactly_its_dark_modules():
    from refurb.inventory.label_sheets import qr_matrix, rectangles

    matrix = qr_matrix("https://refurb.gers-numerique.fr/t/GN-7HQ2MX3")
    covered = {}
    for column, top, width, height in rectangles(matrix):
        for row in range(top, top + height):
            for col in range(column, column + width):
                covered[(row, col)] = covered.get((row, col), 0) + 1
    dark = {(r, c) for r, line in enumerate(matrix) for c, on in enumerate(line) if on}
    assert set(covered) == dark and set(covered.values()) == {1}  # each once, nothing else
    runs = sum(
        1 for line in matrix for c, on in enumerate(line) if on and (c == 0 or not line[c - 1])
    )
    assert len(rectangles(matrix)) < runs  # runs repeated in the rows below are merged
