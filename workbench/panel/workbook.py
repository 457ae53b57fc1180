"""Scoring packs as Excel workbooks, for evaluators who score without the app.

Sheets: "Instructions" (with the "scores are final" cell and, per lot, the evaluator's
conflict-of-interest declaration: no conflict, or a conflict with its nature, the bidders it
concerns and how it is managed; a return without it is refused, naming the cell), "Scores"
(one row per bidder × question: lot, code, question, bidder, score, rationale, what the
scores mean), "Scale", and a very hidden "_identity" holding the tender, pack and evaluator
ids, every row as issued, where each declaration is, and a checksum over the rows.
Everything is protected except the cells an evaluator fills; the reader still trusts
nothing: it compares every protected cell with the identity sheet, names each problem by
sheet and cell, and refuses formulas and text where a score belongs. Every string from a
user is written as text, so a bidder called "=HYPERLINK(...)" never becomes a formula.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from workbench import untrusted
from workbench.domain import Scale, TenderData
from workbench.errors import InterchangeError
from workbench.exchange.results_xlsx import for_printing
from workbench.names import excerpt
from workbench.numbers import dec_str, to_decimal
from workbench.panel.packs import (
    PackContent,
    PackEntry,
    PackIdentity,
    PackItem,
    PackReturn,
    pack_checksum,
)
from workbench.safe_xlsx import put_text, save_workbook
from workbench.untrusted import MAX_SHEET_ROWS, too_many_rows

SCORES, INSTRUCTIONS, SCALE, IDENTITY = "Scores", "Instructions", "Scale", "_identity"
#: The cell an evaluator sets to "Yes" when the scores are final (like Submit in the app).
FINAL_CELL = "B12"
HEADERS = ("Lot", "Code", "Question", "Bidder", "Score", "Rationale (your reasons)",
           "What the scores mean")
#: Narrow enough that at 1366 px the frozen columns (A to D) leave the score and the
#: rationale in view: the descriptors are on the Scale sheet, column G only names the levels.
WIDTHS = (14, 6, 46, 20, 8, 56, 36)
_ITEM_FIELDS = ("lot_id", "lot_title", "criterion_id", "criterion_title", "bidder_id",
                "bidder_label")
_FILL = PatternFill("solid", start_color="FFF6D5")  # the cells to fill, as in the app
_HEADER = PatternFill("solid", start_color="DDE4EE")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")
_OPEN = Protection(locked=False)


# -- writing --------------------------------------------------------------------------------


def write_workbook(path: Path, content: PackContent) -> None:
    """Write the pack as an .xlsx workbook at `path` (complete or not at all)."""
    wb = Workbook()
    wb.properties.creator = "Tender Evaluation Workbench"
    intro = wb.active
    assert intro is not None
    intro.title = INSTRUCTIONS
    _instructions(intro, content)
    _scores(wb.create_sheet(SCORES), content)
    _scales(wb.create_sheet(SCALE), content.data)
    hidden = wb.create_sheet(IDENTITY)
    _identity(hidden, content)
    hidden.sheet_state = "veryHidden"
    for ws in (wb[INSTRUCTIONS], wb[SCORES], wb[SCALE]):
        for_printing(ws, 1)
    for ws in wb.worksheets:
        # No password: it would only stop honest fixes; the reader detects any edit anyway.
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    wb.security = WorkbookProtection(lockStructure=True)
    save_workbook(wb, path)  # never half a workbook


def _instructions(ws: Worksheet, content: PackContent) -> None:
    tender = content.data.tender
    evaluator = content.data.evaluators[0]
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 90
    put_text(ws["A1"], f"Scoring pack: {tender.title}")
    ws["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate((
        ("Reference", tender.reference), ("Evaluator", evaluator.name),
        ("Issued", content.issued_at[:10]),
    ), start=3):
        put_text(ws.cell(row, 1), label)
        put_text(ws.cell(row, 2), value)
    steps = (
        f"Score each row of the {SCORES} sheet: choose a score in column E from the drop-down. "
        f"The {SCALE} sheet says what each score means.",
        f"Write your reasons in column F for every score: at least "
        f"{content.rationale_min_length} characters, citing the bid.",
        "Score on your own: do not discuss scores with other evaluators before moderation.",
        "Do not add, delete, copy or move rows, and do not rename sheets: the workbench checks "
        "the workbook and refuses one that was changed outside the score and reason cells.",
        f"Declare any conflict of interest for each lot in the table below row {FINAL_CELL[1:]}. "
        f"When every score is final, set cell {FINAL_CELL} below to Yes, save, and return this "
        "workbook to the procurement lead.",
    )
    for row, step in enumerate(steps, start=7):
        put_text(ws.cell(row, 1), f"Step {row - 6}")
        put_text(ws.cell(row, 2), step)
        ws.cell(row, 1).alignment = ws.cell(row, 2).alignment = _WRAP
        ws.row_dimensions[row].height = _height([(step, 90)])
    final_row = int(FINAL_CELL[1:])
    put_text(ws.cell(final_row, 1), "Scores are final")
    ws.cell(final_row, 1).font = Font(bold=True)
    final = ws[FINAL_CELL]
    put_text(final, "No")
    final.fill, final.protection = _FILL, _OPEN
    choice = DataValidation(type="list", formula1='"Yes,No"', showErrorMessage=True,
                            error="Choose Yes or No.", errorTitle="Scores are final")
    choice.add(FINAL_CELL)
    ws.add_data_validation(choice)
    _declarations(ws, content)


#: What the evaluator chooses in a lot's declaration cell, and the register's status for it.
DECLARED = {"No conflict": "none", "Conflict": "declared"}
#: Below a lot's title row: its declaration, bidders concerned, nature and mitigation rows.
_DECLARATION_ROWS = ("Declaration", "Bidders concerned", "Nature of the conflict",
                     "How it is managed")
_FIRST_LOT_ROW = int(FINAL_CELL[1:]) + 4


def _declarations(ws: Worksheet, content: PackContent) -> None:
    """Per lot, the declaration cells, one column wide so they read at 1366 px. A lot the
    evaluator has already declared for says so instead (naming no bidder: one they are
    recused from appears nowhere in the pack)."""
    heading = int(FINAL_CELL[1:]) + 2
    put_text(ws.cell(heading, 1), "Conflicts of interest")
    ws.cell(heading, 1).font = Font(bold=True)
    ws.cell(heading, 1).alignment = _WRAP  # beside the explanation, not below it
    explain = ("For each lot choose No conflict or Conflict. For a conflict, say what it is, "
               "name the bidders it concerns (one per line, as the Scores sheet shows them; "
               "blank means the whole lot) and how the panel manages it.")
    put_text(ws.cell(heading, 2), explain)
    ws.cell(heading, 2).alignment = _WRAP
    ws.row_dimensions[heading].height = _height([(explain, 90)])
    choice = DataValidation(type="list", formula1=f'"{",".join(DECLARED)}"',
                            showErrorMessage=True, error="Choose No conflict or Conflict.",
                            errorTitle="Conflict of interest")
    ws.add_data_validation(choice)
    declared = {row["lot_id"]: row for row in content.conflicts}
    for spec in _declaration_spec(content):
        top = spec["row"]
        put_text(ws.cell(top, 1), spec["title"])
        ws.cell(top, 1).font = Font(bold=True)
        row = declared.get(spec["lot_id"])
        if row is not None:
            put_text(ws.cell(top + 1, 1), "Declaration")
            put_text(ws.cell(top + 1, 2), (
                "No conflict" if row["status"] == "none" else "Conflict") + " (declared on "
                f"{row['declared_on']}; to change it, tell the procurement lead)")
            continue
        for offset, label in enumerate(_DECLARATION_ROWS, start=1):
            put_text(ws.cell(top + offset, 1), label)
            ws.cell(top + offset, 1).alignment = _WRAP
            cell = ws.cell(top + offset, 2)
            cell.fill, cell.protection, cell.alignment = _FILL, _OPEN, _WRAP
            if offset > 1:
                ws.row_dimensions[top + offset].height = 45
        choice.add(f"B{top + 1}")


def _declaration_spec(content: PackContent) -> list[dict[str, Any]]:
    """Where each lot's declaration is and the bidders it may name, as the pack shows them;
    `declared` where the register already holds one (the return does not ask again)."""
    declared = {row["lot_id"] for row in content.conflicts}
    return [{"lot_id": lot.id, "title": lot.title,
             "row": _FIRST_LOT_ROW + n * (len(_DECLARATION_ROWS) + 2),
             "bidders": [[b.id, b.name] for b in lot.bidders], "declared": lot.id in declared}
            for n, lot in enumerate(content.data.lots)]


def _scores(ws: Worksheet, content: PackContent) -> None:
    data = content.data
    for column, (header, width) in enumerate(zip(HEADERS, WIDTHS, strict=True), start=1):
        put_text(ws.cell(1, column), header)
        ws.cell(1, column).font = Font(bold=True)
        ws.cell(1, column).fill = _HEADER
        ws.column_dimensions[chr(64 + column)].width = width
    ws.freeze_panes = "E2"
    earlier = {(lot.id, s.criterion, s.bidder): s for lot in data.lots for s in lot.scores}
    rows_by_scale: dict[str, list[int]] = {}
    for row, item in enumerate(content.items, start=2):
        lot = data.lot(item.lot_id)
        criterion = lot.criterion(item.criterion_id) if lot else None
        assert criterion is not None
        scale = data.scale(criterion.scale)
        assert scale is not None
        put_text(ws.cell(row, 1), item.lot_title)
        put_text(ws.cell(row, 2), item.criterion_id)
        question = f"{criterion.title}\n{criterion.question}".strip()
        put_text(ws.cell(row, 3), question)
        put_text(ws.cell(row, 4), item.bidder_label)
        put_text(ws.cell(row, 7), _levels(scale))
        score, rationale = ws.cell(row, 5), ws.cell(row, 6)
        found = earlier.get((item.lot_id, item.criterion_id, item.bidder_id))
        if found is not None:
            score.value = int(found.score) if found.score == found.score.to_integral() \
                else float(found.score)
            put_text(rationale, found.rationale)
        for cell in (score, rationale):
            cell.fill, cell.protection = _FILL, _OPEN
        for column in range(1, len(HEADERS) + 1):  # top-aligned, so a row reads as one
            ws.cell(row, column).alignment = _WRAP
        score.alignment = _CENTRE
        ws.row_dimensions[row].height = _height(
            [(item.lot_title, WIDTHS[0]), (question, WIDTHS[2]), (item.bidder_label, WIDTHS[3]),
             (rationale.value or "", WIDTHS[5]), (_levels(scale), WIDTHS[6])])
        rows_by_scale.setdefault(scale.id, []).append(row)
    for scale_id, rows in rows_by_scale.items():
        scale = data.scale(scale_id)
        assert scale is not None
        ws.add_data_validation(_score_validation(scale, rows))


def _score_validation(scale: Scale, rows: list[int]) -> DataValidation:
    """A drop-down of the scale's levels, or a whole/decimal range for a range scale."""
    low, high = dec_str(scale.lowest), dec_str(scale.highest)
    message = f"Choose a score on the {scale.name} scale ({low} to {high})."
    levels = ",".join(dec_str(level.value) for level in scale.levels)
    if scale.levels and len(levels) <= 250:  # Excel's limit for a typed list
        rule = DataValidation(type="list", formula1=f'"{levels}"')
    else:
        whole = all(v == v.to_integral() for v in (scale.lowest, scale.highest,
                                                      scale.step or Decimal(1)))
        rule = DataValidation(type="whole" if whole else "decimal", operator="between",
                              formula1=low, formula2=high)
    rule.showErrorMessage, rule.error, rule.errorTitle = True, message, "Score"
    rule.allow_blank = True
    for first, last in _runs(rows):
        rule.add(f"E{first}:E{last}")
    return rule


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) ranges, to keep the validation small."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _height(texts: list[tuple[str, int]]) -> float:
    """A row height (points) that shows each (text, column width) in full when wrapped.

    Spreadsheets do not all fit wrapped rows on opening (LibreOffice keeps the default
    height), so the height is set from the number of lines each text needs.
    """
    # A column `width` wide holds about that many characters of ordinary text.
    lines = max(sum(-(-len(part) // max(width, 1)) or 1 for part in text.split("\n"))
                for text, width in texts)
    return min(409.0, 15.0 * lines)  # 409 points is the tallest row Excel allows


def _levels(scale: Scale) -> str:
    """The levels by name only ("0 Unacceptable, 1 Poor, …"): short enough to repeat on
    every row; what each means is said once, on the Scale sheet."""
    if scale.is_range:
        return _meanings(scale)
    return (", ".join(f"{dec_str(level.value)} {level.label}".strip() for level in scale.levels)
            + f". What each means: see the {SCALE} sheet.")


def _meanings(scale: Scale) -> str:
    if scale.is_range:
        step = f" in steps of {dec_str(scale.step)}" if scale.step else ""
        return f"Any score from {dec_str(scale.lowest)} to {dec_str(scale.highest)}{step}."
    return "\n".join(f"{dec_str(level.value)} {level.label}: {level.descriptor}".strip()
                     for level in scale.levels)


def _scales(ws: Worksheet, data: TenderData) -> None:
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 100
    row = 1
    for scale in data.scales:
        put_text(ws.cell(row, 1), scale.name)
        ws.cell(row, 1).font = Font(bold=True)
        row += 1
        if scale.is_range:
            put_text(ws.cell(row, 1), _meanings(scale))
            row += 2
            continue
        for column, header in enumerate(("Score", "Label", "What it means"), start=1):
            put_text(ws.cell(row, column), header)
            ws.cell(row, column).fill = _HEADER
        for level in scale.levels:
            row += 1
            put_text(ws.cell(row, 1), dec_str(level.value))
            put_text(ws.cell(row, 2), level.label)
            put_text(ws.cell(row, 3), level.descriptor)
            ws.cell(row, 3).alignment = _WRAP
            ws.row_dimensions[row].height = _height([(level.descriptor, 100)])
        row += 2


def _identity(ws: Worksheet, content: PackContent) -> None:
    identity = content.identity
    for row, (key, value) in enumerate((
        ("tender_uid", identity.tender_uid), ("pack_id", identity.pack_id),
        ("evaluator_id", identity.evaluator_id), ("blind", "1" if identity.blind else "0"),
        ("checksum", content.checksum),
    ), start=1):
        put_text(ws.cell(row, 1), key)
        put_text(ws.cell(row, 2), value)
    put_text(ws.cell(6, 1), "declarations")
    put_text(ws.cell(6, 2), json.dumps(_declaration_spec(content), ensure_ascii=False))
    put_text(ws.cell(7, 1), json.dumps(_ITEM_FIELDS))
    # One cell per row as issued, not six: reading a returned workbook is mostly parsing cells.
    for row, item in enumerate(content.items, start=8):
        put_text(ws.cell(row, 1), json.dumps([getattr(item, name) for name in _ITEM_FIELDS],
                                          ensure_ascii=False))


# -- reading --------------------------------------------------------------------------------


def read_workbook(path: Path) -> PackReturn:
    """Read a returned workbook (without changing it) for merging."""
    return untrusted.read_workbook(path, _read)


def _read(path: Path, wb: Any) -> PackReturn:
    for sheet in (INSTRUCTIONS, SCORES, IDENTITY):
        if sheet not in wb.sheetnames:
            found = ", ".join(f"'{excerpt(s)}'" for s in wb.sheetnames if s != IDENTITY)
            raise InterchangeError(f"{path.name}: sheet '{sheet}' is missing (renamed or "
                                   f"deleted?); the workbook has {found}")
    identity, checksum, items, spec = _read_identity(path, wb[IDENTITY])
    if pack_checksum(identity, items) != checksum:
        raise InterchangeError(f"{path.name}: {IDENTITY}: the hidden pack identity was edited "
                               "(its checksum does not match); ask for a new pack")
    problems: list[str] = []
    final = _cell_text(next(wb[INSTRUCTIONS].iter_rows(
        min_row=int(FINAL_CELL[1:]), max_row=int(FINAL_CELL[1:]), min_col=2, max_col=2,
        values_only=True))[0]).strip().casefold()
    if final not in ("yes", "no", ""):
        problems.append(f"{INSTRUCTIONS}!{FINAL_CELL}: choose Yes or No")
    conflicts = _read_declarations(wb[INSTRUCTIONS], spec, identity.evaluator_id, problems)
    entries = _read_scores(wb[SCORES], items, problems, path.name)
    return PackReturn(path, "xlsx", identity, final == "yes", items, entries, checksum, problems,
                      conflicts)


def _read_identity(path: Path, ws: Any) -> tuple[PackIdentity, str, list[PackItem],
                                                 list[dict[str, Any]]]:
    rows = [tuple(_cell_text(v) for v in row)
            for row in ws.iter_rows(max_row=MAX_SHEET_ROWS + 1, values_only=True)]
    if len(rows) > MAX_SHEET_ROWS:
        raise too_many_rows(path.name, IDENTITY)
    fields = {row[0]: row[1] for row in rows[:6] if len(row) >= 2}
    try:
        identity = PackIdentity(fields["tender_uid"], fields["pack_id"], fields["evaluator_id"],
                                fields["blind"] == "1")
        items = [PackItem(*json.loads(row[0])) for row in rows[7:] if row and row[0]]
        # Packs issued before declarations were asked for in the workbook have none.
        spec = json.loads(fields["declarations"]) if fields.get("declarations") else []
        if not isinstance(spec, list):
            raise ValueError("declarations")
        return identity, fields["checksum"], items, spec
    except (KeyError, TypeError, ValueError):
        raise InterchangeError(f"{path.name}: {IDENTITY}: the hidden pack identity is "
                               "incomplete; ask for a new pack") from None


def _read_declarations(ws: Any, spec: list[dict[str, Any]], evaluator_id: str,
                       problems: list[str]) -> list[dict[str, Any]]:
    """The evaluator's declaration for each lot as `lot_conflicts` rows; a missing or unclear
    one goes to `problems`, naming its cell."""
    last = max((int(lot["row"]) for lot in spec), default=0) + len(_DECLARATION_ROWS)
    cells = {row: [getattr(c, "value", None) for c in cells] for row, cells in enumerate(
        ws.iter_rows(min_row=1, max_row=last, min_col=2, max_col=2), start=1)} if spec else {}
    found = []
    for lot in spec:
        if lot.get("declared"):
            continue  # declared before the pack was issued: the register has it
        top, title = int(lot["row"]), str(lot["title"])
        values: list[str] = []
        for offset in range(1, len(_DECLARATION_ROWS) + 1):
            value = (cells.get(top + offset) or [None])[0]
            if isinstance(value, str) and value.startswith("="):
                problems.append(f"{INSTRUCTIONS}!B{top + offset}: a formula is not allowed "
                                "here; type the text")
                value = ""
            values.append(_cell_text(value).strip())
        choice, named, nature, mitigation = values
        status = {k.casefold(): v for k, v in DECLARED.items()}.get(choice.casefold())
        if status is None:
            problems.append(f"{INSTRUCTIONS}!B{top + 1}: declare any conflict for {title} "
                            "before returning the pack (choose No conflict or Conflict)"
                            if not choice else f"{INSTRUCTIONS}!B{top + 1}: choose No "
                            f"conflict or Conflict for {title}, not '{choice[:40]}'")
            continue
        ids = {str(label).casefold(): str(bidder_id) for bidder_id, label in lot["bidders"]}
        bidders = []
        for name in (n.strip() for n in named.replace(";", "\n").splitlines()):
            if name and name.casefold() not in ids:
                problems.append(f"{INSTRUCTIONS}!B{top + 2}: '{name[:40]}' is not a bidder in "
                                f"{title}; write each name as the Scores sheet shows it")
            elif name:
                bidders.append(ids[name.casefold()])
        if status == "declared" and not nature:
            problems.append(f"{INSTRUCTIONS}!B{top + 3}: describe the conflict for {title} "
                            "(who or what it involves)")
        if status == "none":
            bidders, nature, mitigation = [], "", ""
        found.append({"lot_id": str(lot["lot_id"]), "evaluator_id": evaluator_id,
                      "status": status, "nature": nature, "mitigation": mitigation,
                      "bidders": json.dumps(bidders, ensure_ascii=False),
                      "declared_on": date.today().isoformat()})
    return found


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)


def _read_scores(ws: Any, items: list[PackItem], problems: list[str],
                 label: str) -> list[PackEntry]:
    """Entries for the rows of the Scores sheet, checking each protected cell against the
    rows as issued: edits, duplicates and missing rows go to `problems`."""
    issued = {(i.lot_title, i.criterion_id, i.bidder_label): n for n, i in enumerate(items)}
    seen: dict[tuple[str, str, str], int] = {}
    accounted: set[int] = set()
    entries = []
    for row, cells in enumerate(ws.iter_rows(min_row=2, max_col=6), start=2):
        if row > MAX_SHEET_ROWS:
            raise too_many_rows(label, SCORES)
        cells = (*cells, *([None] * (6 - len(cells))))
        values = [getattr(c, "value", None) for c in cells]
        key = (_cell_text(values[0]), _cell_text(values[1]), _cell_text(values[3]))
        if not any(v not in (None, "") for v in values):
            continue
        if key in seen:
            problems.append(f"{SCORES}!A{row}: {key[1]} for {key[2]} appears twice (rows "
                            f"{seen[key]} and {row})")
            continue
        if key not in issued:
            problems.append(_edited(row, key, items, accounted))
            continue
        seen[key] = row
        item = items[issued[key]]
        accounted.add(issued[key])
        score = _score(cells[4], row, problems)
        rationale = _rationale(cells[5], row, problems)
        entries.append(PackEntry(item.lot_id, item.criterion_id, item.bidder_id, score,
                                 rationale, f"{SCORES}!E{row}", f"{SCORES}!F{row}"))
    for n, item in enumerate(items):
        if n not in accounted:
            problems.append(f"{SCORES}: the row for {item.criterion_id} and "
                            f"{item.bidder_label} (row {n + 2} as issued) is missing")
    return entries


def _edited(row: int, key: tuple[str, str, str], items: list[PackItem],
            accounted: set[int]) -> str:
    """Name the protected cell changed in a row that matches no row as issued."""
    n = row - 2
    if n >= len(items):
        return f"{SCORES}!A{row}: a row that was not in the pack as issued"
    item = items[n]
    accounted.add(n)
    was = (item.lot_title, item.criterion_id, item.bidder_label)
    column = next(col for col, old, new in zip("ABD", was, key, strict=True) if old != new)
    index = "ABD".index(column)
    return (f"{SCORES}!{column}{row}: this protected cell was changed from "
            f"'{excerpt(was[index])}' to '{excerpt(key[index])}'")


def _score(cell: Any, row: int, problems: list[str]) -> Decimal | None:
    value = getattr(cell, "value", None)
    where = f"{SCORES}!E{row}"
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if getattr(cell, "data_type", "") == "f" or (isinstance(value, str) and
                                                 value.startswith("=")):
        problems.append(f"{where}: a formula is not allowed in a score cell; type the score")
        return None
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        try:
            return to_decimal(value)
        except ValueError:
            pass
    problems.append(f"{where}: '{excerpt(str(value))}' is not a score; choose a number from "
                    "the scale")
    return None


def _rationale(cell: Any, row: int, problems: list[str]) -> str:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", "") == "f":
        problems.append(f"{SCORES}!F{row}: a formula is not allowed in a rationale; type text")
        return ""
    return _cell_text(value)
