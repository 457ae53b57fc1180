"""The portfolio as the evidence a council shares: the JSON documented in docs/portfolio.md
(`workbench-portfolio/1`) and a workbook for the council's own analysis. Both show the
figures of `figures.count` and nothing else; decimals are strings, as in every JSON we write.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from workbench.inert import put, save_workbook
from workbench.monitoring.ratings import Rating
from workbench.numbers import dec_str
from workbench.portfolio.figures import SMALL, Figures, Group, count, groups, meets_policy
from workbench.portfolio.reading import CAUSES, TYPES, Skipped, TenderFacts

FORMAT = "workbench-portfolio/1"


@dataclass(frozen=True)
class Portfolio:
    """A folder read: its tenders, the files skipped, the figures per group and in total."""

    folder: str
    tenders: list[TenderFacts]
    skipped: list[Skipped]
    groups: list[Group]
    total: Figures


def portfolio(folder: str, tenders: list[TenderFacts], skipped: list[Skipped]) -> Portfolio:
    return Portfolio(folder, tenders, skipped, groups(tenders), count(tenders))


def _pct(value: Decimal) -> str:
    return dec_str(value.quantize(Decimal("0.01")))


def _rating(r: Rating) -> dict[str, Any]:
    return {"method": r.method, "band": r.band,
            "share": None if r.share is None else dec_str(r.share), "working": r.working}


def figures_json(f: Figures) -> dict[str, Any]:
    return {
        "tenders": f.tenders, "lots": f.lots, "lots_meeting_policy": f.lots_meeting_policy,
        "organisation_types": {t: {"bids": v.bids, "won": v.won,
                                   "contract_value": dec_str(v.contract_value)}
                               for t, v in f.by_type.items()},
        "sme_vcse": {"bids": f.small_bids, "won": f.small_won,
                     "share_won": None if f.small_share_won is None
                     else dec_str(f.small_share_won)},
        "exclusions": f.exclusions,
        "monitoring": {"commitments": len(f.statuses),
                       "on_track": f.statuses.count("on track"),
                       "rated": sum(s != "not rated" for s in f.statuses),
                       "rating": _rating(f.rating)},
    }


def tender_json(t: TenderFacts) -> dict[str, Any]:
    return {
        "file": t.file, "title": t.title, "reference": t.reference, "authority": t.authority,
        "year": t.year, "status": t.status, "currency": t.currency,
        "social_value_minimum": dec_str(t.policy_minimum),
        "lots": [{
            "id": lot.id, "title": lot.title,
            "social_value_weight": _pct(lot.social_value_weight),
            "meets_policy": meets_policy(t, lot), "provisional": lot.provisional,
            "bids": [{"name": b.name, "organisation_types": list(b.types), "won": b.won,
                      "price": None if b.price is None else dec_str(b.price),
                      "excluded_by": list(b.causes), "withdrawn": b.withdrawn}
                     for b in lot.bids],
            "monitoring": None if lot.monitoring.supplier is None else {
                "supplier": lot.monitoring.supplier.name,
                "periods": lot.monitoring.periods,
                "commitments": [{"id": s.commitment.id, "measure": s.commitment.measure,
                                 "status": s.status} for s in lot.monitoring.commitments],
                "rating": None if lot.monitoring.rating is None
                else _rating(lot.monitoring.rating)},
        } for lot in t.lots],
    }


def to_json(p: Portfolio) -> dict[str, Any]:
    """The documented JSON (docs/portfolio.md)."""
    return {
        "format": FORMAT,
        "folder": p.folder,
        "tenders": [tender_json(t) for t in p.tenders],
        "skipped": [{"file": s.file, "reason": s.reason} for s in p.skipped],
        "groups": [{"year": g.year, "authority": g.authority, **figures_json(g.figures)}
                   for g in p.groups],
        "total": figures_json(p.total),
    }


def write_xlsx(p: Portfolio, path: str | Path) -> None:
    """The portfolio workbook: Summary (per year and authority, and the total), Tenders (one
    row per lot), Skipped. Every name is written as inert text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Summary"
    header = ["Year", "Authority", "Tenders", "Lots", "Lots meeting SV policy",
              *[f"{t} {what}" for t in TYPES for what in ("bids", "won", "contract value")],
              "SME/VCSE bids", "SME/VCSE won", "SME/VCSE share won %",
              *[f"{t} excluded: {c}" for t in SMALL for c in CAUSES],
              "Commitments", "Rated", "On track", "Monitoring rating"]
    _rows(ws, header, [[g.year, g.authority, *_figures_row(g.figures)] for g in p.groups]
          + [["All", "All", *_figures_row(p.total)]])
    lots = wb.create_sheet("Tenders")
    _rows(lots, ["File", "Title", "Reference", "Authority", "Year", "Status", "Lot",
                 "SV weight %", "SV minimum %", "Meets policy", "Provisional", "Bids",
                 "Winner", "Winner types", "Contract value", "Monitoring rating"],
          [[t.file, t.title, t.reference, t.authority, t.year, t.status, lot.id,
            lot.social_value_weight.quantize(Decimal("0.01")), t.policy_minimum,
            "yes" if meets_policy(t, lot) else "no", "yes" if lot.provisional else "no",
            len(lot.bids), *_winner(lot.bids),
            (lot.monitoring.rating.band or "not rated") if lot.monitoring.rating else ""]
           for t in p.tenders for lot in t.lots])
    skipped = wb.create_sheet("Skipped")
    _rows(skipped, ["File", "Reason"], [[s.file, s.reason] for s in p.skipped])
    save_workbook(wb, path)


def _winner(bids: list[Any]) -> list[object]:
    won = next((b for b in bids if b.won), None)
    if won is None:
        return ["", "", None]
    return [won.name, ", ".join(won.types), won.price]


def _figures_row(f: Figures) -> list[object]:
    return [f.tenders, f.lots, f.lots_meeting_policy,
            *[v for t in TYPES for v in (f.by_type[t].bids, f.by_type[t].won,
                                         f.by_type[t].contract_value)],
            f.small_bids, f.small_won, f.small_share_won,
            *[f.exclusions[t][c] for t in SMALL for c in CAUSES],
            len(f.statuses), sum(s != "not rated" for s in f.statuses),
            f.statuses.count("on track"), f.rating.band or "not rated"]


def _rows(ws: Any, header: list[str], rows: list[list[object]]) -> None:
    for col, title in enumerate(header, start=1):
        put(ws.cell(row=1, column=col), title).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            put(ws.cell(row=r, column=col), value)
    ws.freeze_panes = "A2"
