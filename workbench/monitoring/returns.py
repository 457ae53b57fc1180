"""Supplier monitoring returns, offline: a workbook the supplier fills for one period, and
merging it back.

The workbook has an "Instructions" sheet, a "Return" sheet (one row per commitment: code,
commitment, target, basis, unit as issued; the figure delivered, what was done and why, and the
evidence reference to fill) and a very hidden "_identity" sheet with the tender, return, lot,
supplier and period, every row as issued and a SHA-256 checksum over them, as scoring packs
do. Everything is protected except the cells to fill; the reader still trusts nothing: it
checks the identity, compares every protected cell with the rows as issued, and names each
problem by cell. A return is merged whole or not at all, and merging it again changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection

from workbench.domain import Commitment, Delivery, MonitoringReturn
from workbench.errors import InterchangeError, ValidationError
from workbench.inert import put, save_workbook
from workbench.monitoring.commitments import checked_delivery, supplier, writable
from workbench.monitoring.status import commitment_text
from workbench.storage import TenderFile
from workbench.storage.records import (
    commitment_of,
    delivery_of,
    delivery_row,
    return_of,
    return_row,
)
from workbench.untrusted import read_workbook

INSTRUCTIONS, RETURN, IDENTITY = "Instructions", "Return", "_identity"
HEADERS = ("Code", "Commitment", "Committed", "Unit", "Delivered this period",
           "What was done, and why if short", "Evidence reference")
WIDTHS = (9, 44, 34, 12, 14, 60, 40)
FILLED = (5, 6, 7)  # the supplier's columns: E, F, G
#: Largest return accepted: a return is a few kB; this leaves room for long accounts.
MAX_BYTES = 16 * 1024 * 1024
MAX_ROWS = 5000
_FILL = PatternFill("solid", start_color="FFF6D5")
_HEAD = PatternFill("solid", start_color="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class ReturnIdentity:
    tender_uid: str
    return_id: str
    lot_id: str
    bidder_id: str
    period: str
    rows: tuple[tuple[str, str], ...]  # (commitment code, measure) as issued

    @property
    def checksum(self) -> str:
        payload = json.dumps([self.tender_uid, self.return_id, self.lot_id, self.bidder_id,
                              self.period, [list(r) for r in self.rows]],
                             ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def create_return(tf: TenderFile, lot_id: str, period: str, path: str | Path) -> str:
    """Issue the supplier's return for `period` on `lot_id` and write it to `path` (audited:
    the return is recorded, so only returns issued from this tender are merged). Returns
    its id."""
    data = writable(tf)
    lot = data.lot(lot_id)
    if lot is None:
        raise ValidationError(f"there is no lot {lot_id}")
    winner, why = supplier(data, lot)
    if winner is None:
        raise ValidationError(f"lot {lot_id} has no supplier to monitor: {why}")
    label = " ".join(str(period).split())
    if not label or len(label) > 40:
        raise ValidationError(f"lot {lot_id}: say which period the return is for "
                              "(e.g. 2027-Q4), in at most 40 characters")
    commitments = [commitment_of(r) for r in tf.rows(
        "commitments", "lot_id = ? AND bidder_id = ?", [lot_id, winner.id])]
    if not commitments:
        raise ValidationError(f"lot {lot_id}: record the commitments before asking for a "
                              "return")
    identity = ReturnIdentity(tf.rows("tender")[0]["uid"], uuid.uuid4().hex[:12], lot_id,
                              winner.id, label, tuple((c.id, c.measure) for c in commitments))
    earlier = {d.commitment_id: d for d in map(delivery_of, tf.rows(
        "deliveries", "lot_id = ? AND bidder_id = ? AND period = ?",
        [lot_id, winner.id, label]))}
    _write(Path(path), identity, commitments, earlier, data.tender.title, winner.name)
    with tf.action(f"Issue monitoring return for {label} in lot {lot_id}"):
        tf.put("monitoring_returns", return_row(MonitoringReturn(
            identity.return_id, lot_id, winner.id, label,
            datetime.now(UTC).isoformat(timespec="seconds"))))
    return identity.return_id


def _write(path: Path, identity: ReturnIdentity, commitments: list[Commitment],
           earlier: dict[str, Delivery], title: str, supplier_name: str) -> None:
    wb = Workbook()
    wb.properties.creator = "Tender Evaluation Workbench"
    intro = wb.active
    assert intro is not None
    intro.title = INSTRUCTIONS
    intro.column_dimensions["A"].width, intro.column_dimensions["B"].width = 22, 100
    put(intro["A1"], f"Social value monitoring return: {title}").font = Font(bold=True, size=14)
    for row, (label, text) in enumerate((("Supplier", supplier_name),
                                         ("Period", identity.period),
                                         ("Lot", identity.lot_id)), start=3):
        put(intro.cell(row, 1), label).font = Font(bold=True)
        put(intro.cell(row, 2), text)
    steps = (f"On the {RETURN} sheet, for each commitment, type the figure delivered in "
             f"{identity.period} (column E), in the unit shown (a percentage as a number, "
             "6.5 for 6.5%).",
             "Say what was done, and why if the figure falls short of the commitment "
             "(column F).",
             "Give a reference for the evidence you hold: a payroll extract, timesheets, "
             "invoices, an enrolment letter (column G). Every figure needs one.",
             "Leave a row empty if there is nothing to report on it this period.",
             "Do not add, delete or move rows or rename sheets: the return is checked and "
             "refused if anything but the yellow cells was changed. Save and send it back.")
    for row, step in enumerate(steps, start=7):
        put(intro.cell(row, 1), f"Step {row - 6}")
        put(intro.cell(row, 2), step).alignment = _WRAP
    ws = wb.create_sheet(RETURN)
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        cell = put(ws.cell(1, column), header)
        cell.font, cell.fill, cell.alignment = Font(bold=True), _HEAD, _WRAP
        ws.column_dimensions[chr(64 + column)].width = width
    ws.freeze_panes = "E2"
    figures = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                             allow_blank=True, showErrorMessage=True, errorTitle="Delivered",
                             error="Type the figure delivered, a number of 0 or more.")
    for row, c in enumerate(commitments, start=2):
        found = earlier.get(c.id)
        values: tuple[object, ...] = (c.id, c.measure, commitment_text(c), c.unit,
                                      found.delivered if found else None,
                                      found.narrative if found else "",
                                      found.evidence if found else "")
        for column, value in enumerate(values, start=1):
            cell = put(ws.cell(row, column), value)
            cell.alignment = _WRAP
            if column in FILLED:
                cell.fill, cell.protection = _FILL, Protection(locked=False)
        figures.add(f"E{row}")
    ws.add_data_validation(figures)
    hidden = wb.create_sheet(IDENTITY)
    for row, (key, value) in enumerate((
            ("tender_uid", identity.tender_uid), ("return_id", identity.return_id),
            ("lot_id", identity.lot_id), ("bidder_id", identity.bidder_id),
            ("period", identity.period), ("checksum", identity.checksum),
            ("rows", json.dumps([list(r) for r in identity.rows], ensure_ascii=False))),
            start=1):
        put(hidden.cell(row, 1), key)
        put(hidden.cell(row, 2), value)
    hidden.sheet_state = "veryHidden"
    for sheet in wb.worksheets:
        # No password: it would only stop honest fixes; the reader detects any edit anyway.
        sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    wb.security = WorkbookProtection(lockStructure=True)
    save_workbook(wb, path)


# -- merging back ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnRow:
    commitment_id: str
    row: int  # on the Return sheet
    delivered: object
    narrative: str
    evidence: str


def merge_return(tf: TenderFile, path: str | Path, *, recorded_on: str | None = None) -> int:
    """Merge a returned workbook: checked in full first (right tender, a return issued from
    it, nothing changed but the supplier's cells, every figure a number with its evidence),
    then recorded in one action, or not at all. Returns the number of deliveries that
    changed (0 when the same return is merged again)."""
    source = Path(path)
    identity, rows = read_return(source)
    data = writable(tf)
    name = source.name
    if identity.tender_uid != tf.rows("tender")[0]["uid"]:
        raise InterchangeError(f"{name} is a return for another tender file")
    row_issued = tf.get("monitoring_returns", {"id": identity.return_id})
    issued = None if row_issued is None else return_of(row_issued)
    if issued is None or (issued.lot_id, issued.bidder_id, issued.period) != (
            identity.lot_id, identity.bidder_id, identity.period):
        raise InterchangeError(f"{name} was not issued from this tender file")
    lot = data.lot(identity.lot_id)
    winner, why = supplier(data, lot) if lot is not None else (None, "the lot is gone")
    if winner is None or winner.id != identity.bidder_id:
        raise InterchangeError(f"{name}: lot {identity.lot_id}'s supplier has changed "
                               f"({why or 'another bidder is first'}); issue a new return")
    known = {r["id"]: commitment_of(r) for r in tf.rows(
        "commitments", "lot_id = ? AND bidder_id = ?", [identity.lot_id, identity.bidder_id])}
    on = recorded_on or date.today().isoformat()
    problems: list[str] = []
    deliveries: list[Delivery] = []
    for row in rows:
        c = known.get(row.commitment_id)
        if c is None:
            problems.append(f"{RETURN}!A{row.row}: commitment {row.commitment_id} has been "
                            "removed since the return was issued")
            continue
        if row.delivered in (None, "") and not (row.narrative or row.evidence):
            continue  # nothing reported on it this period
        try:
            deliveries.append(checked_delivery(c, identity.period, row.delivered, row.evidence,
                                               row.narrative, on))
        except ValidationError as exc:
            what = str(exc).split(": ", 1)[-1]
            column = "G" if "evidence" in what else "F" if "narrative" in what else "E"
            problems.append(f"{RETURN}!{column}{row.row}: {what}")
    if problems:
        raise InterchangeError(f"{name} was not merged: " + "; ".join(problems[:8])
                               + (f"; and {len(problems) - 8} more" if len(problems) > 8 else ""))
    changed = []
    for d in deliveries:
        old = tf.get("deliveries", {"lot_id": d.lot_id, "bidder_id": d.bidder_id,
                                    "commitment_id": d.commitment_id, "period": d.period})
        same = old is not None and (delivery_of(old).delivered, old["narrative"],
                                    old["evidence"]) == (d.delivered, d.narrative, d.evidence)
        if not same:
            changed.append(d)
    if not changed and issued.merged_at:
        return 0
    with tf.action(f"Merge monitoring return for {identity.period} in lot {identity.lot_id}"):
        for d in changed:
            tf.put("deliveries", delivery_row(d))
        if not issued.merged_at:
            tf.put("monitoring_returns", return_row(replace(issued, merged_at=on)))
    return len(changed)


def read_return(path: Path) -> tuple[ReturnIdentity, list[ReturnRow]]:
    """A returned workbook's identity and rows, checked against each other (without changing
    the file). InterchangeError names the file and each problem's cell."""
    return read_workbook(path, _read, MAX_BYTES, "monitoring return")


def _read(path: Path, wb: Any) -> tuple[ReturnIdentity, list[ReturnRow]]:
    for sheet in (RETURN, IDENTITY):
        if sheet not in wb.sheetnames:
            raise InterchangeError(f"{path.name}: sheet '{sheet}' is missing (renamed or "
                                   "deleted?); this is not a monitoring return as issued")
    fields = {_text(r[0]): _text(r[1]) for r in wb[IDENTITY].iter_rows(
        max_row=10, max_col=2, values_only=True) if len(r) >= 2}
    try:
        identity = ReturnIdentity(fields["tender_uid"], fields["return_id"], fields["lot_id"],
                                  fields["bidder_id"], fields["period"],
                                  tuple((str(a), str(b)) for a, b in json.loads(fields["rows"])))
    except (KeyError, TypeError, ValueError):
        raise InterchangeError(f"{path.name}: {IDENTITY}: the hidden identity of the return is "
                               "incomplete; issue a new return") from None
    if identity.checksum != fields.get("checksum"):
        raise InterchangeError(f"{path.name}: {IDENTITY}: the hidden identity was edited (its "
                               "checksum does not match); issue a new return")
    problems: list[str] = []
    rows: list[ReturnRow] = []
    sheet_rows = wb[RETURN].iter_rows(min_row=2, max_col=len(HEADERS), max_row=MAX_ROWS)
    for n, cells in enumerate(sheet_rows, start=2):
        values = [getattr(c, "value", None) for c in cells]
        values += [None] * (len(HEADERS) - len(values))
        if n - 2 >= len(identity.rows):
            if any(v not in (None, "") for v in values):
                problems.append(f"{RETURN}!A{n}: a row that was not in the return as issued")
            continue
        code, measure = identity.rows[n - 2]
        for letter, was in (("A", code), ("B", measure)):
            now = _text(values["AB".index(letter)])
            if now != was:
                problems.append(f"{RETURN}!{letter}{n}: this protected cell was changed from "
                                f"'{was[:40]}' to '{now[:40]}'")
        for column in FILLED:
            cell = cells[column - 1] if column - 1 < len(cells) else None
            if getattr(cell, "data_type", "") == "f" or _text(values[column - 1]).startswith("="):
                problems.append(f"{RETURN}!{chr(64 + column)}{n}: a formula is not allowed; "
                                "type the figure or the text")
        figure = values[4]
        if isinstance(figure, bool) or not isinstance(figure, int | float | str | type(None)):
            problems.append(f"{RETURN}!E{n}: '{_text(figure)[:20]}' is not a number")
        rows.append(ReturnRow(code, n, _text(figure) if figure is not None
                              else None, _text(values[5]).strip(), _text(values[6]).strip()))
    if len(rows) < len(identity.rows):
        problems.append(f"{RETURN}: rows for {', '.join(c for c, _m in identity.rows[len(rows):])}"
                        " are missing")
    if problems:
        raise InterchangeError(f"{path.name} was not merged: " + "; ".join(problems[:8]))
    return identity, rows


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)
