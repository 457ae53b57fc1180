"""Scoring methods through real files: interchange JSON, the tender file, the format upgrade,
and the actions a lead takes (bounds on figures, organisation types, low-bid reviews)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from workbench import bidders
from workbench.cli import main
from workbench.errors import InterchangeError, StorageError, ValidationError
from workbench.exchange import interchange
from workbench.model import edit
from workbench.model.seal import seal_state
from workbench.scoring.results import compute_lot
from workbench.storage import TenderFile, audit, schema
from workbench.storage.changes import revert

FIXTURES = Path(__file__).parent.parent / "fixtures"


def mutate(small_json: str, change: Callable[[dict[str, Any]], None]) -> str:
    doc = json.loads(small_json)
    change(doc)
    return json.dumps(doc)


def _lot(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["lots"][0]


def _set_formula(doc: dict[str, Any]) -> None:
    _lot(doc)["criteria"][1]["formula"] = "cheapest_wins"


@pytest.mark.parametrize("change, message", [
    (_set_formula, "lots[L1].criteria[P]: 'formula': unknown price formula 'cheapest_wins' "
                   "(known: lowest_over_bid, linear_deduction, price_range, fixed)"),
    (lambda d: _lot(d)["criteria"][2].update(direction="more"),
     "lots[L1].criteria[SV]: 'direction': unknown quantitative direction 'more'"),
    (lambda d: _lot(d)["criteria"][0]["children"][0].update(normalise="median"),
     "lots[L1].criteria[Q].children[Q1]: 'normalise': unknown normalisation 'median'"),
    (lambda d: _lot(d).update(award_method="lowest_price"),
     "lots[L1]: 'award_method': unknown award method 'lowest_price'"),
    (lambda d: _lot(d)["criteria"][0].update(minimum=60),
     "lots[L1].criteria[Q]: 'minimum' is a score, for a scored question; a group takes a "
     "quality threshold as 'minimum_percent'"),
    (lambda d: _lot(d)["criteria"][2].update(unit="%"),
     "lots[L1].bidders[B1].values.SV: bidder B1 Acme, SV: 41000 % is outside the range "
     "0 to 100 %"),
    (lambda d: _lot(d)["criteria"][2].update(max_value=40000),
     "lots[L1].bidders[B1].values.SV: bidder B1 Acme, SV: 41000 is outside the range any to "
     "40000"),
    (lambda d: _lot(d)["bidders"][0].update(organisation_types=["SME", "large"]),
     "give 'organisation_type' or 'organisation_types', not both"),
    (lambda d: _lot(d).update(price_ceiling=0), "lots[L1]: 'price_ceiling' must be more than 0"),
    (lambda d: d["tender"].update(abnormally_low_percent=120),
     "tender: 'abnormally_low_percent' must be a percentage from 0 to 100, not 120"),
])
def test_unknown_or_impossible_scoring_settings_are_refused_naming_the_place(
        small_json: str, change: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(InterchangeError) as caught:
        interchange.loads(mutate(small_json, change))
    assert message in str(caught.value)


def _everything(doc: dict[str, Any]) -> None:
    doc["tender"]["abnormally_low_percent"] = 15
    lot = _lot(doc)
    lot.update(award_method="price_per_quality_point", price_ceiling=1_000_000)
    lot["criteria"][0]["minimum_percent"] = 50
    lot["criteria"][1]["formula"] = "price_range"
    lot["criteria"][2].update(min_value=0, max_value=100_000)
    bidder = lot["bidders"][0]
    del bidder["organisation_type"]
    bidder["organisation_types"] = ["SME", "VCSE"]
    lot["abnormally_low_reviews"] = [{
        "bidder": "B1", "price": 980000, "question": "q", "response": "r",
        "decision": "accept", "reason": "fine", "decided_at": "2026-12-01T10:00:00+00:00"}]


def test_every_new_key_round_trips_through_json_and_the_tender_file(
        tmp_path: Path, small_json: str) -> None:
    text = interchange.dumps(interchange.loads(mutate(small_json, _everything)))
    data = interchange.loads(text)
    lot = data.lots[0]
    assert (lot.award_method, lot.price_ceiling, lot.criteria[0].minimum_percent) == (
        "price_per_quality_point", 1_000_000, 50)
    assert lot.bidders[0].organisation_types == ("SME", "VCSE")
    path = tmp_path / "all.tender"
    with TenderFile.create(path, data, user="tester") as tf:
        assert interchange.dumps(tf.load()) == text
        assert tf.integrity_problem == ""


def test_a_file_with_an_unknown_formula_is_refused_in_one_line(
        small_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(small_tender) as conn:
        conn.execute("UPDATE criteria SET formula = 'cheapest_wins' WHERE id = 'P'")
    conn.close()
    with pytest.raises(StorageError) as caught:
        TenderFile.open(small_tender).close()
    assert str(caught.value) == (
        "small.tender cannot be opened: lot L1, criterion P: unknown price formula "
        "'cheapest_wins' (known: lowest_over_bid, linear_deduction, price_range, fixed); it "
        "may come from a newer version of the workbench")
    assert main(["results", str(small_tender)]) == 1
    err = capsys.readouterr().err
    assert "unknown price formula 'cheapest_wins'" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_file_from_the_previous_format_upgrades_writable_with_its_seal_intact(
        tmp_path: Path) -> None:
    # the small fixture imported and sealed by format 1
    path = tmp_path / "old.tender"
    shutil.copy(FIXTURES / "format-v1-sealed.tender", path)
    with TenderFile.open(path, user="tester") as tf:
        assert tf.integrity_problem == "" and not tf.read_only
        version = schema.SCHEMA_VERSION
        assert tf.db.execute("PRAGMA user_version").fetchone()[0] == version
        assert f"Upgrade file format to v{version}" in {e["action"] for e in audit.entries(tf.db)}
        state = seal_state(tf)
        assert state.sealed and state.intact
        data = tf.load()
        assert data.lots[0].award_method == "weighted_points"
        assert data.tender.abnormally_low_percent == 20
        bidders.set_price(tf, "L1", "B1", "990000")
    with TenderFile.open(path, user="tester") as tf:
        assert tf.integrity_problem == ""


# -- actions -------------------------------------------------------------------------------


@pytest.fixture
def tf(small_tender: Path) -> Any:
    with TenderFile.open(small_tender, user="tester") as opened:
        yield opened


def test_a_percentage_outside_0_to_100_is_refused_where_typed(tf: TenderFile) -> None:
    edit.update_criterion(tf, "L1", "SV", unit="%")
    with pytest.raises(ValidationError, match=r"^SV SV for Acme \(B1\): 150 % is outside the "
                                              r"range 0 to 100 %$"):
        bidders.set_value(tf, "L1", "B1", "SV", "150")
    bidders.set_value(tf, "L1", "B1", "SV", "75")
    assert tf.load().lots[0].bidders[0].values["SV"] == 75


def test_bounds_are_edited_in_the_model_and_checked(tf: TenderFile) -> None:
    edit.update_criterion(tf, "L1", "SV", min_value="10", max_value="50000")
    with pytest.raises(ValidationError, match="5 is outside the range 10 to 50000"):
        bidders.set_value(tf, "L1", "B1", "SV", "5")
    with pytest.raises(ValidationError, match="lowest figure 60000 must be below the highest"):
        edit.update_criterion(tf, "L1", "SV", min_value="60000")
    with pytest.raises(ValidationError, match="only a group has a quality threshold"):
        edit.update_criterion(tf, "L1", "SV", minimum_percent="50")


def test_threshold_award_method_and_ceiling_are_edited_as_one_action_each(tf: TenderFile) -> None:
    edit.update_criterion(tf, "L1", "Q", minimum_percent="60")
    edit.set_lot_scoring(tf, "L1", award_method="price_per_quality_point")
    edit.set_lot_scoring(tf, "L1", price_ceiling="£1,000,000")
    lot = tf.load().lots[0]
    assert (lot.criteria[0].minimum_percent, lot.award_method, lot.price_ceiling) == (
        60, "price_per_quality_point", 1_000_000)
    with pytest.raises(ValidationError, match="unknown award method 'cheapest'"):
        edit.set_lot_scoring(tf, "L1", award_method="cheapest")
    actions = [e["action"] for e in audit.entries(tf.db)][-2:]
    assert actions == ["Set award method of lot L1", "Set price ceiling of lot L1"]


def test_a_bidder_can_be_an_sme_and_a_vcse(tf: TenderFile) -> None:
    bidders.update_bidder(tf, "L1", "B1", organisation_type="SME, VCSE")
    assert tf.load().lots[0].bidders[0].organisation_types == ("SME", "VCSE")
    with pytest.raises(ValidationError, match="cannot be both an SME and a large"):
        bidders.update_bidder(tf, "L1", "B1", organisation_type="SME, large")


def test_the_review_of_an_abnormally_low_tender_is_one_audited_action(tf: TenderFile) -> None:
    with pytest.raises(ValidationError, match="not flagged as abnormally low"):
        bidders.review_low_bid(tf, "L1", "B1", "q", "r", "accept", "fine")
    bidders.set_price(tf, "L1", "B1", "0")
    lot = tf.load().lots[0]
    assert compute_lot(tf.load(), lot).provisional
    with pytest.raises(ValidationError, match="give the reason to exclude"):
        bidders.review_low_bid(tf, "L1", "B1", "Why £0?", "An error", "exclude", " ")
    before = len(audit.entries(tf.db))
    bidders.review_low_bid(tf, "L1", "B1", "Why £0?", "Entered in error", "exclude",
                           "no price offered")
    entries = audit.entries(tf.db)[before:]
    assert [e["action"] for e in entries] == [
        "Exclude the abnormally low tender of bidder B1 in lot L1"]
    assert entries[0]["reason"] == "no price offered"
    data = tf.load()
    result = compute_lot(data, data.lots[0]).bidder("B1")
    assert result is not None and result.excluded and result.abnormally_low
    assert result.reasons == ["abnormally low tender excluded: no price offered"]
    revert(tf, tf.last_change, "Undo")
    assert tf.rows("low_bid_reviews") == []


# -- the bundled example ------------------------------------------------------------------------


def test_demo_all_writes_every_bundled_example_and_refuses_to_overwrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "examples"
    assert main(["demo", "--all", str(folder)]) == 0
    assert sorted(p.name for p in folder.glob("*.tender")) == [
        "demo.tender", "price-per-quality-point.tender"]
    with TenderFile.open(folder / "price-per-quality-point.tender") as tf:
        data = tf.load()
        assert seal_state(tf, data).sealed
    lot = data.lots[0]
    result = compute_lot(data, lot)
    assert lot.award_method == "price_per_quality_point" and not result.provisional
    # e.g. Castleford: quality 32 + 19.2 + 19.2 + 6 + 40/85 × 10 = 81.1059; £455,000 / 81.1059
    assert [(b.bidder.name, b.total_text, b.ratio_text, b.rank) for b in result.ranked] == [
        ("Brightside Repairs Ltd", "69.67", "4564.34", 1),
        ("Northbridge Community Builders CIC", "75.60", "5152.12", 2),
        ("Castleford Property Services plc", "81.11", "5609.95", 3),
        ("Hearth & Home Adaptations Ltd", "72.49", "5683.22", 4)]
    quickfix = result.bidder("B4")
    assert quickfix is not None and quickfix.reasons == [
        "Q Quality: 36.80 points are below the quality threshold of 60% (48.00 of 80.00 points)"]
    brightside = result.bidder("B5")
    assert brightside is not None and brightside.abnormally_low
    capsys.readouterr()
    assert main(["demo", "--all", str(folder)]) == 1
    assert "demo.tender already exists" in capsys.readouterr().err


@pytest.fixture
def example(tmp_path: Path) -> Path:
    from workbench.demo import EXAMPLES, create_example
    path = tmp_path / "example.tender"
    create_example(EXAMPLES[1], path).close()
    return path


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_the_pack_prints_the_method_used_and_the_low_bid_review(
        example: Path, tmp_path: Path) -> None:
    import subprocess
    pdf = tmp_path / "pack.pdf"
    assert main(["pack", str(example), "-o", str(pdf)]) == 0
    text = " ".join(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert ("quality points = points of every non-price criterion; ratio = price ÷ quality "
            "points; the lowest ratio ranks first") in text
    assert "Brightside Repairs Ltd offers the lowest price per quality point, with £4,564.34 " \
           "per quality point." in text
    assert "Abnormally low tenders" in text and "Accepted: Labour rates checked" in text
    assert "36.80 points are below the quality threshold of 60%" in text
    assert "Social value carries 20% of the quality marks" in text
    assert "Figures accepted: 0 to 100." in text


def test_the_results_workbook_carries_the_ratio_and_the_flag(example: Path,
                                                             tmp_path: Path) -> None:
    from openpyxl import load_workbook
    out = tmp_path / "results.xlsx"
    assert main(["export-xlsx", str(example), "-o", str(out)]) == 0
    wb = load_workbook(out)
    sheet = next(ws for ws in wb.worksheets if any(
        c.value == "£ per quality point" for row in ws.iter_rows(max_row=3) for c in row))
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if "£ per quality point" in r)
    header = rows[header_at]
    first = dict(zip(header, rows[header_at + 1], strict=True))
    assert first["Bidder"] == "Brightside Repairs Ltd"
    assert first["Quality points"] == Decimal("69.67") or float(first["Quality points"]) == 69.67
    assert float(first["£ per quality point"]) == 4564.34
    assert first["Abnormally low"] == "Yes"


def test_thresholds_and_bounds_survive_the_model_workbook_round_trip(
        tmp_path: Path, small_json: str) -> None:
    from workbench.model.model_xlsx import export_model, import_model
    path = tmp_path / "t.tender"
    TenderFile.create(path, interchange.loads(mutate(small_json, _everything))).close()
    workbook = tmp_path / "model.xlsx"
    with TenderFile.open(path) as tf:
        before = tf.load().lots[0].criteria
        export_model(tf.load(), workbook)
        import_model(tf, workbook)
        after = tf.load().lots[0].criteria
    assert after == before
    assert (after[0].minimum_percent, after[2].min_value, after[2].max_value) == (50, 0, 100_000)


def test_the_abnormally_low_percentage_is_a_tender_detail(tf: TenderFile) -> None:
    from workbench.details import update_details
    update_details(tf, abnormally_low_percent="15")
    assert tf.load().tender.abnormally_low_percent == 15
    with pytest.raises(ValidationError, match="abnormally low threshold is a percentage"):
        update_details(tf, abnormally_low_percent="150")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_an_assessment_summary_explains_a_ranking_per_quality_point(
        example: Path, tmp_path: Path) -> None:
    import subprocess
    folder = tmp_path / "summaries"
    # the example carries no bidder feedback yet, so its summaries are drafts
    assert main(["summaries", str(example), "-o", str(folder), "--drafts"]) == 0
    [pdf] = folder.glob("*Northbridge*")
    text = " ".join(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout.split())
    assert ("Tenders were ranked on price per quality point (price ÷ quality points, lowest "
            "first): yours is £5,152.12; the most advantageous tender's, £4,564.34.") in text


def test_the_example_and_every_new_key_match_the_documented_schema(small_json: str) -> None:
    from tests.conftest import interchange_validator

    from workbench.resources import read_text
    validator = interchange_validator()
    validator.validate(json.loads(read_text("demo", "price-per-quality-point.json")))
    validator.validate(json.loads(
        interchange.dumps(interchange.loads(mutate(small_json, _everything)))))
