"""The results as an Excel workbook (`export-xlsx`), laid out for reading and checking.

A summary sheet, then per lot: the results matrix (points per criterion, totals, ranks,
exclusions), the agreed scores with the panel's reasons, every individual score, and the
working behind each cell. Every figure is the scoring engine's, written as a number rounded
as shown; headers are frozen, columns sized, long text wrapped. User text is always stored as
text: a bidder called "=SUM(A1)" stays a name, never a formula.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workbench.domain import Lot
from workbench.names import visible
from workbench.reports.common import MARKING, Progress
from workbench.reports.facts import Facts
from workbench.reports.wording import organisation_short
from workbench.safe_xlsx import put_at, save_workbook
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.results import LotResult

_HEADER_FILL = PatternFill("solid", start_color="DDE4ED")
_HEADER_FONT = Font(name="Calibri", bold=True, color="1B365D")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CURRENCY = {"GBP": "£", "EUR": "€", "USD": "$"}


def write_results_xlsx(facts: Facts, path: str | Path, progress: Progress | None = None) -> None:
    """Write the results workbook to `path` (complete, or not at all)."""
    save_workbook(results_workbook(facts, progress), path)


def results_workbook(facts: Facts, progress: Progress | None = None) -> Workbook:
    """The workbook in memory: a summary sheet, then four sheets per lot."""
    wb = Workbook()
    wb.properties.creator = "Tender Evaluation Workbench"
    wb.properties.title = f"Results: {facts.data.tender.title}"
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    _summary(summary, facts)
    names: set[str] = {"Summary"}
    for i, lot in enumerate(facts.data.lots):
        result = facts.result(lot.id)
        _matrix(wb.create_sheet(_sheet_name(lot.id, "Results", names)), facts, lot, result)
        _moderated(wb.create_sheet(_sheet_name(lot.id, "Agreed scores", names)), lot, result)
        _individual(wb.create_sheet(_sheet_name(lot.id, "Individual scores", names)), facts,
                    lot)
        _working(wb.create_sheet(_sheet_name(lot.id, "Working", names)), facts, lot, result)
        if progress is not None:
            progress(i + 1, len(facts.data.lots))
    return wb


def _sheet_name(lot_id: str, what: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    base = re.sub(r"[\[\]:*?/\\']", "_", visible(f"{lot_id} {what}"))[:31]
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def for_printing(ws: Worksheet, header_row: int | None) -> None:
    """Every workbook we write prints the same way: landscape, one page wide (as many pages
    down as it takes), the header row repeated at the top of every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def _table(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[int], formats: dict[int, str] | None = None, start: int = 1,
           freeze_columns: int = 0) -> None:
    """A header row (bold, frozen, filtered) and the rows; columns sized, long text wrapped."""
    formats = formats or {}
    for col, title in enumerate(header, start=1):
        cell = put_at(ws, start, col, title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
    # Spreadsheets do not grow a row for wrapped text by themselves: give long headers room.
    lines = max(-(-len(title) // max(widths[i] - 2, 1)) for i, title in enumerate(header))
    ws.row_dimensions[start].height = 15 * min(lines, 5)
    for r, row in enumerate(rows, start=start + 1):
        for col, value in enumerate(row, start=1):
            cell = put_at(ws, r, col, value, formats.get(col - 1, ""))
            cell.alignment = _WRAP if widths[col - 1] >= 40 else _TOP
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=start + 1, column=freeze_columns + 1)
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A{start}:{last}{start + len(rows)}"
    for_printing(ws, start)


def _number(shown: str | None) -> Decimal | None:
    """A figure as the engine shows it ("87.10"), as a number for the spreadsheet."""
    return None if shown is None else Decimal(shown)


def _points_format(facts: Facts) -> str:
    decimals = facts.data.tender.rounding.decimals
    return "0" if decimals == 0 else "0." + "0" * decimals


def _money_format(facts: Facts) -> str:
    symbol = _CURRENCY.get(facts.data.tender.currency, "")
    return f'"{symbol}"#,##0.00' if symbol else "#,##0.00"


def _summary(ws: Worksheet, facts: Facts) -> None:
    tender = facts.data.tender
    particulars = [
        ("Tender", tender.title), ("Reference", tender.reference),
        ("Contracting authority", tender.authority),
        ("Status", facts.stage.text),
        ("Results", "PROVISIONAL: not final" if facts.provisional else "Final"),
        ("Exported", facts.generated_on), ("Protective marking", MARKING)]
    for r, (label, value) in enumerate(particulars, start=1):
        put_at(ws, r, 1, label).font = _HEADER_FONT
        put_at(ws, r, 2, value)
    rows = []
    for result in facts.results:
        winners = result.winners
        rows.append([result.lot_id, result.title, len(result.bidders),
                     sum(1 for b in result.bidders if b.excluded),
                     " and ".join(b.name for b in winners) or "No bid in the competition",
                     _number(winners[0].total_text) if winners else None,
                     "Provisional: " + "; ".join(result.notes) if result.provisional
                     else "Final"])
    _table(ws, ["Lot", "Title", "Bids", "Excluded", "First-placed bid",
                "Total (quality points when ranked per quality point)", "Results"],
           rows, [24, 40, 8, 10, 40, 10, 40], {5: _points_format(facts)},
           start=len(particulars) + 2)


def _matrix(ws: Worksheet, facts: Facts, lot: Lot, result: LotResult) -> None:
    """Rank, bidder, points per criterion (every level of the tree), total, exclusions."""
    criteria = [c for c in lot.all_criteria()]
    header = ["Rank", "Bidder", "Organisation type"]
    header += [f"{c.id} {c.title}" + ("" if c.kind == "pass_fail" else
                                        f" (of {_points_text(result, c.id)})")
               for c in criteria]
    # Ranked on price per quality point, the total is the quality points and the ratio, which
    # the rank follows, comes next to it.
    by_ratio = AWARD_METHODS[lot.award_method].by_ratio
    ratio = ["£ per quality point"] if by_ratio else []
    header += ["Quality points" if by_ratio else "Total", *ratio, "Tied", "Abnormally low",
               "Excluded because"]
    rows = []
    for b in result.bidders:
        cells: list[Any] = []
        for c in criteria:
            cell = b.criteria[c.id]
            cells.append((cell.result or "not assessed") if c.kind == "pass_fail"
                         else _number(cell.points_text))
        rows.append([b.rank, b.name, organisation_short(b.bidder.organisation_types),
                     *cells, _number(b.total_text), *([_number(b.ratio_text)] if by_ratio
                                                      else []),
                     "Yes" if b.tied else "", "Yes" if b.abnormally_low else "",
                     "; ".join(b.reasons)])
    fmt = _points_format(facts)
    formats = {3 + i: fmt for i, c in enumerate(criteria) if c.kind != "pass_fail"}
    formats[3 + len(criteria)] = fmt
    if by_ratio:
        formats[4 + len(criteria)] = "£#,##0.00"
    _table(ws, header, rows, [6, 34, 12, *([14] * len(criteria)), 10, *([14] * len(ratio)),
                              7, 10, 40], formats, freeze_columns=2)


def _points_text(result: LotResult, criterion_id: str) -> str:
    available = result.available.get(criterion_id, Decimal(0))
    text = format(available.quantize(Decimal("0.01")), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _moderated(ws: Worksheet, lot: Lot, result: LotResult) -> None:
    names = {b.id: b.name for b in lot.bidders}
    titles = {c.id: c.title for c in lot.all_criteria()}
    rows = []
    for m in lot.moderated:
        bidder = result.bidder(m.bidder)
        cell = bidder.criteria.get(m.criterion) if bidder else None
        rows.append([names.get(m.bidder, m.bidder), m.criterion, titles.get(m.criterion, ""),
                     m.score, _number(cell.points_text) if cell else None, m.rationale,
                     m.agreed_by, m.agreed_at, ", ".join(m.attendees)])
    _table(ws, ["Bidder", "Criterion", "Question", "Agreed score", "Points",
                "The panel's reasons", "Agreed by", "Agreed at", "Present"],
           rows, [30, 10, 30, 10, 10, 70, 18, 20, 30], freeze_columns=1)


def _individual(ws: Worksheet, facts: Facts, lot: Lot) -> None:
    evaluators = {e.id: e.name for e in facts.data.evaluators}
    names = {b.id: b.name for b in lot.bidders}
    titles = {c.id: c.title for c in lot.all_criteria()}
    rows = [[evaluators.get(s.evaluator, s.evaluator), names.get(s.bidder, s.bidder),
             s.criterion, titles.get(s.criterion, ""), s.score, s.status, s.rationale]
            for s in lot.scores]
    _table(ws, ["Evaluator", "Bidder", "Criterion", "Question", "Score", "Status", "Reasons"],
           rows, [22, 30, 10, 30, 8, 11, 70], freeze_columns=1)


def _working(ws: Worksheet, facts: Facts, lot: Lot, result: LotResult) -> None:
    """Every bidder × criterion cell: the score or figure used, its points and how."""
    rows = []
    money = _money_format(facts)
    fmt = _points_format(facts)
    criteria = list(lot.all_criteria())
    for b in result.bidders:
        for c in criteria:
            cell = b.criteria[c.id]
            rows.append([b.name, c.id, c.title, c.kind.replace("_", "/"), _number(cell.score_text),
                         _number(cell.points_text), "Yes" if cell.provisional else "",
                         cell.working])
    _table(ws, ["Bidder", "Criterion", "Title", "Kind", "Score, price or figure", "Points",
                "Provisional", "How the points were worked out"],
           rows, [30, 10, 30, 12, 16, 10, 11, 70], {5: fmt}, freeze_columns=1)
    # Prices read as money: format the score cells of price criteria.
    prices = {c.id for c in criteria if c.kind == "price"}
    for r, row in enumerate(rows, start=2):
        if row[1] in prices:
            ws.cell(row=r, column=5).number_format = money
