"""Plain-text forms of the results and the close-call report, for the command line."""

from __future__ import annotations

from decimal import Decimal

from workbench.domain import TenderData
from workbench.numbers import dec_str, fmt_points
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.results import LotResult
from workbench.scoring.sensitivity import CloseCall


def results_text(data: TenderData, results: list[LotResult]) -> str:
    """One aligned table per lot: rank, bidder, total, points per top-level criterion, then the
    excluded bidders with their reasons. A provisional lot says so in its heading and why."""
    blocks = []
    for result in results:
        lot = data.lot(result.lot_id)
        tops = [c for c in lot.criteria if c.kind != "pass_fail"] if lot else []
        heading = f"{result.title} ({result.lot_id})"
        lines = [heading + ("  [PROVISIONAL]" if result.provisional else "")]
        lines += [f"  provisional: {note}" for note in result.notes]
        method = AWARD_METHODS[result.award_method]
        by_ratio = method.by_ratio
        if by_ratio:
            lines.append(f"  ranked on price per quality point: {method.text}")
        header = ["Rank", "Bidder", "Quality" if by_ratio else "Total",
                  *(["Per point"] if by_ratio else []), *(c.id for c in tops)]
        rows = []
        for b in result.ranked:
            points = result.top_level.get(b.bidder.id, {})
            low = " (abnormally low)" if b.abnormally_low else ""
            rows.append([f"{b.rank}{'=' if b.tied else ''}", b.bidder.name + low,
                         b.total_text or "", *([b.ratio_text or "-"] if by_ratio else []),
                         *(fmt_points(points[c.id], result.rounding) for c in tops)])
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

        def line(cells: list[str], widths: list[int] = widths) -> str:
            # Names to the left, numbers to the right, as in a printed results table.
            return "  ".join(cell.ljust(w) if i in (0, 1) else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(cells, widths, strict=True)))

        lines.append(line(header).rstrip())
        lines += [line(row).rstrip() for row in rows]
        if not rows:
            lines.append("(no bidder in the competition)")
        legend = ", ".join(f"{c.id} = {c.title} ({dec_str(c.weight or Decimal(0))}%)" for c in tops)
        if legend:
            lines.append(f"Criteria: {legend}")
        excluded = [b for b in result.bidders if b.excluded]
        if excluded:
            lines.append("Excluded:")
            lines += [f"  {b.bidder.name}: {'; '.join(b.reasons)}" for b in excluded]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def sensitivity_text(calls: list[CloseCall]) -> str:
    """The close-call report, one paragraph per lot."""
    blocks = []
    for call in calls:
        heading = f"{call.title} ({call.lot_id})" + (
            "  [PROVISIONAL]" if call.provisional else "")
        blocks.append("\n".join([heading, *(f"  {line}" for line in call.lines)]))
    return "\n\n".join(blocks) + "\n"
