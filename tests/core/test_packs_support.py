"""Shared by the scoring-pack tests: a tender ready for packs, an evaluator filling packs the
way they would (the app's core functions for a .tender pack, openpyxl for a workbook), and a
snapshot of everything a merge could change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from workbench.domain import TenderData
from workbench.model.seal import seal
from workbench.panel.packs import pack_identity, pack_items, submit_pack
from workbench.panel.roster import declare_conflict, set_score
from workbench.storage import TenderFile
from workbench.storage.schema import PROTECTED


def unscored(data: TenderData, status: str = "sealed") -> TenderData:
    """The tender before scoring: no scores, no moderation, the plan sealed."""
    lots = [replace(lot, scores=[], moderated=[]) for lot in data.lots]
    return replace(data, tender=replace(data.tender, status=status), lots=lots)


def new_tender(path: Path, data: TenderData) -> Path:
    """A tender file of `data`, its plan sealed (packs go out only then) unless it says it is
    still being set up."""
    with TenderFile.create(path, data, user="lead") as tf:
        if data.tender.status != "setup" and data.tender.seal is None:
            seal(tf)
    return path


def sealed_copy(path: Path) -> Path:
    """Seal the plan of a tender file that is not sealed yet (the demo fixture is left
    unsealed so that tests may edit its model); returns the path."""
    with TenderFile.open(path, user="lead") as tf:
        if tf.tender().seal is None:
            seal(tf)
    return path


def state(path: Path) -> tuple[dict[str, Any], int]:
    """Every domain table and the audit length: what 'changes nothing' must leave equal."""
    with TenderFile.open(path, read_only=True) as tf:
        tables = {table: tf.rows(table) for table in PROTECTED}
        return tables, tf.db.execute("SELECT count(*) FROM audit").fetchone()[0]


def rationale_for(evaluator_id: str, criterion_id: str, bidder: str) -> str:
    return f"{evaluator_id} on {criterion_id} for {bidder}: evidence weighed against the scale."


def fill_tender_pack(path: Path, score: int = 3, submit: bool = True) -> None:
    """As an evaluator in the app: declare for each lot, score everything, submit."""
    with TenderFile.open(path, user="evaluator") as pack:
        identity = pack_identity(pack)
        assert identity is not None
        data = pack.load()
        for lot in data.lots:
            declare_conflict(pack, lot.id, identity.evaluator_id, "none",
                             declared_on="2026-12-01")
        for item in pack_items(data, identity.evaluator_id):
            set_score(pack, item.lot_id, identity.evaluator_id, item.bidder_id,
                      item.criterion_id, score,
                      rationale_for(identity.evaluator_id, item.criterion_id, item.bidder_label),
                      entered_by=identity.evaluator_id)
        if submit:
            submit_pack(pack)


def fill_workbook(path: Path, score: object = 3, final: bool = True,
                  rows: int | None = None) -> None:
    """As an evaluator in Excel: a score and reasons on each row (the first `rows` only)."""
    wb = load_workbook(path)
    ws = wb["Scores"]
    for n, row in enumerate(ws.iter_rows(min_row=2, max_row=ws.max_row)):
        if rows is not None and n >= rows:
            break
        row[4].value = score
        row[5].value = rationale_for("xlsx", str(row[1].value), str(row[3].value))
    wb["Instructions"]["B12"] = "Yes" if final else "No"
    declare_in_workbook(wb)
    wb.save(path)


def declare_in_workbook(wb) -> None:
    """As an evaluator: "No conflict" in every lot's declaration cell left empty."""
    ws = wb["Instructions"]
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=2):
        if row[0].value == "Declaration" and not row[1].value:
            row[1].value = "No conflict"
