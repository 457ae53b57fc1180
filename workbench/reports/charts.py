"""The pack's stacked bar chart: each ranked bidder's points by top-level criterion."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors

from workbench.domain import Criterion, Lot
from workbench.reports.common import BOLD, FONT, INK, MUTED, RULE, fit, register_fonts
from workbench.scoring.results import LotResult

#: Okabe–Ito colours: told apart by people with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999",
           "#000000"]
_LABEL_WIDTH = 170
_MAX_HEIGHT = 660
_LEGEND_ITEM = 160


def points_chart(result: LotResult, lot: Lot, width: float) -> Drawing | None:
    """Bars of points by top-level criterion, best first, totals at the bar ends.

    The bars' lengths and the totals printed come from the results' `top_level` points and
    `total_text`; None when no bidder is ranked.
    """
    register_fonts()
    ranked = result.ranked
    if not ranked:
        return None
    tops = [c for c in lot.criteria if c.id in result.available]
    bar = max(9.0, min(18.0, (_MAX_HEIGHT - 110) / len(ranked)))
    legend_rows = _legend_rows(tops, width)
    plot_height = bar * len(ranked)
    height = plot_height + 34 + 14 * legend_rows
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer would otherwise name Helvetica
    chart = HorizontalBarChart()
    chart.x, chart.y = _LABEL_WIDTH, 24 + 14 * legend_rows
    chart.width, chart.height = width - _LABEL_WIDTH - 44, plot_height
    ordered = list(reversed(ranked))  # the chart draws from the bottom: best at the top
    chart.data = [[float(result.top_level[b.id][c.id]) for b in ordered] for c in tops]
    chart.categoryAxis.categoryNames = [fit(b.name, FONT, 7.5, _LABEL_WIDTH - 8)
                                        for b in ordered]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = float(sum(result.available[c.id] for c in tops)) or 1.0
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E7EC")
    chart.barSpacing = 0
    chart.groupSpacing = bar * 0.3
    for i in range(len(tops)):
        chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
        chart.bars[i].strokeColor = colors.white
        chart.bars[i].strokeWidth = 0.4
    drawing.add(chart)
    scale = chart.width / chart.valueAxis.valueMax
    for i, b in enumerate(ordered):
        total = sum(result.top_level[b.id].values())
        x = chart.x + float(total) * scale + 3
        y = chart.y + (i + 0.5) * plot_height / len(ordered) - 2.5
        drawing.add(String(x, y, b.total_text or "", fontName=BOLD, fontSize=7.5,
                           fillColor=INK))
    _legend(drawing, tops, width)
    return drawing


def _legend_rows(tops: list[Criterion], width: float) -> int:
    return max(1, -(-len(tops) // _per_row(width)))


def _per_row(width: float) -> int:
    return max(1, int(width // _LEGEND_ITEM))


def _legend(drawing: Drawing, tops: list[Criterion], width: float) -> None:
    """Colour keys under the plot, as many to a row as fit."""
    per_row, rows = _per_row(width), _legend_rows(tops, width)
    for i, c in enumerate(tops):
        x = (i % per_row) * _LEGEND_ITEM
        y = 4 + 14 * (rows - 1 - i // per_row)
        drawing.add(Rect(x, y, 9, 9, fillColor=colors.HexColor(PALETTE[i % len(PALETTE)]),
                         strokeColor=None))
        drawing.add(String(x + 13, y + 1.5, fit(c.title, FONT, 7.5, _LEGEND_ITEM - 20),
                           fontName=FONT, fontSize=7.5, fillColor=INK))
