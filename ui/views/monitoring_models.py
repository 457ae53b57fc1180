"""Qt models of the Monitoring view: the supplier's measures, and one measure's deliveries.

Thin adapters over `MeasureStatus` and `Delivery`: every figure and status is a text the core
made (`amount_text`, `delivered_text`, `status_text`); nothing is added up here. Commitment
cells are edited in place; `setData` hands the typed text to `on_edit(criterion_id, field,
text)`, which pushes an undoable command, and the core checks the input.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from workbench.monitoring import RAG_COLOURS, RULES, Delivery, MeasureStatus, amount_text
from workbench.reports.wording import day

from ui.views.table_base import LEFT, RIGHT, Index, RowsModel

Edit = Callable[[str, str, str], bool]
CRITERION_ROLE = Qt.ItemDataRole.UserRole + 1
RAG_ROLE = Qt.ItemDataRole.UserRole + 2
_GREY = QColor("#616e7c")


class MeasuresModel(RowsModel):
    """One row per social value measure of the lot's supplier."""

    (COL_MEASURE, COL_COMMITTED, COL_UNIT, COL_BASIS, COL_PLANNED, COL_DELIVERED, COL_TARGET,
     COL_SHARE, COL_STATUS, COL_NOTE) = range(10)
    HEADERS = ("Measure", "Committed", "Unit", "Basis", "Periods\nplanned", "Delivered\nto date",
               "Target\nto date", "% of\ncommitment", "Status", "Note")
    TIPS = (
        "The social value measure, from the evaluation model, and its theme",
        "What the supplier promised on this measure (type to change it)",
        "What the figure counts: hours, FTE, £, people…",
        "Contract total or per year: reports add up. In each period: a level to keep up "
        "every period (staff in post), so the latest report counts",
        "How many reporting periods the committed figure covers (4 for a yearly figure "
        "reported quarterly); leave empty to compare with the whole commitment",
        "Reported so far (the latest period, for a level kept up in each period)",
        "What should have been delivered by now; see Status for how it is worked out",
        "Delivered so far as a share of the whole commitment",
        "\n".join(RULES),
        "Anything agreed about how the measure is counted or evidenced",
    )
    #: Column -> the field `on_edit` receives, for the editable columns.
    FIELDS: ClassVar[dict[int, str]] = {
        COL_COMMITTED: "committed", COL_UNIT: "unit", COL_BASIS: "period",
        COL_PLANNED: "periods_planned", COL_NOTE: "note"}

    def __init__(self, on_edit: Edit, parent: Any = None) -> None:
        super().__init__(parent)
        self._on_edit = on_edit
        self._rows: list[MeasureStatus] = []
        self._editable = False

    def set_rows(self, rows: list[MeasureStatus], editable: bool) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._editable = editable
        self.endResetModel()

    def measure_at(self, row: int) -> MeasureStatus:
        return self._rows[row]

    def row_of(self, criterion_id: str) -> int | None:
        return next((i for i, m in enumerate(self._rows) if m.criterion.id == criterion_id),
                    None)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        committed = self._rows[index.row()].commitment is not None
        # Without a commitment only the figure itself can be typed: it creates one.
        if self._editable and index.column() in self.FIELDS and (
                committed or index.column() == self.COL_COMMITTED):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(m, col)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(m, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(m, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col in (self.COL_COMMITTED, self.COL_PLANNED, self.COL_DELIVERED,
                                     self.COL_TARGET, self.COL_SHARE) else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and m.commitment is None \
                and col != self.COL_MEASURE:
            return _GREY
        if role == CRITERION_ROLE:
            return m.criterion.id
        if role == RAG_ROLE:
            return m.rag
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not (
                self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        m, col = self._rows[index.row()], index.column()
        text = "" if value is None else str(value)
        if text.strip() == self._edit_text(m, col):
            return False  # nothing changed: no command, no audit entry
        if not self._on_edit(m.criterion.id, self.FIELDS[col], text):
            return False
        row = index.row()
        if row < len(self._rows):  # the edit may already have reloaded the rows
            changed = self.index(row, col)
            self.dataChanged.emit(changed, changed)
        return True

    def _display(self, m: MeasureStatus, col: int) -> str:
        c = m.commitment
        if col == self.COL_MEASURE:
            return f"{m.criterion.id} {m.criterion.title}"
        if col == self.COL_STATUS:
            return m.status_text
        if c is None:
            return "Not recorded" if col == self.COL_COMMITTED else ""
        if col == self.COL_DELIVERED:
            return m.delivered_text
        if col == self.COL_TARGET:
            return amount_text(m.target, c.unit)
        if col == self.COL_SHARE:
            return "—" if m.percent_of_commitment is None else f"{m.percent_of_commitment}%"
        if col == self.COL_COMMITTED:
            return amount_text(c.committed)
        return self._edit_text(m, col)

    def _edit_text(self, m: MeasureStatus, col: int) -> str:
        c = m.commitment
        if c is None:
            return ""
        return {self.COL_COMMITTED: format(c.committed, "f"), self.COL_UNIT: c.unit,
                self.COL_BASIS: c.period, self.COL_NOTE: c.note,
                self.COL_PLANNED: str(c.periods_planned or "")}.get(col, "")

    def _tooltip(self, m: MeasureStatus, col: int) -> str | None:
        if col == self.COL_MEASURE:
            return f"{m.criterion.id} {m.criterion.title}\nTheme: {m.theme}"
        if col == self.COL_NOTE and m.commitment and m.commitment.note:
            return m.commitment.note
        if col == self.COL_STATUS:
            return m.status_text
        return None


class DeliveriesModel(RowsModel):
    """One row per period reported on a measure, in period order."""

    COL_PERIOD, COL_DELIVERED, COL_EVIDENCE, COL_RECORDED = range(4)
    HEADERS = ("Period", "Delivered", "Evidence seen", "Recorded on")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Delivery] = []
        self._unit = ""

    def set_rows(self, rows: list[Delivery], unit: str) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._unit = unit
        self.endResetModel()

    def delivery_at(self, row: int) -> Delivery:
        return self._rows[row]

    def row_of(self, period: str) -> int | None:
        return next((i for i, d in enumerate(self._rows) if d.period == period), None)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        d, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (d.period, amount_text(d.delivered, self._unit), d.evidence,
                    day(d.recorded_on))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if col == self.COL_DELIVERED else LEFT
        return None


class RagChipDelegate(QStyledItemDelegate):
    """The Status cell as a coloured chip carrying its words ("Amber: behind (87% of
    target)"), so the status reads without colour too."""

    #: Room around the words inside the cell: chip margin plus the chip's own padding.
    PAD_X, PAD_Y = 22, 12

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + self.PAD_X, hint.height() + self.PAD_Y)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:  # selection and focus, without the text
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rag = str(index.data(RAG_ROLE) or "none")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # The chip hugs its words, centred in a row made taller by a long note or title.
        cell = QRectF(opt.rect).adjusted(4, 4, -4, -4)
        flags = int(LEFT | Qt.TextFlag.TextWordWrap)
        words = QRectF(opt.fontMetrics.boundingRect(
            cell.adjusted(8, 0, -6, 0).toRect(), flags, text))
        height = min(cell.height(), words.height() + self.PAD_Y - 4)
        chip = QRectF(cell.left(), cell.center().y() - height / 2, cell.width(), height)
        painter.setPen(QPen(QColor(RAG_COLOURS[rag]).darker(125), 1))
        painter.setBrush(QColor(RAG_COLOURS[rag]))
        painter.drawRoundedRect(chip, 6, 6)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(chip.adjusted(8, 0, -6, 0), flags, text)
        painter.restore()
