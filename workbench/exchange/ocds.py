"""The tender as a UK award notice in the Open Contracting Data Standard 1.1 (`export-ocds`).

One release holds the buyer and tenderers (parties), the tender with its CPV code, procedure
and lots, each lot's award criteria with weights, minimum scores and groups' quality thresholds
(awardCriteriaBreakdown `threshold: minimumScore` entries),
one bid per bidder per lot with its status and recorded received date (bid extension), per-lot
counts of final-stage bids and of SME and VCSE bids (the UK extension's statistics), and,
once an award is recommended, the award of each lot with exactly one first-placed bid, its
supplier's identifier, address and size, the standstill period and when the assessment
summaries were sent (UK extension).

What stays out, because it is commercially sensitive or not yet true:
- a losing bid's price, unless the publisher asks for every bid (`include_all_bids`);
- ranks and scores (ranks exist only in an unreleased version of the bid extension, which is
  pinned to its released v1.1.5 here, so they are never published);
- on a provisional lot: any outcome (bids are `pending`, no award); on a tied lot: the award;
- a received date that was not recorded (the bid has no `date`).

Extensions are pinned to released versions where one exists (lots, bid: v1.1.5); the
awardCriteriaBreakdown, partyDetails_scale and UK extensions have no release, so their
default branch is declared.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from workbench import atomic
from workbench.award_record import standstill_end
from workbench.domain import Bidder, Criterion, Lot, Rounding, Tender
from workbench.numbers import dec_str, fmt_money, fmt_points
from workbench.reports.facts import Facts
from workbench.scoring.formulas import AWARD_METHODS
from workbench.scoring.results import BidderResult, LotResult
from workbench.scoring.weights import effective_percent, points_available, threshold_points

VERSION = "1.1"
_OCE = "https://raw.githubusercontent.com/open-contracting-extensions/{}/{}/extension.json"
EXTENSIONS = [
    _OCE.format("ocds_lots_extension", "v1.1.5"),
    _OCE.format("ocds_bid_extension", "v1.1.5"),
    _OCE.format("ocds_awardCriteriaBreakdown_extension", "master"),
    _OCE.format("ocds_partyDetails_scale_extension", "master"),
    "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json",
]
#: Not a registered prefix: fine for the authority's own records. To publish, pass the prefix
#: the publisher registered with the Open Contracting Partnership (`export-ocds --prefix`).
DEFAULT_PREFIX = "ocds-local"
AWARDED = ("award_recommended", "locked")
_SCALE = {"SME": "sme", "large": "large"}
#: The procedure as typed, to OCDS's closed procurementMethod list; the words themselves go in
#: procurementMethodDetails. A procedure matching none of these gets no procurementMethod.
_METHODS = (("direct", "direct"), ("limited", "limited"), ("open", "open"),
            ("flexible", "selective"), ("restricted", "selective"), ("selective", "selective"))
#: Identifier schemes of org-id.guide for the identifiers a UK bidder gives.
_SCHEMES = (("GB-COH", r"(?:[A-Z]{2}\d{6}|\d{8})"), ("GB-CHC", r"\d{6,7}"))
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)


def write_ocds(facts: Facts, path: str | Path, prefix: str = DEFAULT_PREFIX,
               published: str | None = None, include_all_bids: bool = False) -> None:
    """Write the release package as UTF-8 JSON to `path`."""
    package = release_package(facts, prefix, published, include_all_bids=include_all_bids)
    text = json.dumps(package, indent=2, ensure_ascii=False)
    atomic.write_text(path, text + "\n")


def release_package(facts: Facts, prefix: str = DEFAULT_PREFIX, published: str | None = None,
                    *, include_all_bids: bool = False) -> dict[str, Any]:
    """The release package as plain JSON data (one release for the whole tender). Each call
    makes a new release id, so two exports on one day are two releases."""
    tender = facts.data.tender
    when = published or datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    ocid = f"{prefix}-{_identifier(tender.reference or tender.title)}"
    release = _Release(facts, ocid, when, include_all_bids).build()
    return {
        "uri": f"urn:ocds:{ocid}:package:{release['id']}",
        "version": VERSION,
        "publishedDate": when,
        "publisher": {"name": tender.authority or "Contracting authority"},
        "extensions": EXTENSIONS,
        "releases": [release],
    }


def _identifier(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "tender"


def awardable(result: LotResult, awarded: bool) -> BidderResult | None:
    """The lot's one winner, when its award can be published: the tender's award recommended,
    the results final and first place not tied."""
    winners = result.winners
    if awarded and not result.provisional and len(winners) == 1:
        return winners[0]
    return None


def final_stage(lot: Lot, result: LotResult) -> list[BidderResult]:
    """The bids assessed against the award criteria: not withdrawn, no failed gateway."""
    gates = [c.id for c in lot.all_criteria() if c.kind == "pass_fail"]
    return [b for b in result.bidders if not b.bidder.withdrawn
            and all(b.criteria[g].result != "fail" for g in gates)]


class _Release:
    def __init__(self, facts: Facts, ocid: str, when: str, include_all_bids: bool) -> None:
        self.facts, self.ocid, self.when = facts, ocid, when
        self.include_all_bids = include_all_bids
        self.tender = facts.data.tender
        self.awarded = self.tender.status in AWARDED
        # One party per organisation: the same name on two lots is the same tenderer.
        self.ids: dict[str, str] = {}
        for result in facts.results:
            for b in result.bidders:
                self.ids.setdefault(b.name.casefold(), f"tenderer-{len(self.ids) + 1}")
        self.parties: dict[str, dict[str, Any]] = {}

    def build(self) -> dict[str, Any]:
        tender = self.tender
        buyer = {"id": "buyer", "name": tender.authority or "Contracting authority"}
        self.parties["buyer"] = {**buyer, "roles": ["buyer"]}
        bids: list[dict[str, Any]] = []
        statistics: list[dict[str, Any]] = []
        awards: list[dict[str, Any]] = []
        lots = []
        for lot in self.facts.data.lots:
            result = self.facts.result(lot.id)
            winner = awardable(result, self.awarded)
            lots.append({"id": lot.id, "title": lot.title,
                         "status": "complete" if winner else "active",
                         "awardCriteria": _award_criteria(lot, self.tender)})
            for b in result.bidders:
                self._party(b.bidder, "tenderer")
                bids.append(self._bid(lot, result, b, winner))
            statistics += _statistics(lot, result)
            if winner is not None:
                self._party(winner.bidder, "supplier")
                awards.append(self._award(lot, winner))
        out: dict[str, Any] = {
            "ocid": self.ocid,
            "id": f"{self.ocid}-{'award' if awards else 'tender'}-{uuid.uuid4().hex[:12]}",
            "date": self.when,
            "tag": ["tender", "award"] if awards else ["tender"],
            "initiationType": "tender",
            "language": "en",
            "parties": list(self.parties.values()),
            "buyer": buyer,
            "tender": self._tender(lots, awards),
            "bids": {"statistics": statistics, "details": bids},
        }
        if awards:
            out["awards"] = awards
        return out

    def _tender(self, lots: list[dict[str, Any]], awards: list[dict[str, Any]]) -> dict[str, Any]:
        tender = self.tender
        out: dict[str, Any] = {
            "id": tender.reference or self.ocid,
            "title": tender.title,
            "status": "complete" if awards and len(awards) == len(lots) else "active",
            "awardCriteria": "ratedCriteria",
            "awardCriteriaDetails": _criteria_details(self.facts.data.lots, tender),
            "numberOfTenderers": len(self.ids),
            "tenderers": [{"id": p["id"], "name": p["name"]} for p in self.parties.values()
                          if "tenderer" in p["roles"]],
            "lots": lots,
        }
        if tender.procedure:
            out["procurementMethodDetails"] = tender.procedure
            method = next((m for word, m in _METHODS if word in tender.procedure.lower()), "")
            if method:
                out["procurementMethod"] = method
        if tender.cpv:
            out["items"] = [{"id": f"{lot['id']}-cpv", "relatedLot": lot["id"],
                             "classification": {"scheme": "CPV", "id": tender.cpv}}
                            for lot in lots]
        if tender.estimated_value is not None:
            out["value"] = {"amount": _number(tender.estimated_value),
                            "currency": tender.currency}
        return out

    def _party(self, bidder: Bidder, role: str) -> None:
        party_id = self.ids[bidder.name.casefold()]
        party = self.parties.setdefault(party_id, {"id": party_id, "name": bidder.name,
                                                   "roles": []})
        if role not in party["roles"]:
            party["roles"].append(role)
        kinds = bidder.organisation_types
        details: dict[str, Any] = {"vcse": "VCSE" in kinds}
        # OCDS has one scale per party; an SME that is also a VCSE is still an SME
        scale = next((_SCALE[k] for k in kinds if k in _SCALE), None)
        if scale:
            details["scale"] = scale
        party["details"] = details
        if role == "supplier":  # a winner's details are published; a losing bidder's are not
            party.update(_supplier_details(bidder))

    def _bid(self, lot: Lot, result: LotResult, b: BidderResult,
             winner: BidderResult | None) -> dict[str, Any]:
        if b.bidder.withdrawn:
            status = "withdrawn"
        elif result.provisional:
            status = "pending"
        else:
            status = "disqualified" if b.excluded else "valid"
        bid: dict[str, Any] = {
            "id": f"{lot.id}-{b.id}",
            "status": status,
            "tenderers": [{"id": self.ids[b.name.casefold()], "name": b.name}],
            "relatedLots": [lot.id],
        }
        received = _date_time(b.bidder.received_on)
        if received:
            bid["date"] = received
        shown = self.include_all_bids or (winner is not None and winner.id == b.id)
        if shown and b.bidder.price is not None:
            bid["value"] = {"amount": _number(b.bidder.price), "currency": self.tender.currency}
        return bid

    def _award(self, lot: Lot, winner: BidderResult) -> dict[str, Any]:
        record = self.facts.data.award
        award: dict[str, Any] = {
            "id": f"{lot.id}-award",
            "title": f"{lot.title}: award recommended",
            "status": "pending",
            "relatedLots": [lot.id],
            "relatedBid": f"{lot.id}-{winner.id}",
            "suppliers": [{"id": self.ids[winner.name.casefold()], "name": winner.name}],
        }
        if winner.bidder.price is not None:
            award["value"] = {"amount": _number(winner.bidder.price),
                              "currency": self.tender.currency}
        if record.award_notice_on:
            notice = date.fromisoformat(record.award_notice_on)
            award["standstillPeriod"] = {
                "startDate": f"{notice.isoformat()}T00:00:00Z",
                "endDate": f"{standstill_end(notice).isoformat()}T23:59:59Z"}
        if record.summaries_sent_on:
            award["assessmentSummariesDateSent"] = f"{record.summaries_sent_on}T00:00:00Z"
        return award


def _criteria_details(lots: list[Lot], tender: Tender) -> str:
    text = f"Most advantageous tender, marked out of {_number(tender.total_points)} points per lot."
    by_ratio = [lot.id for lot in lots if AWARD_METHODS[lot.award_method].by_ratio]
    if by_ratio:
        text += (f" Bids for {', '.join(by_ratio)} are ranked by price per quality point (see "
                 "the lot's weighting description).")
    return text


def _supplier_details(bidder: Bidder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    text = " ".join(bidder.identifier.split())
    if text:
        scheme, _, rest = text.partition(" ")
        if re.fullmatch(r"[A-Z]{2}-[A-Z]{2,6}", scheme) and rest:
            out["identifier"] = {"scheme": scheme, "id": rest}
        else:
            found = next((s for s, pattern in _SCHEMES if re.fullmatch(pattern, text)), "")
            out["identifier"] = {"scheme": found, "id": text} if found else {"id": text}
    if bidder.address.strip():
        parts = [p.strip() for p in re.split(r"[,\n]", bidder.address) if p.strip()]
        address: dict[str, str] = {}
        if parts and _POSTCODE.match(parts[-1]):
            address["postalCode"] = parts.pop().upper()
        if parts:
            address["streetAddress"] = ", ".join(parts)
        out["address"] = address
    if bidder.email:
        out["contactPoint"] = {"email": bidder.email}
    return out


def _award_criteria(lot: Lot, tender: Tender) -> dict[str, Any]:
    """A lot's award criteria; how its bids are ranked when that is not by weighted points
    (`weightingDescription`, the award method's own words); a price ceiling in the UK
    extension's overall description (no threshold code fits a ceiling on price)."""
    out: dict[str, Any] = {"criteria": _criteria(lot, tender)}
    method = AWARD_METHODS[lot.award_method]
    if method.by_ratio:
        out["weightingDescription"] = method.words
    if lot.price_ceiling is not None:
        out["description"] = (f"A price above {fmt_money(lot.price_ceiling, tender.currency)} "
                              "excludes the bid.")
    return out


def _criteria(lot: Lot, tender: Tender) -> list[dict[str, Any]]:
    """Every award criterion that earns points (the leaves), with its share of the whole lot;
    a minimum score as a threshold; a fixed price as a fixed criterion with no weight; and a
    group with a quality threshold as a criterion of its own carrying only that threshold."""
    effective = effective_percent(lot)
    out = []
    for c in lot.all_criteria():
        if c.kind == "group" and c.minimum_percent is not None:
            available = points_available(lot, tender.total_points)[c.id]
            out.append(_group_threshold(c, available, tender.rounding))
        if c.kind in ("group", "pass_fail"):
            continue
        entry: dict[str, Any] = {
            "name": f"{c.id} {c.title}",
            "type": "price" if c.kind == "price" else "quality",
            "description": _description(lot, c),
        }
        if c.kind == "price" and c.formula == "fixed":
            entry["numbers"] = [{"fixed": "total"}]
            prices = {b.price for b in lot.bidders if not b.withdrawn}
            if len(prices) == 1 and None not in prices:
                entry["numbers"][0]["number"] = _number(prices.pop())
        else:
            entry["numbers"] = [{"number": _number(effective[c.id]),
                                 "weight": "percentageExact"}]
        if c.kind == "scored" and c.minimum is not None:
            entry["numbers"].append({"number": _number(c.minimum), "threshold": "minimumScore"})
        out.append(entry)
    return out


def _group_threshold(group: Criterion, available: Decimal,
                     rounding: Rounding) -> dict[str, Any]:
    """A group's quality threshold as a minimum score in points on the group, the unit its
    weighted questions earn (its weight is already in theirs, so it carries none here)."""
    needed = threshold_points(group, available)
    assert group.minimum_percent is not None
    leaves = [c for c in group.walk() if c.kind not in ("group", "pass_fail")]
    kinds = {"price" if c.kind == "price" else "quality" for c in leaves}
    entry: dict[str, Any] = {"name": f"{group.id} {group.title}"}
    if len(kinds) == 1:
        entry["type"] = kinds.pop()
    members = f"Group of {', '.join(c.id for c in leaves)}; " if leaves else ""
    entry["description"] = (
        f"{members}quality threshold: a bid with fewer than {fmt_points(needed, rounding)} of "
        f"the group's {fmt_points(available, rounding)} points "
        f"({dec_str(group.minimum_percent)}%) is excluded")
    entry["numbers"] = [{"number": _number(needed), "threshold": "minimumScore"}]
    return entry


def _description(lot: Lot, c: Criterion) -> str:
    parent = next((p for p in lot.all_criteria() if c in p.children), None)
    parts = []
    if parent:
        weight = f"; {_number(c.weight)}% of its group" if c.weight is not None else ""
        parts.append(f"Part of {parent.id} {parent.title}{weight}")
    if c.kind == "price" and c.formula == "fixed":
        parts.append("the price is fixed, so it carries no points")
    if c.kind == "scored" and c.minimum is not None:
        parts.append(f"a score below {_number(c.minimum)} excludes the bid")
    if c.theme:
        parts.append(f"social value theme: {c.theme}")
    return "; ".join(parts) or c.title


def _statistics(lot: Lot, result: LotResult) -> list[dict[str, Any]]:
    """How many bids the lot received, and how many (of them from SMEs, from VCSEs) were
    assessed in the final stage (UK extension measures)."""
    final = final_stage(lot, result)
    counts = [("bids", len(result.bidders)), ("finalStageBids", len(final)),
              ("smeFinalStageBids", sum("SME" in b.bidder.organisation_types for b in final)),
              ("vcseFinalStageBids", sum("VCSE" in b.bidder.organisation_types for b in final))]
    return [{"id": f"{lot.id}-{measure}", "measure": measure, "value": value,
             "relatedLot": lot.id} for measure, value in counts]


def _date_time(recorded: str) -> str:
    """A recorded received date as OCDS date-time: a date alone is the start of that day, a
    time without a zone is taken as UTC; "" when none was recorded (never invented)."""
    if not recorded:
        return ""
    moment = datetime.fromisoformat(recorded.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _number(value: Decimal | None) -> int | float | None:
    """JSON numbers: whole values as integers, others as the nearest float (OCDS has no
    decimal type; amounts and weights are published, never computed from, here)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
