"""The report to the Conseil Départemental as a PDF (DESIGN §8), in French: a cover with the
date, the indicators with their status, the charts, loans, maintenance, territory, environment,
then the definition of every figure and the source of every factor. Black, greys and words
only, so it reads printed in black and white."""

from flask_babel import format_date
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from refurb.i18n import gettext as _
from refurb.pdf_layout import BODY, HEAD, SMALL, TITLE, grid, para, render, text
from refurb.reports import charts
from refurb.reports.environment import factors
from refurb.reports.summary import Summary
from refurb.reports.tables import Table, shown, tables
from refurb.reports.targets import DEFINITIONS, MEANINGS

FULL_WIDTH = 170  # mm
# A section's title stays on the page of what it heads.
SECTION = ParagraphStyle("report-section", parent=HEAD, fontSize=10, leading=13, keepWithNext=True)


def _widths(table: Table) -> list[float]:
    """The first column (names) wide, dates and words 19 mm, the numbers share the rest."""
    count = len(table.columns)
    first = 110 if count == 2 else 46 if count <= 6 else 34
    fixed = sum(1 for c in table.columns[1:] if c.kind in ("date", "text"))
    rest = (FULL_WIDTH - first - 19 * fixed) / max(count - 1 - fixed, 1)
    return [first] + [19 if c.kind in ("date", "text") else rest for c in table.columns[1:]]


def _table(table: Table) -> list:
    count = len(table.columns)
    rows = [
        [shown(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
    story = [
        grid(
            [c.title for c in table.columns],
            rows or [["—"] * count],
            _widths(table),
            compact=count > 6,
            heading=Paragraph(text(table.title), SECTION),
        ),
    ]
    if table.note:
        story += [Spacer(1, 1.5 * mm), para(table.note, SMALL)]
    return [*story, Spacer(1, 5 * mm)]


def _chart(key: str, summary: Summary) -> list:
    draw, title = charts.CHARTS[key]
    return [Paragraph(text(title), SECTION), draw(summary), Spacer(1, 5 * mm)]


def long_date(day) -> str:
    """5 mars 2026, 1er mars 2026."""
    text = format_date(day, "d MMMM yyyy")
    return text.replace("1 ", "1er ", 1) if day.day == 1 and text.startswith("1 ") else text


def report_pdf(summary: Summary) -> bytes:
    day = long_date(summary.as_of)
    by_key = {t.key: t for t in tables(summary)}
    indicators = {i.key: i for i in summary.indicators}
    cover = [
        para(_("Situation au %(day)s", day=day), TITLE),
        Spacer(1, 5 * mm),
        para(
            _(
                "Feuille de route de l'inclusion numérique 2024-2027, axe 3 « Équiper les "
                "Gersois et les lieux de médiation » : collecte, reconditionnement, prêt aux "
                "foyers modestes et maintenance des PC en accès libre."
            ),
            BODY,
        ),
        Spacer(1, 5 * mm),
        para(
            _(
                "Matériel récupéré : %(collected)s sur %(target_c)s. Matériel disponible pour "
                "réemploi : %(ready)s sur %(target_r)s (échéance %(deadline)s).",
                collected=shown(indicators["collected"].value, "int"),
                target_c=shown(indicators["collected"].target, "int"),
                ready=shown(indicators["made_ready"].value, "int"),
                target_r=shown(indicators["made_ready"].target, "int"),
                deadline=shown(indicators["made_ready"].deadline, "date"),
            ),
            BODY,
        ),
        Spacer(1, 5 * mm),
        para(
            _(
                "Tous les chiffres sont calculés à partir de l'historique, tel qu'il était "
                "enregistré à la fin du %(day)s : le même rapport refait plus tard donne les "
                "mêmes chiffres. Aucune donnée personnelle n'y figure ; une case de moins de "
                "5 foyers est notée « < 5 ».",
                day=day,
            ),
            SMALL,
        ),
        PageBreak(),
    ]
    story = [
        *cover,
        *_table(by_key["indicateurs"]),
        *_chart("cumul", summary),
        *_table(by_key["flux"]),
        *_chart("stock", summary),
        *_table(by_key["stock"]),
        *_table(by_key["prets"]),
        *_table(by_key["demande_non_satisfaite"]),
        *_chart("disponibilite", summary),
        *_table(by_key["maintenance"]),
        *_table(by_key["territoire"]),
        *_table(by_key["environnement"]),
        PageBreak(),
        Paragraph(text(_("Définitions")), SECTION),
        *[para(f"{d.label} — {MEANINGS[d.key]}", SMALL) for d in DEFINITIONS],
        Spacer(1, 2 * mm),
        para(
            _(
                "Prévision : le rythme des 180 derniers jours prolongé jusqu'à l'échéance. "
                "Statut « atteint » si la valeur atteint la cible, « en bonne voie » si la "
                "projection l'atteint à l'échéance, « en retard » sinon."
            ),
            SMALL,
        ),
        para(
            _(
                "Réemployé : appareil prêté, donné ou installé dans un lieu au moins une fois "
                "(compté une fois). Poids : pesé à la réception, ou le poids médian de sa "
                "catégorie. Disponibilité : part du temps où les PC en service n'étaient pas "
                "bloqués par un incident, sur les 90 jours jusqu'à la date."
            ),
            SMALL,
        ),
        Spacer(1, 5 * mm),
        Paragraph(text(_("Sources")), SECTION),
        para(
            _(
                "Facteurs d'émission de fabrication (%(unit)s), version %(version)s : %(citation)s",
                unit=factors().unit,
                version=factors().version,
                citation=factors().citation,
            ),
            SMALL,
        ),
    ]
    return render(
        _("Rapport au Conseil départemental du Gers"),
        _("Situation au %(day)s", day=format_date(summary.as_of, "dd/MM/yyyy")),
        story,
    )
