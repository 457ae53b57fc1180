"""The tender as an Open Contracting Data Standard 1.1 release package (`export-ocds`).

One release holds the buyer and tenderers (parties), the tender with its lots and each lot's
award criteria and weights (the awardCriteriaBreakdown extension), one bid per bidder per
lot with its status and rank (the bid extension), and, once the tender's status is "award
recommended" or "locked", the award of each lot with a single first-placed bid (status
"pending": recommended, not yet a concluded contract). Scores and reasons stay out: OCDS is
for publication, and those are commercially sensitive.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench import atomic
from workbench.domain import Criterion, Lot
from workbench.reports.facts import Facts
from workbench.scoring.results import BidderResult, LotResult
from workbench.scoring.weights import effective_percent

VERSION = "1.1"
_EXTENSIONS = "https://raw.githubusercontent.com/open-contracting-extensions/{}/master/extension.json"
EXTENSIONS = [_EXTENSIONS.format(name) for name in (
    "ocds_lots_extension", "ocds_bid_extension", "ocds_awardCriteriaBreakdown_extension",
    "ocds_partyDetails_scale_extension")]
#: Not a registered prefix: fine for the authority's own records. To publish, pass the prefix
#: the publisher registered with the Open Contracting Partnership (`export-ocds --prefix`).
DEFAULT_PREFIX = "ocds-local"
AWARDED = ("award_recommended", "locked")
#: Bids are in hand at every status of the workbench: "active" until an award is recommended.
_TENDER_STATUS = {"award_recommended": "complete", "locked": "complete"}
_SCALE = {"SME": "sme", "large": "large"}


def write_ocds(facts: Facts, path: str | Path, prefix: str = DEFAULT_PREFIX,
               published: str | None = None) -> None:
    """Write the release package as UTF-8 JSON to `path`."""
    text = json.dumps(release_package(facts, prefix, published), indent=2, ensure_ascii=False)
    atomic.write_text(path, text + "\n")


def release_package(facts: Facts, prefix: str = DEFAULT_PREFIX,
                    published: str | None = None) -> dict[str, Any]:
    """The release package as plain JSON data (one release for the whole tender)."""
    tender = facts.data.tender
    when = published or f"{facts.generated_on}T00:00:00Z"
    ocid = f"{prefix}-{_identifier(tender.reference or tender.title)}"
    release = _release(facts, ocid, when)
    return {
        "uri": f"urn:ocds:{ocid}:package",
        "version": VERSION,
        "publishedDate": when,
        "publisher": {"name": tender.authority or "Contracting authority"},
        "extensions": EXTENSIONS,
        "releases": [release],
    }


def _identifier(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "tender"


def _release(facts: Facts, ocid: str, when: str) -> dict[str, Any]:
    data = facts.data
    tender = data.tender
    awarded = tender.status in AWARDED
    buyer = {"id": "buyer", "name": tender.authority or "Contracting authority"}
    parties: dict[str, dict[str, Any]] = {"buyer": {**buyer, "roles": ["buyer"]}}
    bids: list[dict[str, Any]] = []
    awards: list[dict[str, Any]] = []
    lots = []
    # One party per organisation: the same name on two lots is the same tenderer.
    ids: dict[str, str] = {}
    for result in facts.results:
        for b in result.bidders:
            ids.setdefault(b.name.casefold(), f"tenderer-{len(ids) + 1}")
    for lot in data.lots:
        result = facts.result(lot.id)
        lots.append(_lot(lot, result, awarded))
        for b in result.bidders:
            party = parties.setdefault(ids[b.name.casefold()], _party(b, ids))
            if "tenderer" not in party["roles"]:
                party["roles"].append("tenderer")
            bids.append(_bid(lot, b, ids, tender.currency, when))
        winners = result.winners
        if awarded and len(winners) == 1 and not result.provisional:
            winner = winners[0]
            party = parties[ids[winner.name.casefold()]]
            if "supplier" not in party["roles"]:
                party["roles"].append("supplier")
            awards.append(_award(lot, winner, ids, tender.currency))
    out: dict[str, Any] = {
        "ocid": ocid,
        "id": f"{ocid}-{'award' if awards else 'tender'}-{when[:10]}",
        "date": when,
        "tag": ["tender", "award"] if awards else ["tender"],
        "initiationType": "tender",
        "language": "en",
        "parties": list(parties.values()),
        "buyer": buyer,
        "tender": {
            "id": tender.reference or ocid,
            "title": tender.title,
            "status": _TENDER_STATUS.get(tender.status, "active"),
            "procurementMethodDetails": tender.procedure,
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": f"Most advantageous tender, marked out of "
                                    f"{_number(tender.total_points)} points per lot.",
            "numberOfTenderers": len(ids),
            "tenderers": [{"id": p["id"], "name": p["name"]} for p in parties.values()
                          if "tenderer" in p["roles"]],
            "lots": lots,
        },
        "bids": {"details": bids},
    }
    if tender.estimated_value is not None:
        out["tender"]["value"] = {"amount": _number(tender.estimated_value),
                                  "currency": tender.currency}
    if awards:
        out["awards"] = awards
    return out


def _party(b: BidderResult, ids: dict[str, str]) -> dict[str, Any]:
    party: dict[str, Any] = {"id": ids[b.name.casefold()], "name": b.name, "roles": []}
    # OCDS has one scale per party; an SME that is also a VCSE is still an SME
    scale = next((_SCALE[k] for k in b.bidder.organisation_types if k in _SCALE), None)
    if scale:
        party["details"] = {"scale": scale}
    return party


def _lot(lot: Lot, result: LotResult, awarded: bool) -> dict[str, Any]:
    status = "complete" if awarded and not result.provisional else "active"
    return {"id": lot.id, "title": lot.title, "status": status,
            "awardCriteria": {"criteria": _criteria(lot)}}


def _criteria(lot: Lot) -> list[dict[str, Any]]:
    """Every weighted criterion that is scored (the leaves), with its share of the whole lot."""
    effective = effective_percent(lot)
    out = []
    for c in lot.all_criteria():
        if c.kind in ("group", "pass_fail"):
            continue
        entry: dict[str, Any] = {
            "name": f"{c.id} {c.title}",
            "type": "price" if c.kind == "price" else "quality",
            "description": _description(lot, c),
            "numbers": [{"number": _number(effective[c.id]), "weight": "percentageExact"}],
        }
        out.append(entry)
    return out


def _description(lot: Lot, c: Criterion) -> str:
    parent = next((p for p in lot.all_criteria() if c in p.children), None)
    where = f"Part of {parent.id} {parent.title}; " if parent else ""
    theme = f"; social value theme: {c.theme}" if c.theme else ""
    weight = f"{_number(c.weight)}% of its group" if parent and c.weight is not None else ""
    return (where + weight + theme).strip("; ") or c.title


def _bid(lot: Lot, b: BidderResult, ids: dict[str, str], currency: str,
         when: str) -> dict[str, Any]:
    if b.bidder.withdrawn:
        status = "withdrawn"
    elif b.excluded:
        status = "disqualified"
    else:
        status = "valid"
    bid: dict[str, Any] = {
        "id": f"{lot.id}-{b.id}",
        "date": when,
        "status": status,
        "tenderers": [{"id": ids[b.name.casefold()], "name": b.name}],
        "relatedLots": [lot.id],
        "hasRank": b.rank is not None,
    }
    if b.rank is not None:
        bid["rank"] = b.rank
    if b.bidder.price is not None:
        bid["value"] = {"amount": _number(b.bidder.price), "currency": currency}
    return bid


def _award(lot: Lot, winner: BidderResult, ids: dict[str, str],
           currency: str) -> dict[str, Any]:
    award: dict[str, Any] = {
        "id": f"{lot.id}-award",
        "title": f"{lot.title}: award recommended",
        "status": "pending",
        "relatedLots": [lot.id],
        "relatedBids": [f"{lot.id}-{winner.id}"],
        "suppliers": [{"id": ids[winner.name.casefold()], "name": winner.name}],
    }
    if winner.bidder.price is not None:
        award["value"] = {"amount": _number(winner.bidder.price), "currency": currency}
    return award


def _number(value: Decimal | None) -> int | float | None:
    """JSON numbers: whole values as integers, others as the nearest float (OCDS has no
    decimal type; amounts and weights are published, never computed from, here)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
