"""Results view: shows exactly what the engine and the command line say, and follows edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from workbench.cli import main as cli
from workbench.domain import Bidder, GatewayResult, Score
from workbench.scoring.results import compute_lot
from workbench.scoring.sensitivity import sensitivity
from workbench.storage import TenderFile

from ui.views.results import PROVISIONAL
from ui.views.results_chart import short
from ui.views.results_models import TIE_TIP, RankingModel, WorkingModel, working_rows


@pytest.fixture
def results_view(window, demo_tender: Path):
    assert window.open_path(str(demo_tender))
    window.show()
    return window.show_view("results")


def choose_lot(qtbot, view, lot_id: str) -> None:
    """Pick a lot from the drop-down with the keyboard."""
    view.lots.setFocus()
    while view.lots.lot_id() != lot_id:
        qtbot.keyClick(view.lots, Qt.Key.Key_Down)


def shown_rows(view) -> list[dict]:
    model = view.ranking
    tops = range(len(model.FIXED), model.col_status)
    return [{
        "name": model.index(r, model.COL_BIDDER).data(),
        "rank": model.index(r, model.COL_RANK).data(),
        "total": model.index(r, model.COL_TOTAL).data(),
        "points": [model.index(r, c).data() for c in tops],
        "status": model.index(r, model.col_status).data(),
    } for r in range(model.rowCount())]


def test_ranking_and_working_models(qtmodeltester, demo_data) -> None:
    lot = demo_data.lot("L2")
    result = compute_lot(demo_data, lot)
    ranking = RankingModel()
    ranking.set_rows(result, [c for c in lot.criteria if c.kind != "pass_fail"])
    qtmodeltester.check(ranking)
    working = WorkingModel()
    working.set_rows(working_rows(lot, result.bidders[0]), "GBP")
    qtmodeltester.check(working)
    assert working.rowCount() == len(list(lot.all_criteria()))


def test_ranking_equals_the_command_line(results_view, qtbot, demo_tender: Path,
                                         capsys) -> None:
    assert cli(["results", str(demo_tender), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    data = results_view.doc.data
    for lot_json in printed["lots"]:
        choose_lot(qtbot, results_view, lot_json["id"])
        lot = data.lot(lot_json["id"])
        tops = [c.id for c in lot.criteria if c.kind != "pass_fail"]
        expected = [{
            "name": b["name"],
            "rank": "—" if b["rank"] is None else f"{'=' if b['tied'] else ''}{b['rank']}",
            "total": b["total"] or "—",
            "points": [b["criteria"][c]["points"] or "—" for c in tops],
        } for b in lot_json["bidders"]]
        shown = shown_rows(results_view)
        assert [{k: row[k] for k in ("name", "rank", "total", "points")} for row in shown] \
            == expected
        for row, b in zip(shown, lot_json["bidders"], strict=True):
            if b["excluded"]:
                assert row["status"] == "Excluded: " + "; ".join(b["reasons"])


def test_provisional_banner_only_on_a_provisional_lot(results_view, qtbot) -> None:
    choose_lot(qtbot, results_view, "L1")
    assert not results_view.banner.isVisible()
    choose_lot(qtbot, results_view, "L2")
    assert results_view.banner.isVisible()
    assert results_view.banner.objectName() == "banner_warning"
    assert results_view.banner.text() == f"{PROVISIONAL} Still to come: 8 scores not yet " \
                                         "moderated."
    assert "mean of submitted evaluator scores where no consensus score has been agreed yet" \
        in PROVISIONAL


def test_clicking_a_bidder_shows_its_working(results_view, qtbot) -> None:
    choose_lot(qtbot, results_view, "L2")
    model = results_view.ranking
    row = model.row_of("B1")
    rect = results_view.table.visualRect(model.index(row, model.COL_BIDDER))
    qtbot.mouseClick(results_view.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())
    assert "Café Connect CIC" in results_view.working_title.text()
    data = results_view.doc.data
    expected = compute_lot(data, data.lot("L2")).bidder("B1")
    working = results_view.working
    lines = {working.index(r, 0).data().strip().split(" ")[0]:
             (working.index(r, 2).data(), working.index(r, 3).data())
             for r in range(working.rowCount())}
    for cid, cell in expected.criteria.items():
        assert lines[cid] == (cell.points_text or "—", cell.working)
    assert lines["P"][1] == "lowest £421,600 / this bid £468,000 × 30 = 27.03"
    assert working.index(list(lines).index("P"), 1).data() == "£468,000"


def test_close_call_and_chart_come_from_the_engine(results_view, qtbot) -> None:
    choose_lot(qtbot, results_view, "L1")
    data = results_view.doc.data
    lot = data.lot("L1")
    lines = [line.replace("&", "&amp;") for line in sensitivity(data, lot).lines]
    # The close call is filled just after the ranking (it can take most of a second).
    qtbot.waitUntil(lambda: lines[0] in results_view.close_call.text())
    for line in lines:
        assert line in results_view.close_call.text()
    sets, labels = results_view.chart.shown
    assert sets == ["Quality (55 pts)", "Price (30 pts)", "Social value (15 pts)"]
    result = compute_lot(data, lot)
    assert labels == [f"{b.total_text}  {short(b.bidder.name)}" for b in result.ranked]
    assert labels[-1] == "71.98  Hartley & Moss Community Heal…"


def test_results_follow_an_edit_and_its_undo(results_view, qtbot) -> None:
    from workbench import bidders

    from ui.document import CoreCommand

    doc = results_view.doc
    doc.push(CoreCommand("Withdraw", lambda tf: bidders.withdraw(tf, "L1", "B4", "gone")))
    assert results_view.ranking.bidder_at(0).bidder.id == "B1"
    row = results_view.ranking.row_of("B4")
    assert shown_rows(results_view)[row]["status"] == "Excluded: withdrawn: gone"
    doc.undo_stack.undo()
    assert results_view.ranking.bidder_at(0).bidder.id == "B4"


def test_a_tie_is_flagged_never_broken(window, qtbot, tmp_path: Path, small_data) -> None:
    lot = small_data.lots[0]
    lot.bidders.append(Bidder("B2", "Twin Ltd", "VCSE", lot.bidders[0].price,
                              dict(lot.bidders[0].values)))
    lot.scores.append(Score("E1", "B2", "Q1", lot.scores[0].score, "same"))
    lot.gateways.append(GatewayResult("B2", "G1", "pass", "ok"))
    path = tmp_path / "tie.tender"
    TenderFile.create(path, small_data).close()
    assert window.open_path(str(path))
    window.show()
    view = window.show_view("results")
    model = view.ranking
    for r in range(2):
        assert model.index(r, model.COL_RANK).data() == "=1"
        assert model.index(r, model.COL_RANK).data(Qt.ItemDataRole.ToolTipRole) == TIE_TIP
        assert model.index(r, model.col_status).data() == "Tied: the panel decides"
    qtbot.waitUntil(lambda: "tied for first place" in view.close_call.text())


def test_close_call_fills_in_from_the_thread_pool(window, demo_tender: Path, qtbot,
                                                  monkeypatch) -> None:
    """The ranking shows at once; the close call arrives from a worker, for the lot shown."""
    from ui import tasks
    monkeypatch.setattr(tasks, "synchronous", False)
    assert window.open_path(str(demo_tender))
    window.show()
    view = window.show_view("results")
    qtbot.waitUntil(lambda: "leads" in view.close_call.text(), timeout=10_000)
    lot = window.doc.data.lot("L1")
    expected = sensitivity(window.doc.data, lot)
    assert expected.margin_text.split(" (")[0] in view.close_call.text()
