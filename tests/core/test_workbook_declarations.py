"""An Excel scoring pack carries the conflict declaration step: the evaluator declares on the
Instructions sheet per lot, naming the bidders concerned, and a return without it is refused
with the cell named. Funmi Adeyemi (E3) is a trustee of Riverside Neighbourhood Trust (L2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.core.test_packs_support import fill_workbook, new_tender, unscored

from workbench import audit_trail
from workbench.domain import TenderData
from workbench.panel import roster
from workbench.panel.merge import merge_packs
from workbench.panel.packs import create_packs
from workbench.storage import TenderFile

TRUSTEE = "Trustee of Riverside Neighbourhood Trust since 2021"


@pytest.fixture
def pack(tmp_path: Path, demo_data: TenderData) -> tuple[Path, Path]:
    tender = new_tender(tmp_path / "hubs.tender", unscored(demo_data))
    with TenderFile.open(tender, user="lead") as tf:
        return tender, create_packs(tf, tmp_path / "out", "xlsx", ["E3"])[0]


def merge(tender: Path, path: Path):  # type: ignore[no-untyped-def]
    with TenderFile.open(tender, user="lead") as tf:
        return merge_packs(tf, [path]).results[0]


def fill(path: Path, cells: dict[str, str], *, skip_bidder: str = "") -> None:
    """Scores as an evaluator types them (none for `skip_bidder`), then `cells` on the
    Instructions sheet; returned as a draft."""
    fill_workbook(path, final=False)
    wb = load_workbook(path)
    ws = wb["Scores"]
    for row in ws.iter_rows(min_row=2):
        if row[3].value == skip_bidder:
            row[4].value = row[5].value = None
    for row in wb["Instructions"].iter_rows(min_row=16, max_col=2):
        if row[0].value == "Declaration":
            row[1].value = None  # nothing declared unless `cells` says so
    for where, value in cells.items():
        wb["Instructions"][where] = value
    wb.save(path)


def test_the_instructions_sheet_asks_per_lot(pack) -> None:
    _tender, path = pack
    ws = load_workbook(path)["Instructions"]
    assert [ws[f"A{r}"].value for r in (16, 17, 18, 19, 20)] == [
        "Lot 1: Social prescribing link workers", "Declaration", "Bidders concerned",
        "Nature of the conflict", "How it is managed"]
    assert ws["A22"].value == "Lot 2: Community wellbeing hubs"
    assert ws["B17"].value is None and not ws["B17"].protection.locked
    rules = [str(dv.sqref) for dv in ws.data_validations.dataValidation]
    assert any("B17" in r and "B23" in r for r in rules)


def test_a_return_without_a_declaration_is_refused_naming_the_cell(pack) -> None:
    tender, path = pack
    fill(path, {"B17": "No conflict"})
    result = merge(tender, path)
    assert result.problems == [
        "Instructions!B23: declare any conflict for Lot 2: Community wellbeing hubs before "
        "returning the pack (choose No conflict or Conflict)"]
    with TenderFile.open(tender, read_only=True) as tf:
        assert tf.rows("scores") == [] and tf.rows("lot_conflicts", "evaluator_id = 'E3'") == []


def test_a_declared_bidder_conflict_is_merged_through_the_register(pack) -> None:
    tender, path = pack
    fill(path, {"B17": "No conflict", "B23": "Conflict",
                "B24": "Riverside Neighbourhood Trust", "B25": TRUSTEE,
                "B26": "Takes no part on it"}, skip_bidder="Riverside Neighbourhood Trust")
    result = merge(tender, path)
    assert result.problems == [] and result.declarations == 2
    with TenderFile.open(tender, read_only=True) as tf:
        register = roster.conflicts(tf)
        trail = {e.action for e in audit_trail.entries(tf) if e.record == "Conflict declaration"
                 or e.action.startswith("Merge")}
    assert register[("L1", "E3")].status == "none"
    conflict = register[("L2", "E3")]
    assert (conflict.status, conflict.bidders, conflict.nature, conflict.mitigation) == \
        ("declared", ("B2",), TRUSTEE, "Takes no part on it")
    assert "Merge scoring pack from Funmi Adeyemi" in trail


@pytest.mark.parametrize(("cells", "problem"), [
    ({"B23": "Maybe"}, "Instructions!B23: choose No conflict or Conflict for Lot 2: Community "
                       "wellbeing hubs, not 'Maybe'"),
    ({"B23": "Conflict", "B24": "Riverside Trust", "B25": TRUSTEE},
     "Instructions!B24: 'Riverside Trust' is not a bidder in Lot 2: Community wellbeing hubs; "
     "write each name as the Scores sheet shows it"),
    ({"B23": "Conflict"}, "Instructions!B25: describe the conflict for Lot 2: Community "
                          "wellbeing hubs (who or what it involves)"),
    ({"B23": "=1+1"}, "Instructions!B23: a formula is not allowed here; type the text"),
])
def test_an_unclear_declaration_is_refused_naming_the_cell(pack, cells, problem) -> None:
    tender, path = pack
    fill(path, {"B17": "No conflict", **cells}, skip_bidder="Riverside Neighbourhood Trust")
    assert problem in merge(tender, path).problems


def test_a_lot_declared_before_issue_is_not_asked_again(tmp_path: Path,
                                                        demo_data: TenderData) -> None:
    tender = new_tender(tmp_path / "hubs.tender", unscored(demo_data))
    with TenderFile.open(tender, user="lead") as tf:
        roster.declare_conflict(tf, "L2", "E3", "declared", TRUSTEE, "", "2026-11-20", ["B2"])
        path = create_packs(tf, tmp_path / "out", "xlsx", ["E3"])[0]
    ws = load_workbook(path)["Instructions"]
    assert ws["B23"].value == ("Conflict (declared on 2026-11-20; to change it, tell the "
                               "procurement lead)")
    assert ws["B23"].protection.locked
    fill(path, {"B17": "No conflict"})
    assert merge(tender, path).problems == []
