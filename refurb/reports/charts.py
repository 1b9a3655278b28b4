"""The report's charts, drawn once with ReportLab's graphics: embedded as vectors in the PDF and
rendered as SVG files for the dashboard (an <img>, so no inline script or style reaches the
page). Black, greys, dashes and markers only, so they read printed in black and white."""

from flask_babel import format_decimal
from reportlab.graphics import renderSVG
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, PolyLine, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from refurb.i18n import gettext as _
from refurb.i18n import lazy_gettext as _l
from refurb.reports.summary import Summary

WIDTH = 480
FONT = "Helvetica"
SIZE = 8  # points; still readable when a phone shrinks the 480-point drawing
INK = colors.black
GREY = colors.Color(0.55, 0.55, 0.55)
LIGHT = colors.Color(0.8, 0.8, 0.8)


def _month_label(month) -> str:
    return month.strftime("%m/%y")


def cumulative(summary: Summary) -> Drawing:
    """Devices received and made ready, running totals per month, against their targets."""
    months = summary.flows
    targets = {i.key: i.target for i in summary.indicators}
    drawing = Drawing(WIDTH, 240)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 45, 50, WIDTH - 60, 160
    received = [(n, m.received_total) for n, m in enumerate(months)]
    ready = [(n, m.made_ready_total) for n, m in enumerate(months)]
    last = max(len(months) - 1, 1)
    collected_target = [(0, targets.get("collected", 0)), (last, targets.get("collected", 0))]
    ready_target = [(0, targets.get("made_ready", 0)), (last, targets.get("made_ready", 0))]
    plot.data = [received, ready, collected_target, ready_target]
    styles = [
        (INK, 2, None, "FilledCircle"),
        (INK, 1.5, (4, 2), "FilledSquare"),
        (GREY, 1, (1, 2), None),
        (GREY, 1, (6, 3), None),
    ]
    for n, (colour, width, dash, marker) in enumerate(styles):
        plot.lines[n].strokeColor = colour
        plot.lines[n].strokeWidth = width
        if dash:
            plot.lines[n].strokeDashArray = dash
        if marker and len(months) <= 24:
            plot.lines[n].symbol = makeMarker(marker, size=3)
    top = max([targets.get("collected", 0)] + [m.received_total for m in months] + [1])
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top * 1.1
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, last
    step = max(1, len(months) // 8)
    plot.xValueAxis.valueSteps = list(range(0, len(months), step))
    plot.xValueAxis.labelTextFormat = lambda n: (
        _month_label(months[int(n)].month) if 0 <= int(n) < len(months) else ""
    )
    for axis in (plot.xValueAxis, plot.yValueAxis):
        axis.labels.fontName, axis.labels.fontSize = FONT, SIZE
    drawing.add(plot)
    names = [
        _("Reçus (cumul)"),
        _("Disponibles pour réemploi (cumul)"),
        _("Cible collecte"),
        _("Cible réemploi"),
    ]
    for n, ((colour, width, dash, _marker), name) in enumerate(zip(styles, names, strict=True)):
        x, y = 45 + (n % 2) * 210, 22 - (n // 2) * 12
        drawing.add(  # a polyline: the SVG of a Line goes back over itself, hiding dashes
            PolyLine(
                [x, y + 3, x + 24, y + 3],
                strokeColor=colour,
                strokeWidth=width,
                strokeDashArray=list(dash) if dash else None,
            )
        )
        drawing.add(String(x + 30, y, name, fontName=FONT, fontSize=SIZE))
    return drawing


def _bars(rows: list[tuple[str, float]], value_format, maximum=None) -> Drawing:
    """Horizontal bars, one per row, the value written at the end of each bar."""
    height = 30 + 16 * max(len(rows), 1)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 190, 15, WIDTH - 250, height - 25
    chart.data = [[value for _label, value in reversed(rows)] or [0]]
    chart.categoryAxis.categoryNames = [label for label, _value in reversed(rows)] or [""]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, SIZE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = maximum or max([v for _l, v in rows] + [1]) * 1.15
    if chart.valueAxis.valueMax < 6:  # small counts: whole steps, not 0, 0, 0, 1, 1, 1
        chart.valueAxis.valueStep = 1
    chart.valueAxis.labelTextFormat = value_format
    chart.bars[0].fillColor = LIGHT
    chart.bars[0].strokeColor = INK
    chart.barLabelFormat = value_format
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, SIZE
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    drawing.add(chart)
    return drawing


def stock_by_state(summary: Summary) -> Drawing:
    rows = [(state.label, count) for state, count in summary.by_state()]
    return _bars(rows, lambda v: format_decimal(v, format="#,##0"))


def availability(summary: Summary) -> Drawing:
    rows = [
        (g.epci, round(g.availability * 100, 1))
        for g in summary.maintenance.by_epci
        if g.availability is not None
    ]
    if not rows:
        drawing = Drawing(WIDTH, 30)
        drawing.add(String(0, 10, _("Aucun PC en service sur la période."), fontName=FONT))
        return drawing
    return _bars(rows, lambda v: format_decimal(v, format="0.0") + " %", maximum=100)


CHARTS = {
    "cumul": (cumulative, _l("Matériel reçu et disponible pour réemploi, cumul mensuel")),
    "stock": (stock_by_state, _l("Stock par état")),
    "disponibilite": (availability, _l("Disponibilité des PC en accès libre par EPCI")),
}


def svg(drawing: Drawing) -> bytes:
    return renderSVG.drawToString(drawing).encode("utf-8")
