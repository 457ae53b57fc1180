"""The portfolio as plain text, for `workbench-cli portfolio` without --json."""

from __future__ import annotations

from workbench.numbers import fmt_money
from workbench.portfolio.figures import SMALL, Figures
from workbench.portfolio.output import Portfolio
from workbench.portfolio.reading import CAUSES, TYPES


def summary(p: Portfolio) -> str:
    lines = [f"{len(p.tenders)} tender(s) read from {p.folder}, {len(p.skipped)} skipped"]
    for title, f in [*((f"{g.year} {g.authority or '(no authority)'}", g.figures)
                       for g in p.groups), ("All tenders", p.total)]:
        lines += ["", title, *_figures(f)]
    return "\n".join(lines)


def _figures(f: Figures) -> list[str]:
    share = "—" if f.small_share_won is None else f"{f.small_share_won}%"
    lines = [f"  lots meeting the social value policy: {f.lots_meeting_policy} of {f.lots}",
             f"  social value delivered: {f.rating.working}",
             f"  SME/VCSE bids won: {f.small_won} of {f.small_bids} ({share})"]
    for t in TYPES:
        v = f.by_type[t]
        lines.append(f"  {t}: {v.bids} bids, {v.won} lots won, {fmt_money(v.contract_value)}")
    for t in SMALL:
        causes = ", ".join(f"{c} {f.exclusions[t][c]}" for c in CAUSES)
        lines.append(f"  {t} excluded by: {causes}")
    return lines
