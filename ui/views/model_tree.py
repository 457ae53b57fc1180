"""The criteria tree of one lot as a Qt item model, and the editors its cells use.

A thin adapter: it shows domain criteria, the effective weights and points from
`workbench.scoring.weights` and the problems from `workbench.model_rules`. Edits and drops go
to callbacks the Model view sets, which push one undoable command each; the view then calls
`set_rows` again from the document.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
)

from workbench.domain import CRITERION_KINDS, THEMES_OFFERED, Criterion, Lot, TenderData
from workbench.model_rules import Problem
from workbench.numbers import dec_str, fmt_points
from workbench.scoring.weights import effective_percent, points_available, sibling_sum

from ui.views.model_editing import Refusals

(COL_CODE, COL_TITLE, COL_KIND, COL_WEIGHT, COL_SUM, COL_EFFECTIVE, COL_POINTS, COL_SCALE,
 COL_MINIMUM, COL_THEME) = range(10)
HEADERS = ("Code", "Title", "Kind", "Weight\n%", "Group\ntotal %", "Effective\n%", "Points",
           "Scale", "Minimum\nscore", "Social value\ntheme")
#: Starting widths (the title takes what is left); chosen so 1280 pixels show everything.
WIDTHS = {COL_CODE: 108, COL_KIND: 96, COL_WEIGHT: 66, COL_SUM: 70, COL_EFFECTIVE: 80,
          COL_POINTS: 62, COL_SCALE: 104, COL_MINIMUM: 84, COL_THEME: 150}
HEADER_TIPS = (
    "A short code for the criterion, used in packs and reports",
    "The criterion as bidders and evaluators see it",
    "Group (holds other criteria), scored by evaluators, pass/fail gateway, price, or a "
    "quantitative figure",
    "Its share of the group it belongs to (the criteria of a group add up to 100%)",
    "For a group: what the weights of its criteria add up to (should be 100%)",
    "Its share of the whole lot: the weights multiplied down the tree (calculated)",
    "Points available to it out of the tender's total points (calculated)",
    "The scale evaluators score it on",
    "The lowest acceptable score (for a group, the quality threshold: the share of its points "
    "a bid must earn): a bid below it is excluded",
    "The social value theme it counts towards",
)
#: Which criterion field each editable column changes.
FIELD = {COL_CODE: "id", COL_TITLE: "title", COL_KIND: "kind", COL_WEIGHT: "weight",
         COL_SCALE: "scale", COL_MINIMUM: "minimum", COL_THEME: "theme"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 2  # [(value, text)] for a combo box editor
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 3  # True for a number (typed right-aligned)
KIND_TEXT = {"group": "Group", "scored": "Scored", "pass_fail": "Pass/fail", "price": "Price",
             "quantitative": "Quantitative"}
MIME = "application/x-workbench-criterion"
PROBLEM_BACKGROUND = QColor("#ffe3e3")
PROBLEM_TEXT = QColor("#9b1c1c")
WARNING_BACKGROUND = QColor("#fff3c4")
CALCULATED_TEXT = QColor("#334e68")

Commit = Callable[[str, str, object], bool]
Move = Callable[[str, str | None, int | None], None]


class _Node:
    __slots__ = ("children", "criterion", "parent", "row")

    def __init__(self, criterion: Criterion, parent: _Node | None, row: int) -> None:
        self.criterion, self.parent, self.row = criterion, parent, row
        self.children: list[_Node] = []


def _shape(criteria: list[Criterion]) -> tuple:
    return tuple((c.id, _shape(c.children)) for c in criteria)


def _node_shape(nodes: list[_Node]) -> tuple:
    return tuple((n.criterion.id, _node_shape(n.children)) for n in nodes)


class CriteriaModel(QAbstractItemModel):
    """Rows are criteria, nested as in the model; columns are the COL_* constants."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._roots: list[_Node] = []
        self._by_id: dict[str, _Node] = {}
        self._effective: dict[str, Decimal] = {}
        self._points: dict[str, Decimal] = {}
        self._problems: dict[str, list[Problem]] = {}
        self._scales: list[tuple[str, str]] = []
        self._data: TenderData | None = None
        self.editable = False
        #: Set by the view: commit(criterion id, field, value) -> accepted.
        self.commit: Commit | None = None
        #: Set by the view: move(criterion id, new parent id, position).
        self.move: Move | None = None

    # -- filling ---------------------------------------------------------------------------

    def set_rows(self, data: TenderData | None, lot: Lot | None, problems: list[Problem],
                 editable: bool) -> bool:
        """Show `lot`. When its tree has the same criteria in the same places (an edit of a
        field), the rows are updated where they are: the scroll position, the expanded groups
        and the cell being typed in stay. Anything else is a reset: True."""
        roots = lot.criteria if lot else []
        same = _shape(roots) == _node_shape(self._roots)
        if not same:
            self.beginResetModel()
        self._data = data
        self._effective = effective_percent(lot) if lot else {}
        self._points = points_available(lot, data.tender.total_points) if lot and data else {}
        self._problems = {}
        for problem in problems:
            if problem.criterion:
                self._problems.setdefault(problem.criterion, []).append(problem)
        self._scales = [(s.id, s.name) for s in data.scales] if data else []
        self.editable = editable

        def build(nodes: list[Criterion], parent: _Node | None) -> list[_Node]:
            out = []
            for row, criterion in enumerate(nodes):
                node = _Node(criterion, parent, row)
                node.children = build(criterion.children, node)
                self._by_id[criterion.id] = node
                out.append(node)
            return out

        if not same:
            self._by_id = {}
            self._roots = build(roots, None)
            self.endResetModel()
            return True
        self._update(self._roots, roots, QModelIndex())
        return False

    def _update(self, nodes: list[_Node], criteria: list[Criterion],
                parent: QModelIndex) -> None:
        for node, criterion in zip(nodes, criteria, strict=True):
            node.criterion = criterion
            self._update(node.children, criterion.children, self.createIndex(node.row, 0, node))
        if nodes:
            self.dataChanged.emit(self.index(0, 0, parent),
                                  self.index(len(nodes) - 1, len(HEADERS) - 1, parent))

    def index_of(self, criterion_id: str, column: int = COL_CODE) -> QModelIndex:
        node = self._by_id.get(criterion_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(node.row, column, node)

    def criterion(self, index: QModelIndex) -> Criterion | None:
        node = self._node(index)
        return node.criterion if node else None

    def ids(self) -> list[str]:
        return list(self._by_id)

    # -- structure -------------------------------------------------------------------------

    def _node(self, index: QModelIndex | QPersistentModelIndex) -> _Node | None:
        if not index.isValid():
            return None
        node = index.internalPointer()
        return node if isinstance(node, _Node) else None

    def _children(self, parent: QModelIndex | QPersistentModelIndex) -> list[_Node]:
        node = self._node(parent)
        return node.children if node else self._roots

    def index(self, row, column, parent=QModelIndex()) -> QModelIndex:  # noqa: B008
        children = self._children(parent)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if not (0 <= row < len(children) and 0 <= column < len(HEADERS)):
            return QModelIndex()
        return self.createIndex(row, column, children[row])

    def parent(self, index=QModelIndex()):  # noqa: B008
        node = self._node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, 0, node.parent)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    # -- cells -----------------------------------------------------------------------------

    def flags(self, index) -> Qt.ItemFlag:
        node = self._node(index)
        if node is None:
            return Qt.ItemFlag.ItemIsDropEnabled if self.editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return flags
        flags |= Qt.ItemFlag.ItemIsDragEnabled
        c = node.criterion
        if c.kind == "group":
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        column = index.column()
        if column in (COL_CODE, COL_TITLE, COL_KIND, COL_THEME) or (
                column == COL_WEIGHT and c.kind != "pass_fail") or (
                column in (COL_SCALE, COL_MINIMUM) and c.kind == "scored"):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        node = self._node(index)
        if node is None:
            return None
        c, column = node.criterion, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(c, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(c, column)
        if role == ID_ROLE:
            return c.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(c, column)
        if role == Qt.ItemDataRole.DecorationRole and self._marked(c, column):
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.BackgroundRole and self._marked(c, column):
            return QBrush(PROBLEM_BACKGROUND if self._severity(c) == "error"
                          else WARNING_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == COL_SUM and self._sum_wrong(c):
                return QBrush(PROBLEM_TEXT)
            if column in (COL_EFFECTIVE, COL_POINTS):
                return QBrush(CALCULATED_TEXT)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                COL_WEIGHT, COL_SUM, COL_EFFECTIVE, COL_POINTS, COL_MINIMUM):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and c.kind == "group":
            font = QApplication.font()
            font.setBold(True)
            return font
        if role == CHOICES_ROLE:
            return self._choices(column)
        if role == NUMBER_ROLE:
            return column in (COL_WEIGHT, COL_MINIMUM) or None
        return None

    def _display(self, c: Criterion, column: int) -> str:
        if column == COL_CODE:
            return c.id
        if column == COL_TITLE:
            return c.title
        if column == COL_KIND:
            return KIND_TEXT.get(c.kind, c.kind)
        if column == COL_WEIGHT:
            return "—" if c.kind == "pass_fail" else dec_str(c.weight or Decimal(0))
        if column == COL_SUM:
            return f"{dec_str(sibling_sum(c.children))}%" if c.kind == "group" else ""
        if column == COL_EFFECTIVE:
            share = self._effective.get(c.id)
            return "" if share is None else f"{share.quantize(Decimal('0.01'))}"
        if column == COL_POINTS:
            points = self._points.get(c.id)
            if points is None or self._data is None:
                return "—" if c.kind == "pass_fail" else ""
            return fmt_points(points, self._data.tender.rounding)
        if column == COL_SCALE:
            return dict(self._scales).get(c.scale or "", c.scale or "")
        if column == COL_MINIMUM:
            if c.minimum_percent is not None:  # a group's quality threshold
                return f"{dec_str(c.minimum_percent)}%"
            return "" if c.minimum is None else dec_str(c.minimum)
        if column == COL_THEME:
            return c.theme or ""
        return ""

    def _edit_value(self, c: Criterion, column: int) -> object:
        if column == COL_WEIGHT:  # numbers are edited as text: the core reads and checks them
            return "" if c.weight is None else dec_str(c.weight)
        if column == COL_MINIMUM:
            return "" if c.minimum is None else dec_str(c.minimum)
        if column == COL_KIND:
            return c.kind
        if column == COL_SCALE:
            return c.scale or ""
        if column == COL_THEME:
            return c.theme or ""
        return self._display(c, column)

    def _choices(self, column: int) -> list[tuple[str, str]] | None:
        if column == COL_KIND:
            return [(k, KIND_TEXT[k]) for k in CRITERION_KINDS]
        if column == COL_SCALE:
            return list(self._scales)
        if column == COL_THEME:
            return [("", "(none)")] + [(t, t) for t in THEMES_OFFERED]
        return None

    def _sum_wrong(self, c: Criterion) -> bool:
        weighted = [child for child in c.children if child.kind != "pass_fail"]
        return c.kind == "group" and bool(weighted) and sibling_sum(c.children) != 100

    def _severity(self, c: Criterion) -> str:
        found = self._problems.get(c.id, [])
        return "error" if any(p.severity == "error" for p in found) else "warning"

    def _marked(self, c: Criterion, column: int) -> bool:
        if column == COL_SUM:
            return self._sum_wrong(c)
        return column == COL_CODE and c.id in self._problems

    def _tooltip(self, c: Criterion, column: int) -> str:
        if column == COL_SUM and c.kind == "group":
            total = dec_str(sibling_sum(c.children))
            if self._sum_wrong(c):
                return (f"The criteria in {c.title} add up to {total}%, not 100%. The plan "
                        "cannot be sealed until they do: change a weight, or select the group "
                        "and press Normalise to rescale them.")
            return f"The criteria in {c.title} add up to {total}%."
        if column == COL_CODE and c.id in self._problems:
            return "\n".join(p.message[:1].upper() + p.message[1:]
                             for p in self._problems[c.id])
        if column == COL_TITLE:
            return f"{c.title}\n\n{c.question}" if c.question else c.title
        if column == COL_THEME and c.theme:
            return c.theme
        return HEADER_TIPS[column]

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        node = self._node(index)
        field = FIELD.get(index.column())
        if node is None or field is None or role != Qt.ItemDataRole.EditRole:
            return False
        if self.commit is None or not self.editable:
            return False
        if value == self._edit_value(node.criterion, index.column()):
            return True  # nothing to change is not a refusal
        return self.commit(node.criterion.id, field, value)

    # -- drag and drop ---------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        mime = QMimeData()
        node = next((self._node(i) for i in indexes if self._node(i)), None)
        if node is not None:
            mime.setData(MIME, node.criterion.id.encode("utf-8"))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return self._drop_target(data, row, parent) is not None

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        """Hand the drop to the view's move (one undoable command); the view refreshes us, so
        Qt is told nothing moved here (it must not remove the dragged row itself)."""
        target = self._drop_target(data, row, parent)
        if target is not None and self.move is not None:
            self.move(*target)
        return False

    def _drop_target(self, data: QMimeData, row: int,
                     parent) -> tuple[str, str | None, int | None] | None:
        if not self.editable or not data.hasFormat(MIME):
            return None
        moving = self._by_id.get(bytes(data.data(MIME).data()).decode("utf-8"))
        into = self._node(parent)
        if moving is None or (into is not None and into.criterion.kind != "group"):
            return None
        step = into
        while step is not None:  # not into itself or anything under it
            if step is moving:
                return None
            step = step.parent
        position: int | None = None if row < 0 else row
        if position is not None and moving.parent is into and moving.row < position:
            position -= 1  # the dragged row leaves a gap above the drop point
        return moving.criterion.id, (into.criterion.id if into else None), position


class CriteriaDelegate(QStyledItemDelegate):
    """A combo box for choices (kind, scale, theme), a box of text for everything else (a
    number is read and checked by the core, so what was typed reaches it as typed). Keeps the
    last refusal, for the table to leave that editor open (see `model_editing`)."""

    #: Tall enough for a combo box to sit in the row without clipping.
    ROW_HEIGHT = 26

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.refusals = Refusals()

    def sizeHint(self, option, index):
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), self.ROW_HEIGHT))
        return size

    def createEditor(self, parent, option, index):
        choices = index.data(CHOICES_ROLE)
        if choices is not None:
            combo = QComboBox(parent)
            combo.setEditable(index.column() == COL_THEME)  # a local theme may be typed in
            for value, text in choices:
                combo.addItem(text, value)
            return combo
        editor = super().createEditor(parent, option, index)
        if index.data(NUMBER_ROLE) is not None and isinstance(editor, QLineEdit):
            editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        return editor

    def setEditorData(self, editor, index) -> None:
        if isinstance(editor, QComboBox):
            value = index.data(Qt.ItemDataRole.EditRole)
            found = editor.findData(value)
            if found >= 0:
                editor.setCurrentIndex(found)
            else:
                editor.setEditText(value or "")
            return
        if isinstance(editor, QLineEdit) and editor.isModified():
            return  # a refresh never overwrites what the person is typing
        super().setEditorData(editor, index)

    def typed(self, editor) -> object:
        """What the editor holds, as `setModelData` would give it to the model."""
        if isinstance(editor, QComboBox):
            text = editor.currentText()
            value = editor.currentData() if editor.findText(text) >= 0 else text
            return value if value is not None else text
        if isinstance(editor, QLineEdit):
            return editor.text()
        return None

    def setModelData(self, editor, model, index) -> None:
        value = self.typed(editor)
        if value is None:
            super().setModelData(editor, model, index)
            return
        self.refusals.note(editor, index, model.setData(index, value))
