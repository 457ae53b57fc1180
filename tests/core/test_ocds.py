"""The OCDS award notice: valid against the real OCDS 1.1.5 schema with its declared extensions
and the UK extension, in every state of the demo; nothing sensitive or untrue published."""

from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests import ocds_schema

from workbench.cli import main
from workbench.domain import AwardRecord, TenderData
from workbench.exchange import ocds
from workbench.reports.facts import from_data, from_file
from workbench.storage import TenderFile

reference = ocds_schema.reference()
needs_reference = pytest.mark.skipif(reference is None, reason=ocds_schema.MISSING)


def _awarded(data: TenderData) -> TenderData:
    data = deepcopy(data)
    data.tender.status = "award_recommended"
    data.award = AwardRecord(summaries_sent_on="2026-12-01", award_notice_on="2026-12-03")
    return data


def _tied(data: TenderData) -> TenderData:
    """Lot 1 with a twin of its winner: same price, figures and agreed scores."""
    data = _awarded(data)
    lot = data.lots[0]
    winner = from_data(data).results[0].winners[0].bidder
    twin = replace(winner, id="B9", name="Twin Care Ltd", organisation_types=("SME",),
                   values=dict(winner.values))
    lot.bidders.append(twin)
    lot.moderated += [replace(m, bidder="B9") for m in lot.moderated if m.bidder == winner.id]
    lot.gateways += [replace(g, bidder="B9") for g in lot.gateways if g.bidder == winner.id]
    return data


def _fixed_price(data: TenderData) -> TenderData:
    data = _awarded(data)
    price = next(c for c in data.lots[0].criteria if c.kind == "price")
    price.formula = "fixed"
    for b in data.lots[0].bidders:
        b.price = Decimal(650000)
    return data


STATES = {"provisional": lambda d: deepcopy(d), "award recommended": _awarded,
          "tied": _tied, "fixed price": _fixed_price}


def package(data: TenderData, **options: Any) -> dict[str, Any]:
    return ocds.release_package(from_data(data), "ocds-abc123", **options)


@needs_reference
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("all_bids", [False, True])
def test_every_state_of_the_demo_validates(demo_data: TenderData, state: str,
                                           all_bids: bool) -> None:
    assert reference is not None
    made = package(STATES[state](demo_data), include_all_bids=all_bids)
    assert ocds_schema.problems(made, reference) == []


@needs_reference
def test_the_check_finds_errors_undeclared_fields_and_unknown_codes(
        demo_data: TenderData) -> None:
    assert reference is not None
    made = deepcopy(package(_awarded(demo_data)))  # the export itself stays valid
    release = made["releases"][0]
    release["bids"]["details"][0]["rank"] = 1  # only in the unreleased bid extension
    release["tender"]["items"][0]["classification"]["scheme"] = "NOT-A-SCHEME"
    release["awards"][0]["status"] = "maybe"
    found = "\n".join(ocds_schema.problems(made, reference))
    assert "bids/details[0]/rank: undeclared field" in found
    assert "'NOT-A-SCHEME' is not in the open codelist itemClassificationScheme.csv" in found
    assert "'maybe' is not one of" in found


def test_without_the_reference_the_check_is_skipped_with_a_reason(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ocds_schema.ENV, str(tmp_path / "nowhere"))
    assert ocds_schema.reference(repo=tmp_path / "clone") is None
    assert ocds_schema.ENV in ocds_schema.MISSING


def test_losing_bids_show_no_price_or_rank_unless_all_bids_are_asked_for(
        demo_data: TenderData) -> None:
    data = _awarded(demo_data)
    release = package(data)["releases"][0]
    winner = from_data(data).results[0].winners[0]
    for bid in release["bids"]["details"]:
        assert "rank" not in bid and "hasRank" not in bid
        assert ("value" in bid) == (bid["id"] == f"L1-{winner.id}")
    everything = package(data, include_all_bids=True)["releases"][0]["bids"]["details"]
    assert all("value" in bid for bid in everything)


def test_a_provisional_lot_has_pending_bids_and_no_award(demo_data: TenderData) -> None:
    release = package(_awarded(demo_data))["releases"][0]
    lot2 = [b for b in release["bids"]["details"] if b["relatedLots"] == ["L2"]]
    assert {b["status"] for b in lot2} == {"pending"}
    assert [a["relatedLots"] for a in release["awards"]] == [["L1"]]
    lots = {lot["id"]: lot["status"] for lot in release["tender"]["lots"]}
    assert lots == {"L1": "complete", "L2": "active"}
    assert release["tender"]["status"] == "active"


def test_a_tied_lot_has_no_award_and_is_not_complete(demo_data: TenderData) -> None:
    release = package(_tied(demo_data))["releases"][0]
    assert "awards" not in release and release["tag"] == ["tender"]
    assert {lot["status"] for lot in release["tender"]["lots"]} == {"active"}


def test_received_dates_are_those_recorded_never_invented(demo_data: TenderData) -> None:
    data = deepcopy(demo_data)
    data.lots[0].bidders[1].received_on = ""
    data.lots[0].bidders[2].received_on = "2026-10-30"
    bids = {b["id"]: b for b in package(data)["releases"][0]["bids"]["details"]}
    assert bids["L1-B1"]["date"] == "2026-10-29T14:12:00Z"
    assert "date" not in bids["L1-B2"]
    assert bids["L1-B3"]["date"] == "2026-10-30T00:00:00Z"


def test_minimum_scores_are_thresholds_and_a_fixed_price_is_fixed(
        demo_data: TenderData) -> None:
    lot = package(_fixed_price(demo_data))["releases"][0]["tender"]["lots"][0]
    criteria = {c["name"].split()[0]: c for c in lot["awardCriteria"]["criteria"]}
    assert {"number": 2, "threshold": "minimumScore"} in criteria["Q2"]["numbers"]
    assert criteria["P"]["numbers"] == [{"fixed": "total", "number": 650000}]
    assert "fixed" in criteria["P"]["description"]


def test_each_export_is_a_new_release(demo_data: TenderData) -> None:
    first, second = package(demo_data), package(demo_data)
    assert first["releases"][0]["id"] != second["releases"][0]["id"]
    assert first["uri"] != second["uri"]


def test_extensions_are_pinned_where_released(demo_data: TenderData) -> None:
    urls = package(demo_data)["extensions"]
    assert any("ocds_bid_extension/v1.1.5/" in u for u in urls)
    assert any("ocds_lots_extension/v1.1.5/" in u for u in urls)
    assert not any("ocds_bid_extension/master" in u for u in urls)


def test_the_uk_award_notice_fields(demo_data: TenderData) -> None:
    release = package(_awarded(demo_data))["releases"][0]
    tender = release["tender"]
    assert tender["procurementMethod"] == "open"
    assert tender["procurementMethodDetails"] == "Open procedure"
    assert {i["classification"]["id"] for i in tender["items"]} == {"85320000-8"}
    (award,) = release["awards"]
    assert award["standstillPeriod"] == {"startDate": "2026-12-03T00:00:00Z",
                                         "endDate": "2026-12-14T23:59:59Z"}
    assert award["assessmentSummariesDateSent"] == "2026-12-01T00:00:00Z"
    supplier = next(p for p in release["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "GB-CHC", "id": "1098765"}
    assert supplier["address"]["postalCode"] == "NB2 7QD"
    assert supplier["contactPoint"]["email"] == "info@northbridgeva.org.uk"
    assert supplier["details"] == {"vcse": True}
    losers = [p for p in release["parties"] if p["roles"] == ["tenderer"]]
    assert not any("address" in p or "identifier" in p for p in losers)
    sme = next(p for p in release["parties"] if p["name"].startswith("Hartley"))
    assert sme["details"] == {"vcse": False, "scale": "sme"}
    stats = {(s["relatedLot"], s["measure"]): s["value"] for s in release["bids"]["statistics"]}
    assert stats[("L1", "finalStageBids")] == 5
    assert stats[("L2", "finalStageBids")] == 4  # Greenway failed the insurance gateway
    assert stats[("L1", "smeFinalStageBids")] == 2
    assert stats[("L2", "vcseFinalStageBids")] == 2


def test_command_line_flag_publishes_every_bid(demo_tender: Path, tmp_path: Path) -> None:
    out = tmp_path / "ocds.json"
    assert main(["export-ocds", str(demo_tender), "-o", str(out), "--include-all-bids"]) == 0
    bids = json.loads(out.read_text(encoding="utf-8"))["releases"][0]["bids"]["details"]
    assert all("value" in b for b in bids)
    assert main(["export-ocds", str(demo_tender), "-o", str(out)]) == 0
    bids = json.loads(out.read_text(encoding="utf-8"))["releases"][0]["bids"]["details"]
    assert not any("value" in b for b in bids)  # still in moderation: no award yet


@needs_reference
def test_the_finished_demo_awards_every_lot_and_validates(finished_demo: Path) -> None:
    assert reference is not None
    with TenderFile.open(finished_demo, read_only=True) as tf:
        facts = from_file(tf)
    made = ocds.release_package(facts)
    assert ocds_schema.problems(made, reference) == []
    release = made["releases"][0]
    assert [a["relatedLots"] for a in release["awards"]] == [["L1"], ["L2"]]
    assert release["tender"]["status"] == "complete"
    assert all(a["standstillPeriod"]["endDate"] == "2026-12-14T23:59:59Z"
               for a in release["awards"])


@needs_reference
def test_a_group_quality_threshold_is_published_as_a_minimum_score(tmp_path: Path) -> None:
    """The bundled example's quality group (80 of 100 points, threshold 60%) exported through
    the command line: the group is a criterion carrying only its threshold, 48 points."""
    assert reference is not None
    assert main(["demo", "--all", str(tmp_path / "examples")]) == 0
    out = tmp_path / "ocds.json"
    example = tmp_path / "examples" / "price-per-quality-point.tender"
    assert main(["export-ocds", str(example), "-o", str(out)]) == 0
    made = json.loads(out.read_text(encoding="utf-8"))
    assert ocds_schema.problems(made, reference) == []
    lot = made["releases"][0]["tender"]["lots"][0]
    criteria = {c["name"].split()[0]: c for c in lot["awardCriteria"]["criteria"]}
    assert criteria["Q"]["numbers"] == [{"number": 48, "threshold": "minimumScore"}]
    assert criteria["Q"]["type"] == "quality"
    assert lot["awardCriteria"]["description"] == "A price above £480,000 excludes the bid."
    assert lot["awardCriteria"]["weightingDescription"].startswith("Price per quality point")
    assert "L1 are ranked by price per quality point" in \
        made["releases"][0]["tender"]["awardCriteriaDetails"]
    assert "fewer than 48.00 of the group's 80.00 points (60%)" in criteria["Q"]["description"]
    # its weight is already in its questions': the lot's weights still add up to 100
    weights = [n["number"] for c in criteria.values() for n in c["numbers"] if "weight" in n]
    assert sum(weights) == 100


def test_a_threshold_on_a_nested_group_is_in_that_groups_points(demo_data: TenderData) -> None:
    data = deepcopy(demo_data)
    group = next(c for c in data.lots[0].criteria if c.kind == "group")
    group.minimum_percent = Decimal("12.5")
    available = ocds.points_available(data.lots[0], data.tender.total_points)[group.id]
    lot = package(data)["releases"][0]["tender"]["lots"][0]
    entry = next(c for c in lot["awardCriteria"]["criteria"]
                 if c["name"].startswith(f"{group.id} "))
    assert entry["numbers"] == [{"number": float(available * Decimal("0.125")),
                                 "threshold": "minimumScore"}]
    # the groups without a threshold stay out: only leaves carry weights
    assert sum(1 for c in lot["awardCriteria"]["criteria"]
               if not any("weight" in n or "fixed" in n for n in c["numbers"])) == 1
