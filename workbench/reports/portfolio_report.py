"""The portfolio report (PDF): per year and authority, whether social value policy was applied,
whether the social value bought was delivered, how smaller providers fared and whether the
procedures shut them out; then a row per lot, and the files that could not be read.

Every figure comes from `workbench.portfolio.figures` through the `Portfolio`; nothing is
counted here.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from workbench.numbers import fmt_money
from workbench.portfolio.figures import SMALL, Figures, meets_policy
from workbench.portfolio.output import Portfolio
from workbench.portfolio.reading import CAUSES, TYPES, Bid
from workbench.reports.common import WIDTH, Furniture, Heading, Progress, grid, para, render, save
from workbench.reports.pair_chart import pair_chart

DOCUMENT = "Social value portfolio"
#: Most lots drawn as a bar each; beyond, the chart is per year and authority.
_CHART_LOTS = 20


def portfolio_pdf(p: Portfolio, progress: Progress | None = None) -> tuple[bytes, int]:
    return render(_story(p), Furniture(Path(p.folder).name, DOCUMENT), progress)


def write_portfolio_report(p: Portfolio, path: str | Path,
                           progress: Progress | None = None) -> int:
    data, pages = portfolio_pdf(p, progress)
    save(path, data)
    return pages


def _story(p: Portfolio) -> list[Flowable]:
    out: list[Flowable] = [
        para(DOCUMENT, "title"),
        para(f"{len(p.tenders)} tender{'s' if len(p.tenders) != 1 else ''} read from "
             f"{p.folder}" + (f"; {len(p.skipped)} file(s) could not be read (listed at the "
                              "end)" if p.skipped else ""), "small"),
        Spacer(1, 4),
    ]
    out += _figures("All tenders", p.total, "total")
    lots = [(t, lot) for t in p.tenders for lot in t.lots]
    if len(lots) <= _CHART_LOTS:
        chart = pair_chart([f"{t.reference or t.file} {lot.id}" for t, lot in lots],
                           [lot.social_value_weight for _t, lot in lots],
                           [t.policy_minimum for t, _lot in lots],
                           ("Social value weight %", "Policy minimum %"), WIDTH,
                           "percent of the lot's points")
        title = "Social value weight against the policy minimum, per lot"
    else:  # too many lots for a bar each: per year and authority
        chart = pair_chart([f"{g.year} {g.authority}" for g in p.groups],
                           [Decimal(g.figures.lots) for g in p.groups],
                           [Decimal(g.figures.lots_meeting_policy) for g in p.groups],
                           ("Lots", "Lots meeting the policy minimum"), WIDTH, "lots")
        title = "Lots meeting the social value policy, per year and authority"
    if chart is not None:
        out.append(KeepTogether([para(title, "lead"), chart]))
    for g in p.groups:
        out += _figures(f"{g.year} · {g.authority or 'authority not recorded'}", g.figures,
                        f"g-{g.year}-{g.authority}")
    out += [PageBreak(), Heading("Tenders", 0, "tenders")]
    out.append(grid(
        ["Tender", "Lot", "SV weight", "Meets policy", "Winner", "Contract value",
         "Monitoring"],
        [[f"{t.title} ({t.file})", lot.id, f"{lot.social_value_weight:.2f}%",
          "yes" if meets_policy(t, lot) else f"no (minimum {t.policy_minimum}%)",
          *_winner(lot.bids, t.currency, lot.provisional),
          (lot.monitoring.rating.band or "not rated") if lot.monitoring.rating else "—"]
         for t, lot in lots],
        [0.26, 0.05, 0.09, 0.11, 0.19, 0.12, 0.18], numeric=(2, 5)))
    if p.skipped:
        out += [Heading("Files that could not be read", 1),
                grid(["File", "Why"], [[s.file, s.reason] for s in p.skipped], [0.3, 0.7])]
    return out


def _figures(title: str, f: Figures, key: str) -> list[Flowable]:
    rating = f.rating
    share = "—" if f.small_share_won is None else f"{f.small_share_won}%"
    return [KeepTogether([  # the heading never left alone at the foot of a page
        Heading(title, 0, key),
        para(f"{f.tenders} tender(s), {f.lots} lot(s). Social value policy met on "
             f"{f.lots_meeting_policy} of {f.lots} lots. Of {f.small_bids} bids from SMEs or "
             f"VCSEs, {f.small_won} won ({share}). Social value delivered: "
             f"{rating.working}."),
        grid(["Organisation type", "Bids", "Lots won", "Contract value"],
             [[t, f.by_type[t].bids, f.by_type[t].won, fmt_money(f.by_type[t].contract_value)]
              for t in TYPES], [0.4, 0.15, 0.15, 0.3], numeric=(1, 2, 3)),
        grid(["Bidders excluded by", *[c.capitalize() for c in CAUSES]],
             [[t, *[f.exclusions[t][c] for c in CAUSES]] for t in SMALL],
             [0.2, 0.16, 0.16, 0.16, 0.16, 0.16], numeric=(1, 2, 3, 4, 5)),
    ])]


def _winner(bids: list[Bid], currency: str, provisional: bool) -> list[str]:
    if provisional:
        return ["provisional", "—"]
    won = next((b for b in bids if b.won), None)
    if won is None:
        return ["—", "—"]
    return [f"{won.name} ({', '.join(won.types)})",
            "—" if won.price is None else fmt_money(won.price, currency)]
