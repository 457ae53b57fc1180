"""A bar chart of two figures side by side per category (committed and delivered per period,
a tender's social value weight and its policy minimum): the monitoring report's and the
portfolio's chart. The figures come from the caller's one core function; this only draws."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from workbench.reports.common import FONT, INK, MUTED, RULE, fit, register_fonts

#: Okabe–Ito blue and orange: told apart with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00")
_HEIGHT = 150


def pair_chart(categories: Sequence[str], first: Sequence[Decimal], second: Sequence[Decimal],
               names: tuple[str, str], width: float, axis: str) -> Drawing | None:
    """Two bars per category, `names` in the legend, `axis` naming the value axis; None
    when there is nothing to draw."""
    if not categories:
        return None
    register_fonts()
    drawing = Drawing(width, _HEIGHT + 40)
    drawing.initialFontName = FONT
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 44, 30, width - 60, _HEIGHT - 10
    chart.data = [[float(v) for v in first], [float(v) for v in second]]
    step = chart.width / len(categories)
    chart.categoryAxis.categoryNames = [fit(c, FONT, 7, step - 4) for c in categories]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    top = max([*first, *second, Decimal(1)])
    chart.valueAxis.valueMax = float(top) * 1.15
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E7EC")
    chart.barSpacing = 2
    chart.groupSpacing = max(4.0, step * 0.3)
    for i, colour in enumerate(COLOURS):
        chart.bars[i].fillColor = colors.HexColor(colour)
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(0, _HEIGHT + 28, axis, fontName=FONT, fontSize=7.5, fillColor=MUTED))
    for i, (name, colour) in enumerate(zip(names, COLOURS, strict=True)):
        x = 44 + i * 150
        drawing.add(Rect(x, 4, 9, 9, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 13, 5.5, name, fontName=FONT, fontSize=7.5, fillColor=INK))
    return drawing
