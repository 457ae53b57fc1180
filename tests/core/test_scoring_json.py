"""`results --json` and the results/sensitivity commands: the shapes scripts rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.test_scoring_support import bidder, gate, group, price, scored, tender

from workbench.cli import main
from workbench.domain import Rounding, TenderData
from workbench.scoring.results import compute, to_json


def _data() -> TenderData:
    return tender([group("Q", 60, scored("Q1", 100, minimum=2)), price(40), gate()],
                  [bidder("A", 100), bidder("B", 120), bidder("C", 90)],
                  moderated={("A", "Q1"): 4, ("B", "Q1"): 3, ("C", "Q1"): 1},
                  gateways={("A", "G1"): "pass", ("B", "G1"): "pass", ("C", "G1"): "pass"},
                  rounding=Rounding(2, "half_up"))


def test_results_json_has_the_documented_shape() -> None:
    out = to_json(compute(_data()))
    assert list(out) == ["lots"]
    lot = out["lots"][0]
    assert {"id", "provisional", "bidders"} <= set(lot)
    assert (lot["id"], lot["provisional"]) == ("L1", False)
    a, b, c = lot["bidders"]
    assert {"id", "name", "total", "rank", "excluded", "reasons", "criteria"} <= set(a)
    assert (a["id"], a["name"], a["total"], a["rank"], a["excluded"], a["reasons"]) == (
        "A", "Bidder A", "88.00", 1, False, [])
    assert a["criteria"]["Q"] == {"score": None, "points": "48.00"}
    assert a["criteria"]["Q1"] == {"score": "4", "points": "48.00"}
    assert a["criteria"]["P"] == {"score": "100", "points": "40.00"}
    assert a["criteria"]["G1"] == {"score": None, "points": None, "result": "pass"}
    assert (b["total"], b["rank"]) == ("69.33", 2)
    assert (c["id"], c["total"], c["rank"], c["excluded"]) == ("C", None, None, True)
    assert c["reasons"] == ["Q1 Question Q1: moderated score 1 is below the minimum of 2"]
    assert c["criteria"]["Q1"] == {"score": "1", "points": None}
    json.dumps(out)  # plain JSON types only


def test_results_command_prints_an_aligned_table(demo_tender: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", str(demo_tender)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("Rank"))
    assert header.split()[:3] == ["Rank", "Bidder", "Total"]
    assert "[PROVISIONAL]" in text and "Excluded:" in text
    rows = [line for line in lines if line[:1].isdigit()]
    assert rows and len({len(row) for row in rows[:4]}) == 1  # columns line up


def test_results_command_json_for_one_lot(demo_tender: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", str(demo_tender), "--json", "--lot", "L2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [lot["id"] for lot in out["lots"]] == ["L2"]


def test_results_command_refuses_an_unknown_lot(demo_tender: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", str(demo_tender), "--lot", "NOPE"]) == 1
    err = capsys.readouterr().err
    assert "no lot 'NOPE'" in err and "Traceback" not in err


def test_sensitivity_command(demo_tender: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", str(demo_tender)]) == 0
    assert "leads" in capsys.readouterr().out
    assert main(["sensitivity", str(demo_tender), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all({"margin", "mark_change", "weights"} <= set(lot) for lot in out["lots"])
