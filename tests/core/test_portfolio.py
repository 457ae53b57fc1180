"""The portfolio over a real folder: the bundled demo, two generated tenders of another
authority and a damaged file. Every figure is checked against one worked out by hand."""

from __future__ import annotations

import json
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from workbench.cli import main
from workbench.demo import create_demo
from workbench.exchange import interchange
from workbench.portfolio.output import portfolio, to_json
from workbench.portfolio.reading import read_folder
from workbench.storage import TenderFile

EASTVALE = "Eastvale District Council"


def _criteria(sv_weight: int, price_weight: int, *, minimum: int | None,
              gateway: bool) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"id": "Q1", "title": "Quality", "weight": 100 - sv_weight - price_weight,
         "type": "scored", "scale": "0-5", "minimum": minimum},
        {"id": "P", "title": "Price", "weight": price_weight, "type": "price"},
        {"id": "SV1", "title": "Local volunteering", "weight": sv_weight,
         "type": "quantitative", "theme": "Wellbeing", "unit": "hours"}]
    if gateway:
        found.append({"id": "G1", "title": "Insurance", "type": "pass_fail"})
    return found


def _tender(path: Path, reference: str, criteria: list[dict[str, Any]],
            bidders: list[tuple[str, str, str, int, int, int, str | None]],
            sealed_at: str) -> None:
    """A one-lot tender, every score moderated; bidders are (id, name, type, price, hours,
    quality score, gateway result)."""
    lot = {
        "id": "L1", "title": f"{reference} lot", "criteria": criteria,
        "bidders": [{"id": i, "name": n, "organisation_type": t, "price": p,
                     "values": {"SV1": h}} for i, n, t, p, h, _q, _g in bidders],
        "moderated": [{"bidder": i, "criterion": "Q1", "score": q, "rationale": "agreed"}
                      for i, _n, _t, _p, _h, q, _g in bidders],
        "gateways": [{"bidder": i, "criterion": "G1", "result": g, "rationale": "checked"}
                     for i, _n, _t, _p, _h, _q, g in bidders if g],
    }
    doc = {"format": "workbench-tender/1",
           "tender": {"title": f"Tender {reference}", "reference": reference,
                      "authority": EASTVALE, "social_value_minimum_weight": 10},
           "scales": [{"id": "0-5", "name": "0-5", "levels": [
               {"value": v, "label": str(v)} for v in range(6)]}],
           "lots": [lot]}
    with TenderFile.create(path, interchange.loads(json.dumps(doc)), user="tester") as tf, \
            tf.action("Date the plan"):
        tf.update("tender", {"id": 1}, sealed_at=sealed_at)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "tenders"
    root.mkdir()
    create_demo(root / "a-demo.tender").close()
    # 2025: SV 10% = the minimum. Inside: Alder (SME) 48 + 30 + 10 = 88 beats Elm (public
    # body) 36 + 27.27 + 10; Birch (VCSE) fails the gateway; Cedar (large) and Dale (VCSE)
    # score 1, below the minimum of 2.
    _tender(root / "b-2025.tender", "EDC-25-01", _criteria(10, 30, minimum=2, gateway=True), [
        ("B1", "Alder Ltd", "SME", 100000, 100, 4, "pass"),
        ("B2", "Birch Trust", "VCSE", 90000, 200, 3, "fail"),
        ("B3", "Cedar plc", "large", 80000, 50, 1, "pass"),
        ("B4", "Dale CIC", "VCSE", 120000, 0, 1, "pass"),
        ("B5", "Elm Council Services", "public body", 110000, 100, 3, "pass")],
        "2025-03-01T10:00:00+00:00")
    # 2026: SV 5%, below the minimum of 10. Fern (SME) 60 + 28 + 5 = 93 beats Gorse 61.5.
    _tender(root / "c-2026.tender", "EDC-26-02", _criteria(5, 35, minimum=None, gateway=False),
            [("B1", "Fern Ltd", "SME", 50000, 10, 5, None),
             ("B2", "Gorse Ltd", "large", 40000, 5, 2, None)],
            "2026-06-01T10:00:00+00:00")
    (root / "d-damaged.tender").write_bytes(b"SQLite format 3\x00" + b"\x07" * 400)
    (root / "notes.txt").write_text("not a tender")
    return root


def test_every_figure_matches_the_hand_count(folder: Path) -> None:
    tenders, skipped = read_folder(folder)
    out = to_json(portfolio(str(folder), tenders, skipped))
    assert [s["file"] for s in out["skipped"]] == ["d-damaged.tender"]
    assert "d-damaged.tender" in out["skipped"][0]["reason"]
    assert [(g["year"], g["authority"]) for g in out["groups"]] == [
        (2026, EASTVALE), (2026, "Northbridge Borough Council"), (2025, EASTVALE)]
    east26, north, east25 = out["groups"]

    # Northbridge (the demo): lot 1 final (Northbridge Voluntary Action, VCSE, £695,400);
    # lot 2 still provisional. SV 15% and 10% against 10%. Bids: lot 1 VCSE ×2, SME ×2,
    # large; lot 2 VCSE ×2, SME, large, public body. Pathway (SME) is below Q2's minimum in
    # lot 1 and Greenway (SME) failed the gateway in lot 2. Monitoring: 3 of 4 on track.
    assert (north["tenders"], north["lots"], north["lots_meeting_policy"]) == (1, 2, 2)
    assert north["organisation_types"] == {
        "SME": {"bids": 3, "won": 0, "contract_value": "0"},
        "VCSE": {"bids": 4, "won": 1, "contract_value": "695400"},
        "large": {"bids": 2, "won": 0, "contract_value": "0"},
        "public body": {"bids": 1, "won": 0, "contract_value": "0"}}
    assert north["sme_vcse"] == {"bids": 7, "won": 1, "share_won": "14"}
    assert north["exclusions"] == {
        "SME": {"gateway": 1, "minimum score": 1, "threshold": 0, "ceiling": 0,
                "abnormally low": 0},
        "VCSE": {"gateway": 0, "minimum score": 0, "threshold": 0, "ceiling": 0,
                 "abnormally low": 0}}
    assert north["monitoring"]["commitments"] == 4 and north["monitoring"]["on_track"] == 3
    assert north["monitoring"]["rating"]["band"] == "Approaching"

    # Eastvale 2025: one lot at 10% (meets), Alder (SME) wins £100,000; Birch (VCSE) out at
    # the gateway, Dale (VCSE) below the minimum; Cedar is large, so not counted.
    assert (east25["lots"], east25["lots_meeting_policy"]) == (1, 1)
    assert east25["organisation_types"]["SME"] == {"bids": 1, "won": 1,
                                                   "contract_value": "100000"}
    assert east25["organisation_types"]["VCSE"]["bids"] == 2
    assert east25["sme_vcse"] == {"bids": 3, "won": 1, "share_won": "33"}
    assert east25["exclusions"]["VCSE"] == {"gateway": 1, "minimum score": 1, "threshold": 0,
                                            "ceiling": 0, "abnormally low": 0}
    assert east25["exclusions"]["SME"] == dict.fromkeys(
        ("gateway", "minimum score", "threshold", "ceiling", "abnormally low"), 0)
    assert east25["monitoring"]["rating"]["band"] is None  # nothing monitored yet

    # Eastvale 2026: 5% is below the policy; Fern (SME) wins £50,000.
    assert (east26["lots"], east26["lots_meeting_policy"]) == (1, 0)
    assert east26["sme_vcse"] == {"bids": 1, "won": 1, "share_won": "100"}

    total = out["total"]
    assert (total["tenders"], total["lots"], total["lots_meeting_policy"]) == (3, 4, 3)
    assert total["organisation_types"]["SME"] == {"bids": 5, "won": 2,
                                                  "contract_value": "150000"}
    assert total["sme_vcse"] == {"bids": 11, "won": 3, "share_won": "27"}
    [lot] = next(t for t in out["tenders"] if t["file"] == "c-2026.tender")["lots"]
    assert (lot["social_value_weight"], lot["meets_policy"]) == ("5", False)


def test_the_tender_files_are_only_read(folder: Path) -> None:
    def files() -> dict[str, bytes]:  # SQLite may leave its empty -wal/-shm companions
        return {p.name: p.read_bytes() for p in folder.iterdir()
                if not p.name.endswith(("-shm", "-wal"))}
    before = files()
    read_folder(folder)
    assert files() == before


def test_the_command_prints_json_writes_the_workbook_and_the_pdf(folder: Path, tmp_path: Path,
                                                                 capsys) -> None:
    assert main(["portfolio", str(folder), "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"]["lots"] == 4
    assert "skipped d-damaged.tender" in captured.err
    book = tmp_path / "portfolio.xlsx"
    assert main(["portfolio", str(folder), "-o", str(book)]) == 0
    sheets = load_workbook(book)
    summary = sheets["Summary"]
    assert [summary.cell(row=r, column=1).value for r in range(2, 6)] == [2026, 2026, 2025,
                                                                         "All"]
    assert sheets["Skipped"]["A2"].value == "d-damaged.tender"
    pdf = tmp_path / "portfolio.pdf"
    assert main(["portfolio", str(folder), "-o", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Social value portfolio" in text and EASTVALE in text
    assert "d-damaged.tender" in text
    assert main(["portfolio", str(folder), "-o", str(tmp_path / "out.docx")]) == 1


def test_a_missing_folder_is_one_line(tmp_path: Path, capsys) -> None:
    assert main(["portfolio", str(tmp_path / "nowhere")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_many_tenders_read_in_seconds(tmp_path: Path) -> None:
    root = tmp_path / "many"
    root.mkdir()
    create_demo(root / "t000.tender").close()
    for n in range(1, 40):
        (root / f"t{n:03}.tender").write_bytes((root / "t000.tender").read_bytes())
    seen: list[tuple[int, int]] = []
    start = time.perf_counter()
    tenders, _skipped = read_folder(root, lambda done, total: seen.append((done, total)))
    took = time.perf_counter() - start
    assert len(tenders) == 40 and seen[-1] == (40, 40)
    assert took < 10, f"40 tenders took {took:.1f} s"
    assert to_json(portfolio(str(root), tenders, []))["total"]["organisation_types"][
        "VCSE"]["contract_value"] == str(Decimal(695400) * 40)
