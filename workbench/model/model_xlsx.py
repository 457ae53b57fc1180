"""The evaluation model as an Excel workbook: export it formatted, import it back all or nothing.

Many teams draft their model in Excel. The workbook has one sheet per lot, named with the lot's
code (cell B1 repeats it, so a renamed sheet is noticed), and a "Scales" sheet. A lot sheet
lists the criteria in tree order, one per row from row 4: a criterion's parent is named by
code in the Parent column. The grey columns are calculated on export and ignored on import.
An import checks everything first; the first problem is reported naming the sheet, row and
column, and nothing is written.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from workbench.domain import (
    CRITERION_KINDS,
    THEMES_OFFERED,
    Criterion,
    Lot,
    Scale,
    ScaleLevel,
    TenderData,
)
from workbench.errors import InterchangeError, StorageError, ValidationError
from workbench.exchange.results_xlsx import for_printing
from workbench.model import tree
from workbench.model.edit import replace_model
from workbench.model.scales import check_scale, put_scale
from workbench.model.store import is_shared, lot_ids, require_unsealed
from workbench.model_rules import errors
from workbench.names import check_name, check_text, excerpt
from workbench.numbers import dec_str, to_decimal
from workbench.safe_xlsx import put, put_at, save_workbook
from workbench.scoring.formulas import DIRECTIONS, NORMALISATIONS, PRICE_FORMULAS
from workbench.scoring.weights import effective_percent
from workbench.storage import TenderFile
from workbench.storage.backup import before_bulk_change
from workbench.untrusted import check_workbook, too_many_rows

SCALES = "Scales"
#: Most rows read from one sheet of a model workbook (a model has tens of criteria).
MAX_MODEL_ROWS = 10_000
HEADER_ROW = 3
#: Lot sheet columns: (heading, width). The two calculated ones are ignored on import.
COLUMNS = (("Code", 9), ("Parent", 9), ("Title", 44), ("Type", 13), ("Weight (%)", 11),
           ("Effective weight (%)", 12), ("Points available", 11), ("Scale", 10),
           ("Minimum", 10), ("Normalise", 10), ("Price formula", 17), ("Direction", 17),
           ("Unit", 9), ("Social value theme", 26), ("Question", 50),
           ("Guidance for evaluators", 40), ("What a good answer shows", 40),
           ("Quality threshold (%)", 11), ("Lowest figure", 10), ("Highest figure", 10))
#: Columns added after the first workbooks went out: a workbook without them still imports.
LATER_COLUMNS = {"Quality threshold (%)", "Lowest figure", "Highest figure"}
CALCULATED = {"Effective weight (%)", "Points available"}
SCALE_COLUMNS = (("Scale code", 12), ("Scale name", 24), ("Value", 8), ("Label", 16),
                 ("Descriptor", 70), ("Lowest", 9), ("Highest", 9), ("Step", 8))
KIND_WORDS = {"pass/fail": "pass_fail", "pass fail": "pass_fail"}

_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9E2EC")
_GROUP_FILL = PatternFill("solid", fgColor="F0F4F8")
_CALC_FILL = PatternFill("solid", fgColor="E4E7EB")
_CALC_FONT = Font(italic=True, color="52606D")
_NOTE_FONT = Font(italic=True, color="486581")


# -- export -------------------------------------------------------------------------------


def export_model(data: TenderData, out: str | Path | IO[bytes]) -> None:
    """Write the model of every lot and the scales to a formatted workbook."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for lot in data.lots:
        _lot_sheet(book.create_sheet(_sheet_name(lot.id)), lot, data)
    _scales_sheet(book.create_sheet(SCALES), data.scales)
    if isinstance(out, str | Path):
        save_workbook(book, out)
    else:
        book.save(out)


def _sheet_name(lot_id: str) -> str:
    if (len(lot_id) > 31 or any(ch in lot_id for ch in "[]:*?/\\") or lot_id == SCALES
            or not lot_id.isprintable()):
        raise ValidationError(f"lot code '{excerpt(lot_id)}' cannot be an Excel sheet name; "
                              "rename the lot first")
    return lot_id


def _lot_sheet(ws: Worksheet, lot: Lot, data: TenderData) -> None:
    for cell, value in ((ws["A1"], "Lot"), (ws["B1"], lot.id), (ws["C1"], lot.title)):
        put(cell, value).font = Font(bold=True, size=13)
    put(ws["A2"], "Weights are % of the parent: the criteria of each group, and the top level, "
                  "add up to 100. Parent names the group by its code. Grey columns are "
                  "calculated and ignored on import. Keep the sheet name and cell B1 as they "
                  "are.").font = _NOTE_FONT
    _header(ws, COLUMNS)
    effective = effective_percent(lot)
    total = data.tender.total_points
    row = HEADER_ROW + 1
    rows_of: dict[str, int] = {}
    for node, parent, depth in _rows(lot.criteria):
        rows_of[node.id] = row
        values: list[Any] = [
            node.id, parent, node.title, node.kind, node.weight,
            *_derived(row, rows_of.get(parent or ""), total, node.id in effective),
            node.scale if node.kind == "scored" else None, node.minimum,
            node.normalise if node.kind == "scored" else None,
            node.formula if node.kind == "price" else None,
            node.direction if node.kind == "quantitative" else None,
            node.unit or None, node.theme, node.question or None, node.guidance or None,
            node.good_answer or None, node.minimum_percent, node.min_value, node.max_value]
        for col, value in enumerate(values, start=1):
            if COLUMNS[col - 1][0] in CALCULATED:
                cell = ws.cell(row, col)
                cell.value = value  # our own formula, following the weights as they are drafted
            else:
                cell = put_at(ws, row, col, value)  # the user's words stay words
            # long texts stay on one line, so every criterion keeps a row of normal height
            cell.alignment = Alignment(vertical="top")
            if node.kind == "group":
                cell.font, cell.fill = _BOLD, _GROUP_FILL
            if COLUMNS[col - 1][0] in CALCULATED:
                cell.fill, cell.font = _CALC_FILL, _CALC_FONT
                cell.number_format = "0.00"
        ws.cell(row, 3).alignment = Alignment(horizontal="left", indent=depth * 2,
                                              vertical="top")
        row += 1
    last = max(row - 1, HEADER_ROW + 1) + 200  # room for rows a user adds
    _choices(ws, "D", ",".join(CRITERION_KINDS), last)
    _choices(ws, "J", ",".join(NORMALISATIONS), last)
    _choices(ws, "K", ",".join(PRICE_FORMULAS), last)
    _choices(ws, "L", ",".join(DIRECTIONS), last)
    if data.scales:
        _choices(ws, "H", f"{SCALES}!$A${HEADER_ROW + 1}:$A$500", last, quoted=False)
    _choices(ws, "N", ",".join(THEMES_OFFERED), last, strict=False)
    ws.freeze_panes = f"D{HEADER_ROW + 1}"


def _scales_sheet(ws: Worksheet, scales: list[Scale]) -> None:
    put(ws["A1"], SCALES).font = Font(bold=True, size=13)
    put(ws["A2"], "One row per level (repeat the code and name on each), or one row with the "
                  "lowest and highest value (and step) for a range.").font = _NOTE_FONT
    _header(ws, SCALE_COLUMNS)
    row = HEADER_ROW + 1
    for scale in scales:
        if scale.levels:
            for level in scale.levels:
                for col, value in enumerate((scale.id, scale.name, level.value, level.label,
                                             level.descriptor or None), start=1):
                    put_at(ws, row, col, value).alignment = Alignment(vertical="top",
                                                                      wrap_text=col == 5)
                # spreadsheet programs do not grow rows for wrapped text on their own
                lines = -(-len(level.descriptor) // int(SCALE_COLUMNS[4][1] * 1.1))
                ws.row_dimensions[row].height = 15 * max(lines, 1)
                row += 1
        else:
            for col, value in ((1, scale.id), (2, scale.name), (6, scale.min), (7, scale.max),
                               (8, scale.step)):
                put_at(ws, row, col, value)
            row += 1
    ws.freeze_panes = f"A{HEADER_ROW + 1}"


def _header(ws: Worksheet, columns: tuple[tuple[str, int], ...]) -> None:
    """Headings in row 3, column widths, and a landscape page one sheet wide for printing."""
    for_printing(ws, HEADER_ROW)
    ws.row_dimensions[HEADER_ROW].height = 30  # two-line headings
    for col, (title, width) in enumerate(columns, start=1):
        cell = put_at(ws, HEADER_ROW, col, title)
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width


def _choices(ws: Worksheet, column: str, options: str, last: int, quoted: bool = True,
             strict: bool = True) -> None:
    rule = DataValidation(type="list", formula1=f'"{options}"' if quoted else options,
                          allow_blank=True, showErrorMessage=strict)
    rule.add(f"{column}{HEADER_ROW + 1}:{column}{last}")
    ws.add_data_validation(rule)


def _rows(nodes: list[Criterion], parent: str | None = None,
          depth: int = 0) -> list[tuple[Criterion, str | None, int]]:
    out: list[tuple[Criterion, str | None, int]] = []
    for node in nodes:
        out.append((node, parent, depth))
        out.extend(_rows(node.children, node.id, depth + 1))
    return out


def _derived(row: int, parent_row: int | None, total: Decimal,
             weighted: bool) -> tuple[str | None, str | None]:
    """Excel formulas for the calculated columns (F effective weight, G points available), so
    they follow as weights are drafted in the workbook: effective = weight × the parent's
    effective ÷ 100; points = effective × the tender's total points ÷ 100. The import ignores
    both (the workbench computes its own)."""
    if not weighted:
        return None, None
    effective = f"=E{row}" if parent_row is None else f"=E{row}*F{parent_row}/100"
    return effective, f"=F{row}*{total}/100"


# -- import -------------------------------------------------------------------------------


@dataclass
class ModelWorkbook:
    """What a workbook holds: scales, and per lot its title and criteria tree."""

    scales: list[Scale] = field(default_factory=list)
    lots: list[Lot] = field(default_factory=list)
    #: (lot, criterion code) → the worksheet row it came from.
    rows: dict[tuple[str, str], int] = field(default_factory=dict)


def read_model(source: str | Path | IO[bytes], known_scales: list[Scale]) -> ModelWorkbook:
    """Parse and check a model workbook; InterchangeError names sheet, row and column."""
    book = _open(source)
    names = list(book)
    for name in names:
        marker = _text(book[name].cell(1, 1))
        if marker == SCALES and name != SCALES:
            raise InterchangeError(f"sheet '{excerpt(name)}': this is the scales sheet; its "
                                   f"name must be '{SCALES}' (was the sheet renamed?)")
        if marker == "Lot" and _text(book[name].cell(1, 2)) != name:
            raise InterchangeError(
                f"sheet '{excerpt(name)}', row 1, column B: this sheet is for lot "
                f"'{excerpt(_text(book[name].cell(1, 2)))}', so its name must be that code "
                "(was the sheet renamed?)")
        if marker not in ("Lot", SCALES):
            raise InterchangeError(f"sheet '{excerpt(name)}', row 1, column A: not a lot sheet "
                                   f"or the {SCALES} sheet (cell A1 should say 'Lot')")
    result = ModelWorkbook()
    if SCALES in names:
        result.scales = _read_scales(book[SCALES])
    scales = {s.id: s for s in known_scales} | {s.id: s for s in result.scales}
    for name in names:
        if name != SCALES:
            lot, rows = _read_lot(book[name], scales)
            result.lots.append(lot)
            result.rows.update({(lot.id, code): n for code, n in rows.items()})
    return result


class _Sheet:
    """A worksheet's values read once, in read-only mode: a workbook from outside is never
    loaded whole (a 2 MB file can hold a million rows)."""

    def __init__(self, title: str, rows: list[tuple[Any, ...]]) -> None:
        self.title, self.rows = title, rows
        self.max_row = len(rows)

    def cell(self, row: int, column: int) -> Any:
        """The value at (row, column), 1-based like a spreadsheet; None beyond the data."""
        values = self.rows[row - 1] if row <= len(self.rows) else ()
        return values[column - 1] if column <= len(values) else None


#: What openpyxl, zipfile or the XML parser (defusedxml) raise on a damaged workbook.
_DAMAGED = (InvalidFileException, zipfile.BadZipFile, zlib.error, KeyError, ValueError,
            TypeError, EOFError)


def _open(source: str | Path | IO[bytes]) -> dict[str, _Sheet]:
    label = Path(source).name if isinstance(source, str | Path) else "the workbook"
    if isinstance(source, str | Path):
        if not Path(source).exists():
            raise StorageError(f"{label}: no such file")
        check_workbook(Path(source))
    try:
        book = load_workbook(source, read_only=True, data_only=True)
        try:
            sheets = {}
            for ws in book.worksheets:
                rows = list(ws.iter_rows(max_row=MAX_MODEL_ROWS + 1, values_only=True))
                if len(rows) > MAX_MODEL_ROWS:
                    raise too_many_rows(label, ws.title, MAX_MODEL_ROWS)
                sheets[ws.title] = _Sheet(ws.title, rows)
            return sheets
        finally:
            book.close()
    except ParseError as exc:
        raise InterchangeError(f"{label}: the XML inside the workbook is malformed "
                               f"({excerpt(str(exc))})") from None
    except _DAMAGED:
        raise InterchangeError(f"{label} is not an Excel workbook (.xlsx)") from None
    except OSError as exc:
        raise StorageError(f"{label} cannot be read: {exc.strerror}") from None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        try:
            return dec_str(to_decimal(value))
        except ValueError:  # beyond any figure: shown as it is, refused where a number belongs
            return excerpt(str(value))
    return str(value).strip()


class _Row:
    """One worksheet row being read: cell getters whose errors name sheet, row and column."""

    def __init__(self, ws: _Sheet, row: int, columns: tuple[tuple[str, int], ...]) -> None:
        self.ws, self.row, self.columns = ws, row, [c for c, _ in columns]
        self.values = [ws.cell(row, col) for col in range(1, len(columns) + 1)]

    def fail(self, heading: str, message: str) -> InterchangeError:
        col = self.columns.index(heading) + 1
        return InterchangeError(f"sheet '{self.ws.title}', row {self.row}, column "
                                f"{get_column_letter(col)} ({heading}): {message}")

    def text(self, heading: str, rule: Callable[[str, str], str] = check_text) -> str:
        """The cell's text through a names.py rule (free text unless told: `check_name`)."""
        try:
            return rule(_text(self.values[self.columns.index(heading)]), "the text")
        except ValidationError as exc:
            raise self.fail(heading, str(exc)) from None

    def number(self, heading: str, low: Decimal | None = None,
               high: Decimal | None = None) -> Decimal | None:
        raw = self.values[self.columns.index(heading)]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            value = to_decimal(raw, heading)
        except ValueError as exc:  # not a number at all, or beyond what a figure can be
            raise self.fail(heading, f"'{excerpt(str(raw))}' is not a number"
                            if "must be a number" in str(exc) else str(exc)) from None
        if low is not None and value < low:
            raise self.fail(heading, f"{dec_str(value)} is below the lowest allowed, "
                                     f"{dec_str(low)}")
        if high is not None and value > high:
            raise self.fail(heading, f"{dec_str(value)} is above the highest allowed, "
                                     f"{dec_str(high)}")
        return value

    def choice(self, heading: str, options: tuple[str, ...], default: str,
               applies: bool) -> str:
        value = self.text(heading)
        if value and not applies:
            raise self.fail(heading, "does not apply to this type of criterion; leave it empty")
        if not value:
            return default
        if value not in options:
            raise self.fail(heading, f"'{value}' must be one of {', '.join(options)}")
        return value

    @property
    def empty(self) -> bool:
        return all(_text(v) == "" for v in self.values)


def _check_headings(ws: _Sheet, columns: tuple[tuple[str, int], ...]) -> None:
    for col, (heading, _width) in enumerate(columns, start=1):
        found = _text(ws.cell(HEADER_ROW, col))
        if not found and heading in LATER_COLUMNS:
            continue  # a workbook from before the column existed: read as empty
        if found.lower() != heading.lower():
            raise InterchangeError(
                f"sheet '{ws.title}', row {HEADER_ROW}, column {get_column_letter(col)}: "
                f"expected the heading '{heading}', found '{found}' (columns must stay in "
                "their order)")


def _read_scales(ws: _Sheet) -> list[Scale]:
    _check_headings(ws, SCALE_COLUMNS)
    scales: dict[str, Scale] = {}
    rows_of: dict[str, int] = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        row = _Row(ws, r, SCALE_COLUMNS)
        if row.empty:
            continue
        code = row.text("Scale code")
        if not code:
            raise row.fail("Scale code", "give the scale's code")
        scale = scales.setdefault(code, Scale(code, row.text("Scale name") or code))
        rows_of.setdefault(code, r)
        value = row.number("Value")
        if value is not None:
            scale.levels.append(ScaleLevel(value, row.text("Label"), row.text("Descriptor")))
        else:
            scale.min, scale.max = row.number("Lowest"), row.number("Highest")
            scale.step = row.number("Step")
    for code, scale in scales.items():
        try:
            check_scale(scale)
        except ValidationError as exc:
            raise InterchangeError(f"sheet '{ws.title}', row {rows_of[code]}: {exc}") from None
    return list(scales.values())


def _read_lot(ws: _Sheet, scales: dict[str, Scale]) -> tuple[Lot, dict[str, int]]:
    _check_headings(ws, COLUMNS)
    lot = Lot(_text(ws.cell(1, 2)), _text(ws.cell(1, 3)) or _text(ws.cell(1, 2)))
    try:
        check_name(lot.title, "the lot's title")
    except ValidationError as exc:
        raise InterchangeError(f"sheet '{ws.title}', cell C1: {exc}") from None
    nodes: dict[str, Criterion] = {}
    parents: dict[str, str] = {}
    rows: dict[str, _Row] = {}
    for r in range(HEADER_ROW + 1, ws.max_row + 1):
        row = _Row(ws, r, COLUMNS)
        if row.empty:
            continue
        node = _criterion(row, scales)
        if node.id in nodes:
            raise row.fail("Code", f"the code {node.id} is already used on row "
                                   f"{rows[node.id].row}")
        nodes[node.id], rows[node.id] = node, row
        if row.text("Parent"):
            parents[node.id] = row.text("Parent")
    for code, parent in parents.items():
        row = rows[code]
        if parent not in nodes:
            raise row.fail("Parent", f"there is no criterion {parent} on this sheet")
        if nodes[parent].kind != "group":
            raise row.fail("Parent", f"{parent} is {tree.kind_text(nodes[parent].kind)}; only "
                                     "a group can contain criteria")
        seen, step = {code}, parent
        while step in parents:
            if step in seen or parents[step] == code:
                raise row.fail("Parent", f"{code} ends up inside itself (the parents loop)")
            seen.add(step)
            step = parents[step]
        nodes[parent].children.append(nodes[code])
    lot.criteria = [node for code, node in nodes.items() if code not in parents]
    _check_sums(ws, lot.criteria, None, rows)
    return lot, {code: row.row for code, row in rows.items()}


def _criterion(row: _Row, scales: dict[str, Scale]) -> Criterion:
    code = row.text("Code")
    try:
        tree.check_code(code)
    except ValidationError as exc:
        raise row.fail("Code", str(exc)) from None
    title = row.text("Title", check_name)
    if not title:
        raise row.fail("Title", "give the criterion a title")
    kind = KIND_WORDS.get(row.text("Type").lower(), row.text("Type").lower())
    if kind not in CRITERION_KINDS:
        raise row.fail("Type", f"'{row.text('Type')}' must be one of group, scored, pass/fail, "
                               "price or quantitative")
    weight = row.number("Weight (%)", Decimal(0), Decimal(100))
    if kind == "pass_fail" and weight is not None:
        raise row.fail("Weight (%)", "a pass/fail gateway carries no weight; leave it empty")
    if kind != "pass_fail" and weight is None:
        raise row.fail("Weight (%)", "give a weight (a percentage of its group)")
    scale_id = row.text("Scale") or None
    if (scale_id is None) != (kind != "scored"):
        raise row.fail("Scale", "a scored criterion needs a scale" if kind == "scored"
                       else "only a scored criterion uses a scale; leave it empty")
    scale = scales.get(scale_id or "")
    if scale_id is not None and scale is None:
        raise row.fail("Scale", f"there is no scale '{scale_id}' (see the {SCALES} sheet)")
    minimum = row.number("Minimum", scale.lowest if scale else None,
                         scale.highest if scale else None)
    if minimum is not None and kind != "scored":
        raise row.fail("Minimum", "only a scored criterion has a minimum score")
    return Criterion(
        id=code, title=title, kind=kind, weight=weight, scale=scale_id, minimum=minimum,
        normalise=row.choice("Normalise", NORMALISATIONS.names, "max", kind == "scored"),
        formula=row.choice("Price formula", PRICE_FORMULAS.names, "lowest_over_bid",
                           kind == "price"),
        direction=row.choice("Direction", DIRECTIONS.names, "higher_is_better",
                             kind == "quantitative"),
        theme=row.text("Social value theme", check_name) or None,
        unit=row.text("Unit", check_name),
        question=row.text("Question"), guidance=row.text("Guidance for evaluators"),
        good_answer=row.text("What a good answer shows"),
        minimum_percent=_only(row, "Quality threshold (%)", kind == "group",
                              "a quality threshold is for a group", Decimal(0), Decimal(100)),
        min_value=_only(row, "Lowest figure", kind == "quantitative",
                        "only a quantitative criterion has a lowest figure"),
        max_value=_only(row, "Highest figure", kind == "quantitative",
                        "only a quantitative criterion has a highest figure"))


def _only(row: _Row, heading: str, applies: bool, refusal: str, low: Decimal | None = None,
          high: Decimal | None = None) -> Decimal | None:
    """A number that only some kinds of criterion take: refused, naming the cell, elsewhere."""
    value = row.number(heading, low, high)
    if value is not None and not applies:
        raise row.fail(heading, f"{refusal}; leave it empty")
    return value


def _check_sums(ws: _Sheet, nodes: list[Criterion], parent: Criterion | None,
                rows: dict[str, _Row]) -> None:
    weighted = [n for n in nodes if n.kind != "pass_fail"]
    total = sum((n.weight or Decimal(0) for n in weighted), Decimal(0))
    if weighted and total != 100:
        numbers = ", ".join(str(rows[n.id].row) for n in weighted)
        group = f"group {parent.id} (row {rows[parent.id].row})" if parent else "the top level"
        raise InterchangeError(
            f"sheet '{ws.title}', rows {numbers}, column E (Weight (%)): the weights in {group} "
            f"add up to {dec_str(total)}%, not 100%")
    for node in nodes:
        if node.kind == "group" and not node.children:
            raise rows[node.id].fail("Type", f"group {node.id} has no criteria in it")
        _check_sums(ws, node.children, node, rows)


def import_model(tf: TenderFile, source: str | Path | IO[bytes]) -> ModelWorkbook:
    """Bring a model workbook into the tender in one action: scales added or replaced, each
    lot's model replaced (lots not yet in the tender are created). All or nothing."""
    require_unsealed(tf)
    data = tf.load()
    book = read_model(source, data.scales)
    if is_shared(tf) and len({repr(lot.criteria) for lot in book.lots}) > 1:
        raise InterchangeError("the lots share one model, but the workbook gives them "
                               "different models; stop sharing first")
    existing = lot_ids(tf)
    label = Path(source).name if isinstance(source, str | Path) else "workbook"
    before_bulk_change(tf, "before-import")
    with tf.action(f"Import evaluation model from {label}"):
        for scale in book.scales:
            put_scale(tf, scale)
        for lot in book.lots:
            target = data.lot(lot.id)
            if target is None:
                tf.put("lots", {"id": lot.id, "title": lot.title, "position": len(existing)})
                existing.append(lot.id)
                target = Lot(lot.id, lot.title)
            elif target.title != lot.title:
                tf.update("lots", {"id": lot.id}, title=lot.title)
            try:
                replace_model(tf, lot, target)
            except ValidationError as exc:
                raise InterchangeError(f"sheet '{lot.id}': {exc}") from None
        _final_check(tf.load(), book)
    return book


def _final_check(data: TenderData, book: ModelWorkbook) -> None:
    """The shared model rules over the result, in case a rule is not checked cell by cell."""
    imported = {lot.id for lot in book.lots}
    for problem in errors(data):
        if problem.lot in imported:
            row = book.rows.get((problem.lot, problem.criterion or ""))
            at = f", row {row}" if row else ""
            raise InterchangeError(f"sheet '{problem.lot}'{at}: {problem.message}")
